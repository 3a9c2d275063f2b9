import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { metresPerDegree } from '../../core/geodesy.ts';
import type { Attribution } from '../../core/schemas/attribution.ts';
import { cityPackSchema, packIndexSchema, type CityPackInput, type PackIndex } from '../../core/schemas/city-pack.ts';
import type { CameraState } from '../../core/url-state.ts';
import { createTilePool } from './tile-pool.ts';
import type { PreparedTexture } from './textures.ts';
import { buildTileset, tileOrigin } from '../tileset.ts';
import { buildingSchemaJson } from '../metadata.ts';
import type { TileJob } from '../tile-job.ts';
import { buildTileTreeFromSummaries, walkTiles, type TilerOptions, type TileNode } from '../tiler.ts';
import { memoryStore, type BuildingStore } from './spill.ts';
import type { BuildingRecord } from '../types.ts';

/**
 * Writes a city pack: `tileset.json`, `tiles/*.glb`, `city.json`; then refreshes the packs
 * folder's `index.json`. Deterministic: the same buildings and options give the same bytes.
 */

export interface PackLayerFile {
  id: string;
  title: string;
  /** Path inside the pack. */
  file: string;
  format: 'geojson' | 'csv' | 'gtfs';
  layer?: string;
  attribution: Attribution;
  /** File content to write. */
  bytes: Uint8Array | string;
}

export interface WritePackOptions {
  outDir: string;
  id: string;
  name: string;
  description?: string;
  synthetic: boolean;
  sourceCrs: string;
  /** First entry describes the buildings. */
  sources: Attribution[];
  home?: CameraState;
  rejected?: { index: number; id: string | null; reason: string; file?: string }[];
  warnings?: string[];
  layers?: PackLayerFile[];
  compress?: boolean;
  tiler?: TilerOptions;
  /** Worker threads writing tiles (default 0: in this thread). The bytes do not depend on it. */
  workers?: number;
  /** Textures of LOD2 surfaces, by key. */
  textures?: ReadonlyMap<string, PreparedTexture>;
  /** Write only part k of n of the tiles (plus tileset.json, city.json and part.json); see `mergeParts`. */
  partition?: Partition;
  /** Called after each tile is written, with tiles and buildings done so far. */
  onTile?: (done: number, total: number, buildingsDone: number, buildingsTotal: number) => void;
}

export interface PackStats {
  tiles: number;
  features: number;
  featuresPerTile: { min: number; max: number; mean: number };
  glbBytes: number;
  tilesetBytes: number;
  vertices: number;
  triangles: number;
  depth: number;
  /** Tiles of a part kept from its previous run (their inputs had not changed). */
  reusedTiles: number;
}

/** The part of a partitioned build written by this process (`--partition k/n`). */
export interface Partition {
  /** k, from 1. */
  index: number;
  /** n. */
  count: number;
}

/** One tile of a part: its file, the hash of what it was made from, and its size. */
interface PartTile {
  uri: string;
  key: string;
  bytes: number;
  vertices: number;
  triangles: number;
}

/** `part.json`: what a part wrote, for `merge` and for the part's next run. */
export interface PartManifest {
  format: 'jumeau-city-part';
  version: 1;
  part: number;
  of: number;
  /** sha256 of tileset.json: every part of one build has the same. */
  tileset: string;
  /** Tiles with content in the whole pack. */
  tilesTotal: number;
  tiles: PartTile[];
}

/** The file a part writes beside its tiles. */
export const PART_MANIFEST = 'part.json';

/** Bumped when the glb writer changes what it writes, so that parts do not reuse old tiles. */
const WRITER_VERSION = 'jumeau-glb-2';

function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The hash of everything a tile's bytes depend on. */
function jobKey(job: TileJob): string {
  const h = createHash('sha256').update(WRITER_VERSION);
  h.update(JSON.stringify({ origin: job.origin, compress: job.compress, schema: job.schema ?? null }));
  for (const b of job.buildings) h.update(JSON.stringify(b));
  for (const t of job.textures) h.update(`${t.key}\0${t.mimeType}\0${t.width}x${t.height}\0`).update(t.bytes);
  return h.digest('hex');
}

/** Reads a part's manifest. */
export async function readPartManifest(dir: string): Promise<PartManifest> {
  const m = JSON.parse(await readFile(join(dir, PART_MANIFEST), 'utf8')) as PartManifest;
  if (m.format !== 'jumeau-city-part' || m.version !== 1 || !Array.isArray(m.tiles)) throw new Error(`${join(dir, PART_MANIFEST)} is not a part manifest`);
  return m;
}

/**
 * `city -- merge`: assembles the parts of a partitioned build into one pack with the same bytes
 * as one run. Every part must come from the same build (same tileset.json, same city.json) and
 * parts 1…n must all be there.
 */
export async function mergeParts(partDirs: readonly string[], outDir: string): Promise<{ tiles: number; glbBytes: number }> {
  if (partDirs.length === 0) throw new Error('merge needs the folders of the parts');
  const parts = await Promise.all(partDirs.map(async (d) => ({ dir: resolve(d), m: await readPartManifest(resolve(d)).catch((e: unknown) => { throw new Error(`${d}: not a part of a partitioned build (${e instanceof Error ? e.message : String(e)})`); }) })));
  const n = parts[0]!.m.of;
  const seen = new Map<number, string>();
  for (const p of parts) {
    if (p.m.of !== n) throw new Error(`${p.dir} is part ${p.m.part}/${p.m.of}, ${parts[0]!.dir} is part of ${n}`);
    if (p.m.tileset !== parts[0]!.m.tileset) throw new Error(`${p.dir} comes from another build than ${parts[0]!.dir} (their tileset.json differ)`);
    if (seen.has(p.m.part)) throw new Error(`part ${p.m.part}/${n} is given twice (${seen.get(p.m.part)}, ${p.dir})`);
    seen.set(p.m.part, p.dir);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((k) => !seen.has(k));
  if (missing.length > 0) throw new Error(`parts ${missing.map((k) => `${k}/${n}`).join(', ')} are missing`);
  const cityJson = await readFile(join(parts[0]!.dir, 'city.json'), 'utf8');
  for (const p of parts) if ((await readFile(join(p.dir, 'city.json'), 'utf8')) !== cityJson) throw new Error(`${p.dir}/city.json differs from ${parts[0]!.dir}'s: the parts come from different builds`);
  const out = resolve(outDir);
  await rm(join(out, 'tiles'), { recursive: true, force: true });
  let tiles = 0, glbBytes = 0;
  for (const p of parts.sort((a, b) => a.m.part - b.m.part)) {
    for (const t of p.m.tiles) {
      const bytes = await readFile(join(p.dir, t.uri));
      if (bytes.byteLength !== t.bytes) throw new Error(`${join(p.dir, t.uri)} has ${bytes.byteLength} bytes, its part says ${t.bytes}`);
      await mkdir(join(out, t.uri, '..'), { recursive: true });
      await writeFile(join(out, t.uri), bytes);
      tiles++;
      glbBytes += t.bytes;
    }
  }
  if (tiles !== parts[0]!.m.tilesTotal) throw new Error(`the parts hold ${tiles} tiles, the tileset ${parts[0]!.m.tilesTotal}`);
  await writeFile(join(out, 'tileset.json'), await readFile(join(parts[0]!.dir, 'tileset.json')));
  // Layer files and city.json are the same in every part.
  const city = cityPackSchema.parse(JSON.parse(cityJson));
  for (const l of city.layers) {
    await mkdir(join(out, l.file, '..'), { recursive: true });
    await writeFile(join(out, l.file), await readFile(join(parts[0]!.dir, l.file)));
  }
  await writeFile(join(out, 'city.json'), cityJson);
  await refreshPackIndex(resolve(out, '..'));
  return { tiles, glbBytes };
}

/** A camera looking north over a bbox, far enough back to see all of it. */
export function homeForBbox([w, s, e, n]: readonly [number, number, number, number]): CameraState {
  const m = metresPerDegree((s + n) / 2);
  const sizeM = Math.max((e - w) * m.lonM, (n - s) * m.latM, 200);
  const pitchDeg = -35;
  const distance = sizeM * 0.9;
  const heightM = distance * Math.sin((-pitchDeg * Math.PI) / 180);
  const backM = distance * Math.cos((-pitchDeg * Math.PI) / 180);
  return {
    lonDeg: (w + e) / 2,
    latDeg: (s + n) / 2 - backM / m.latM,
    heightM: Math.round(heightM),
    headingDeg: 0,
    pitchDeg,
    rollDeg: 0,
  };
}

/**
 * Writes the pack and returns statistics about it. The buildings are an array, or a store
 * (`spill.ts`) from which each tile reads its own: then only the tiling index and the tiles in
 * flight are in memory.
 */
export async function writeCityPack(input: readonly BuildingRecord[] | BuildingStore, options: WritePackOptions): Promise<PackStats> {
  const store: BuildingStore = Array.isArray(input) ? memoryStore(input as readonly BuildingRecord[]) : (input as BuildingStore);
  const outDir = resolve(options.outDir);
  const part = options.partition;
  if (part !== undefined && !(Number.isInteger(part.index) && Number.isInteger(part.count) && part.index >= 1 && part.index <= part.count)) throw new Error(`partition ${part.index}/${part.count}: expected k/n with 1 ≤ k ≤ n`);
  // A part keeps the tiles of its previous run, to reuse those whose inputs did not change.
  const previous = part !== undefined ? await readPartManifest(outDir).catch(() => null) : null;
  if (part === undefined) await rm(join(outDir, 'tiles'), { recursive: true, force: true });
  await rm(join(outDir, PART_MANIFEST), { force: true });
  await mkdir(join(outDir, 'tiles'), { recursive: true });
  if (store.count === 0) throw new Error('no buildings to tile');
  const tree = buildTileTreeFromSummaries(store.summaries(), options.tiler);
  const tiles = [...walkTiles(tree)];
  const ids = new Map<TileNode, number>();
  tiles.forEach((t, i) => ids.set(t, i));
  const uriOf = (t: TileNode) => `tiles/${t.level}/${ids.get(t)}.glb`;
  let glbBytes = 0, vertices = 0, triangles = 0, depth = 0, done = 0, buildingsDone = 0;
  const counts: number[] = [];
  const allWithContent = tiles.filter((t) => t.content.length > 0);
  // Part k of n writes the k-th of n consecutive runs of tiles (neighbours in the tiling order).
  const withContent = part === undefined ? allWithContent : allWithContent.slice(Math.floor(((part.index - 1) * allWithContent.length) / part.count), Math.floor((part.index * allWithContent.length) / part.count));
  const reusable = new Map((previous?.tiles ?? []).map((e) => [e.uri, e]));
  const manifestTiles: PartTile[] = [];
  let reused = 0;
  for (const t of tiles) depth = Math.max(depth, t.level);
  for (const level of new Set(withContent.map((t) => t.level))) await mkdir(join(outDir, 'tiles', String(level)), { recursive: true });
  const defaultSource = store.defaultSource();
  const schemaOptions = { compact: true, ...(defaultSource !== undefined ? { defaultSource } : {}) };
  const pool = createTilePool(options.workers ?? 0);
  try {
    // Tiles in flight at once: enough to keep the workers busy, few enough to bound memory.
    await forEachLimited(withContent, Math.max(1, 2 * pool.size), async (t) => {
        const subset = await store.read(t.content);
        const keys = new Set<string>();
        for (const b of subset) for (const s of b.surfaces ?? []) if (s.texture !== null) keys.add(s.texture);
        const textures = [...keys].sort().flatMap((k) => (options.textures?.has(k) === true ? [options.textures.get(k)!] : []));
        const job = { id: ids.get(t)!, buildings: subset, origin: tileOrigin(t), compress: options.compress ?? true, textures, schema: schemaOptions };
        const uri = uriOf(t);
        let entry: PartTile;
        const key = part !== undefined ? jobKey(job) : '';
        const old = reusable.get(uri);
        if (old !== undefined && old.key === key && (await stat(join(outDir, uri)).then((st) => st.size === old.bytes, () => false))) {
          entry = old;
          reused++;
        } else {
          const r = await pool.run(job);
          await writeFile(join(outDir, uri), r.glb);
          entry = { uri, key, bytes: r.glb.byteLength, vertices: r.vertices, triangles: r.triangles };
        }
        manifestTiles.push(entry);
        glbBytes += entry.bytes;
        vertices += entry.vertices;
        triangles += entry.triangles;
        buildingsDone += subset.length;
        options.onTile?.(++done, withContent.length, buildingsDone, store.count);
    });
  } finally {
    await pool.close();
  }
  for (const t of withContent) counts.push(t.content.length);
  const tileset = buildTileset(tree, uriOf, buildingSchemaJson(schemaOptions));
  const tilesetJson = JSON.stringify(tileset);
  await writeFile(join(outDir, 'tileset.json'), tilesetJson);
  if (part !== undefined) {
    // Tiles of an earlier run that this part no longer writes are removed.
    const keep = new Set(manifestTiles.map((e) => e.uri));
    for (const e of await readdir(join(outDir, 'tiles'), { withFileTypes: true, recursive: true })) {
      if (!e.isFile()) continue;
      const uri = relative(outDir, join(e.parentPath, e.name)).split(sep).join('/');
      if (!keep.has(uri)) await rm(join(outDir, uri), { force: true });
    }
    manifestTiles.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
    const manifest: PartManifest = { format: 'jumeau-city-part', version: 1, part: part.index, of: part.count, tileset: sha256(tilesetJson), tilesTotal: allWithContent.length, tiles: manifestTiles };
    await writeFile(join(outDir, PART_MANIFEST), JSON.stringify(manifest) + '\n');
  }

  const layers = options.layers ?? [];
  for (const l of layers) {
    const path = join(outDir, l.file);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, l.bytes);
  }
  const bbox = store.bbox();
  const manifest: CityPackInput = {
    format: 'jumeau-city-pack',
    version: 1,
    id: options.id,
    name: options.name,
    ...(options.description !== undefined ? { description: options.description } : {}),
    synthetic: options.synthetic,
    bbox,
    home: options.home ?? homeForBbox(bbox),
    sourceCrs: options.sourceCrs,
    tileset: 'tileset.json',
    heightProperty: 'heightM',
    idProperty: 'id',
    sources: options.sources,
    layers: layers.map(({ bytes: _bytes, ...l }) => l),
    report: { buildings: store.count, rejected: options.rejected ?? [], warnings: options.warnings ?? [] },
  };
  const checked = cityPackSchema.parse(manifest);
  await writeFile(join(outDir, 'city.json'), JSON.stringify(checked, null, 2) + '\n');
  await refreshPackIndex(resolve(outDir, '..'));
  return {
    tiles: counts.length,
    features: store.count,
    featuresPerTile: {
      min: counts.reduce((a, b) => Math.min(a, b), Infinity),
      max: counts.reduce((a, b) => Math.max(a, b), 0),
      mean: counts.reduce((a, b) => a + b, 0) / counts.length,
    },
    glbBytes,
    tilesetBytes: Buffer.byteLength(tilesetJson),
    reusedTiles: reused,
    vertices,
    triangles,
    depth,
  };
}

/** Runs `fn` on every item, at most `limit` at a time; fails with the first error. */
async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** Rewrites `<packsDir>/index.json` from the valid packs found in the folder. */
export async function refreshPackIndex(packsDir: string): Promise<PackIndex> {
  const entries = await readdir(packsDir, { withFileTypes: true }).catch(() => []);
  const packs: PackIndex['packs'] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!e.isDirectory()) continue;
    try {
      const raw = JSON.parse(await readFile(join(packsDir, e.name, 'city.json'), 'utf8')) as unknown;
      const pack = cityPackSchema.parse(raw);
      if (pack.id !== e.name) continue;
      packs.push({ id: pack.id, name: pack.name, synthetic: pack.synthetic });
    } catch {
      // Not a pack, or an invalid one: left out of the index.
    }
  }
  const index = packIndexSchema.parse({ format: 'jumeau-pack-index', version: 1, packs });
  await writeFile(join(packsDir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  return index;
}

/** Default packs folder: `$JUMEAU_PACKS_DIR`, else `packs/` in the project. */
export function packsDir(): string {
  return resolve(process.env.JUMEAU_PACKS_DIR ?? join(import.meta.dirname, '..', '..', '..', 'packs'));
}
