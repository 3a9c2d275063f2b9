import { normalisePath } from './tiles-archive.ts';

/**
 * A `.gltf` (JSON) with its separate resources (`.bin` buffers, images; data: URIs too) packed into
 * one glTF binary (GLB), so that it is drawn, stored and restored like a `.glb`. Buffers become one
 * BIN chunk (each 4-byte aligned, buffer views shifted), images with a URI become buffer views with
 * their MIME type. Pure; throws a GltfPackError naming the missing or bad resource.
 */

export class GltfPackError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
    this.name = 'GltfPackError';
  }
}

interface GltfJson {
  asset?: { version?: unknown };
  buffers?: { uri?: unknown; byteLength?: unknown }[];
  bufferViews?: { buffer?: unknown; byteOffset?: number; byteLength?: unknown }[];
  images?: { uri?: unknown; mimeType?: unknown; bufferView?: unknown }[];
  [k: string]: unknown;
}

const MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', ktx2: 'image/ktx2' };

function decodeDataUri(uri: string, where: string): { bytes: Uint8Array; mime: string } {
  const m = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(uri);
  if (m === null) throw new GltfPackError(where, 'a malformed data: URI');
  const body = m[3]!;
  if (m[2] === undefined) return { bytes: new TextEncoder().encode(decodeURIComponent(body)), mime: m[1]! };
  let bin: string;
  try {
    bin = atob(body);
  } catch {
    throw new GltfPackError(where, 'a data: URI whose base64 is malformed');
  }
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return { bytes, mime: m[1]! };
}

/**
 * Packs a glTF JSON and its resources (by path relative to the .gltf, as written in its URIs)
 * into a GLB. `name` is the .gltf's name, for messages.
 */
export function packGltf(name: string, json: Uint8Array, resources: ReadonlyMap<string, Uint8Array>): Uint8Array {
  let gltf: GltfJson;
  try {
    gltf = JSON.parse(new TextDecoder().decode(json)) as GltfJson;
  } catch (e) {
    throw new GltfPackError(name, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof gltf !== 'object' || gltf === null || Array.isArray(gltf) || typeof gltf.asset !== 'object' || gltf.asset === null) throw new GltfPackError(name, 'not a glTF (no "asset" object)');
  if (typeof gltf.asset.version !== 'string' || !gltf.asset.version.startsWith('2')) throw new GltfPackError(name, `glTF version ${String(gltf.asset.version)}; only glTF 2.0 is read`);
  const lookup = (uri: string, what: string): { bytes: Uint8Array; mime: string } => {
    if (uri.startsWith('data:')) return decodeDataUri(uri, `${name} (${what})`);
    if (/^[a-z][a-z0-9+.-]*:/i.test(uri)) throw new GltfPackError(name, `${what} points to ${uri.slice(0, 80)}: only files beside the .gltf are read`);
    let path: string;
    try {
      path = normalisePath(decodeURIComponent(uri));
    } catch {
      path = normalisePath(uri);
    }
    const bytes = resources.get(path) ?? [...resources].find(([k]) => k.toLowerCase() === path.toLowerCase())?.[1];
    if (bytes === undefined) throw new GltfPackError(name, `${what} "${path}" is missing: drop or pick it with the .gltf (or the whole folder)`);
    return { bytes, mime: MIME[path.split('.').pop()!.toLowerCase()] ?? '' };
  };

  // One BIN chunk: the buffers in order, then the images, each 4-byte aligned.
  const parts: Uint8Array[] = [];
  let length = 0;
  const append = (b: Uint8Array): number => {
    const at = length;
    parts.push(b);
    length += b.byteLength;
    const pad = (4 - (length % 4)) % 4;
    if (pad > 0) {
      parts.push(new Uint8Array(pad));
      length += pad;
    }
    return at;
  };
  const buffers = Array.isArray(gltf.buffers) ? gltf.buffers : [];
  const offsets: number[] = [];
  buffers.forEach((b, i) => {
    if (typeof b !== 'object' || b === null) throw new GltfPackError(name, `buffers[${i}] is not an object`);
    if (typeof b.uri !== 'string') throw new GltfPackError(name, `buffers[${i}] has no uri (a .gltf's buffers are files)`);
    const { bytes } = lookup(b.uri, `buffer ${i}`);
    const declared = typeof b.byteLength === 'number' ? b.byteLength : bytes.byteLength;
    if (bytes.byteLength < declared) throw new GltfPackError(name, `buffer ${i} "${b.uri}" has ${bytes.byteLength} bytes, ${declared} declared`);
    offsets.push(append(bytes.subarray(0, declared)));
  });
  const views = Array.isArray(gltf.bufferViews) ? gltf.bufferViews : [];
  for (const [i, v] of views.entries()) {
    if (typeof v !== 'object' || v === null || typeof v.buffer !== 'number' || offsets[v.buffer] === undefined) throw new GltfPackError(name, `bufferViews[${i}] refers to no buffer`);
    v.byteOffset = (typeof v.byteOffset === 'number' ? v.byteOffset : 0) + offsets[v.buffer]!;
    v.buffer = 0;
  }
  const images = Array.isArray(gltf.images) ? gltf.images : [];
  images.forEach((img, i) => {
    if (typeof img !== 'object' || img === null || typeof img.uri !== 'string') return;
    const { bytes, mime } = lookup(img.uri, `image ${i}`);
    const at = append(bytes);
    views.push({ buffer: 0, byteOffset: at, byteLength: bytes.byteLength });
    img.bufferView = views.length - 1;
    img.mimeType = typeof img.mimeType === 'string' ? img.mimeType : mime || 'image/png';
    delete img.uri;
  });
  if (views.length > 0) gltf.bufferViews = views;
  if (length > 0) gltf.buffers = [{ byteLength: length }];
  else delete gltf.buffers;

  const jsonBytes = new TextEncoder().encode(JSON.stringify(gltf));
  const jsonLen = Math.ceil(jsonBytes.byteLength / 4) * 4;
  const total = 12 + 8 + jsonLen + (length > 0 ? 8 + length : 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x46546c67, true);
  dv.setUint32(4, 2, true);
  dv.setUint32(8, total, true);
  dv.setUint32(12, jsonLen, true);
  dv.setUint32(16, 0x4e4f534a, true);
  out.set(jsonBytes, 20);
  out.fill(0x20, 20 + jsonBytes.byteLength, 20 + jsonLen);
  if (length > 0) {
    let p = 20 + jsonLen;
    dv.setUint32(p, length, true);
    dv.setUint32(p + 4, 0x004e4942, true);
    p += 8;
    for (const part of parts) {
      out.set(part, p);
      p += part.byteLength;
    }
  }
  return out;
}
