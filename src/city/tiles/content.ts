import { parse } from '@loaders.gl/core';
import { GLTFLoader } from '@loaders.gl/gltf';
import { transformPoint, type SelectedContent } from './tileset.ts';
import { multiplyMat4, type Mat4 } from '../../core/geodesy.ts';

/**
 * Tile content → triangles in ECEF with a building id per triangle, through loaders.gl's glTF
 * loader (glb, EXT_meshopt_compression, KHR_mesh_quantization, EXT_mesh_features,
 * EXT_structural_metadata). b3dm (3D Tiles 1.0) is unwrapped to its glb, with RTC_CENTER and
 * the batch table's ids. Other content types (points, instances) hold no buildings and are
 * skipped with a note.
 */

export interface DecodedContent {
  /** ECEF xyz per vertex (float64: precision matters before the move to the local frame). */
  positions: Float64Array;
  /** Three vertex indices per triangle. */
  indices: Uint32Array;
  /** Building id of every vertex, as an index into `ids`. */
  vertexFeature: Uint32Array;
  ids: string[];
  note?: string;
}

/** A readable failure naming the tile. */
export class TileError extends Error {
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`${shortUrl(url)}: ${reason}`);
    this.name = 'TileError';
  }
}

function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'file:' ? u.pathname : `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

const Y_UP_TO_Z_UP: Mat4 = Float64Array.from([1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1]);

function magic(bytes: Uint8Array): string {
  return String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0, bytes[2] ?? 0, bytes[3] ?? 0);
}

/** b3dm → its glb, RTC centre and batch-table ids. */
function unwrapB3dm(buf: ArrayBuffer, url: string): { glb: ArrayBuffer; rtc: [number, number, number] | null; batchIds: string[] | null } {
  if (buf.byteLength < 28) throw new TileError(url, 'b3dm header is truncated');
  const dv = new DataView(buf);
  const byteLength = dv.getUint32(8, true);
  const ftJson = dv.getUint32(12, true), ftBin = dv.getUint32(16, true), btJson = dv.getUint32(20, true), btBin = dv.getUint32(24, true);
  const glbStart = 28 + ftJson + ftBin + btJson + btBin;
  if (byteLength > buf.byteLength || glbStart > byteLength) throw new TileError(url, 'b3dm lengths exceed the file');
  const text = (start: number, len: number) => new TextDecoder().decode(new Uint8Array(buf, start, len));
  let rtc: [number, number, number] | null = null;
  let batchIds: string[] | null = null;
  try {
    if (ftJson > 0) {
      const ft = JSON.parse(text(28, ftJson)) as { RTC_CENTER?: number[] };
      if (Array.isArray(ft.RTC_CENTER) && ft.RTC_CENTER.length === 3) rtc = ft.RTC_CENTER as [number, number, number];
    }
    if (btJson > 0) {
      const bt = JSON.parse(text(28 + ftJson + ftBin, btJson)) as Record<string, unknown>;
      for (const key of ['id', 'ID', 'gml_id', 'cleabs', 'identifiant']) {
        const v = bt[key];
        if (Array.isArray(v)) {
          batchIds = v.map((x) => String(x));
          break;
        }
      }
    }
  } catch (e) {
    throw new TileError(url, `b3dm tables are not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return { glb: buf.slice(glbStart, byteLength), rtc, batchIds };
}

interface Accessor {
  value: ArrayLike<number>;
  componentType: number;
  normalized?: boolean;
  count: number;
  components?: number;
}

/** Float value of a (possibly normalised integer) accessor component. */
function dequantizer(a: Accessor): (v: number) => number {
  if (a.normalized !== true) return (v) => v;
  switch (a.componentType) {
    case 5120:
      return (v) => Math.max(v / 127, -1);
    case 5121:
      return (v) => v / 255;
    case 5122:
      return (v) => Math.max(v / 32767, -1);
    case 5123:
      return (v) => v / 65535;
    default:
      return (v) => v;
  }
}

interface GltfNode {
  matrix?: number[];
  translation?: number[];
  rotation?: number[];
  scale?: number[];
  mesh?: number;
  children?: number[];
}

interface GltfPrimitive {
  mode?: number;
  attributes: Record<string, number | undefined>;
  indices?: number;
  extensions?: { EXT_mesh_features?: { featureIds?: { attribute?: number; propertyTable?: number }[] } };
}

/** glTF as loaders.gl's GLTFLoader returns it before post-processing (meshopt already decoded into the buffers). */
interface RawGltf {
  json: {
    scene?: number;
    scenes?: { nodes?: number[] }[];
    nodes?: GltfNode[];
    meshes?: { primitives: GltfPrimitive[] }[];
    accessors?: { bufferView?: number; byteOffset?: number; componentType: number; count: number; type: string; normalized?: boolean }[];
    bufferViews?: { buffer: number; byteOffset?: number; byteLength: number; byteStride?: number }[];
    extensions?: { EXT_structural_metadata?: { propertyTables?: PropertyTables } };
  };
  buffers: { arrayBuffer: ArrayBuffer; byteOffset?: number; byteLength: number }[];
}

const COMPONENTS: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4 };
const ARRAY_TYPES: Record<number, Int8ArrayConstructor | Uint8ArrayConstructor | Int16ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor | Float32ArrayConstructor> = {
  5120: Int8Array,
  5121: Uint8Array,
  5122: Int16Array,
  5123: Uint16Array,
  5125: Uint32Array,
  5126: Float32Array,
};

/** An accessor's values as a dense typed array (strided buffer views copied element by element). */
function readAccessor(g: RawGltf, index: number, url: string): Accessor {
  const a = g.json.accessors?.[index];
  if (a === undefined) throw new TileError(url, `accessor ${index} does not exist`);
  const T = ARRAY_TYPES[a.componentType];
  const comps = COMPONENTS[a.type];
  if (T === undefined || comps === undefined) throw new TileError(url, `accessor ${index} has an unsupported type ${a.type}/${a.componentType}`);
  const n = a.count * comps;
  if (a.bufferView === undefined) return { value: new T(n), componentType: a.componentType, normalized: a.normalized === true, count: a.count, components: comps };
  const bv = g.json.bufferViews?.[a.bufferView];
  const buf = bv !== undefined ? g.buffers[bv.buffer] : undefined;
  if (bv === undefined || buf === undefined) throw new TileError(url, `accessor ${index} points to a missing buffer view`);
  const size = T.BYTES_PER_ELEMENT;
  const elem = comps * size;
  const stride = bv.byteStride ?? elem;
  const start = (buf.byteOffset ?? 0) + (bv.byteOffset ?? 0) + (a.byteOffset ?? 0);
  const need = a.count > 0 ? (a.count - 1) * stride + elem : 0;
  if ((a.byteOffset ?? 0) + need > bv.byteLength || start + need > buf.arrayBuffer.byteLength) throw new TileError(url, `accessor ${index} overruns its buffer`);
  let value: InstanceType<typeof T>;
  if (stride === elem && start % size === 0) value = new T(buf.arrayBuffer, start, n).slice();
  else if (stride % size === 0 && start % size === 0) {
    const src = new T(buf.arrayBuffer, start, (need + size - 1) / size | 0);
    value = new T(n);
    const step = stride / size;
    for (let i = 0; i < a.count; i++) for (let c = 0; c < comps; c++) value[i * comps + c] = src[i * step + c]!;
  } else {
    const bytes = new Uint8Array(buf.arrayBuffer, start, need);
    const out = new Uint8Array(n * size);
    for (let i = 0; i < a.count; i++) out.set(bytes.subarray(i * stride, i * stride + elem), i * elem);
    value = new T(out.buffer);
  }
  return { value, componentType: a.componentType, normalized: a.normalized === true, count: a.count, components: comps };
}

function localMatrix(n: GltfNode): Mat4 {
  if (n.matrix !== undefined && n.matrix.length === 16) return Float64Array.from(n.matrix);
  const [tx, ty, tz] = n.translation ?? [0, 0, 0];
  const [qx, qy, qz, qw] = n.rotation ?? [0, 0, 0, 1];
  const [sx, sy, sz] = n.scale ?? [1, 1, 1];
  const x = qx!, y = qy!, z = qz!, w = qw!;
  return Float64Array.from([
    (1 - 2 * (y * y + z * z)) * sx!, 2 * (x * y + z * w) * sx!, 2 * (x * z - y * w) * sx!, 0,
    2 * (x * y - z * w) * sy!, (1 - 2 * (x * x + z * z)) * sy!, 2 * (y * z + x * w) * sy!, 0,
    2 * (x * z + y * w) * sz!, 2 * (y * z - x * w) * sz!, (1 - 2 * (x * x + y * y)) * sz!, 0,
    tx!, ty!, tz!, 1,
  ]);
}

/** Property tables of EXT_structural_metadata as loaders.gl decodes them. */
type PropertyTables = { properties?: Record<string, { data?: unknown }> }[];

function idsFromTable(tables: PropertyTables | undefined, table: number | undefined, idProperties: readonly string[]): string[] | null {
  if (tables === undefined || table === undefined) return null;
  const props = tables[table]?.properties;
  if (props === undefined) return null;
  for (const key of idProperties) {
    const data = props[key]?.data;
    if (Array.isArray(data) || ArrayBuffer.isView(data)) return Array.from(data as ArrayLike<unknown>, (v) => String(v));
  }
  return null;
}

/**
 * Decodes one tile content into ECEF triangles. `idProperties` are the metadata properties that
 * may hold a building id, tried in order; without one, ids are `<tile>#<feature>`.
 */
export async function decodeContent(buf: ArrayBuffer, sel: SelectedContent, idProperties: readonly string[]): Promise<DecodedContent> {
  const url = sel.url;
  const head = new Uint8Array(buf, 0, Math.min(4, buf.byteLength));
  const kind = magic(head);
  let glb = buf;
  let rtc: [number, number, number] | null = null;
  let batchIds: string[] | null = null;
  if (kind === 'b3dm') ({ glb, rtc, batchIds } = unwrapB3dm(buf, url));
  else if (kind === 'pnts' || kind === 'i3dm' || kind === 'cmpt') {
    return { positions: new Float64Array(0), indices: new Uint32Array(0), vertexFeature: new Uint32Array(0), ids: [], note: `${shortUrl(url)}: ${kind} content holds no buildings; skipped` };
  } else if (kind !== 'glTF' && head[0] !== 0x7b /* '{' glTF JSON */) {
    throw new TileError(url, `not a glTF or b3dm tile (starts with ${JSON.stringify(kind)})`);
  }
  let gltf: RawGltf;
  try {
    // Geometry only: no images, and no texture-format probes (they need Image, absent in workers).
    const noTextures = { EXT_texture_avif: false, EXT_texture_webp: false, KHR_texture_basisu: false, KHR_texture_transform: false };
    gltf = (await parse(glb, GLTFLoader, { gltf: { loadImages: false, decompressMeshes: true, excludeExtensions: noTextures }, worker: false } as never)) as RawGltf;
  } catch (e) {
    throw new TileError(url, `cannot be read as glTF (${e instanceof Error ? e.message : String(e)})`);
  }
  const json = gltf.json;
  const tables = json.extensions?.EXT_structural_metadata?.propertyTables;
  const accessor = (i: number | undefined): Accessor | undefined => (i === undefined ? undefined : readAccessor(gltf, i, url));
  const base = sel.upAxis === 'Y' ? multiplyMat4(sel.transform, Y_UP_TO_Z_UP) : sel.transform;
  const rtcMatrix = rtc !== null ? multiplyMat4(sel.transform, Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, rtc[0], rtc[1], rtc[2], 1])) : null;
  const positions: number[] = [];
  const indices: number[] = [];
  const vertexFeature: number[] = [];
  const ids: string[] = [];
  const idSlot = new Map<string, number>();
  const slotOf = (id: string) => {
    let s = idSlot.get(id);
    if (s === undefined) {
      s = ids.length;
      ids.push(id);
      idSlot.set(id, s);
    }
    return s;
  };
  let primitiveNumber = 0;
  const sceneNodes = json.scenes?.[json.scene ?? 0]?.nodes ?? (json.nodes ?? []).map((_, i) => i);
  const visit = (nodeIndex: number, parent: Mat4, depth: number) => {
    if (depth > 32) throw new TileError(url, 'node hierarchy deeper than 32');
    const node = json.nodes?.[nodeIndex];
    if (node === undefined) throw new TileError(url, `node ${nodeIndex} does not exist`);
    const world = multiplyMat4(parent, localMatrix(node));
    const mesh = node.mesh !== undefined ? json.meshes?.[node.mesh] : undefined;
    for (const prim of mesh?.primitives ?? []) {
      primitiveNumber++;
      if ((prim.mode ?? 4) !== 4) continue; // only triangle lists hold surfaces
      const pos = accessor(prim.attributes.POSITION);
      if (pos === undefined) continue;
      const comps = pos.components ?? 3;
      if (comps !== 3 || pos.value.length < pos.count * 3) throw new TileError(url, 'POSITION is not a dense VEC3 accessor');
      const dq = dequantizer(pos);
      // Feature ids: EXT_mesh_features attribute, else b3dm _BATCHID.
      const fidInfo = prim.extensions?.EXT_mesh_features?.featureIds?.[0];
      const fidAttr = accessor(fidInfo?.attribute !== undefined ? prim.attributes[`_FEATURE_ID_${fidInfo.attribute}`] : prim.attributes._BATCHID);
      const tableIds = fidInfo !== undefined ? idsFromTable(tables, fidInfo.propertyTable, idProperties) : batchIds;
      const first = positions.length / 3;
      const m = rtcMatrix !== null ? multiplyMat4(multiplyMat4(rtcMatrix, sel.upAxis === 'Y' ? Y_UP_TO_Z_UP : Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])), world) : multiplyMat4(base, world);
      const v = pos.value;
      const cache = new Map<number, number>();
      for (let i = 0; i < pos.count; i++) {
        const p = transformPoint(m, dq(v[3 * i]!), dq(v[3 * i + 1]!), dq(v[3 * i + 2]!));
        positions.push(p[0], p[1], p[2]);
        const f = fidAttr !== undefined ? Math.round(fidAttr.value[i]!) : -1;
        let slot = cache.get(f);
        if (slot === undefined) {
          const id = f >= 0 && tableIds !== null && tableIds[f] !== undefined ? tableIds[f]! : f >= 0 ? `${shortUrl(url)}#${f}` : `${shortUrl(url)}#p${primitiveNumber}`;
          slot = slotOf(id);
          cache.set(f, slot);
        }
        vertexFeature.push(slot);
      }
      const ind = accessor(prim.indices);
      if (ind !== undefined) {
        const iv = ind.value;
        const n = ind.count - (ind.count % 3);
        for (let i = 0; i < n; i++) {
          const k = iv[i]!;
          if (k >= pos.count) throw new TileError(url, `index ${k} beyond the ${pos.count} vertices`);
          indices.push(first + k);
        }
      } else {
        for (let i = 0; i + 2 < pos.count; i += 3) indices.push(first + i, first + i + 1, first + i + 2);
      }
    }
    for (const child of node.children ?? []) visit(child, world, depth + 1);
  };
  for (const n of sceneNodes) visit(n, Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]), 0);
  for (const x of positions) if (!Number.isFinite(x)) throw new TileError(url, 'a vertex position is not a finite number');
  return { positions: Float64Array.from(positions), indices: Uint32Array.from(indices), vertexFeature: Uint32Array.from(vertexFeature), ids };
}
