import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { metresPerDegree } from '../../core/geodesy.ts';
import type { Attribution } from '../../core/schemas/attribution.ts';
import { cityPackSchema, packIndexSchema, type CityPackInput, type PackIndex } from '../../core/schemas/city-pack.ts';
import type { CameraState } from '../../core/url-state.ts';
import { createTilePool } from './tile-pool.ts';
import type { PreparedTexture } from './textures.ts';
import { buildTileset, tileOrigin } from '../tileset.ts';
import { buildTileTree, walkTiles, type TilerOptions, type TileNode } from '../tiler.ts';
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

function bboxOf(buildings: readonly BuildingRecord[]): [number, number, number, number] {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const add = (ring: readonly number[], stride: number) => {
    for (let i = 0; i < ring.length; i += stride) {
      w = Math.min(w, ring[i]!);
      e = Math.max(e, ring[i]!);
      s = Math.min(s, ring[i + 1]!);
      n = Math.max(n, ring[i + 1]!);
    }
  };
  for (const b of buildings) {
    for (const p of b.polygons) add(p.outer, 2);
    for (const f of b.surfaces ?? []) for (const ring of f.rings) add(ring, 3);
  }
  const r = (v: number) => Math.round(v * 1e7) / 1e7;
  return [r(w), r(s), r(e), r(n)];
}

/** Writes the pack and returns statistics about it. */
export async function writeCityPack(buildings: readonly BuildingRecord[], options: WritePackOptions): Promise<PackStats> {
  const outDir = resolve(options.outDir);
  await rm(join(outDir, 'tiles'), { recursive: true, force: true });
  await mkdir(join(outDir, 'tiles'), { recursive: true });
  const tree = buildTileTree(buildings, options.tiler);
  const tiles = [...walkTiles(tree)];
  const ids = new Map<TileNode, number>();
  tiles.forEach((t, i) => ids.set(t, i));
  const uriOf = (t: TileNode) => `tiles/${t.level}/${ids.get(t)}.glb`;
  let glbBytes = 0, vertices = 0, triangles = 0, depth = 0, done = 0, buildingsDone = 0;
  const counts: number[] = [];
  const withContent = tiles.filter((t) => t.content.length > 0);
  for (const t of tiles) depth = Math.max(depth, t.level);
  for (const level of new Set(withContent.map((t) => t.level))) await mkdir(join(outDir, 'tiles', String(level)), { recursive: true });
  const pool = createTilePool(options.workers ?? 0);
  try {
    await Promise.all(
      withContent.map(async (t) => {
        const subset = t.content.map((i) => buildings[i]!);
        const keys = new Set<string>();
        for (const b of subset) for (const s of b.surfaces ?? []) if (s.texture !== null) keys.add(s.texture);
        const textures = [...keys].sort().flatMap((k) => (options.textures?.has(k) === true ? [options.textures.get(k)!] : []));
        const r = await pool.run({ id: ids.get(t)!, buildings: subset, origin: tileOrigin(t), compress: options.compress ?? true, textures });
        await writeFile(join(outDir, uriOf(t)), r.glb);
        glbBytes += r.glb.byteLength;
        vertices += r.vertices;
        triangles += r.triangles;
        buildingsDone += subset.length;
        options.onTile?.(++done, withContent.length, buildingsDone, buildings.length);
      }),
    );
  } finally {
    await pool.close();
  }
  for (const t of withContent) counts.push(t.content.length);
  const tileset = buildTileset(tree, uriOf);
  const tilesetJson = JSON.stringify(tileset);
  await writeFile(join(outDir, 'tileset.json'), tilesetJson);

  const layers = options.layers ?? [];
  for (const l of layers) {
    const path = join(outDir, l.file);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, l.bytes);
  }
  const bbox = bboxOf(buildings);
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
    report: { buildings: buildings.length, rejected: options.rejected ?? [], warnings: options.warnings ?? [] },
  };
  const checked = cityPackSchema.parse(manifest);
  await writeFile(join(outDir, 'city.json'), JSON.stringify(checked, null, 2) + '\n');
  await refreshPackIndex(resolve(outDir, '..'));
  return {
    tiles: counts.length,
    features: buildings.length,
    featuresPerTile: {
      min: counts.reduce((a, b) => Math.min(a, b), Infinity),
      max: counts.reduce((a, b) => Math.max(a, b), 0),
      mean: counts.reduce((a, b) => a + b, 0) / counts.length,
    },
    glbBytes,
    tilesetBytes: Buffer.byteLength(tilesetJson),
    vertices,
    triangles,
    depth,
  };
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
