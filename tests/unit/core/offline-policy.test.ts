import { describe, expect, it } from 'vitest';
import { cachePlan, isCurrentCache, packOf, PACK_CACHE, startsNewPack, withinBase } from '../../../src/core/offline-policy.ts';

const O = 'http://127.0.0.1:4173';
const plan = (path: string, method = 'GET', mode?: string, origin = O) => cachePlan(new URL(path, origin), method, O, mode);

describe('service worker cache plan', () => {
  it('keeps the page network-first, hashed build files cache-first, Cesium files revalidated', () => {
    expect(plan('/')).toBe('page');
    expect(plan('/?city=demo&cam=1,2,3,4,5,6', 'GET', 'navigate')).toBe('page');
    expect(plan('/assets/main-C9punPOL.js')).toBe('immutable');
    expect(plan('/cesium/Workers/createVerticesFromHeightmap.js')).toBe('revalidate');
  });
  it('caches city packs but never the API, other origins or writes', () => {
    expect(plan('/packs/demo/tiles/0.glb')).toBe('pack');
    expect(plan('/packs/index.json')).toBe('pack');
    expect(plan('/api/consultations')).toBe('network');
    expect(plan('/api/health', 'GET', 'navigate')).toBe('network');
    expect(plan('/packs/demo/city.json', 'POST')).toBe('network');
    expect(plan('/assets/main.js', 'GET', undefined, 'https://example.org')).toBe('network');
    expect(plan('/sw.js')).toBe('network');
  });
  it('names the pack of a pack file, not of the catalog', () => {
    expect(packOf('/packs/demo/tileset.json')).toBe('demo');
    expect(packOf('/packs/lyon%201/tiles/3/1.glb')).toBe('lyon 1');
    expect(packOf('/packs/index.json')).toBeNull();
    expect(packOf('/packs/demo/')).toBeNull();
    expect(packOf('/assets/x.js')).toBeNull();
  });
  it('follows the app under a sub-path (JUMEAU_BASE_PATH): paths are read relative to the base', () => {
    const at = (p: string, mode?: string) => cachePlan(new URL(`https://city.example${p}`), 'GET', 'https://city.example', mode, '/jumeau/');
    expect(at('/jumeau/assets/main-abc.js')).toBe('immutable');
    expect(at('/jumeau/packs/demo/tiles/0.glb')).toBe('pack');
    expect(at('/jumeau/api/consultations')).toBe('network');
    expect(at('/jumeau/', 'navigate')).toBe('page');
    // Outside the base: another app on the same origin, never cached.
    expect(at('/assets/main-abc.js')).toBe('network');
    expect(at('/packs/demo/tileset.json')).toBe('network');
    expect(packOf('/jumeau/packs/demo/tileset.json', '/jumeau/')).toBe('demo');
    expect(packOf('/packs/demo/tileset.json', '/jumeau/')).toBeNull();
    expect(withinBase('/jumeau', '/jumeau/')).toBe('/');
    expect(withinBase('/jumeau-other/x', '/jumeau/')).toBeNull();
    expect(withinBase('/x/y', '/')).toBe('/x/y');
  });
  it('drops the other packs when a city starts, never on the catalog or a tile', () => {
    expect(startsNewPack('/packs/demo/city.json')).toBe(true);
    expect(startsNewPack('/packs/demo/tileset.json')).toBe(true);
    expect(startsNewPack('/jumeau/packs/demo/tileset.json', '/jumeau/')).toBe(true);
    expect(startsNewPack('/packs/demo/tiles/0.glb')).toBe(false);
    expect(startsNewPack('/packs/index.json')).toBe(false);
    expect(startsNewPack('/packs/demo/tileset.json', '/jumeau/')).toBe(false);
  });
  it("evicts caches of earlier schemes, keeps the current ones, Workbox's and other apps' ones", () => {
    const keep = [PACK_CACHE, 'jumeau-precache-v2-https://x/'];
    expect(isCurrentCache('jumeau-app-v1', keep)).toBe(false);
    expect(isCurrentCache('jumeau-pack-v0', keep)).toBe(false);
    expect(isCurrentCache(PACK_CACHE, keep)).toBe(true);
    expect(isCurrentCache('jumeau-precache-v2-https://x/other/', keep)).toBe(true);
    expect(isCurrentCache('another-app', keep)).toBe(true);
  });
});
