import { describe, expect, it } from 'vitest';
import { cachePlan, packOf } from '../../../src/core/offline-policy.ts';

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
});
