/// <reference lib="webworker" />
import { cacheNames, clientsClaim, setCacheNameDetails, type WorkboxPlugin } from 'workbox-core';
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { NetworkFirst, StaleWhileRevalidate } from 'workbox-strategies';
import { cachePlan, CESIUM_CACHE, isCurrentCache, packOf, PACK_CACHE, startsNewPack } from '../core/offline-policy.ts';
import type { SwNetworkMessage } from '../core/network-status.ts';

/**
 * The service worker (built to /sw.js by vite-plugin-pwa's `injectManifest`, registered by
 * src/app/offline.ts in production builds). Workbox does the caching; the decisions per request
 * are in core/offline-policy.ts:
 *
 * - **precache**: every file Vite built (the page, the entry, every lazy chunk, worker and wasm,
 *   the CSS, the web app manifest and its icons) and Cesium's files the app may need offline
 *   (Workers, ThirdParty, the offline imagery): the list and each file's revision are written
 *   into this file at build time (`self.__WB_MANIFEST`). A new build installs a new list; on
 *   activation Workbox deletes what the new list no longer names.
 * - **page**: network first (a new build is picked up at once), the precached page offline.
 * - **pack**: network first, the cached copy offline; only the last pack opened is kept.
 * - **revalidate**: Cesium's files not precached: the cached copy at once, refreshed behind.
 * - **network**: the API, online services (other origins), writes: never cached.
 *
 * It tells its pages whether the network answered (`{type: 'jumeau-network', online}`,
 * core/network-status.ts).
 */
declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (PrecacheEntry | string)[] };

/** The app's base path (`/` or `/jumeau/` under a sub-path): the worker's scope. */
const BASE = new URL(self.registration.scope).pathname;

setCacheNameDetails({ prefix: 'jumeau' });

/**
 * Tells the pages whether the network answered: the page cannot see that a response came from
 * this cache, and navigator.onLine is not reliable. Only changes are posted, except fallbacks to
 * the cache (`force`): a page just opened from the cache needs to hear it.
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

/** A Workbox plugin reporting each network answer and failure of a network-first strategy. */
const networkReport: WorkboxPlugin = {
  fetchDidSucceed: async ({ response }) => {
    reportNetwork(true);
    return response;
  },
  fetchDidFail: async () => {
    reportNetwork(false, true);
  },
};

const plan = (request: Request, url: URL) => cachePlan(url, request.method, self.location.origin, request.mode, BASE);

// The page first, before the precache route (which would answer it cache-first): network first,
// so that a new build shows at once; offline, the precached page (whatever the query string).
const pageNetwork = new NetworkFirst({ cacheName: cacheNames.runtime, plugins: [networkReport, { cacheWillUpdate: async () => null }] });
registerRoute(
  ({ request, url }) => plan(request, url) === 'page',
  async ({ event, request }) => {
    try {
      return await pageNetwork.handle({ event, request });
    } catch (e) {
      const page = await matchPrecache('index.html');
      if (page !== undefined) return page;
      throw e;
    }
  },
);

// Every built file (the list is injected at build time), cache first; stale entries go on activation.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// City packs: network first, the cached copy offline (range requests and partial answers are not
// cached: the cache API refuses 206). Only the last pack opened is kept.
const packNetwork = new NetworkFirst({ cacheName: PACK_CACHE, plugins: [networkReport] });
registerRoute(
  ({ request, url }) => plan(request, url) === 'pack' && !request.headers.has('range'),
  async ({ event, request, url }) => {
    if (startsNewPack(url.pathname, BASE)) (event as ExtendableEvent).waitUntil(keepOnlyPack(packOf(url.pathname, BASE)!));
    return packNetwork.handle({ event, request });
  },
);

// Cesium's files that are not precached (stable names, change only with a Cesium upgrade).
registerRoute(({ request, url }) => plan(request, url) === 'revalidate', new StaleWhileRevalidate({ cacheName: CESIUM_CACHE }));

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

void self.skipWaiting();
clientsClaim();

// Caches of earlier schemes (jumeau-app-v1…) go when this worker activates.
self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const keep = [cacheNames.precache, cacheNames.runtime, PACK_CACHE, CESIUM_CACHE];
      for (const name of await caches.keys()) if (!isCurrentCache(name, keep)) await caches.delete(name);
    })(),
  );
});
