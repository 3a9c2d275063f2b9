import { Document, Logger, WebIO, type JSONDocument, type mat4 } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import { MeshoptDecoder } from 'meshoptimizer';
import { normalisePath } from './paths.ts';

/**
 * The one glTF 2.0 stack of the page outside Cesium: gltf-transform's WebIO with every
 * extension it knows, the meshopt decoder (`meshoptimizer`) and the Draco decoder
 * (`draco3dgltf`, loaded only for a model that needs it). Used to check and read the triangles of
 * a scenario's imported model, to write scenario buildings as GLB, and to pack a `.gltf` with
 * its resources into one GLB for "My data".
 *
 * - {@link parseGltfTriangles}: every triangle of a `.glb` or a `.gltf` with embedded (`data:`)
 *   buffers (default scene, node transforms applied; TRIANGLES, TRIANGLE_STRIP, TRIANGLE_FAN;
 *   float, quantized, Draco or meshopt geometry), turned from glTF's y-up into z-up (x east,
 *   y north, z up when placed with heading 0: glTF −Z points north).
 * - {@link writeGlb}: one coloured mesh as a GLB.
 * - {@link packGltf}: a `.gltf` and its files as one GLB (compressed geometry is decoded).
 *
 * Every refusal is a {@link GltfError} naming what is wrong (and, for packing, which file).
 */

export class GltfError extends Error {
  override name = 'GltfError';
  constructor(
    /** Why the model is refused. */
    readonly reason: string,
    /** The file, when known (then the message is `where: reason`). */
    readonly where = '',
  ) {
    super(where === '' ? reason : `${where}: ${reason}`);
  }
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
const KNOWN = new Set(ALL_EXTENSIONS.map((e) => e.EXTENSION_NAME));
const DRACO = 'KHR_draco_mesh_compression';
const MESHOPT = 'EXT_meshopt_compression';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

let dracoDecoder: Promise<unknown> | null = null;

/** The Draco decoder module (draco3dgltf's WebAssembly), loaded once, on first need. */
function loadDraco(): Promise<unknown> {
  dracoDecoder ??= (async () => {
    // The decoder alone (draco3dgltf's main module also carries the encoder).
    const mod = (await import('draco3dgltf/draco_decoder_gltf_nodejs.js')) as { default: DracoDecoderFactory };
    const factory = mod.default;
    const node = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
    // In the browser the .wasm is a built asset (served and cached like the others); in Node the
    // module finds it beside itself.
    const wasm = node ? null : (await import('draco3dgltf/draco_decoder_gltf.wasm?url')).default;
    return factory(wasm === null ? {} : { locateFile: () => wasm });
  })();
  dracoDecoder.catch(() => {
    dracoDecoder = null;
  });
  return dracoDecoder;
}

type DracoDecoderFactory = (o: { locateFile?: (file: string) => string }) => Promise<unknown>;

/** A WebIO that reads every extension gltf-transform knows, with the decoders `json` needs. */
async function ioFor(json: Json): Promise<WebIO> {
  const used = Array.isArray(json.extensionsUsed) ? json.extensionsUsed : [];
  const io = new WebIO().setLogger(new Logger(Logger.Verbosity.SILENT)).registerExtensions(ALL_EXTENSIONS);
  const deps: Record<string, unknown> = {};
  if (used.includes(MESHOPT)) {
    await MeshoptDecoder.ready;
    deps['meshopt.decoder'] = MeshoptDecoder;
  }
  if (used.includes(DRACO)) {
    try {
      deps['draco3d.decoder'] = await loadDraco();
    } catch (e) {
      throw new GltfError(`its meshes are Draco-compressed and the Draco decoder could not be loaded (${message(e)})`);
    }
  }
  return io.registerDependencies(deps);
}

function parseJsonBytes(data: Uint8Array): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch (e) {
    throw new GltfError(`its JSON is not UTF-8 text (${message(e)})`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (e) {
    throw new GltfError(`its JSON cannot be parsed (${message(e)})`);
  }
}

/** Checks what gltf-transform would refuse with a vaguer message: version, required extensions. */
function checkJson(json: unknown): Json {
  if (!isObj(json)) throw new GltfError('its JSON is not an object');
  const asset = json.asset;
  if (!isObj(asset) || typeof asset.version !== 'string') throw new GltfError('asset.version is missing (is this a glTF file?)');
  if (!asset.version.startsWith('2.')) throw new GltfError(`glTF version ${asset.version} is not supported (glTF 2.0 only)`);
  const required = json.extensionsRequired;
  if (required !== undefined && !Array.isArray(required)) throw new GltfError('extensionsRequired is not an array');
  for (const ext of required ?? []) if (typeof ext === 'string' && !KNOWN.has(ext)) throw new GltfError(`it requires the extension ${ext}, which Jumeau cannot read`);
  return json;
}

/** Splits a GLB into its JSON and the rest (gltf-transform reads the chunks; this names header faults). */
function glbJson(bytes: Uint8Array): Json {
  if (bytes.length < 20) throw new GltfError(`a .glb file has a 12-byte header and a JSON chunk; this one has ${bytes.length} bytes`);
  const version = u32(bytes, 4);
  if (version !== 2) throw new GltfError(`glTF version ${version} is not supported (glTF 2.0 only)`);
  const length = u32(bytes, 8);
  if (length > bytes.length) throw new GltfError(`the file is truncated: its header says ${length} bytes, it has ${bytes.length}`);
  const jsonLen = u32(bytes, 12);
  if (u32(bytes, 16) !== 0x4e4f534a) throw new GltfError('the first chunk of a .glb must be its JSON');
  if (20 + jsonLen > length) throw new GltfError(`chunk at byte 12 claims ${jsonLen} bytes, beyond the end of the file`);
  return checkJson(parseJsonBytes(bytes.subarray(20, 20 + jsonLen)));
}

/** Reads a `.glb`, or a `.gltf` whose resources are given (by the URIs written in it) or embedded. */
async function readDocument(bytes: Uint8Array, resources: Record<string, Uint8Array> = {}): Promise<Document> {
  const isGlb = bytes.length >= 4 && u32(bytes, 0) === GLB_MAGIC;
  let json: Json;
  if (isGlb) json = glbJson(bytes);
  else {
    let k = 0;
    while (k < bytes.length && k < 64 && (bytes[k] === 0x20 || bytes[k] === 0x0a || bytes[k] === 0x0d || bytes[k] === 0x09 || bytes[k] === 0xef || bytes[k] === 0xbb || bytes[k] === 0xbf)) k++;
    if (bytes[k] !== 0x7b) throw new GltfError('not a glTF model: expected a .glb (starting with "glTF") or a .gltf JSON file');
    json = checkJson(parseJsonBytes(bytes));
    const buffers = Array.isArray(json.buffers) ? json.buffers : [];
    buffers.forEach((b, i) => {
      if (!isObj(b)) throw new GltfError(`buffer ${i} is not an object`);
      if (typeof b.uri === 'string' && !b.uri.startsWith('data:') && !(b.uri in resources)) throw new GltfError(`buffer ${i} refers to an external file ${JSON.stringify(b.uri.slice(0, 80))}: import a .glb, or a .gltf with embedded data`);
    });
  }
  const io = await ioFor(json);
  try {
    return isGlb ? await io.readBinary(bytes) : await io.readJSON({ json: json as unknown as JSONDocument['json'], resources: { ...resources } as Record<string, Uint8Array<ArrayBuffer>> });
  } catch (e) {
    if (e instanceof GltfError) throw e;
    throw new GltfError(`it cannot be read (${message(e)})`);
  }
}

type Mat4 = ArrayLike<number>;

/**
 * Every triangle of a glTF 2.0 model (`.glb`, or `.gltf` JSON with `data:` buffers), in metres,
 * z up; Draco and meshopt compression are decoded. Rejects with a {@link GltfError} naming the problem.
 */
export async function parseGltfTriangles(bytes: Uint8Array, options: ParseGltfOptions = {}): Promise<GltfTriangles> {
  const maxTriangles = options.maxTriangles ?? 2_000_000;
  const doc = await readDocument(bytes);
  const root = doc.getRoot();
  const scene = root.getDefaultScene() ?? root.listScenes()[0];
  const nodes = scene !== undefined ? scene.listChildren() : root.listNodes().filter((n) => n.getParentNode() === null);
  const pos: number[] = [];
  const tri: number[] = [];
  const warnings = new Set<string>();
  const meshes = root.listMeshes();
  let triangles = 0;
  const p = [0, 0, 0];
  try {
    const visit = (node: (typeof nodes)[number], depth: number) => {
      if (depth > 64) throw new GltfError('the node hierarchy is deeper than 64 levels');
      const mesh = node.getMesh();
      if (mesh !== null) {
        const m: Mat4 = node.getWorldMatrix() as mat4;
        const mi = meshes.indexOf(mesh);
        mesh.listPrimitives().forEach((prim, pi) => {
          const where = `mesh ${mi} primitive ${pi}`;
          const mode = prim.getMode();
          if (mode < 4 || mode > 6) {
            warnings.add(`points and lines are ignored (${where})`);
            return;
          }
          const P = prim.getAttribute('POSITION');
          if (P === null) throw new GltfError(`${where} has no POSITION`);
          if (P.getType() !== 'VEC3') throw new GltfError(`${where} POSITION is ${P.getType()}, expected VEC3`);
          const count = P.getCount();
          const indices = prim.getIndices();
          const idx: ArrayLike<number> = indices?.getArray() ?? Uint32Array.from({ length: count }, (_, k) => k);
          const v0 = pos.length / 3;
          for (let k = 0; k < count; k++) {
            P.getElement(k, p);
            const x = p[0]!, y = p[1]!, z = p[2]!;
            const X = m[0]! * x + m[4]! * y + m[8]! * z + m[12]!;
            const Y = m[1]! * x + m[5]! * y + m[9]! * z + m[13]!;
            const Z = m[2]! * x + m[6]! * y + m[10]! * z + m[14]!;
            if (!Number.isFinite(X) || !Number.isFinite(Y) || !Number.isFinite(Z)) throw new GltfError(`${where}: vertex ${k} is not a finite position`);
            // y-up → z-up: glTF +Y becomes up, glTF −Z becomes north.
            pos.push(X, -Z, Y);
          }
          const at = (k: number) => {
            const i = idx[k]!;
            if (!(i < count)) throw new GltfError(`${where}: index ${i} refers to vertex ${i} of ${count}`);
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
            // Strips alternate their winding.
            for (let k = 0; k + 2 < idx.length; k++) {
              if (k % 2 === 0) push(at(k), at(k + 1), at(k + 2));
              else push(at(k + 1), at(k), at(k + 2));
            }
          } else {
            for (let k = 1; k + 1 < idx.length; k++) push(at(0), at(k), at(k + 1));
          }
        });
      }
      for (const c of node.listChildren()) visit(c, depth + 1);
    };
    for (const n of nodes) visit(n, 0);
  } catch (e) {
    if (e instanceof GltfError) throw e;
    throw new GltfError(`it cannot be read (${message(e)})`);
  }
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
export async function writeGlb(mesh: GlbMesh): Promise<Uint8Array> {
  const nv = mesh.positions.length / 3;
  if (!Number.isInteger(nv) || mesh.normals.length !== mesh.positions.length) throw new GltfError('positions and normals must be xyz per vertex');
  const pos = new Float32Array(nv * 3), nor = new Float32Array(nv * 3);
  for (let v = 0; v < nv; v++) {
    // z-up (x, y, z) → glTF y-up (x, z, −y)
    pos[3 * v] = mesh.positions[3 * v]!;
    pos[3 * v + 1] = mesh.positions[3 * v + 2]!;
    pos[3 * v + 2] = -mesh.positions[3 * v + 1]!;
    nor[3 * v] = mesh.normals[3 * v]!;
    nor[3 * v + 1] = mesh.normals[3 * v + 2]!;
    nor[3 * v + 2] = -mesh.normals[3 * v + 1]!;
  }
  const doc = new Document();
  doc.getRoot().getAsset().generator = 'Jumeau scenario editor';
  const buffer = doc.createBuffer();
  const [r, g, b, a] = mesh.color;
  const material = doc.createMaterial().setBaseColorFactor([r, g, b, a]).setMetallicFactor(0).setRoughnessFactor(0.9).setAlphaMode(a < 1 ? 'BLEND' : 'OPAQUE');
  const prim = doc
    .createPrimitive()
    .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(pos).setBuffer(buffer))
    .setAttribute('NORMAL', doc.createAccessor().setType('VEC3').setArray(nor).setBuffer(buffer))
    .setIndices(doc.createAccessor().setType('SCALAR').setArray(Uint32Array.from(mesh.indices)).setBuffer(buffer))
    .setMaterial(material);
  const node = doc.createNode().setMesh(doc.createMesh().addPrimitive(prim));
  doc.getRoot().setDefaultScene(doc.createScene().addChild(node));
  return new WebIO().setLogger(new Logger(Logger.Verbosity.SILENT)).writeBinary(doc);
}

const MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', ktx2: 'image/ktx2' };

/**
 * Packs a glTF JSON and its resources (by path relative to the .gltf, as written in its URIs)
 * into a GLB that draws, stores and restores like any `.glb`. Draco or meshopt geometry is
 * decoded on the way (the GLB is written without mesh compression). `name` is the .gltf's name,
 * for messages. Rejects with a {@link GltfError} whose `where` is `name`.
 */
export async function packGltf(name: string, json: Uint8Array, resources: ReadonlyMap<string, Uint8Array>): Promise<Uint8Array> {
  let gltf: unknown;
  try {
    gltf = JSON.parse(new TextDecoder().decode(json).replace(/^\uFEFF/, '')) as unknown;
  } catch (e) {
    throw new GltfError(`not valid JSON (${message(e)})`, name);
  }
  if (!isObj(gltf) || !isObj(gltf.asset)) throw new GltfError('not a glTF (no "asset" object)', name);
  if (typeof gltf.asset.version !== 'string' || !gltf.asset.version.startsWith('2')) throw new GltfError(`glTF version ${String(gltf.asset.version)}; only glTF 2.0 is read`, name);
  const found: Record<string, Uint8Array> = {};
  const resolve = (uri: string, what: string) => {
    if (uri.startsWith('data:')) {
      if (!/^data:[^;,]*(;base64)?,/.test(uri)) throw new GltfError(`${what}: a malformed data: URI`, name);
      return;
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) throw new GltfError(`${what} points to ${uri.slice(0, 80)}: only files beside the .gltf are read`, name);
    let path: string;
    try {
      path = normalisePath(decodeURIComponent(uri));
    } catch {
      path = normalisePath(uri);
    }
    const bytes = resources.get(path) ?? [...resources].find(([k]) => k.toLowerCase() === path.toLowerCase())?.[1];
    if (bytes === undefined) throw new GltfError(`${what} "${path}" is missing: drop or pick it with the .gltf (or the whole folder)`, name);
    found[uri] = bytes;
  };
  const list = (k: string) => (Array.isArray(gltf[k]) ? (gltf[k] as unknown[]) : []);
  list('buffers').forEach((b, i) => {
    if (!isObj(b)) throw new GltfError(`buffers[${i}] is not an object`, name);
    // A meshopt fallback buffer has no bytes at all (the decoder fills its views).
    if (b.uri === undefined && isObj(b.extensions) && isObj(b.extensions[MESHOPT]) && b.extensions[MESHOPT].fallback === true) return;
    if (typeof b.uri !== 'string') throw new GltfError(`buffers[${i}] has no uri (a .gltf's buffers are files)`, name);
    resolve(b.uri, `buffer ${i}`);
    const bytes = found[b.uri];
    if (bytes !== undefined && typeof b.byteLength === 'number' && bytes.byteLength < b.byteLength) throw new GltfError(`buffer ${i} "${b.uri}" has ${bytes.byteLength} bytes, ${b.byteLength} declared`, name);
  });
  list('images').forEach((img, i) => {
    if (!isObj(img) || typeof img.uri !== 'string') return;
    resolve(img.uri, `image ${i}`);
    if (typeof img.mimeType !== 'string' && !img.uri.startsWith('data:')) img.mimeType = MIME[img.uri.split('.').pop()!.toLowerCase()] ?? 'image/png';
  });
  let doc: Document;
  try {
    doc = await readDocument(new TextEncoder().encode(JSON.stringify(gltf)), found);
  } catch (e) {
    throw new GltfError(e instanceof GltfError ? e.reason : message(e), name);
  }
  try {
    // The decoded geometry is written plain: no encoder ships to the page.
    for (const ext of doc.getRoot().listExtensionsUsed()) if (ext.extensionName === DRACO || ext.extensionName === MESHOPT) ext.dispose();
    // One buffer: a GLB holds a single binary chunk.
    const buffers = doc.getRoot().listBuffers();
    for (const b of buffers.slice(1)) {
      for (const parent of b.listParents()) if (parent !== doc.getRoot()) (parent as { setBuffer?: (x: unknown) => void }).setBuffer?.(buffers[0]);
      b.dispose();
    }
    buffers[0]?.setURI('');
    for (const t of doc.getRoot().listTextures()) t.setURI('');
    return await new WebIO().setLogger(new Logger(Logger.Verbosity.SILENT)).registerExtensions(ALL_EXTENSIONS).writeBinary(doc);
  } catch (e) {
    throw new GltfError(`cannot be packed into a GLB (${message(e)})`, name);
  }
}
