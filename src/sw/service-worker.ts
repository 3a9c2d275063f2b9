/// <reference lib="webworker" />
import { APP_CACHE, cachePlan, packOf, PACK_CACHE } from '../core/offline-policy.ts';
import type { SwNetworkMessage } from '../core/network-status.ts';

/**
 * The service worker (built to /sw.js, registered by src/app/offline.ts in production builds):
 * keeps the app and the last city pack in the browser's cache so that Jumeau opens without a
 * network, on the city last seen. Decisions per request are in core/offline-policy.ts.
 */
declare const self: ServiceWorkerGlobalScope;

/** The app's base path (`/` or `/jumeau/` under a sub-path): the worker's scope. */
const BASE = new URL(self.registration.scope).pathname;

self.addEventListener('install', (event) => {
  // The shell: the page and what it references (hashed files), so a first offline reload works.
  event.waitUntil(
    (async () => {
      const cache = await caches.open(APP_CACHE);
      try {
        const res = await fetch(BASE, { cache: 'no-cache' });
        if (res.ok) {
          const html = await res.clone().text();
          await cache.put(BASE, res);
          const refs = [...html.matchAll(/(?:src|href)="([^"]*\/assets\/[^"]+)"/g)].map((m) => m[1]!).filter((r) => r.startsWith(BASE));
          await cache.addAll(refs);
        }
      } catch {
        // Offline at install time: runtime caching fills the cache later.
      }
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith('jumeau-') && name !== APP_CACHE && name !== PACK_CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

/**
 * Tells the pages whether the network answered (core/network-status.ts): the page cannot see that
 * a response came from this cache, and navigator.onLine is not reliable. Only changes are posted;
 * a page that opens while the network is down hears it on its first request served from the cache.
 */
let networkFailed = false;
function reportNetwork(online: boolean, force = false): void {
  if (!force && networkFailed === !online) return;
  networkFailed = !online;
  const msg: SwNetworkMessage = { type: 'jumeau-network', online };
  void self.clients.matchAll({ includeUncontrolled: true }).then((all) => {
    for (const c of all) c.postMessage(msg);
  });
}

async function networkFirst(req: Request, cacheName: string, key: Request | string = req): Promise<Response> {
  const cache = await caches.open(cacheName);
  try {
    const res = await fetch(req);
    if (res.ok && res.status === 200) await cache.put(key, res.clone());
    reportNetwork(true);
    return res;
  } catch (e) {
    const hit = await cache.match(key);
    // Every fallback is reported (not only the first): a page just opened from the cache needs it.
    reportNetwork(false, true);
    if (hit !== undefined) return hit;
    throw e;
  }
}

async function cacheFirst(req: Request): Promise<Response> {
  const cache = await caches.open(APP_CACHE);
  const hit = await cache.match(req);
  if (hit !== undefined) return hit;
  const res = await fetch(req);
  if (res.ok && res.status === 200) await cache.put(req, res.clone());
  return res;
}

async function staleWhileRevalidate(req: Request, wait: (p: Promise<unknown>) => void): Promise<Response> {
  const cache = await caches.open(APP_CACHE);
  const hit = await cache.match(req);
  const refresh = fetch(req).then(async (res) => {
    if (res.ok && res.status === 200) await cache.put(req, res.clone());
    return res;
  });
  if (hit !== undefined) {
    wait(refresh.catch(() => undefined));
    return hit;
  }
  return refresh;
}

/** Keeps only the last pack opened: entries of other packs go when a new pack's manifest is fetched. */
let lastPack: string | null = null;
async function keepOnlyPack(pack: string): Promise<void> {
  if (pack === lastPack) return;
  lastPack = pack;
  const cache = await caches.open(PACK_CACHE);
  for (const req of await cache.keys()) {
    const other = packOf(new URL(req.url).pathname, BASE);
    if (other !== null && other !== pack) await cache.delete(req);
  }
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  const plan = cachePlan(url, req.method, self.location.origin, req.mode, BASE);
  switch (plan) {
    case 'page':
      // Every route of the app is the same page: one cache entry, the query string ignored.
      event.respondWith(networkFirst(req, APP_CACHE, BASE));
      break;
    case 'immutable':
      event.respondWith(cacheFirst(req));
      break;
    case 'revalidate':
      event.respondWith(staleWhileRevalidate(req, (p) => event.waitUntil(p)));
      break;
    case 'pack': {
      const pack = packOf(url.pathname, BASE);
      if (pack !== null && /\/(city|tileset)\.json$/.test(url.pathname)) event.waitUntil(keepOnlyPack(pack));
      // Range requests and partial answers are not cached (the cache API refuses 206).
      if (req.headers.has('range')) return;
      event.respondWith(networkFirst(req, PACK_CACHE));
      break;
    }
    case 'network':
      break;
  }
});
