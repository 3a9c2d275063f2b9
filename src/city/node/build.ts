import { open, readdir, readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Attribution } from '../../core/schemas/attribution.ts';
import { readCityGmlFile } from './citygml-reader.ts';
import { readCityJson } from '../cityjson-reader.ts';
import { footprintToRecord, newCounters, type BaseRule, type CleanCounters, type RecordRules } from '../clean.ts';
import { crsInfo, parseCrsName, toWgs84, type ToWgs84 } from '../crs.ts';
import { readFootprintFeature } from '../geojson-reader.ts';
import { readGeoJsonEvents } from './geojson-stream.ts';
import { cityModelCrs, collectCityModel, plural, summaryWarnings, uniqueIds, type Collected } from '../records.ts';
import { writeCityPack, type PackStats } from './pack.ts';
import { silentProgress, type ProgressSink } from '../progress.ts';
import { DEFAULT_TEXTURE_SIZE, prepareTexture, type PreparedTexture } from './textures.ts';
import type { TilerOptions } from '../tiler.ts';
import type { BuildingRecord } from '../types.ts';

/**
 * `npm run city -- build`: open-data buildings (GeoJSON footprints, CityGML LOD2) → a city pack.
 *
 * read (streamed) → reproject (proj4) → clean and validate → records (LOD1 footprints, LOD2
 * surfaces with textures) → quadtree tiles → glb per tile in worker threads → tileset.json,
 * city.json with the build report. Every refused building is in the report with its reason;
 * what cleaning changed is summed in the report's warnings.
 */

export interface BuildAttribution {
  /** What the data is (default: the input file names). */
  title?: string;
  publisher: string;
  licence: string;
  licenceUrl?: string;
  /** Date (or year) of the data. */
  date: string;
  origin?: string;
  status?: Attribution['status'];
}

export interface BuildOptions {
  /** Input files or folders (their .geojson/.json/.gml files, sorted). */
  inputs: string[];
  /** The pack folder; its name is the pack id unless `packId` is given. */
  outDir: string;
  packId?: string;
  name?: string;
  description?: string;
  /** CRS of inputs that do not declare one (`EPSG:n`). */
  crs?: string;
  heightAttribute?: string;
  idAttribute?: string;
  storeyHeightM?: number;
  defaultHeightM?: number;
  maxHeightM?: number;
  base?: BaseRule;
  geoidUndulationM?: number;
  attribution: BuildAttribution;
  /** Value of each building's `source` property (default: the attribution title). */
  sourceName?: string;
  /** Worker threads for tiles (default: the machine's parallelism, none below 5,000 buildings). 0 writes in this thread. */
  workers?: number;
  compress?: boolean;
  textureSizePx?: number;
  /** CityGML appearance theme (default: the file's first). */
  theme?: string;
  tiler?: TilerOptions;
  progress?: ProgressSink;
  /** Whether the data is synthetic (labelled so in the viewer). */
  synthetic?: boolean;
  /** Warnings from an earlier step (e.g. the WFS fetch), put first in the report. */
  notes?: string[];
}

export interface BuildResult {
  packDir: string;
  packId: string;
  buildings: number;
  rejected: { index: number; id: string | null; reason: string; file?: string }[];
  warnings: string[];
  sourceCrs: string;
  stats: PackStats;
  /** Seconds per phase. */
  timings: { readS: number; texturesS: number; tilesS: number; totalS: number };
  workers: number;
}

type Format = 'geojson' | 'citygml' | 'cityjson';

const GEOJSON_EXT = new Set(['.geojson', '.json', '.geojsonl', '.geojsons', '.ndjson']);
const CITYGML_EXT = new Set(['.gml', '.citygml', '.xml']);

function formatOf(path: string): Format | null {
  const ext = extname(path).toLowerCase();
  if (/\.city\.json$/i.test(path)) return 'cityjson';
  if (GEOJSON_EXT.has(ext)) return 'geojson';
  if (CITYGML_EXT.has(ext)) return 'citygml';
  return null;
}

/** A `.json` whose first 4 KiB say `"type": "CityJSON"` is CityJSON, not GeoJSON. */
async function sniff(path: string, format: Format): Promise<Format> {
  if (format !== 'geojson' || extname(path).toLowerCase() !== '.json') return format;
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(buf, 0, 4096, 0);
    return /"type"\s*:\s*"CityJSON"/.test(buf.subarray(0, bytesRead).toString('utf8')) ? 'cityjson' : format;
  } finally {
    await fh.close();
  }
}

/** Expands folders into their input files (sorted) and checks every file's format. */
export async function expandInputs(inputs: readonly string[]): Promise<{ path: string; format: Format }[]> {
  const out: { path: string; format: Format }[] = [];
  for (const input of inputs) {
    let st;
    try {
      st = await stat(input);
    } catch {
      throw new Error(`input ${input} does not exist`);
    }
    if (st.isDirectory()) {
      const names = (await readdir(input)).sort();
      const files = names.filter((n) => formatOf(n) !== null).map((n) => join(input, n));
      if (files.length === 0) throw new Error(`folder ${input} holds no .geojson, .json or .gml file`);
      for (const f of files) out.push({ path: f, format: await sniff(f, formatOf(f)!) });
    } else {
      const format = formatOf(input);
      if (format === null) throw new Error(`${input}: unknown input format (expected .geojson, .json or .gml/.citygml)`);
      out.push({ path: input, format: await sniff(input, format) });
    }
  }
  return out;
}

const PACK_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Below this many buildings, tiles are written in this thread unless `workers` says otherwise. */
export const SMALL_BUILD = 5000;


/** The CRS declared by a GeoJSON `crs` member (null when there is none). */
function declaredGeoJsonCrs(member: unknown, file: string): string | null {
  const name = (member as { properties?: { name?: unknown } } | null)?.properties?.name;
  if (member === null || member === undefined) return null;
  if (typeof name !== 'string') throw new Error(`${file}: the "crs" member has no properties.name`);
  const code = parseCrsName(name);
  if (code === null) throw new Error(`${file}: cannot read the CRS "${name}" of its "crs" member`);
  return crsInfo(code).code;
}

async function readGeoJson(file: string, options: Omit<BuildOptions, 'outDir'>, rules: RecordRules, c: Collected, multi: boolean, progress: ProgressSink): Promise<void> {
  const cliCrs = options.crs !== undefined ? crsInfo(options.crs).code : null;
  const attempt = async (assumed: string, assumedWhy: 'declared' | 'option' | 'rfc7946'): Promise<{ lateCrs: string | null }> => {
    let crs: ToWgs84 = toWgs84(assumed);
    let why = assumedWhy;
    const localRecords: BuildingRecord[] = [];
    const localRejected: BuildResult['rejected'] = [];
    const counters = newCounters();
    let sawFeature = false;
    let lateCrs: string | null = null;
    let firstChecked = false;
    let notLonLat: string | null = null;
    progress.start(`read ${basename(file)}`, 1, 'MB');
    for await (const ev of readGeoJsonEvents(file, (p) => progress.update(p.bytesRead / 1e6, p.totalBytes / 1e6))) {
      if (ev.kind === 'member') {
        if (ev.key !== 'crs') continue;
        const declared = declaredGeoJsonCrs(ev.value, file);
        if (declared === null) continue;
        if (cliCrs !== null && cliCrs !== declared) throw new Error(`${file} declares ${declared} but --crs says ${cliCrs}`);
        if (!sawFeature) {
          crs = toWgs84(declared);
          why = 'declared';
        } else if (declared !== crs.crs.code) lateCrs = declared;
        continue;
      }
      sawFeature = true;
      if (notLonLat !== null) continue; // only looking for a later "crs" member now
      const fileTag = multi ? { file: basename(file) } : {};
      if (ev.kind === 'bad-feature') {
        localRejected.push({ index: ev.index, id: null, reason: ev.reason, ...fileTag });
        continue;
      }
      const fp = readFootprintFeature(ev.value);
      if (!fp.ok) {
        const props = (ev.value as { properties?: unknown } | null)?.properties;
        const id = typeof props === 'object' && props !== null ? (rules.idAttribute !== undefined ? (props as Record<string, unknown>)[rules.idAttribute] : undefined) : undefined;
        localRejected.push({ index: ev.index, id: typeof id === 'string' || typeof id === 'number' ? String(id) : null, reason: fp.reason, ...fileTag });
        continue;
      }
      const r = footprintToRecord(fp.value, crs, rules, counters, multi ? `${basename(file, extname(file))}#${ev.index}` : `#${ev.index}`);
      if (!firstChecked && why === 'rfc7946') {
        firstChecked = true;
        if (!r.ok && /outside the area of use/.test(r.reason)) {
          const p0 = fp.value.polygons[0]?.[0];
          notLonLat = `${file} declares no CRS and its coordinates are not WGS84 longitude/latitude (feature ${ev.index} has x=${p0?.[0]}, y=${p0?.[1]}): pass --crs EPSG:n (e.g. EPSG:2154 for Lambert-93, EPSG:3946 for Lyon's CC46)`;
          continue;
        }
      }
      if (r.ok) {
        localRecords.push(r.record);
        if (!r.idFromSource) c.missingIds++;
      } else localRejected.push({ index: ev.index, id: r.id, reason: r.reason, ...fileTag });
    }
    progress.end();
    if (lateCrs !== null) return { lateCrs };
    if (notLonLat !== null) throw new Error(notLonLat);
    // Loops, not push(...xs): hundreds of thousands of arguments overflow the stack.
    for (const r of localRecords) c.records.push(r);
    for (const r of localRejected) c.rejected.push(r);
    for (const k of Object.keys(counters) as (keyof CleanCounters)[]) c.counters[k] += counters[k];
    c.crsUsed.add(crs.crs.code);
    if (why === 'rfc7946') c.warnings.push(`${basename(file)} declares no CRS: read as WGS84 longitude/latitude (RFC 7946)`);
    return { lateCrs: null };
  };
  const first = await attempt(cliCrs ?? 'EPSG:4326', cliCrs !== null ? 'option' : 'rfc7946');
  if (first.lateCrs !== null) {
    // The crs member came after the features: read again with it.
    const second = await attempt(first.lateCrs, 'declared');
    if (second.lateCrs !== null) throw new Error(`${file}: its "crs" member changes between readings`);
  }
}

async function readCityGml(file: string, options: Omit<BuildOptions, 'outDir'>, rules: RecordRules, c: Collected, multi: boolean, progress: ProgressSink): Promise<void> {
  progress.start(`read ${basename(file)}`, 1, 'MB');
  const res = await readCityGmlFile(file, {
    ...(options.theme !== undefined ? { theme: options.theme } : {}),
    onProgress: (done, total) => progress.update(done / 1e6, total / 1e6),
  });
  progress.end();
  const code = cityModelCrs(res.srsName, options.crs, file);
  for (const note of res.notes) c.warnings.push(`${basename(file)}: ${note}`);
  if (res.themes.length > 1) c.warnings.push(`${basename(file)}: textures from appearance theme "${res.theme}" (themes: ${res.themes.join(', ')})`);
  // GML follows the EPSG axis order: latitude first in geographic CRSs.
  collectCityModel(res.buildings, code, true, rules, c, (i) => (multi ? `${basename(file, extname(file))}#${i}` : `#${i}`), multi ? basename(file) : undefined);
}

async function readCityJsonFile(file: string, options: Omit<BuildOptions, 'outDir'>, rules: RecordRules, c: Collected, multi: boolean): Promise<void> {
  let res;
  try {
    res = readCityJson(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const code = cityModelCrs(res.srsName, options.crs, file, { given: '--crs says', missing: 'declares no CRS (no metadata.referenceSystem): pass --crs EPSG:n' });
  for (const note of res.notes) c.warnings.push(`${basename(file)}: ${note}`);
  collectCityModel(res.buildings, code, false, rules, c, (i) => (multi ? `${basename(file, extname(file))}#${i}` : `#${i}`), multi ? basename(file) : undefined);
}

export { uniqueIds };

/** What reading, reprojecting and cleaning the inputs gave, before textures and tiles. */
export interface ReadBuildingsResult {
  records: BuildingRecord[];
  rejected: BuildResult['rejected'];
  warnings: string[];
  sourceCrs: string;
  files: { path: string; format: Format }[];
  /** Attribution title (given, or the input file names). */
  title: string;
}

/**
 * Reads, reprojects and cleans the inputs into building records (ids made unique), with the
 * report's rejections and warnings. Throws with a clear message when nothing can be built.
 */
export async function readBuildings(options: Omit<BuildOptions, 'outDir'>): Promise<ReadBuildingsResult> {
  const progress = options.progress ?? silentProgress;
  const files = await expandInputs(options.inputs);
  const multi = files.length > 1;
  const title = options.attribution.title ?? files.map((f) => basename(f.path)).join(', ').slice(0, 200);
  const rules: RecordRules = {
    ...(options.heightAttribute !== undefined ? { heightAttribute: options.heightAttribute } : {}),
    ...(options.idAttribute !== undefined ? { idAttribute: options.idAttribute } : {}),
    ...(options.storeyHeightM !== undefined ? { storeyHeightM: options.storeyHeightM } : {}),
    ...(options.defaultHeightM !== undefined ? { defaultHeightM: options.defaultHeightM } : {}),
    ...(options.maxHeightM !== undefined ? { maxHeightM: options.maxHeightM } : {}),
    base: options.base ?? 'ellipsoid',
    geoidUndulationM: options.geoidUndulationM ?? 0,
    source: (options.sourceName ?? title).slice(0, 200),
  };
  const c: Collected = { records: [], rejected: [], warnings: [], counters: newCounters(), crsUsed: new Set(), missingIds: 0 };
  for (const f of files) {
    if (f.format === 'geojson') await readGeoJson(f.path, options, rules, c, multi, progress);
    else if (f.format === 'cityjson') await readCityJsonFile(f.path, options, rules, c, multi);
    else await readCityGml(f.path, options, rules, c, multi, progress);
  }
  if (c.records.length === 0) {
    const first = c.rejected.slice(0, 3).map((r) => `#${r.index}: ${r.reason}`).join('; ');
    throw new Error(`no building could be built from ${files.map((f) => f.path).join(', ')}${c.rejected.length > 0 ? ` (${plural(c.rejected.length, 'record')} rejected; ${first})` : ' (no features)'}`);
  }
  // Report: what was flagged or changed, summed.
  const warnings = [...(options.notes ?? []), ...c.warnings, ...summaryWarnings(c, rules)];
  return { records: c.records, rejected: c.rejected, warnings, sourceCrs: [...c.crsUsed].join(', '), files, title };
}

/** Builds a pack from the inputs. Throws with a clear message when nothing can be built. */
export async function buildCity(options: BuildOptions): Promise<BuildResult> {
  const t0 = performance.now();
  const progress = options.progress ?? silentProgress;
  const outDir = resolve(options.outDir);
  const packId = options.packId ?? basename(outDir);
  if (!PACK_ID.test(packId)) throw new Error(`the pack id "${packId}" (the --out folder's name) must be lower-case letters, digits and "-"`);
  const read = await readBuildings(options);
  const { warnings, files, title, sourceCrs } = read;
  const c = { records: read.records, rejected: read.rejected };
  const tRead = performance.now();

  // Textures.
  const textureKeys = new Set<string>();
  for (const r of c.records) for (const s of r.surfaces ?? []) if (s.texture !== null) textureKeys.add(s.texture);
  const textures = new Map<string, PreparedTexture>();
  const keys = [...textureKeys].sort();
  if (keys.length > 0) progress.start('textures', keys.length, 'images');
  for (const [i, key] of keys.entries()) {
    try {
      const t = await prepareTexture(key, options.textureSizePx ?? DEFAULT_TEXTURE_SIZE);
      textures.set(key, t);
      if (t.action !== 'kept') warnings.push(`texture ${basename(key)} ${t.action} (${t.sourceWidth}×${t.sourceHeight} → ${t.width}×${t.height}, ${t.mimeType})`);
    } catch (e) {
      warnings.push(`${e instanceof Error ? e.message : String(e)}: its surfaces are drawn untextured`);
    }
    progress.update(i + 1);
  }
  for (const r of c.records) for (const s of r.surfaces ?? []) if (s.texture !== null && !textures.has(s.texture)) {
    s.texture = null;
    s.uvs = null;
  }
  if (keys.length > 0) progress.end();
  const tTex = performance.now();

  // Worker threads take about half a second each to start: below a few thousand buildings
  // writing in this thread is faster.
  const workers = Math.max(0, options.workers ?? (c.records.length < SMALL_BUILD ? 0 : availableParallelism()));
  const attribution: Attribution = {
    title,
    publisher: options.attribution.publisher,
    licence: options.attribution.licence,
    ...(options.attribution.licenceUrl !== undefined ? { licenceUrl: options.attribution.licenceUrl } : {}),
    date: options.attribution.date,
    status: options.attribution.status ?? (options.synthetic === true ? 'synthetic' : 'recorded'),
    origin: options.attribution.origin ?? files.map((f) => basename(f.path)).join(', ').slice(0, 500),
  };
  progress.start('tiles', c.records.length, 'buildings');
  const stats = await writeCityPack(c.records, {
    outDir,
    id: packId,
    name: options.name ?? title,
    ...(options.description !== undefined ? { description: options.description } : {}),
    synthetic: options.synthetic ?? false,
    sourceCrs,
    sources: [attribution],
    rejected: c.rejected,
    warnings,
    compress: options.compress ?? true,
    workers,
    textures,
    ...(options.tiler !== undefined ? { tiler: options.tiler } : {}),
    onTile: (done, total, bDone) => progress.update(bDone, undefined, `${done}/${total} tiles`),
  });
  progress.end(`${stats.tiles} tiles`);
  const tEnd = performance.now();
  return {
    packDir: outDir,
    packId,
    buildings: c.records.length,
    rejected: c.rejected,
    warnings,
    sourceCrs,
    stats,
    timings: { readS: (tRead - t0) / 1000, texturesS: (tTex - tRead) / 1000, tilesS: (tEnd - tTex) / 1000, totalS: (tEnd - t0) / 1000 },
    workers,
  };
}
