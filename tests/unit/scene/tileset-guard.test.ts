import { Event, Resource } from 'cesium';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cesium3DTileset } from 'cesium';
import { DEFAULT_TILESET_LIMITS } from '../../../src/core/tileset-limits.ts';
import { watchTileFetches } from '../../../src/scene/tile-fetch-guard.ts';
import { guardTileset } from '../../../src/scene/tileset-guard.ts';

/**
 * Issue 22: bytes per tile checked on Content-Length and while streaming (the request aborted
 * past the limit), tile headers checked before the engine parses them, external tilesets checked
 * like the root one, tiles visited per frame, memory, engine errors in plain words.
 */

type Deferred = { resolve(v: unknown): void; reject(e: unknown): void };
type Impl = { loadWithXhr: (url: string, rt: string, m: string, d: unknown, h: unknown, deferred: Deferred) => unknown };
const impl = (Resource as unknown as { _Implementations: Impl })._Implementations;
const original = impl.loadWithXhr;

/** A fake XMLHttpRequest that the test drives: headers, progress, then the body. */
class FakeXhr extends EventTarget {
  readyState = 0;
  aborted = false;
  headers: Record<string, string> = {};
  constructor(readonly deferred: Deferred) {
    super();
  }
  getResponseHeader(n: string) {
    return this.headers[n.toLowerCase()] ?? null;
  }
  abort() {
    this.aborted = true;
  }
  sendHeaders(h: Record<string, string>) {
    this.headers = h;
    this.readyState = 2;
    this.dispatchEvent(new globalThis.Event('readystatechange'));
  }
  progress(loaded: number, total?: number) {
    const e = Object.assign(new globalThis.Event('progress'), { loaded, total: total ?? 0, lengthComputable: total !== undefined });
    this.dispatchEvent(e);
  }
  finish(body: Uint8Array) {
    if (!this.aborted) this.deferred.resolve(body.buffer);
  }
}

let last: FakeXhr | null = null;
function fakeNetwork() {
  impl.loadWithXhr = (_url, _rt, _m, _d, _h, deferred) => (last = new FakeXhr(deferred));
}

function corruptGlb(): Uint8Array {
  const b = new Uint8Array(64);
  const v = new DataView(b.buffer);
  b.set(new TextEncoder().encode('glTF'));
  v.setUint32(4, 2, true);
  v.setUint32(8, 64, true);
  v.setUint32(12, 1_000_000, true);
  b.set(new TextEncoder().encode('JSON'), 16);
  return b;
}

const reason = (p: Promise<unknown>) => p.then(() => 'accepted', (e: unknown) => (e instanceof Error ? e.message : String(e)));

afterEach(() => {
  impl.loadWithXhr = original;
});

describe('tile fetch guard', () => {
  it('refuses a tile on its Content-Length and aborts the download', async () => {
    fakeNetwork();
    const unwatch = watchTileFetches('http://tiles.example/hostile/', DEFAULT_TILESET_LIMITS.maxTileBytes);
    try {
      const p = reason(new Resource({ url: 'http://tiles.example/hostile/big.glb' }).fetchArrayBuffer()!);
      last!.sendHeaders({ 'content-length': String(200 * 1024 ** 2) });
      expect(await p).toBe('tile of 200 MB (Content-Length), more than the limit of 64 MB per tile: not downloaded');
      expect(last!.aborted).toBe(true);
    } finally {
      unwatch();
    }
  });

  it('aborts a tile that streams past the limit without declaring its length', async () => {
    fakeNetwork();
    const unwatch = watchTileFetches('http://tiles.example/hostile/', DEFAULT_TILESET_LIMITS.maxTileBytes);
    try {
      const p = reason(new Resource({ url: 'http://tiles.example/hostile/sub/stream.b3dm' }).fetchArrayBuffer()!);
      last!.sendHeaders({});
      last!.progress(10 * 1024 ** 2);
      expect(last!.aborted).toBe(false);
      last!.progress(65 * 1024 ** 2);
      expect(last!.aborted).toBe(true);
      expect(await p).toBe('tile larger than the limit of 64 MB per tile: download stopped after 65 MB');
    } finally {
      unwatch();
    }
  });

  it('refuses a corrupt glb header before the engine parses it; other addresses and unwatched folders pass', async () => {
    fakeNetwork();
    const unwatch = watchTileFetches('http://tiles.example/hostile/', DEFAULT_TILESET_LIMITS.maxTileBytes);
    const p = reason(new Resource({ url: 'http://tiles.example/hostile/bad.glb' }).fetchArrayBuffer()!);
    last!.finish(corruptGlb());
    expect(await p).toBe('corrupt glb header: chunk 0 declares 1,000,000 bytes, past the end of the 64-byte file');
    const elsewhere = reason(new Resource({ url: 'http://other.example/bad.glb' }).fetchArrayBuffer()!);
    last!.finish(corruptGlb());
    expect(await elsewhere).toBe('accepted');
    unwatch();
    const after = reason(new Resource({ url: 'http://tiles.example/hostile/bad.glb' }).fetchArrayBuffer()!);
    last!.finish(corruptGlb());
    expect(await after).toBe('accepted');
  });
});

/** Enough of a Cesium3DTileset for the guard. */
function fakeTileset() {
  const proto = {
    update(this: { _statistics: { visited: number } }, fs: { visited: number }) {
      this._statistics.visited = fs.visited;
    },
    loadTileset: (_r: unknown, json: unknown, _parent?: unknown) => json,
  };
  return Object.assign(Object.create(proto) as typeof proto, {
    tileLoad: new Event(),
    tileFailed: new Event(),
    cacheBytes: 512 * 1024 ** 2,
    maximumCacheOverflowBytes: 512 * 1024 ** 2,
    maximumScreenSpaceError: 16,
    preloadWhenHidden: false,
    _statistics: { visited: 0, numberOfTilesTotal: 10 },
    resource: { url: 'http://tiles.example/guarded/tileset.json' },
  });
}

describe('tileset guard budgets', () => {
  it('translates engine errors, checks external tilesets, coarsens past the visit budget, bounds memory; undone on dispose', () => {
    const ts = fakeTileset();
    const limits: string[] = [];
    const failed: { url: string; message: string }[] = [];
    ts.tileFailed.addEventListener((e: { url: string; message: string }) => failed.push(e));
    const dispose = guardTileset(ts as unknown as Cesium3DTileset, 't.json', (r) => limits.push(r));

    ts.tileFailed.raiseEvent({ url: 'http://tiles.example/guarded/bad.glb', message: 'Invalid typed array length: 1000000' });
    expect(failed).toEqual([{ url: 'http://tiles.example/guarded/bad.glb', message: 'corrupt or truncated tile: its header declares more bytes than the file holds' }]);

    const box = { box: [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const wide = { asset: { version: '1.0' }, root: { boundingVolume: box, geometricError: 1, children: Array.from({ length: 100_000 }, () => ({ boundingVolume: box, geometricError: 0 })) } };
    expect(() => ts.loadTileset({ url: 'http://tiles.example/guarded/ext/tileset.json' }, wide, {})).toThrow('http://tiles.example/guarded/ext/tileset.json: root has 100,000 children');
    expect(ts.loadTileset({ url: 'x' }, wide)).toBe(wide); // the root tileset was checked before Cesium

    ts.update({ visited: 100 });
    expect(ts.maximumScreenSpaceError).toBe(16);
    ts.update({ visited: 50_000 });
    ts.update({ visited: 50_000 });
    expect(ts.maximumScreenSpaceError).toBe(64);
    expect(limits).toEqual(['t.json: more than 16,384 tiles to check in one frame (50,000): shown coarser to keep the page responsive']);

    expect(ts.cacheBytes + ts.maximumCacheOverflowBytes).toBeLessThanOrEqual(DEFAULT_TILESET_LIMITS.maxMemoryBytes);

    dispose();
    ts.tileFailed.raiseEvent({ url: 'u', message: 'Invalid typed array length: 1' });
    expect(failed[1]!.message).toBe('Invalid typed array length: 1');
    expect(ts.loadTileset({ url: 'x' }, wide, {})).toBe(wide);
  });
});
