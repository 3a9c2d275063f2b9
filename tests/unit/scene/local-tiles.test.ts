import { Resource } from 'cesium';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { mountLocalTiles } from '../../../src/features/userdata/local-tiles-view.ts';
import { bytesAccess, folderTileFiles, openTilesArchive } from '../../../src/features/userdata/tiles-archive.ts';

const enc = (s: string) => new TextEncoder().encode(s);

/**
 * The virtual address of a mounted archive resolves like a served tileset: relative URIs, an
 * external tileset's own relative URIs, implicit-tiling templates and subtrees all reach the
 * archive's files through Cesium's own Resource (derived resources, fetchJson/fetchArrayBuffer).
 */
describe('local tiles served to Cesium from an archive or folder', () => {
  it('answers derived, templated and external-tileset addresses from the files; names missing ones', async () => {
    const z = zipSync({
      'tileset.json': enc('{"asset":{"version":"1.1"}}'),
      'ext/tileset.json': enc('{"asset":{"version":"1.0"},"name":"external"}'),
      'ext/tiles/a.b3dm': enc('b3dm!'),
      'content/2/1/3.glb': enc('glb 2/1/3'),
      'subtrees/0.0.0.subtree': enc('subtree'),
    });
    const files = await openTilesArchive(bytesAccess(z), 'city.3tz');
    const mount = mountLocalTiles(files, 'tileset.json');
    try {
      const root = new Resource({ url: mount.url });
      expect(await root.fetchJson()).toEqual({ asset: { version: '1.1' } });
      const ext = root.getDerivedResource({ url: 'ext/tileset.json' });
      expect(await ext.fetchJson()).toMatchObject({ name: 'external' });
      // The external tileset's own relative URI resolves against its folder.
      const inExt = ext.getDerivedResource({ url: 'tiles/a.b3dm' });
      expect(new TextDecoder().decode(new Uint8Array((await inExt.fetchArrayBuffer())!))).toBe('b3dm!');
      const templ = root.getDerivedResource({ url: 'content/{level}/{x}/{y}.glb', templateValues: { level: 2, x: 1, y: 3 } });
      expect(new TextDecoder().decode(new Uint8Array((await templ.fetchArrayBuffer())!))).toBe('glb 2/1/3');
      const sub = root.getDerivedResource({ url: 'subtrees/{level}.{x}.{y}.subtree', templateValues: { level: 0, x: 0, y: 0 } });
      expect((await sub.fetchArrayBuffer())!.byteLength).toBe(7);
      expect(mount.describe(templ.url)).toBe('city.3tz/content/2/1/3.glb');
      await expect(root.getDerivedResource({ url: 'content/9/9/9.glb' }).fetchArrayBuffer()).rejects.toThrow(/city\.3tz\/content\/9\/9\/9\.glb: missing from the archive/);
    } finally {
      mount.dispose();
    }
    // Once unmounted, a late request fails with a reason rather than hanging.
    await expect(new Resource({ url: mount.url }).fetchJson()).rejects.toThrow(/removed/);
  });

  it('serves a folder the same way', async () => {
    const f = folderTileFiles('demo', [{ path: 'demo/tileset.json', blob: new Blob(['{"asset":{"version":"1.1"}}']) }, { path: 'demo/tiles/0.glb', blob: new Blob(['t0']) }], 'demo');
    const mount = mountLocalTiles(f, 'tileset.json');
    const t = new Resource({ url: mount.url }).getDerivedResource({ url: './tiles/0.glb' });
    expect(new TextDecoder().decode(new Uint8Array((await t.fetchArrayBuffer())!))).toBe('t0');
    mount.dispose();
  });
});
