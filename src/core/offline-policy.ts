/**
 * What the service worker does with each request (src/sw/sw.ts, Workbox): the pure decision,
 * tested without a browser.
 *
 * - `page`: the app's HTML. Network first (a new build is picked up at once), the precached copy
 *   when offline.
 * - `immutable`: Vite's hashed build files. Precached at install (every one: lazy chunks, workers
 *   and wasm too), served cache first: a name never changes content.
 * - `revalidate`: Cesium's static files (stable names, change only with a Cesium upgrade). Those
 *   the app needs offline are precached; the others: the cached copy at once, refreshed behind.
 * - `pack`: a city pack file. Network first, the cached copy when offline; only the last city
 *   opened is kept (see `packOf`, `startsNewPack`), so the cache does not grow with every city.
 * - `network`: everything else (the consultation API, online services on other origins, non-GET):
 *   never cached: live data must not be stale, and third-party tiles would grow without bound.
 */
export type CachePlan = 'page' | 'immutable' | 'revalidate' | 'pack' | 'network';

export function cachePlan(url: URL, method: string, origin: string, mode?: string, base = '/'): CachePlan {
  if (method !== 'GET' || url.origin !== origin) return 'network';
  const p = withinBase(url.pathname, base);
  if (p === null) return 'network';
  if (p.startsWith('/api/')) return 'network';
  if (p.startsWith('/packs/')) return 'pack';
  if (p.startsWith('/assets/')) return 'immutable';
  if (p.startsWith('/cesium/')) return 'revalidate';
  if (mode === 'navigate' || p === '/' || p === '/index.html') return 'page';
  return 'network';
}

/**
 * The pack a `/packs/…` path belongs to: `demo` for `/packs/demo/tiles/0.glb`; null for the
 * catalog (`/packs/index.json`), which is kept whatever the city.
 */
export function packOf(pathname: string, base = '/'): string | null {
  const p = withinBase(pathname, base);
  const m = p === null ? null : /^\/packs\/([^/]+)\/./.exec(p);
  return m === null ? null : decodeURIComponent(m[1]!);
}

/**
 * A path relative to the app's base path (`/jumeau/` when the app is served under a sub-path,
 * JUMEAU_BASE_PATH), as a root path: `/jumeau/packs/x` → `/packs/x`; null outside the base.
 */
export function withinBase(pathname: string, base = '/'): string | null {
  const b = base.endsWith('/') ? base : `${base}/`;
  if (b === '/') return pathname;
  if (pathname === b.slice(0, -1)) return '/';
  return pathname.startsWith(b) ? `/${pathname.slice(b.length)}` : null;
}

/**
 * Whether a pack request starts (or returns to) a city: its `city.json` or `tileset.json`. The
 * worker then drops the cached files of every other pack.
 */
export function startsNewPack(pathname: string, base = '/'): boolean {
  return packOf(pathname, base) !== null && /\/(city|tileset)\.json$/.test(pathname);
}

/** Cache names; the version changes when the caching scheme does. */
export const CACHE_VERSION = 1;
export const PACK_CACHE = `jumeau-pack-v${CACHE_VERSION}`;
export const CESIUM_CACHE = `jumeau-cesium-v${CACHE_VERSION}`;

/**
 * Whether a cache survives the worker's activation: caches of other apps on the origin (not
 * `jumeau-…`) and Workbox's own (`jumeau-precache-…`, `jumeau-runtime-…`, per scope, which Workbox
 * cleans itself) stay, as do the current ones (`keep`); earlier schemes (`jumeau-app-v1`) go.
 */
export function isCurrentCache(name: string, keep: readonly string[]): boolean {
  if (!name.startsWith('jumeau-') || keep.includes(name)) return true;
  return /^jumeau-(precache|runtime)-/.test(name);
}
