import { Resource } from 'cesium';
import { checkTileHeader, TileContentError, tileTooLarge, tilesetBudgetsOn } from '../core/tileset-limits.ts';

/**
 * Per-tile byte limit and header check for the tiles Cesium downloads (issue 22). Cesium fetches
 * every tile through `Resource._Implementations.loadWithXhr`; this wraps it (once, outermost) and,
 * for addresses under a watched tileset's folder, refuses a tile whose Content-Length is over the
 * limit, aborts one that streams past it (servers that send no length), and checks the header of
 * what arrived (glb, b3dm, i3dm, pnts, cmpt) before the engine parses it. A refused tile fails
 * like any other: Cesium raises `tileFailed` with the reason (a TileContentError).
 */

type Deferred = { promise: Promise<unknown>; resolve(v: unknown): void; reject(e: unknown): void };
type LoadWithXhr = (url: unknown, responseType: string | undefined, method: string, data: unknown, headers: unknown, deferred: Deferred, overrideMimeType: unknown) => unknown;
interface XhrLike {
  addEventListener(type: string, f: (e: { loaded?: number; total?: number; lengthComputable?: boolean }) => void): void;
  abort(): void;
  readyState?: number;
  getResponseHeader?(name: string): string | null;
}

interface Watch {
  prefix: string;
  maxTileBytes: number;
}

const watches = new Set<Watch>();
/** Requests already guarded by an outer copy of the wrapper (another hook wrapped ours since). */
const guarded = new WeakSet<object>();
let current: LoadWithXhr | null = null;

const absolute = (url: string): string => {
  try {
    return new URL(url, (globalThis as { location?: { href: string } }).location?.href).href;
  } catch {
    return url;
  }
};

/** The folder of a tileset's address: the tiles it names live under it. */
export const tilesetFolder = (url: string): string => {
  const a = absolute(url).replace(/[?#].*$/, '');
  return a.slice(0, a.lastIndexOf('/') + 1);
};

function watchFor(url: unknown): Watch | undefined {
  if (typeof url !== 'string' || watches.size === 0) return undefined;
  const a = absolute(url);
  let best: Watch | undefined;
  for (const w of watches) if (a.startsWith(w.prefix) && (best === undefined || w.maxTileBytes < best.maxTileBytes)) best = w;
  return best;
}

const isXhr = (x: unknown): x is XhrLike => typeof x === 'object' && x !== null && typeof (x as XhrLike).addEventListener === 'function' && typeof (x as XhrLike).abort === 'function';

function wrap(inner: LoadWithXhr): LoadWithXhr {
  return (url, responseType, method, data, headers, deferred, overrideMimeType) => {
    const w = method === 'HEAD' || method === 'OPTIONS' || guarded.has(deferred) || !tilesetBudgetsOn() ? undefined : watchFor(url);
    if (w === undefined) return inner(url, responseType, method, data, headers, deferred, overrideMimeType);
    guarded.add(deferred);
    const limit = w.maxTileBytes;
    let settled = false;
    const req: { xhr?: unknown } = {};
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      deferred.reject(new TileContentError(String(url), reason));
      if (isXhr(req.xhr)) req.xhr.abort();
    };
    const checked: Deferred = {
      promise: deferred.promise,
      resolve(v) {
        if (settled) return;
        const bytes = v instanceof ArrayBuffer ? new Uint8Array(v) : ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : null;
        if (bytes !== null) {
          if (bytes.byteLength > limit) return fail(tileTooLarge(bytes.byteLength, limit, false));
          const reason = checkTileHeader(bytes);
          if (reason !== null) return fail(reason);
        }
        settled = true;
        deferred.resolve(v);
      },
      reject(e) {
        if (settled) return;
        settled = true;
        deferred.reject(e);
      },
    };
    const xhr = (req.xhr = inner(url, responseType, method, data, headers, checked, overrideMimeType));
    if (isXhr(xhr)) {
      const x = xhr;
      x.addEventListener('readystatechange', () => {
        // HEADERS_RECEIVED: refuse on the declared length before any of the body is read.
        if (x.readyState !== 2 || x.getResponseHeader === undefined) return;
        const declared = Number(x.getResponseHeader('Content-Length') ?? NaN);
        if (Number.isFinite(declared) && declared > limit) fail(tileTooLarge(declared, limit, true));
      });
      x.addEventListener('progress', (e) => {
        if (e.lengthComputable === true && (e.total ?? 0) > limit) fail(tileTooLarge(e.total!, limit, true));
        else if ((e.loaded ?? 0) > limit) fail(tileTooLarge(e.loaded!, limit, false));
      });
    }
    return xhr;
  };
}

function install(): void {
  const impl = (Resource as unknown as { _Implementations: { loadWithXhr: LoadWithXhr } })._Implementations;
  // Outermost, so that other hooks (local tiles) are covered too; an older copy further in
  // passes guarded requests through.
  if (current !== null && impl.loadWithXhr === current) return;
  current = wrap(impl.loadWithXhr);
  impl.loadWithXhr = current;
}

/**
 * Applies the per-tile byte limit and header check to every request under `folder` (an absolute
 * address ending in `/`) until the returned function is called.
 */
export function watchTileFetches(folder: string, maxTileBytes: number): () => void {
  install();
  const w: Watch = { prefix: folder, maxTileBytes };
  watches.add(w);
  return () => {
    watches.delete(w);
  };
}
