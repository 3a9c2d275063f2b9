import { describe, expect, it } from 'vitest';
import { buildTileTree, buildTileTreeFromSummaries, summarise, SummaryColumns, walkTiles, type TileNode } from '../../../src/city/tiler.ts';
import type { BuildingRecord } from '../../../src/city/types.ts';

/** n square buildings on a jittered grid around Rennes, heights 3–60 m. */
function city(n: number): BuildingRecord[] {
  const side = Math.ceil(Math.sqrt(n));
  return Array.from({ length: n }, (_, i) => {
    const x = -1.7 + (i % side) * 0.0003 + ((i * 7919) % 13) * 1e-5, y = 48.1 + Math.floor(i / side) * 0.0002;
    return { id: `b${i}`, polygons: [{ outer: [x, y, x + 0.0001, y, x + 0.0001, y + 0.0001, x, y + 0.0001], holes: [] }], baseM: 0, heightM: 3 + ((i * 31) % 58), heightSource: 'attribute', floors: null, use: null, yearBuilt: null, source: 's' };
  });
}

describe('rtree tiling', () => {
  it('packs ~900 buildings per leaf under content-free parents, two levels up to 64 leaves', () => {
    const b = city(20_000);
    const root = buildTileTree(b);
    const tiles = [...walkTiles(root)];
    const leaves = tiles.filter((t) => t.children.length === 0);
    expect(leaves.length).toBe(Math.ceil(20_000 / 900));
    expect(root.children.length).toBe(leaves.length);
    for (const t of leaves) {
      // Equally full: 20,000 / 23 leaves.
      expect(t.content.length).toBeGreaterThanOrEqual(869);
      expect(t.content.length).toBeLessThanOrEqual(870);
      expect(t.geometricErrorM).toBe(0);
    }
    expect(root.content).toEqual([]);
    expect(root.geometricErrorM).toBeGreaterThan(0);
    // Every building once.
    expect(leaves.flatMap((t) => t.content).sort((x, y) => x - y)).toEqual(b.map((_, i) => i));
  });

  it('adds a level above 64 leaves, with geometric errors not growing with depth and regions nesting', () => {
    const root = buildTileTree(city(70_000), { targetFeatures: 500 });
    expect(root.children.length).toBeLessThanOrEqual(64);
    const check = (t: TileNode) => {
      for (const c of t.children) {
        expect(c.geometricErrorM).toBeLessThanOrEqual(t.geometricErrorM);
        for (const k of [0, 1, 4] as const) expect(c.region[k]).toBeGreaterThanOrEqual(t.region[k]);
        for (const k of [2, 3, 5] as const) expect(c.region[k]).toBeLessThanOrEqual(t.region[k]);
        check(c);
      }
    };
    check(root);
    expect(Math.max(...[...walkTiles(root)].map((t) => t.level))).toBe(2);
  });

  it('gives the same tree from summary objects and from typed columns; the skyline layout is still there', () => {
    const b = city(3000);
    const s = summarise(b);
    expect(JSON.stringify(buildTileTreeFromSummaries(SummaryColumns.from(s)))).toBe(JSON.stringify(buildTileTreeFromSummaries(s)));
    const skyline = buildTileTree(b, { layout: 'skyline' });
    expect(skyline.content.length).toBe(300); // the most prominent buildings in the root
  });
});
