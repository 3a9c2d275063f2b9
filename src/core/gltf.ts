import { base64Decode, BytesError, utf8Decode, utf8Encode } from './bytes.ts';

/**
 * glTF 2.0 triangles, read and written without an engine, so the page can check a project's
 * model before it enters a scenario and the simulations can put its triangles in their BVH.
 *
 * - {@link parseGltfTriangles} reads a `.glb` or a `.gltf` with embedded (`data:`) buffers: every
 *   triangle of the default scene (node transforms applied; TRIANGLES, TRIANGLE_STRIP and
 *   TRIANGLE_FAN; float or KHR_mesh_quantization positions), turned from glTF's y-up into z-up
 *   (x east, y north, z up when the model is placed with heading 0: glTF −Z points north). Every
 *   refusal is a {@link GltfError} naming what is wrong and where.
 * - {@link writeGlb} writes one coloured mesh (z-up positions, normals, indices) as a valid
 *   `.glb` (the scene shows scenario buildings as models, so the split view can place them on one
 *   side only).
 */

export class GltfError extends Error {
  override name = 'GltfError';
}

export interface GltfTriangles {
  /** xyz per vertex, metres, z up. */
  positions: Float32Array;
  /** Three vertex indices per triangle. */
  index: Uint32Array;
  triangles: number;
  bounds: { min: [number, number, number]; max: [number, number, number] };
  /** Things skipped (points, lines, …), for the user. */
  warnings: string[];
}

export interface ParseGltfOptions {
  /** Refuse models with more triangles (default 2,000,000). */
  maxTriangles?: number;
}

const GLB_MAGIC = 0x46546c67;
const CHUNK_JSON = 0x4e4f534a;
const CHUNK_BIN = 0x004e4942;
const COMPRESSIONS = ['KHR_draco_mesh_compression', 'EXT_meshopt_compression', 'KHR_meshopt_compression'];
const HARMLESS_REQUIRED = /^(KHR_mesh_quantization|KHR_materials_\w+|KHR_texture_\w+|KHR_lights_punctual|EXT_texture_webp|KHR_texture_basisu)$/;
const COMPONENT_SIZE: Record<number, number> = { 5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4 };
const TYPE_SIZE: Record<string, number> = { SCALAR: 1, VEC2: 2, VEC3: 3, VEC4: 4, MAT2: 4, MAT3: 9, MAT4: 16 };

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arr(v: unknown, what: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new GltfError(`${what} is not an array`);
  return v;
}

function int(v: unknown, what: string, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new GltfError(`${what} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  return v;
}

function u32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}

/** Splits a GLB into its JSON and BIN chunks. */
function readGlb(bytes: Uint8Array): { json: unknown; bin: Uint8Array | null } {
  if (bytes.length < 20) throw new GltfError(`a .glb file has a 12-byte header and a JSON chunk; this one has ${bytes.length} bytes`);
  const version = u32(bytes, 4);
  if (version !== 2) throw new GltfError(`glTF version ${version} is not supported (glTF 2.0 only)`);
  const length = u32(bytes, 8);
  if (length > bytes.length) throw new GltfError(`the file is truncated: its header says ${length} bytes, it has ${bytes.length}`);
  let o = 12;
  let json: unknown = undefined;
  let bin: Uint8Array | null = null;
  let first = true;
  while (o + 8 <= length) {
    const len = u32(bytes, o), type = u32(bytes, o + 4);
    if (o + 8 + len > length) throw new GltfError(`chunk at byte ${o} claims ${len} bytes, beyond the end of the file`);
    const data = bytes.subarray(o + 8, o + 8 + len);
    if (first) {
      if (type !== CHUNK_JSON) throw new GltfError('the first chunk of a .glb must be its JSON');
      json = parseJsonBytes(data);
    } else if (type === CHUNK_BIN && bin === null) bin = data;
    first = false;
    o += 8 + len + ((4 - (len % 4)) % 4);
  }
  if (first) throw new GltfError('the .glb has no JSON chunk');
  return { json, bin };
}

function parseJsonBytes(data: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8Decode(data);
  } catch (e) {
    throw new GltfError(`its JSON is not UTF-8 text (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (e) {
    throw new GltfError(`its JSON cannot be parsed (${e instanceof Error ? e.message : String(e)})`);
  }
}

type Mat4 = number[];
const IDENTITY: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];

function mul(a: Mat4, b: Mat4): Mat4 {
  const r = new Array<number>(16);
  for (let c = 0; c < 4; c++) for (let row = 0; row < 4; row++) {
    let s = 0;
    for (let k = 0; k < 4; k++) s += a[k * 4 + row]! * b[c * 4 + k]!;
    r[c * 4 + row] = s;
  }
  return r;
}

function nodeMatrix(node: Json, i: number): Mat4 {
  const nums = (v: unknown, n: number, what: string): number[] => {
    if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new GltfError(`node ${i}: ${what} must be ${n} finite numbers`);
    return v as number[];
  };
  if (node.matrix !== undefined) return nums(node.matrix, 16, 'matrix');
  const t = node.translation !== undefined ? nums(node.translation, 3, 'translation') : [0, 0, 0];
  const q = node.rotation !== undefined ? nums(node.rotation, 4, 'rotation') : [0, 0, 0, 1];
  const s = node.scale !== undefined ? nums(node.scale, 3, 'scale') : [1, 1, 1];
  const [x, y, z, w] = q as [number, number, number, number];
  const n = Math.hypot(x, y, z, w) || 1;
  const qx = x / n, qy = y / n, qz = z / n, qw = w / n;
  const r = [
    1 - 2 * (qy * qy + qz * qz), 2 * (qx * qy + qz * qw), 2 * (qx * qz - qy * qw),
    2 * (qx * qy - qz * qw), 1 - 2 * (qx * qx + qz * qz), 2 * (qy * qz + qx * qw),
    2 * (qx * qz + qy * qw), 2 * (qy * qz - qx * qw), 1 - 2 * (qx * qx + qy * qy),
  ];
  return [r[0]! * s[0]!, r[1]! * s[0]!, r[2]! * s[0]!, 0, r[3]! * s[1]!, r[4]! * s[1]!, r[5]! * s[1]!, 0, r[6]! * s[2]!, r[7]! * s[2]!, r[8]! * s[2]!, 0, t[0]!, t[1]!, t[2]!, 1];
}

/**
 * Every triangle of a glTF 2.0 model (`.glb`, or `.gltf` JSON with `data:` buffers), in metres,
 * z up. Throws a {@link GltfError} naming the problem.
 */
export function parseGltfTriangles(bytes: Uint8Array, options: ParseGltfOptions = {}): GltfTriangles {
  const maxTriangles = options.maxTriangles ?? 2_000_000;
  let json: unknown;
  let bin: Uint8Array | null = null;
  if (bytes.length >= 4 && u32(bytes, 0) === GLB_MAGIC) ({ json, bin } = readGlb(bytes));
  else {
    let k = 0;
    while (k < bytes.length && k < 64 && (bytes[k] === 0x20 || bytes[k] === 0x0a || bytes[k] === 0x0d || bytes[k] === 0x09 || bytes[k] === 0xef || bytes[k] === 0xbb || bytes[k] === 0xbf)) k++;
    if (bytes[k] !== 0x7b) throw new GltfError('not a glTF model: expected a .glb (starting with "glTF") or a .gltf JSON file');
    json = parseJsonBytes(bytes);
  }
  if (!isObj(json)) throw new GltfError('its JSON is not an object');
  const asset = json.asset;
  if (!isObj(asset) || typeof asset.version !== 'string') throw new GltfError('asset.version is missing (is this a glTF file?)');
  if (!asset.version.startsWith('2.')) throw new GltfError(`glTF version ${asset.version} is not supported (glTF 2.0 only)`);
  for (const ext of arr(json.extensionsRequired, 'extensionsRequired')) {
    if (typeof ext !== 'string') continue;
    if (COMPRESSIONS.includes(ext)) throw new GltfError(`its meshes are compressed with ${ext}, which Jumeau cannot read: export the model without mesh compression`);
    if (!HARMLESS_REQUIRED.test(ext)) throw new GltfError(`it requires the extension ${ext}, which Jumeau cannot read`);
  }

  const buffers: Uint8Array[] = arr(json.buffers, 'buffers').map((b, i) => {
    if (!isObj(b)) throw new GltfError(`buffer ${i} is not an object`);
    const byteLength = int(b.byteLength, `buffer ${i}: byteLength`, 1);
    let data: Uint8Array;
    if (b.uri === undefined) {
      if (i !== 0 || bin === null) throw new GltfError(`buffer ${i} has no uri and there is no binary chunk`);
      data = bin;
    } else if (typeof b.uri === 'string' && b.uri.startsWith('data:')) {
      const comma = b.uri.indexOf(',');
      if (comma < 0 || !b.uri.slice(0, comma).endsWith(';base64')) throw new GltfError(`buffer ${i}: only base64 data: URIs are supported`);
      try {
        data = base64Decode(b.uri.slice(comma + 1));
      } catch (e) {
        throw new GltfError(`buffer ${i}: ${e instanceof BytesError ? e.message : 'bad base64'}`);
      }
    } else {
      throw new GltfError(`buffer ${i} refers to an external file ${JSON.stringify(String(b.uri).slice(0, 80))}: import a .glb, or a .gltf with embedded data`);
    }
    if (data.length < byteLength) throw new GltfError(`buffer ${i} has ${data.length} bytes, it declares ${byteLength}`);
    return data.subarray(0, byteLength);
  });
  const views = arr(json.bufferViews, 'bufferViews');
  const accessors = arr(json.accessors, 'accessors');

  /** Reads an accessor as numbers (normalized integers mapped to [−1, 1] or [0, 1]). */
  const read = (ai: unknown, what: string, allowed: readonly string[]): { values: Float64Array; count: number; size: number } => {
    const idx = int(ai, `${what}: accessor index`);
    const a = accessors[idx];
    if (!isObj(a)) throw new GltfError(`${what}: accessor ${idx} does not exist`);
    if (a.sparse !== undefined) throw new GltfError(`accessor ${idx} is sparse, which Jumeau cannot read`);
    const type = String(a.type);
    if (!allowed.includes(type)) throw new GltfError(`accessor ${idx} (${what}) is ${type}, expected ${allowed.join(' or ')}`);
    const ct = int(a.componentType, `accessor ${idx}: componentType`);
    const cs = COMPONENT_SIZE[ct];
    if (cs === undefined) throw new GltfError(`accessor ${idx}: unknown componentType ${ct}`);
    const count = int(a.count, `accessor ${idx}: count`, 1);
    const size = TYPE_SIZE[type]!;
    const values = new Float64Array(count * size);
    if (a.bufferView === undefined) return { values, count, size }; // all zeros, as the spec says
    const vi = int(a.bufferView, `accessor ${idx}: bufferView`);
    const v = views[vi];
    if (!isObj(v)) throw new GltfError(`accessor ${idx}: bufferView ${vi} does not exist`);
    const buf = buffers[int(v.buffer, `bufferView ${vi}: buffer`)];
    if (buf === undefined) throw new GltfError(`bufferView ${vi}: buffer ${String(v.buffer)} does not exist`);
    const vOff = v.byteOffset === undefined ? 0 : int(v.byteOffset, `bufferView ${vi}: byteOffset`);
    const vLen = int(v.byteLength, `bufferView ${vi}: byteLength`, 1);
    if (vOff + vLen > buf.length) throw new GltfError(`bufferView ${vi} ends at byte ${vOff + vLen}, beyond its buffer (${buf.length} bytes)`);
    const elem = cs * size;
    const stride = v.byteStride === undefined ? elem : int(v.byteStride, `bufferView ${vi}: byteStride`, 1);
    if (stride < elem) throw new GltfError(`bufferView ${vi}: byteStride ${stride} is smaller than an element (${elem} bytes)`);
    const aOff = a.byteOffset === undefined ? 0 : int(a.byteOffset, `accessor ${idx}: byteOffset`);
    if (aOff + stride * (count - 1) + elem > vLen) throw new GltfError(`accessor ${idx} reads past the end of bufferView ${vi}`);
    if ((vOff + aOff) % cs !== 0) throw new GltfError(`accessor ${idx} is not aligned to its component size`);
    const dv = new DataView(buf.buffer, buf.byteOffset + vOff + aOff, stride * (count - 1) + elem);
    const norm = a.normalized === true;
    for (let e = 0; e < count; e++) {
      for (let c = 0; c < size; c++) {
        const o = e * stride + c * cs;
        let x: number;
        switch (ct) {
          case 5126: x = dv.getFloat32(o, true); break;
          case 5125: x = dv.getUint32(o, true); break;
          case 5123: x = dv.getUint16(o, true); if (norm) x /= 65535; break;
          case 5122: x = dv.getInt16(o, true); if (norm) x = Math.max(x / 32767, -1); break;
          case 5121: x = dv.getUint8(o); if (norm) x /= 255; break;
          default: x = dv.getInt8(o); if (norm) x = Math.max(x / 127, -1); break;
        }
        values[e * size + c] = x;
      }
    }
    return { values, count, size };
  };

  const nodes = arr(json.nodes, 'nodes');
  const meshes = arr(json.meshes, 'meshes');
  const scenes = arr(json.scenes, 'scenes');
  let roots: number[];
  if (scenes.length > 0) {
    const si = json.scene === undefined ? 0 : int(json.scene, 'scene');
    const s = scenes[si];
    if (!isObj(s)) throw new GltfError(`scene ${si} does not exist`);
    roots = arr(s.nodes, `scene ${si}: nodes`).map((n) => int(n, `scene ${si}: node`));
  } else {
    const children = new Set<number>();
    nodes.forEach((n) => {
      if (isObj(n)) for (const c of arr(n.children, 'children')) if (typeof c === 'number') children.add(c);
    });
    roots = nodes.map((_, i) => i).filter((i) => !children.has(i));
  }

  const pos: number[] = [];
  const tri: number[] = [];
  const warnings = new Set<string>();
  let triangles = 0;
  const visited = new Set<number>();
  const visit = (ni: number, parent: Mat4, depth: number) => {
    if (depth > 64) throw new GltfError('the node hierarchy is deeper than 64 levels');
    if (visited.has(ni)) throw new GltfError(`node ${ni} appears twice in the scene (a cycle or a shared node)`);
    visited.add(ni);
    const node = nodes[ni];
    if (!isObj(node)) throw new GltfError(`node ${ni} does not exist`);
    const m = mul(parent, nodeMatrix(node, ni));
    if (node.mesh !== undefined) {
      const mi = int(node.mesh, `node ${ni}: mesh`);
      const mesh = meshes[mi];
      if (!isObj(mesh)) throw new GltfError(`node ${ni}: mesh ${mi} does not exist`);
      arr(mesh.primitives, `mesh ${mi}: primitives`).forEach((p, pi) => {
        const where = `mesh ${mi} primitive ${pi}`;
        if (!isObj(p) || !isObj(p.attributes)) throw new GltfError(`${where} has no attributes`);
        if (isObj(p.extensions) && COMPRESSIONS.some((c) => c in (p.extensions as Json))) throw new GltfError(`${where} is compressed (${Object.keys(p.extensions).join(', ')}): export the model without mesh compression`);
        const mode = p.mode === undefined ? 4 : int(p.mode, `${where}: mode`);
        if (mode < 4 || mode > 6) {
          warnings.add(`points and lines are ignored (${where})`);
          return;
        }
        if (p.attributes.POSITION === undefined) throw new GltfError(`${where} has no POSITION`);
        const P = read(p.attributes.POSITION, `${where} POSITION`, ['VEC3']);
        const idx = p.indices !== undefined ? read(p.indices, `${where} indices`, ['SCALAR']).values : Float64Array.from({ length: P.count }, (_, k) => k);
        const v0 = pos.length / 3;
        for (let k = 0; k < P.count; k++) {
          const x = P.values[3 * k]!, y = P.values[3 * k + 1]!, z = P.values[3 * k + 2]!;
          const X = m[0]! * x + m[4]! * y + m[8]! * z + m[12]!;
          const Y = m[1]! * x + m[5]! * y + m[9]! * z + m[13]!;
          const Z = m[2]! * x + m[6]! * y + m[10]! * z + m[14]!;
          if (!Number.isFinite(X) || !Number.isFinite(Y) || !Number.isFinite(Z)) throw new GltfError(`${where}: vertex ${k} is not a finite position`);
          // y-up → z-up: glTF +Y becomes up, glTF −Z becomes north.
          pos.push(X, -Z, Y);
        }
        const at = (k: number) => {
          const i = idx[k]!;
          if (!(i < P.count)) throw new GltfError(`${where}: index ${i} refers to vertex ${i} of ${P.count}`);
          return v0 + i;
        };
        const push = (a: number, b: number, c: number) => {
          if (a === b || b === c || a === c) return;
          tri.push(a, b, c);
          if (++triangles > maxTriangles) throw new GltfError(`the model has more than ${maxTriangles.toLocaleString('en-US')} triangles`);
        };
        if (mode === 4) {
          if (idx.length % 3 !== 0) throw new GltfError(`${where}: ${idx.length} indices is not a whole number of triangles`);
          for (let k = 0; k + 2 < idx.length; k += 3) push(at(k), at(k + 1), at(k + 2));
        } else if (mode === 5) {
          for (let k = 0; k + 2 < idx.length; k++) {
            // Strips alternate their winding.
            if (k % 2 === 0) push(at(k), at(k + 1), at(k + 2));
            else push(at(k + 1), at(k), at(k + 2));
          }
        } else {
          for (let k = 1; k + 1 < idx.length; k++) push(at(0), at(k), at(k + 1));
        }
      });
    }
    for (const c of arr(node.children, `node ${ni}: children`)) visit(int(c, `node ${ni}: child`), m, depth + 1);
  };
  for (const r of roots) visit(r, IDENTITY, 0);
  if (triangles === 0) throw new GltfError('the model has no triangles');
  const positions = Float32Array.from(pos);
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let k = 0; k < positions.length; k += 3) for (let c = 0; c < 3; c++) {
    const v = positions[k + c]!;
    if (v < min[c]!) min[c] = v;
    if (v > max[c]!) max[c] = v;
  }
  return { positions, index: Uint32Array.from(tri), triangles, bounds: { min, max }, warnings: [...warnings] };
}

export interface GlbMesh {
  /** xyz per vertex, metres, z up (written y-up, as glTF wants). */
  positions: ArrayLike<number>;
  /** Unit normals per vertex, z up. */
  normals: ArrayLike<number>;
  indices: ArrayLike<number>;
  /** Base colour, RGBA in [0, 1]. */
  color: readonly [number, number, number, number];
}

/** Writes one mesh as a binary glTF 2.0 (positions, normals, indices, one material). */
export function writeGlb(mesh: GlbMesh): Uint8Array {
  const nv = mesh.positions.length / 3;
  if (!Number.isInteger(nv) || mesh.normals.length !== mesh.positions.length) throw new GltfError('positions and normals must be xyz per vertex');
  const pos = new Float32Array(nv * 3), nor = new Float32Array(nv * 3);
  const min = [Infinity, Infinity, Infinity], max = [-Infinity, -Infinity, -Infinity];
  for (let v = 0; v < nv; v++) {
    // z-up (x, y, z) → glTF y-up (x, z, −y)
    const x = mesh.positions[3 * v]!, y = mesh.positions[3 * v + 1]!, z = mesh.positions[3 * v + 2]!;
    pos[3 * v] = x;
    pos[3 * v + 1] = z;
    pos[3 * v + 2] = -y;
    nor[3 * v] = mesh.normals[3 * v]!;
    nor[3 * v + 1] = mesh.normals[3 * v + 2]!;
    nor[3 * v + 2] = -mesh.normals[3 * v + 1]!;
    for (let c = 0; c < 3; c++) {
      const p = pos[3 * v + c]!;
      if (p < min[c]!) min[c] = p;
      if (p > max[c]!) max[c] = p;
    }
  }
  const idx = Uint32Array.from(mesh.indices);
  const bin = new Uint8Array(pos.byteLength + nor.byteLength + idx.byteLength);
  bin.set(new Uint8Array(pos.buffer), 0);
  bin.set(new Uint8Array(nor.buffer), pos.byteLength);
  bin.set(new Uint8Array(idx.buffer), pos.byteLength + nor.byteLength);
  const [r, g, b, a] = mesh.color;
  const gltf = {
    asset: { version: '2.0', generator: 'Jumeau scenario editor' },
    scene: 0,
    scenes: [{ nodes: [0] }],
    nodes: [{ mesh: 0 }],
    meshes: [{ primitives: [{ attributes: { POSITION: 0, NORMAL: 1 }, indices: 2, material: 0, mode: 4 }] }],
    materials: [{ pbrMetallicRoughness: { baseColorFactor: [r, g, b, a], metallicFactor: 0, roughnessFactor: 0.9 }, alphaMode: a < 1 ? 'BLEND' : 'OPAQUE', doubleSided: false }],
    buffers: [{ byteLength: bin.length }],
    bufferViews: [
      { buffer: 0, byteOffset: 0, byteLength: pos.byteLength, target: 34962 },
      { buffer: 0, byteOffset: pos.byteLength, byteLength: nor.byteLength, target: 34962 },
      { buffer: 0, byteOffset: pos.byteLength + nor.byteLength, byteLength: idx.byteLength, target: 34963 },
    ],
    accessors: [
      { bufferView: 0, componentType: 5126, count: nv, type: 'VEC3', min, max },
      { bufferView: 1, componentType: 5126, count: nv, type: 'VEC3' },
      { bufferView: 2, componentType: 5125, count: idx.length, type: 'SCALAR' },
    ],
  };
  let jsonBytes = utf8Encode(JSON.stringify(gltf));
  const jsonPad = (4 - (jsonBytes.length % 4)) % 4;
  if (jsonPad > 0) {
    const padded = new Uint8Array(jsonBytes.length + jsonPad).fill(0x20);
    padded.set(jsonBytes);
    jsonBytes = padded;
  }
  const total = 12 + 8 + jsonBytes.length + 8 + bin.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, GLB_MAGIC, true);
  dv.setUint32(4, 2, true);
  dv.setUint32(8, total, true);
  dv.setUint32(12, jsonBytes.length, true);
  dv.setUint32(16, CHUNK_JSON, true);
  out.set(jsonBytes, 20);
  const o = 20 + jsonBytes.length;
  dv.setUint32(o, bin.length, true);
  dv.setUint32(o + 4, CHUNK_BIN, true);
  out.set(bin, o + 8);
  return out;
}
