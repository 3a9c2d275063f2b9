import { open, readdir, readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Attribution } from '../../core/schemas/attribution.ts';
import { readCityGmlFile } from './citygml-reader.ts';
import type { CityGmlBuilding } from '../citygml-sax.ts';
import { readCityJson } from '../cityjson-reader.ts';
import { footprintToRecord, newCounters, type BaseRule, type CleanCounters, type RecordRules } from '../clean.ts';
import { crsInfo, distanceKm, parseCrsName, suspiciousCrs, toWgs84, type ToWgs84 } from '../crs.ts';
import { readFootprintFeature } from '../geojson-reader.ts';
import { readGeoJsonEvents } from './geojson-stream.ts';
import { cityModelCrs, collectCityModel, plural, summaryWarnings, UniqueIdTally, uniqueIds, type Collected } from '../records.ts';
import { writeCityPack, type PackStats, type Partition } from './pack.ts';
import { SpillStore } from './spill.ts';
import { describePostgis, openPostgis, type PostgisSource } from './postgis.ts';
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
  /** A PostGIS table read before the files (`--from postgresql://… --table schema.table`). */
  postgis?: PostgisSource;
  /** CRS of inputs that do not declare one (`EPSG:n`). */
  crs?: string;
  /**
   * Accept `crs` even when it puts the data where its numbers look like another CRS's, or
   * hundreds of kilometres from the inputs that declare theirs (default false: an error).
   */
  forceCrs?: boolean;
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
  /** Worker threads for tiles (default: `defaultWorkers`: none on fewer than 4 cores or below 5,000 buildings). 0 writes in this thread. */
  workers?: number;
  compress?: boolean;
  textureSizePx?: number;
  /** CityGML appearance theme (default: the file's first). */
  theme?: string;
  tiler?: TilerOptions;
  progress?: ProgressSink;
  /** Whether the data is synthetic (labelled so in the viewer). */
  synthetic?: boolean;
  /**
   * Build only part k of n of the tiles (`--partition k/n`); `city -- merge` assembles the parts.
   * Every part reads all the inputs (the index is small) and writes the same tileset.json and
   * city.json; a part re-run keeps its tiles whose inputs did not change.
   */
  partition?: Partition;
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

/** An input read with `--crs` farther than this from every input declaring its CRS is refused. */
export const FAR_FROM_OTHER_INPUTS_KM = 300;

/** Below this many buildings, tiles are written in this thread unless `workers` says otherwise. */
export const SMALL_BUILD = 5000;

/**
 * Worker threads used when `--workers` is not given: none below SMALL_BUILD buildings (a worker
 * takes about half a second to start) or on fewer than 4 cores, else one per core but the one
 * this thread needs to read, clean and hand out jobs. Measured on 2 cores: 2 workers made the
 * 50k synthetic build 1.6× slower than none, since the main thread's reading, the copying of
 * jobs to the workers and the workers all share the same two cores.
 */
export function defaultWorkers(buildings: number, cores: number): number {
  return buildings < SMALL_BUILD || cores < 4 ? 0 : cores - 1;
}


/** The CRS declared by a GeoJSON `crs` member (null when there is none). */
function declaredGeoJsonCrs(member: unknown, file: string): string | null {
  const name = (member as { properties?: { name?: unknown } } | null)?.properties?.name;
  if (member === null || member === undefined) return null;
  if (typeof name !== 'string') throw new Error(`${file}: the "crs" member has no properties.name`);
  const code = parseCrsName(name);
  if (code === null) throw new Error(`${file}: cannot read the CRS "${name}" of its "crs" member`);
  return crsInfo(code).code;
}

async function readGeoJson(file: string, options: Omit<BuildOptions, 'outDir'>, rules: RecordRules, c: Collected, multi: boolean, progress: ProgressSink, sink: RecordSink): Promise<boolean> {
  const cliCrs = options.crs !== undefined ? crsInfo(options.crs).code : null;
  const attempt = async (assumed: string, assumedWhy: 'declared' | 'option' | 'rfc7946'): Promise<{ lateCrs: string | null; fromOption: boolean }> => {
    let crs: ToWgs84 = toWgs84(assumed);
    let why = assumedWhy;
    let missingIds = 0;
    sink.begin();
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
      if (!firstChecked && why === 'option') {
        firstChecked = true;
        const p0 = fp.value.polygons[0]?.[0];
        const msg = options.forceCrs !== true && p0 !== undefined && p0.length >= 2 ? suspiciousCrs(crs.crs.code, p0[0]!, p0[1]!, file) : null;
        if (msg !== null) throw new Error(msg);
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
        sink.add(r.record);
        if (!r.idFromSource) missingIds++;
      } else localRejected.push({ index: ev.index, id: r.id, reason: r.reason, ...fileTag });
    }
    progress.end();
    if (lateCrs !== null) {
      sink.rollback();
      return { lateCrs, fromOption: false };
    }
    if (notLonLat !== null) throw new Error(notLonLat);
    c.missingIds += missingIds;
    // Loops, not push(...xs): hundreds of thousands of arguments overflow the stack.
    for (const r of localRejected) c.rejected.push(r);
    for (const k of Object.keys(counters) as (keyof CleanCounters)[]) c.counters[k] += counters[k];
    c.crsUsed.add(crs.crs.code);
    if (why === 'rfc7946') c.warnings.push(`${basename(file)} declares no CRS: read as WGS84 longitude/latitude (RFC 7946)`);
    return { lateCrs: null, fromOption: why === 'option' };
  };
  const first = await attempt(cliCrs ?? 'EPSG:4326', cliCrs !== null ? 'option' : 'rfc7946');
  if (first.lateCrs !== null) {
    // The crs member came after the features: read again with it.
    const second = await attempt(first.lateCrs, 'declared');
    if (second.lateCrs !== null) throw new Error(`${file}: its "crs" member changes between readings`);
    return false;
  }
  return first.fromOption;
}

/**
 * Reads a PostGIS table as GeoJSON features (postgis.ts): the same cleaning, heights, ids and
 * rejections as a file. Its CRS is the geometry column's SRID, or `--crs` when the SRID is 0.
 * Returns whether the CRS came from `--crs`.
 */
async function readPostgis(src: PostgisSource, options: Omit<BuildOptions, 'outDir'>, rules: RecordRules, c: Collected, multi: boolean, progress: ProgressSink, sink: RecordSink): Promise<boolean> {
  const where = describePostgis(src);
  const table = await openPostgis(src);
  try {
    const cliCrs = options.crs !== undefined ? crsInfo(options.crs).code : null;
    const declared = table.crs !== null ? crsInfo(table.crs).code : null;
    if (declared !== null && cliCrs !== null && declared !== cliCrs) throw new Error(`${where}: its geometry column "${table.geometry}" is in ${declared} but --crs says ${cliCrs}`);
    const code = declared ?? cliCrs;
    if (code === null) throw new Error(`${where}: its geometry column "${table.geometry}" has SRID 0: pass --crs EPSG:n`);
    const crs = toWgs84(code);
    const counters = newCounters();
    const tag = multi ? { file: src.table } : {};
    let first = true;
    sink.begin();
    progress.start(`read ${src.table}`, table.count, 'rows');
    for await (const row of table.rows()) {
      progress.update(row.index + 1);
      const fp = readFootprintFeature(row.value);
      if (!fp.ok) {
        const props = (row.value as { properties?: Record<string, unknown> }).properties ?? {};
        const id = rules.idAttribute !== undefined ? props[rules.idAttribute] : undefined;
        c.rejected.push({ index: row.index, id: typeof id === 'string' || typeof id === 'number' ? String(id) : null, reason: fp.reason, ...tag });
        continue;
      }
      if (first && declared === null && options.forceCrs !== true) {
        const p0 = fp.value.polygons[0]?.[0];
        const msg = p0 !== undefined && p0.length >= 2 ? suspiciousCrs(code, p0[0]!, p0[1]!, where) : null;
        if (msg !== null) throw new Error(msg);
      }
      first = false;
      const r = footprintToRecord(fp.value, crs, rules, counters, multi ? `${src.table}#${row.index}` : `#${row.index}`);
      if (r.ok) {
        sink.add(r.record);
        if (!r.idFromSource) c.missingIds++;
      } else c.rejected.push({ index: row.index, id: r.id, reason: r.reason, ...tag });
    }
    progress.end();
    for (const k of Object.keys(counters) as (keyof CleanCounters)[]) c.counters[k] += counters[k];
    c.crsUsed.add(code);
    return declared === null;
  } finally {
    await table.close();
  }
}

/** Where readers put the records they accept (ids made unique on the way). */
interface RecordSink {
  add(r: BuildingRecord): void;
  /** Starts a file that may be read again (see `rollback`). */
  begin(): void;
  /** Forgets the records added since `begin()`. */
  rollback(): void;
}

/** Moves what a city-model reader collected into the sink. */
function drain(c: Collected, sink: RecordSink): void {
  for (const r of c.records) sink.add(r);
  c.records.length = 0;
}

/** Refuses `--crs` on a city model without srsName when its numbers look like another CRS's. */
function checkGivenCrs(res: { srsName: string | null; buildings: readonly CityGmlBuilding[] }, code: string, options: Omit<BuildOptions, 'outDir'>, file: string): boolean {
  if (res.srsName !== null || options.crs === undefined) return false;
  const ring = res.buildings[0]?.source.surfaces[0]?.rings[0];
  const msg = options.forceCrs !== true && ring !== undefined && ring.length >= 2 ? suspiciousCrs(code, ring[0]!, ring[1]!, file) : null;
  if (msg !== null) throw new Error(msg);
  return true;
}

async function readCityGml(file: string, options: Omit<BuildOptions, 'outDir'>, rules: RecordRules, c: Collected, multi: boolean, progress: ProgressSink, sink: RecordSink): Promise<boolean> {
  progress.start(`read ${basename(file)}`, 1, 'MB');
  const res = await readCityGmlFile(file, {
    ...(options.theme !== undefined ? { theme: options.theme } : {}),
    onProgress: (done, total) => progress.update(done / 1e6, total / 1e6),
  });
  progress.end();
  const code = cityModelCrs(res.srsName, options.crs, file);
  const fromOption = checkGivenCrs(res, code, options, file);
  for (const note of res.notes) c.warnings.push(`${basename(file)}: ${note}`);
  if (res.themes.length > 1) c.warnings.push(`${basename(file)}: textures from appearance theme "${res.theme}" (themes: ${res.themes.join(', ')})`);
  // GML follows the EPSG axis order: latitude first in geographic CRSs.
  collectCityModel(res.buildings, code, true, rules, c, (i) => (multi ? `${basename(file, extname(file))}#${i}` : `#${i}`), multi ? basename(file) : undefined);
  drain(c, sink);
  return fromOption;
}

async function readCityJsonFile(file: string, options: Omit<BuildOptions, 'outDir'>, rules: RecordRules, c: Collected, multi: boolean, sink: RecordSink): Promise<boolean> {
  let res;
  try {
    res = readCityJson(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const code = cityModelCrs(res.srsName, options.crs, file, { given: '--crs says', missing: 'declares no CRS (no metadata.referenceSystem): pass --crs EPSG:n' });
  const fromOption = checkGivenCrs(res, code, options, file);
  for (const note of res.notes) c.warnings.push(`${basename(file)}: ${note}`);
  collectCityModel(res.buildings, code, false, rules, c, (i) => (multi ? `${basename(file, extname(file))}#${i}` : `#${i}`), multi ? basename(file) : undefined);
  drain(c, sink);
  return fromOption;
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
  const records: BuildingRecord[] = [];
  let mark = 0;
  const r = await readBuildingsInto(options, { add: (b) => records.push(b), mark: () => (mark = records.length), rollback: () => (records.length = mark) });
  return { ...r, records };
}

/** Where `readBuildingsInto` puts records: an array, or a `SpillStore`. */
interface RecordTarget {
  add(r: BuildingRecord): void;
  mark(): void;
  rollback(): void;
}

/** `readBuildings` without keeping the records: they go to `target` as they are read. */
async function readBuildingsInto(options: Omit<BuildOptions, 'outDir'>, target: RecordTarget): Promise<Omit<ReadBuildingsResult, 'records'> & { count: number }> {
  const progress = options.progress ?? silentProgress;
  const pgSource = options.postgis;
  if (options.inputs.length === 0 && pgSource === undefined) throw new Error('no input: give files or folders, or --from postgresql://… --table schema.table');
  const files = await expandInputs(options.inputs);
  const multi = files.length + (pgSource !== undefined ? 1 : 0) > 1;
  const names = [...(pgSource !== undefined ? [pgSource.table] : []), ...files.map((f) => basename(f.path))];
  const title = options.attribution.title ?? names.join(', ').slice(0, 200);
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
  const ids = new UniqueIdTally();
  let count = 0, countMark = 0;
  const sink: RecordSink = {
    add(r) {
      ids.add(r);
      target.add(r);
      count++;
    },
    begin() {
      ids.begin();
      target.mark();
      countMark = count;
    },
    rollback() {
      ids.rollback();
      target.rollback();
      count = countMark;
    },
  };
  const places: { file: string; lon: number; lat: number; fromOption: boolean }[] = [];
  if (pgSource !== undefined) {
    let first: BuildingRecord | undefined;
    const fromOption = await readPostgis(pgSource, options, rules, c, multi, progress, { ...sink, add: (r) => {
      first ??= r;
      sink.add(r);
    } });
    const p = first?.polygons[0]?.outer;
    if (p !== undefined && p.length >= 2) places.push({ file: pgSource.table, lon: p[0]!, lat: p[1]!, fromOption });
  }
  for (const f of files) {
    let first: BuildingRecord | undefined;
    const fileSink: RecordSink = { ...sink, add: (r) => {
      first ??= r;
      sink.add(r);
    } };
    let fromOption: boolean;
    if (f.format === 'geojson') fromOption = await readGeoJson(f.path, options, rules, c, multi, progress, fileSink);
    else if (f.format === 'cityjson') fromOption = await readCityJsonFile(f.path, options, rules, c, multi, fileSink);
    else fromOption = await readCityGml(f.path, options, rules, c, multi, progress, fileSink);
    if (first !== undefined) {
      const p = first.surfaces?.[0]?.rings[0] ?? first.polygons[0]?.outer;
      if (p !== undefined && p.length >= 2) places.push({ file: f.path, lon: p[0]!, lat: p[1]!, fromOption });
    }
  }
  // An input read with --crs far from every input that declares its CRS is in the wrong place.
  const declared = places.filter((p) => !p.fromOption);
  if (options.forceCrs !== true && declared.length > 0) {
    for (const p of places.filter((q) => q.fromOption)) {
      const nearest = Math.min(...declared.map((d) => distanceKm(p.lon, p.lat, d.lon, d.lat)));
      if (nearest > FAR_FROM_OTHER_INPUTS_KM) throw new Error(`${p.file}: --crs ${options.crs} puts it at lon ${p.lon.toFixed(4)}, lat ${p.lat.toFixed(4)}, ${Math.round(nearest)} km from the inputs that declare their CRS: check --crs, or pass --force-crs if it is right`);
    }
  }
  if (count === 0) {
    const first = c.rejected.slice(0, 3).map((r) => `#${r.index}: ${r.reason}`).join('; ');
    throw new Error(`no building could be built from ${[...(pgSource !== undefined ? [describePostgis(pgSource)] : []), ...files.map((f) => f.path)].join(', ')}${c.rejected.length > 0 ? ` (${plural(c.rejected.length, 'record')} rejected; ${first})` : ' (no features)'}`);
  }
  // Report: what was flagged or changed, summed.
  const warnings = [...(options.notes ?? []), ...c.warnings, ...summaryWarnings(c, rules, { bySource: ids.bySource, duplicates: ids.duplicates })];
  return { count, rejected: c.rejected, warnings, sourceCrs: [...c.crsUsed].join(', '), files, title };
}

/** Builds a pack from the inputs. Throws with a clear message when nothing can be built. */
export async function buildCity(options: BuildOptions): Promise<BuildResult> {
  const t0 = performance.now();
  const progress = options.progress ?? silentProgress;
  const outDir = resolve(options.outDir);
  const packId = options.packId ?? basename(outDir);
  if (!PACK_ID.test(packId)) throw new Error(`the pack id "${packId}" (the --out folder's name) must be lower-case letters, digits and "-"`);
  // Records go to a temporary file as they are read; only the tiling index stays in memory.
  const store = new SpillStore();
  let storeMark: ReturnType<SpillStore['mark']> | undefined;
  try {
    const textureKeys = new Set<string>();
    const read = await readBuildingsInto(options, {
      add: (r) => {
        store.add(r);
        for (const s of r.surfaces ?? []) if (s.texture !== null) textureKeys.add(s.texture);
      },
      mark: () => (storeMark = store.mark()),
      rollback: () => store.rollback(storeMark!),
    });
    const { warnings, files, title, sourceCrs } = read;
    const c = { count: read.count, rejected: read.rejected };
    const tRead = performance.now();

    // Textures.
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
    // Surfaces whose texture could not be prepared are drawn untextured.
    store.onRead = (r) => {
      for (const s of r.surfaces ?? []) if (s.texture !== null && !textures.has(s.texture)) {
        s.texture = null;
        s.uvs = null;
      }
    };
    if (keys.length > 0) progress.end();
    const tTex = performance.now();

    const workers = Math.max(0, options.workers ?? defaultWorkers(c.count, availableParallelism()));
    const attribution: Attribution = {
      title,
      publisher: options.attribution.publisher,
      licence: options.attribution.licence,
      ...(options.attribution.licenceUrl !== undefined ? { licenceUrl: options.attribution.licenceUrl } : {}),
      date: options.attribution.date,
      status: options.attribution.status ?? (options.synthetic === true ? 'synthetic' : 'recorded'),
      origin: options.attribution.origin ?? [...(options.postgis !== undefined ? [describePostgis(options.postgis)] : []), ...files.map((f) => basename(f.path))].join(', ').slice(0, 500),
    };
    progress.start('tiles', c.count, 'buildings');
    const stats = await writeCityPack(store, {
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
      ...(options.partition !== undefined ? { partition: options.partition } : {}),
      onTile: (done, total, bDone) => progress.update(bDone, undefined, `${done}/${total} tiles`),
    });
    progress.end(`${stats.tiles} tiles`);
    const tEnd = performance.now();
    return {
      packDir: outDir,
      packId,
      buildings: c.count,
      rejected: c.rejected,
      warnings,
      sourceCrs,
      stats,
      timings: { readS: (tRead - t0) / 1000, texturesS: (tTex - tRead) / 1000, tilesS: (tEnd - tTex) / 1000, totalS: (tEnd - t0) / 1000 },
      workers,
    };
  } finally {
    store.close();
  }
}
