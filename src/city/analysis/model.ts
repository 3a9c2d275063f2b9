import { BufferAttribute, BufferGeometry } from 'three';
import { MeshBVH, SAH } from 'three-mesh-bvh';
import { enuFrame, geodeticToEcef, type EnuFrame } from '../../core/geodesy.ts';
import type { CityGeometry } from './geometry.ts';
import type { CityArrays } from './scenario.ts';
import { decodeContent, TileError, type DecodedContent } from '../tiles/content.ts';
import { rootCentre, selectContents, tilesetSchema, type SelectedContent, type Sphere, type TilesetJson } from '../tiles/tileset.ts';

/**
 * The city as the simulations see it: the buildings of the tiles a study needs, moved into one
 * east-north-up frame (at the centre of the tileset's root, height 0), as a three.js
 * BufferGeometry with a three-mesh-bvh BVH. The BVH is handed to kernels in its serialised form
 * (typed arrays), so kernels never touch three.js.
 */

/** Reads bytes from a URL (fetch in a worker, the file system in the CLI). */
export type FetchBytes = (url: string, signal?: AbortSignal) => Promise<ArrayBuffer>;

export interface CityModel {
  /** The frame every coordinate is in. */
  frame: { lonDeg: number; latDeg: number; heightM: number };
  /** The buildings before any scenario edit (no BVH). */
  arrays: CityArrays;
  tiles: number;
  notes: string[];
}

/** Limits against huge or hostile tilesets. */
const MAX_TILES = 4000;
const MAX_EXTERNAL_DEPTH = 4;

export interface LoadProgress {
  done: number;
  total: number;
}

/** The model frame of a tileset (loads tileset.json only). */
export async function tilesetFrame(tilesetUrl: string, fetchBytes: FetchBytes, signal?: AbortSignal): Promise<{ tileset: TilesetJson; frame: EnuFrame }> {
  const tileset = await readTileset(tilesetUrl, fetchBytes, signal);
  const c = rootCentre(tileset);
  return { tileset, frame: enuFrame({ lonDeg: c.lonDeg, latDeg: c.latDeg, heightM: 0 }) };
}

async function readTileset(url: string, fetchBytes: FetchBytes, signal?: AbortSignal): Promise<TilesetJson> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(await fetchBytes(url, signal)));
  } catch (e) {
    if (signal?.aborted === true) throw e;
    throw new TileError(url, `tileset cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = tilesetSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TileError(url, `not a 3D Tiles tileset: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim());
  }
  return parsed.data;
}

/** The contents a study sphere needs, external tilesets followed. */
export async function listContents(tilesetUrl: string, tileset: TilesetJson, study: Sphere, fetchBytes: FetchBytes, signal?: AbortSignal): Promise<SelectedContent[]> {
  const out: SelectedContent[] = [];
  const walk = async (ts: TilesetJson, base: string, transform: Float64Array | undefined, depth: number) => {
    const { contents, external } = selectContents(ts, base, study, transform);
    out.push(...contents);
    if (out.length > MAX_TILES) throw new TileError(tilesetUrl, `more than ${MAX_TILES} tiles meet the study area`);
    for (const ext of external) {
      if (depth >= MAX_EXTERNAL_DEPTH) throw new TileError(ext.url, `external tilesets nested deeper than ${MAX_EXTERNAL_DEPTH}`);
      await walk(await readTileset(ext.url, fetchBytes, signal), ext.url, ext.transform, depth + 1);
    }
  };
  await walk(tileset, tilesetUrl, undefined, 0);
  return out;
}

/** Loads and decodes contents (a few at a time), in the order given. */
export async function loadContents(list: SelectedContent[], fetchBytes: FetchBytes, idProperties: readonly string[], onProgress?: (p: LoadProgress) => void, signal?: AbortSignal): Promise<DecodedContent[]> {
  const out: DecodedContent[] = new Array<DecodedContent>(list.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      const sel = list[i]!;
      let bytes: ArrayBuffer;
      try {
        bytes = await fetchBytes(sel.url, signal);
      } catch (e) {
        if (signal?.aborted === true) throw e;
        throw new TileError(sel.url, e instanceof Error ? e.message : String(e));
      }
      out[i] = await decodeContent(bytes, sel, idProperties);
      done++;
      onProgress?.({ done, total: list.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, list.length) }, worker));
  return out;
}

/** Moves decoded contents into the frame and numbers buildings by id (first seen first). */
export function assemble(contents: readonly DecodedContent[], frame: EnuFrame): CityArrays {
  let nv = 0, ni = 0;
  for (const c of contents) {
    nv += c.positions.length / 3;
    ni += c.indices.length;
  }
  const positions = new Float32Array(nv * 3);
  const index = new Uint32Array(ni);
  const vertexBuilding = new Uint32Array(nv);
  const buildingIds: string[] = [];
  const slot = new Map<string, number>();
  let v0 = 0, i0 = 0;
  for (const c of contents) {
    const local = c.ids.map((id) => {
      let s = slot.get(id);
      if (s === undefined) {
        s = buildingIds.length;
        buildingIds.push(id);
        slot.set(id, s);
      }
      return s;
    });
    const n = c.positions.length / 3;
    for (let v = 0; v < n; v++) {
      const [e, nn, u] = frame.fromEcef(c.positions[3 * v]!, c.positions[3 * v + 1]!, c.positions[3 * v + 2]!);
      positions[3 * (v0 + v)] = e;
      positions[3 * (v0 + v) + 1] = nn;
      positions[3 * (v0 + v) + 2] = u;
      vertexBuilding[v0 + v] = local[c.vertexFeature[v]!]!;
    }
    for (let k = 0; k < c.indices.length; k++) index[i0 + k] = v0 + c.indices[k]!;
    v0 += n;
    i0 += c.indices.length;
  }
  return { positions, index, vertexBuilding, buildingIds };
}

/** The study sphere in ECEF: the area's centre and half-diagonal plus the reach of rays. */
export function studySphere(bboxDeg: readonly [number, number, number, number], reachM: number): Sphere {
  const [w, s, e, n] = bboxDeg;
  const center = geodeticToEcef((w + e) / 2, (s + n) / 2, 0);
  const corner = geodeticToEcef(w, s, 0);
  const half = Math.hypot(corner[0] - center[0], corner[1] - center[1], corner[2] - center[2]);
  return { center, radius: half + reachM };
}

/** Loads the buildings a study needs. */
export async function loadCityModel(
  tilesetUrl: string,
  bboxDeg: readonly [number, number, number, number],
  reachM: number,
  fetchBytes: FetchBytes,
  opts: { idProperties?: readonly string[]; onProgress?: (p: LoadProgress) => void; signal?: AbortSignal } = {},
): Promise<CityModel & { key: string }> {
  const { tileset, frame } = await tilesetFrame(tilesetUrl, fetchBytes, opts.signal);
  const list = await listContents(tilesetUrl, tileset, studySphere(bboxDeg, reachM), fetchBytes, opts.signal);
  const contents = await loadContents(list, fetchBytes, opts.idProperties ?? ['id', 'ID', 'gml_id', 'cleabs', 'identifiant'], opts.onProgress, opts.signal);
  const arrays = assemble(contents, frame);
  return {
    frame: { ...frame.origin },
    arrays,
    tiles: list.length,
    notes: contents.flatMap((c) => (c.note !== undefined ? [c.note] : [])),
    key: `${tilesetUrl}|${list.map((c) => c.url).join(',')}`,
  };
}

/**
 * Builds the BVH (three-mesh-bvh, surface-area heuristic) over city arrays and returns the
 * geometry kernels trace against. The triangle index is reordered by the build.
 */
export function buildTraceGeometry(arrays: CityArrays): CityGeometry {
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new BufferAttribute(arrays.positions, 3));
  geometry.setIndex(new BufferAttribute(arrays.index.slice(), 1));
  if (arrays.index.length === 0) {
    return { positions: arrays.positions, index: new Uint32Array(0), roots: [], vertexBuilding: arrays.vertexBuilding, buildingIds: arrays.buildingIds };
  }
  const bvh = new MeshBVH(geometry, { strategy: SAH, targetLeafSize: 8 } as ConstructorParameters<typeof MeshBVH>[1]);
  const s = MeshBVH.serialize(bvh, { cloneBuffers: false });
  if ((s as { version?: number }).version !== 1) throw new Error(`unexpected three-mesh-bvh serialisation version ${String((s as { version?: number }).version)}`);
  const index = s.index instanceof Uint32Array ? s.index : Uint32Array.from(s.index as ArrayLike<number>);
  return { positions: arrays.positions, index, roots: s.roots as ArrayBuffer[], vertexBuilding: arrays.vertexBuilding, buildingIds: arrays.buildingIds };
}
