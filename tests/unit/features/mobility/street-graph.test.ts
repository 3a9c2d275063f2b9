import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinaryHeap, multiSourceDijkstra } from '../../../../src/features/mobility/dijkstra.ts';
import { buildStreetGraph, DRIVE, haversineM, indexNodes, ONEWAY, osmFlags, WALK, type StreetGraph, type StreetLines } from '../../../../src/features/mobility/street-graph.ts';

/** The street graph (snapping, flags, one-way) and multi-source Dijkstra against brute force. */

function lines(list: { pts: [number, number][]; flags: number }[]): StreetLines {
  const coords: number[] = [], starts = [0], flags: number[] = [];
  for (const l of list) {
    for (const p of l.pts) coords.push(p[0], p[1]);
    starts.push(coords.length / 2);
    flags.push(l.flags);
  }
  return { coords: Float64Array.from(coords), starts: Uint32Array.from(starts), flags: Uint8Array.from(flags) };
}

const LON = -1.68, LAT = 48.11;
const dLon = 1 / (111_195 * Math.cos((LAT * Math.PI) / 180)), dLat = 1 / 111_195;
const at = (eM: number, nM: number): [number, number] => [LON + eM * dLon, LAT + nM * dLat];

/** Reference: O(n²) Dijkstra from one source without a heap. */
function bruteForce(g: StreetGraph, src: number, mode: number): Float64Array {
  const dist = new Float64Array(g.nodeCount).fill(Infinity);
  const done = new Uint8Array(g.nodeCount);
  dist[src] = 0;
  for (;;) {
    let u = -1;
    for (let i = 0; i < g.nodeCount; i++) if (done[i] === 0 && dist[i]! < Infinity && (u < 0 || dist[i]! < dist[u]!)) u = i;
    if (u < 0) break;
    done[u] = 1;
    for (let k = g.offsets[u]!; k < g.offsets[u + 1]!; k++) if ((g.arcFlags[k]! & mode) !== 0) dist[g.target[k]!] = Math.min(dist[g.target[k]!]!, dist[u]! + g.lengthM[k]!);
  }
  return dist;
}

describe('street graph', () => {
  it('joins ways at shared and nearly shared vertices, with geodesic lengths', () => {
    const g = buildStreetGraph(lines([
      { pts: [at(0, 0), at(100, 0), at(200, 0)], flags: WALK | DRIVE },
      { pts: [at(100.4, 0.3), at(100, 100)], flags: WALK | DRIVE }, // 0.5 m from the first way's vertex
      { pts: [at(300, 0), at(400, 0)], flags: WALK }, // apart
    ]), 1);
    expect(g.nodeCount).toBe(6);
    expect(g.edgeA.length).toBe(4);
    const d = multiSourceDijkstra(g, [0], null, WALK).distM;
    expect(d[1]).toBeCloseTo(100, 0);
    expect(d[2]).toBeCloseTo(200, 0);
    expect(d[3]).toBeCloseTo(200, 0);
    expect(d[4]).toBe(Infinity);
    expect(haversineM(LON, LAT, ...at(1000, 0))).toBeCloseTo(1000, 0);
  });

  it('drivers follow one-way streets, walkers do not', () => {
    const g = buildStreetGraph(lines([{ pts: [at(0, 0), at(100, 0)], flags: WALK | DRIVE | ONEWAY }]));
    expect(multiSourceDijkstra(g, [0], null, DRIVE).distM[1]).toBeCloseTo(100, 0);
    expect(multiSourceDijkstra(g, [1], null, DRIVE).distM[0]).toBe(Infinity);
    expect(multiSourceDijkstra(g, [1], null, WALK).distM[0]).toBeCloseTo(100, 0);
  });

  it('reads OSM tags: footways are walk only, motorways drive only, oneway=-1 reverses', () => {
    expect(osmFlags({ highway: 'footway' })).toBe(WALK);
    expect(osmFlags({ highway: 'motorway' }) & (WALK | DRIVE)).toBe(DRIVE);
    expect(osmFlags({ highway: 'residential', oneway: 'yes' })).toBe(WALK | DRIVE | ONEWAY);
    const g = buildStreetGraph(lines([{ pts: [at(0, 0), at(100, 0)], flags: osmFlags({ highway: 'primary', oneway: '-1' }) }]));
    expect(multiSourceDijkstra(g, [1], null, DRIVE).distM[0]).toBeCloseTo(100, 0);
    expect(multiSourceDijkstra(g, [0], null, DRIVE).distM[1]).toBe(Infinity);
    expect(osmFlags({})).toBe(0);
  });

  it('finds the nearest node of a mode within a distance', () => {
    const g = buildStreetGraph(lines([{ pts: [at(0, 0), at(500, 0)], flags: WALK }, { pts: [at(0, 50), at(500, 50)], flags: DRIVE }]));
    const idx = indexNodes(g, 100);
    expect(idx.nearest(...at(480, 40), WALK, 300)?.node).toBe(1);
    expect(idx.nearest(...at(480, 40), DRIVE, 300)?.node).toBe(3);
    expect(idx.nearest(...at(480, 40), WALK, 10)).toBeNull();
  });

  it('the binary heap pops keys in order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 300 }), (keys) => {
        const h = new BinaryHeap(4);
        keys.forEach((k, i) => h.push(k, i));
        const out: number[] = [];
        while (h.size > 0) {
          out.push(h.topKey());
          h.pop();
        }
        return out.length === keys.length && out.every((v, i) => i === 0 || out[i - 1]! <= v);
      }),
    );
  });

  it('multi-source distances equal the minimum of brute-force single-source Dijkstra on random graphs (property)', () => {
    const graphArb = fc.record({
      n: fc.integer({ min: 2, max: 40 }),
      edges: fc.array(fc.record({ a: fc.nat(), b: fc.nat(), flags: fc.constantFrom(WALK, DRIVE, WALK | DRIVE, WALK | DRIVE | ONEWAY) }), { maxLength: 120 }),
      sources: fc.array(fc.record({ node: fc.nat(), startM: fc.double({ min: 0, max: 500, noNaN: true }) }), { minLength: 1, maxLength: 5 }),
      mode: fc.constantFrom(WALK, DRIVE),
      maxM: fc.oneof(fc.constant(Infinity), fc.double({ min: 10, max: 5000, noNaN: true })),
    });
    fc.assert(
      fc.property(graphArb, ({ n, edges, sources, mode, maxM }) => {
        // Nodes on a 97 m lattice so lengths are varied; a line per edge.
        const pos = (i: number) => at((i * 97) % 1000, Math.floor((i * 97) / 1000) * 83 + (i % 7) * 13);
        const g = buildStreetGraph(lines(edges.map((e) => ({ pts: [pos(e.a % n), pos(e.b % n)], flags: e.flags })).filter((l) => l.pts[0] !== l.pts[1])), 0);
        if (g.nodeCount === 0) return true;
        const src = sources.map((s) => s.node % g.nodeCount);
        const start = sources.map((s) => s.startM);
        const r = multiSourceDijkstra(g, src, start, mode, maxM);
        const refs = src.map((s) => bruteForce(g, s, mode));
        for (let v = 0; v < g.nodeCount; v++) {
          let want = Infinity;
          refs.forEach((d, i) => (want = Math.min(want, start[i]! + d[v]!)));
          if (want > maxM) want = Infinity;
          const got = r.distM[v]!;
          if (want === Infinity ? got !== Infinity : Math.abs(got - want) > 1e-6) return false;
          if (got !== Infinity && r.source[v]! < 0) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});
