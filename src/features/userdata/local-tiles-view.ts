import { Resource } from 'cesium';
import type { TileFiles } from './tiles-archive.ts';

/**
 * Serving local 3D Tiles (a `.3tz` archive or a folder from disk) to Cesium without a server.
 *
 * Each mounted set of files gets a virtual base address `https://local-tiles.jumeau.invalid/<id>/`
 * (the `.invalid` top-level domain never resolves, so nothing can leave the browser). Cesium
 * resolves every tile, subtree, external tileset and texture URI against the tileset's address
 * as usual (relative paths, implicit-tiling templates, `../`), then loads it through
 * `Resource._Implementations.loadWithXhr` / `loadImageElement`; those two hooks are wrapped once
 * so that addresses under the virtual base are answered from the mounted files (read lazily, one
 * file per request) and every other address goes to the original implementation. This works on
 * first visit (no service worker), under the app's CSP (no fetch happens; images are decoded from
 * blob: URLs, which img-src admits), and in e2e tests where service workers are blocked.
 */

const HOST = 'local-tiles.jumeau.invalid';
const BASE = `https://${HOST}/`;

interface Deferred {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  promise: Promise<unknown>;
}
type LoadWithXhr = (url: string, responseType: string | undefined, method: string, data: unknown, headers: unknown, deferred: Deferred, overrideMimeType?: string) => unknown;
type LoadImageElement = (url: string, crossOrigin: boolean, deferred: Deferred) => void;
interface Implementations {
  loadWithXhr: LoadWithXhr;
  loadImageElement: LoadImageElement;
}

const mounts = new Map<string, TileFiles>();
let installed = false;
let seq = 0;

const MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', ktx2: 'image/ktx2', json: 'application/json', glb: 'model/gltf-binary', gltf: 'model/gltf+json' };
const mimeOf = (path: string) => MIME[path.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

/** The mount and path of a virtual address, or null when it is not one. */
function parse(url: string): { files: TileFiles; path: string } | null {
  if (!url.startsWith(BASE)) return null;
  const rest = url.slice(BASE.length).split(/[?#]/)[0]!;
  const slash = rest.indexOf('/');
  const files = mounts.get(slash < 0 ? rest : rest.slice(0, slash));
  if (files === undefined) return null;
  let path = slash < 0 ? '' : rest.slice(slash + 1);
  try {
    path = decodeURIComponent(path);
  } catch {
    // Left as written.
  }
  return { files, path };
}

/** An error whose message names the archive or folder and the file (shown in the tile messages). */
class LocalFileError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'LocalFileError';
  }
}

async function readVirtual(url: string): Promise<{ bytes: Uint8Array; path: string }> {
  const p = parse(url);
  if (p === null) throw new LocalFileError(`${url}: this local tileset was removed`, 404);
  let bytes: Uint8Array | null;
  try {
    bytes = await p.files.read(p.path);
  } catch (e) {
    throw new LocalFileError(e instanceof Error ? e.message : String(e));
  }
  if (bytes === null) throw new LocalFileError(`${p.files.name}/${p.path}: missing from the ${/\.3tz$/i.test(p.files.name) ? 'archive' : 'folder'}`, 404);
  return { bytes, path: p.path };
}

function install(): void {
  if (installed) return;
  installed = true;
  const impl = (Resource as unknown as { _Implementations: Implementations })._Implementations;
  const loadWithXhr = impl.loadWithXhr;
  const loadImageElement = impl.loadImageElement;
  impl.loadWithXhr = (url, responseType, method, data, headers, deferred, overrideMimeType) => {
    if (typeof url !== 'string' || !url.startsWith(BASE)) return loadWithXhr(url, responseType, method, data, headers, deferred, overrideMimeType);
    let aborted = false;
    readVirtual(url)
      .then(({ bytes, path }) => {
        if (aborted) return;
        if (responseType === 'arraybuffer') deferred.resolve(bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer);
        else if (responseType === 'blob') deferred.resolve(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeOf(path) }));
        else if (responseType === 'json') deferred.resolve(JSON.parse(new TextDecoder().decode(bytes)));
        else deferred.resolve(new TextDecoder().decode(bytes));
      })
      .catch((e: unknown) => {
        if (!aborted) deferred.reject(e);
      });
    return {
      abort: () => {
        aborted = true;
      },
    };
  };
  impl.loadImageElement = (url, crossOrigin, deferred) => {
    if (typeof url !== 'string' || !url.startsWith(BASE)) return loadImageElement(url, crossOrigin, deferred);
    readVirtual(url)
      .then(({ bytes, path }) => {
        const blobUrl = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeOf(path) }));
        const done = (f: () => void) => {
          URL.revokeObjectURL(blobUrl);
          f();
        };
        loadImageElement(blobUrl, false, {
          promise: deferred.promise,
          resolve: (v) => done(() => deferred.resolve(v)),
          reject: (e) => done(() => deferred.reject(e)),
        });
      })
      .catch((e: unknown) => deferred.reject(e));
  };
}

export interface LocalTilesMount {
  /** The virtual address of the root tileset.json (give it to Cesium3DTileset.fromUrl). */
  readonly url: string;
  /** A virtual address as the user knows it: `<archive or folder>/<path>`. */
  describe(url: string): string;
  dispose(): void;
}

/** Makes a set of files reachable by Cesium under a virtual address until disposed. */
export function mountLocalTiles(files: TileFiles, tilesetPath: string): LocalTilesMount {
  install();
  const id = `m${(seq++).toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;
  mounts.set(id, files);
  const base = `${BASE}${id}/`;
  return {
    url: `${base}${tilesetPath.split('/').map(encodeURIComponent).join('/')}`,
    describe: (url) => (url.startsWith(base) ? `${files.name}/${parse(url)?.path ?? url.slice(base.length)}` : url),
    dispose: () => {
      mounts.delete(id);
    },
  };
}
