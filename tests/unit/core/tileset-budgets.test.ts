import { describe, expect, it } from 'vitest';
import { glbWithShortBuffer, tinyGlb } from '../../fixtures/hostile-tilesets.ts';
import { checkTileHeader, DEFAULT_TILESET_LIMITS, explainTileError, inspectTileset, TilesetLimitError } from '../../../src/core/tileset-limits.ts';

/** Issue 22: budgets against hostile tilesets (children per tile, tile headers, engine errors). */

const box = { box: [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1] };
const tile = (children: unknown[] = []) => ({ boundingVolume: box, geometricError: 1, children });

/** A glb whose header and JSON chunk are consistent; `patch` overwrites u32 fields. */
function glb(patch: Record<number, number> = {}): Uint8Array {
  const json = new TextEncoder().encode('{"asset":{"version":"2.0"}} ');
  const out = new Uint8Array(20 + json.length);
  const v = new DataView(out.buffer);
  out.set(new TextEncoder().encode('glTF'), 0);
  v.setUint32(4, 2, true);
  v.setUint32(8, out.length, true);
  v.setUint32(12, json.length, true);
  out.set(new TextEncoder().encode('JSON'), 16);
  out.set(json, 20);
  for (const [o, x] of Object.entries(patch)) v.setUint32(Number(o), x, true);
  return out;
}

function b3dm(inner: Uint8Array, patch: Record<number, number> = {}): Uint8Array {
  const out = new Uint8Array(28 + inner.length);
  const v = new DataView(out.buffer);
  out.set(new TextEncoder().encode('b3dm'), 0);
  v.setUint32(4, 1, true);
  v.setUint32(8, out.length, true);
  out.set(inner, 28);
  for (const [o, x] of Object.entries(patch)) v.setUint32(Number(o), x, true);
  return out;
}

describe('tileset budgets (issue 22)', () => {
  it('refuses a tile with more children than the per-tile limit, naming the tile, although the tileset is under the tile limit', () => {
    const json = { asset: { version: '1.0' }, root: tile(Array.from({ length: 100_000 }, () => tile())) };
    let err: unknown = null;
    try {
      inspectTileset(json, 'huge/tileset.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TilesetLimitError);
    expect((err as Error).message).toBe(`huge/tileset.json: root has 100,000 children, more than ${DEFAULT_TILESET_LIMITS.maxChildrenPerTile.toLocaleString('en-US')} per tile (the page would freeze while the engine checks them)`);
    const nested = { asset: { version: '1.0' }, root: tile([tile(), tile(Array.from({ length: 5000 }, () => tile()))]) };
    expect(() => inspectTileset(nested, 'n.json')).toThrow('n.json: root.children[1] has 5,000 children');
    expect(inspectTileset({ asset: { version: '1.0' }, root: tile(Array.from({ length: 4096 }, () => tile())) }, 'ok.json').tiles).toBe(4097);
  });

  it('finds a corrupt glb header before the engine reads it', () => {
    expect(checkTileHeader(glb())).toBeNull();
    // The JSON chunk claims 1,000,000 bytes: the engine says "Invalid typed array length: 1000000".
    expect(checkTileHeader(glb({ 12: 1_000_000 }))).toMatch(/^corrupt glb header: chunk 0 declares 1,000,000 bytes, past the end of the 48-byte file$/);
    expect(checkTileHeader(glb({ 8: 1_000_000 }))).toBe('corrupt glb header: it declares 1,000,000 bytes, the file has 48');
    expect(checkTileHeader(glb({ 4: 7 }))).toBe('corrupt glb header: version 7, not 1 or 2');
    expect(checkTileHeader(glb().subarray(0, 10))).toMatch(/^corrupt glb header/);
    expect(checkTileHeader(b3dm(glb()))).toBeNull();
    expect(checkTileHeader(b3dm(glb(), { 12: 1_000_000 }))).toMatch(/^corrupt b3dm header: its tables declare/);
    expect(checkTileHeader(b3dm(glb({ 12: 1_000_000 })))).toMatch(/^b3dm with a corrupt glb header/);
    // A buffer view past the binary chunk (the engine: "Invalid typed array length: 1000000").
    expect(checkTileHeader(glbWithShortBuffer())).toBe('corrupt glb: buffer view 0 ends at byte 1,000,000, past the end of its 36-byte binary chunk');
    expect(checkTileHeader(tinyGlb())).toBeNull();
    // Other content (JSON of an external tileset, subtrees): the engine decides.
    expect(checkTileHeader(new TextEncoder().encode('{"asset":{}}'))).toBeNull();
    // Never throws, whatever the bytes.
    for (let i = 0; i < 2000; i++) {
      const b = new Uint8Array(Math.floor(Math.random() * 64)).map(() => Math.floor(Math.random() * 256));
      b.set(new TextEncoder().encode(['glTF', 'b3dm', 'i3dm', 'pnts', 'cmpt'][i % 5]!).subarray(0, b.length));
      expect(() => checkTileHeader(b)).not.toThrow();
    }
  });

  it('translates engine errors about a tile into plain words', () => {
    expect(explainTileError('Invalid typed array length: 1000000')).toBe('corrupt or truncated tile: its header declares more bytes than the file holds');
    expect(explainTileError('RangeError: Offset is outside the bounds of the DataView')).toMatch(/^corrupt or truncated tile/);
    expect(explainTileError('Invalid tile content.')).toMatch(/^not a 3D Tiles content format/);
    expect(explainTileError('Unsupported glTF Extension: EXT_foo')).toBe('needs the glTF extension EXT_foo, which this viewer does not support');
    expect(explainTileError('corrupt glb header: version 7, not 1 or 2')).toBe('corrupt glb header: version 7, not 1 or 2');
    expect(explainTileError('Request has failed. Status Code: 404')).toBe('Request has failed. Status Code: 404');
    expect(explainTileError('Failed: blob:http://x/abc')).toBe('Failed');
    // Our own and local-file messages pass through, even when a path looks like a keyword.
    expect(explainTileError('city.3tz/images/draco-magic.glb: missing from the archive')).toBe('city.3tz/images/draco-magic.glb: missing from the archive');
    expect(explainTileError('Failed to load image: t.png')).toBe('a texture image that cannot be decoded');
  });
});
