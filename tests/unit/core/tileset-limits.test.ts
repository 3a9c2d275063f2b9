import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inspectTileset, TilesetLimitError, DEFAULT_TILESET_LIMITS } from '../../../src/core/tileset-limits.ts';

const box = { box: [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1] };
const tile = (children: unknown[] = [], content?: string) => ({ boundingVolume: box, geometricError: 1, ...(content !== undefined ? { content: { uri: content } } : {}), children });

describe('tileset limits', () => {
  it('summarises a valid tileset: tiles, depth, external tilesets', () => {
    const json = { asset: { version: '1.1' }, geometricError: 100, root: tile([tile([tile([], 'a.glb')]), tile([], 'sub/tileset.json')]) };
    expect(inspectTileset(json, 't.json')).toEqual({ version: '1.1', tiles: 4, depth: 2, externalTilesets: 1, implicit: false });
  });
  it('refuses a tree deeper than the limit, naming the tile, without recursing', () => {
    let root = tile();
    for (let i = 0; i < 100_000; i++) root = tile([root]);
    const e = (() => {
      try {
        inspectTileset({ asset: { version: '1.0' }, root }, 'deep.json');
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(e).toBeInstanceOf(TilesetLimitError);
    expect((e as Error).message).toMatch(/^deep\.json: root(\.children\[0\])+ is deeper than 40 levels$/);
  });
  it('refuses more tiles than the limit', () => {
    const json = { asset: { version: '1.0' }, root: tile(Array.from({ length: 50 }, () => tile())) };
    expect(() => inspectTileset(json, 'wide.json', { ...DEFAULT_TILESET_LIMITS, maxTiles: 20 })).toThrow('wide.json: more than 20 tiles');
  });
  it('names what is missing', () => {
    expect(() => inspectTileset({ root: tile() }, 'x')).toThrow('x: no "asset" object');
    expect(() => inspectTileset({ asset: { version: '1.0' }, root: { boundingVolume: box, geometricError: -1 } }, 'x')).toThrow('x: root has no valid geometricError');
    expect(() => inspectTileset({ asset: { version: '1.0' }, root: tile([tile(), 5]) }, 'x')).toThrow('x: root.children[1] is not a tile object');
  });
  it('any JSON: a summary or a TilesetLimitError, nothing else (fuzzed)', () => {
    const tileArb = fc.letrec((tie) => ({
      tile: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.record({ boundingVolume: fc.oneof(fc.constant(box), fc.jsonValue()), geometricError: fc.oneof(fc.double(), fc.jsonValue()), children: fc.array(tie('tile'), { maxLength: 3 }) }, { requiredKeys: [] }),
        fc.jsonValue(),
      ),
    }));
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ asset: fc.oneof(fc.record({ version: fc.oneof(fc.constant('1.1'), fc.jsonValue()) }), fc.jsonValue()), root: tileArb.tile })), (json) => {
        try {
          const s = inspectTileset(json, 'f');
          expect(s.tiles).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(TilesetLimitError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
