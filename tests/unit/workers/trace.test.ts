import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTracer, T_MIN, type Hit } from '../../../src/city/analysis/bvh-trace.ts';
import { gridFor, polygonAreaM2, rasterizePolygons } from '../../../src/core/grid.ts';
import { boxesGeometry } from './city-fixtures.ts';

/** Brute force over every triangle: the nearest t in (T_MIN, tMax], or -1. */
function bruteNearest(g: ReturnType<typeof boxesGeometry>, o: number[], d: number[], tMax: number): number {
  const P = g.positions, I = g.index;
  let best = -1;
  for (let t = 0; t < I.length / 3; t++) {
    const a = I[3 * t]! * 3, b = I[3 * t + 1]! * 3, c = I[3 * t + 2]! * 3;
    const e1 = [P[b]! - P[a]!, P[b + 1]! - P[a + 1]!, P[b + 2]! - P[a + 2]!];
    const e2 = [P[c]! - P[a]!, P[c + 1]! - P[a + 1]!, P[c + 2]! - P[a + 2]!];
    const p = [d[1]! * e2[2]! - d[2]! * e2[1]!, d[2]! * e2[0]! - d[0]! * e2[2]!, d[0]! * e2[1]! - d[1]! * e2[0]!];
    const det = e1[0]! * p[0]! + e1[1]! * p[1]! + e1[2]! * p[2]!;
    if (Math.abs(det) < 1e-12) continue;
    const s = [o[0]! - P[a]!, o[1]! - P[a + 1]!, o[2]! - P[a + 2]!];
    const u = (s[0]! * p[0]! + s[1]! * p[1]! + s[2]! * p[2]!) / det;
    if (u < 0 || u > 1) continue;
    const q = [s[1]! * e1[2]! - s[2]! * e1[1]!, s[2]! * e1[0]! - s[0]! * e1[2]!, s[0]! * e1[1]! - s[1]! * e1[0]!];
    const v = (d[0]! * q[0]! + d[1]! * q[1]! + d[2]! * q[2]!) / det;
    if (v < 0 || u + v > 1) continue;
    const tt = (e2[0]! * q[0]! + e2[1]! * q[1]! + e2[2]! * q[2]!) / det;
    if (tt > T_MIN && tt <= tMax && (best < 0 || tt < best)) best = tt;
  }
  return best;
}

describe('BVH ray queries (three-mesh-bvh serialised BVH)', () => {
  const boxes = Array.from({ length: 60 }, (_, i) => ({ x: (i % 10) * 15 - 75, y: Math.floor(i / 10) * 18 - 54, w: 8 + (i % 3), d: 9 + (i % 4), h: 5 + ((i * 7) % 30) }));
  const g = boxesGeometry(boxes);
  const tracer = createTracer(g);

  it('agrees with brute force on random rays: same nearest hit, any-hit iff a hit exists (property)', () => {
    const coord = fc.double({ min: -100, max: 100, noNaN: true });
    fc.assert(
      fc.property(coord, coord, fc.double({ min: 0, max: 40, noNaN: true }), fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }), fc.double({ min: -1.4, max: 1.5, noNaN: true }), fc.double({ min: 1, max: 300, noNaN: true }), (x0, y0, z0, az, el, tMax) => {
        // Boxes sit on whole metres: keep origins off their planes, where a grazing ray is ambiguous.
        const x = x0 + 0.1234567, y = y0 + 0.3710981, z = z0 + 0.0137;
        const d = [Math.sin(az) * Math.cos(el), Math.cos(az) * Math.cos(el), Math.sin(el)];
        const expected = bruteNearest(g, [x, y, z], d, tMax);
        const hit: Hit = { t: 0, triangle: -1 };
        const found = tracer.closest(x, y, z, d[0]!, d[1]!, d[2]!, tMax, hit);
        const any = tracer.occluded(x, y, z, d[0]!, d[1]!, d[2]!, tMax);
        if (found !== expected >= 0 || any !== found) return false;
        return !found || Math.abs(hit.t - expected) < 1e-6;
      }),
      { numRuns: 2000 },
    );
  });

  it('blocker gives the same answer as any-hit with any hint, and names a triangle on the ray (property)', () => {
    const coord = fc.double({ min: -100, max: 100, noNaN: true });
    const nt = g.index.length / 3;
    fc.assert(
      fc.property(coord, coord, fc.double({ min: 0, max: 40, noNaN: true }), fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }), fc.double({ min: -1.4, max: 1.5, noNaN: true }), fc.double({ min: 1, max: 300, noNaN: true }), fc.integer({ min: -2, max: nt + 5 }), (x0, y0, z0, az, el, tMax, hint) => {
        const x = x0 + 0.1234567, y = y0 + 0.3710981, z = z0 + 0.0137;
        const d = [Math.sin(az) * Math.cos(el), Math.cos(az) * Math.cos(el), Math.sin(el)] as const;
        const any = tracer.occluded(x, y, z, d[0], d[1], d[2], tMax);
        const first = tracer.blocker(x, y, z, d[0], d[1], d[2], tMax, hint);
        if ((first >= 0) !== any) return false;
        // Passing the answer back as the hint answers again without a traversal, with the same triangle.
        return first < 0 || tracer.blocker(x, y, z, d[0], d[1], d[2], tMax, first) === first;
      }),
      { numRuns: 2000 },
    );
  });

  it('handles axis-parallel rays (zero direction components)', () => {
    const hit: Hit = { t: 0, triangle: -1 };
    const b = boxes[0]!;
    expect(tracer.closest(b.x + 1, b.y + 1, 100, 0, 0, -1, 1000, hit)).toBe(true);
    expect(100 - hit.t).toBeCloseTo(b.h, 4);
    expect(tracer.occluded(b.x - 1, b.y + 1, 1, 1, 0, 0, 0.5)).toBe(false);
    expect(tracer.occluded(b.x - 1, b.y + 1, 1, 1, 0, 0, 1.5)).toBe(true);
  });

  it('rasterises a polygon with a hole: cells whose centre is inside', () => {
    const poly = [[0, 0, 10, 0, 10, 10, 0, 10], [4, 4, 6, 4, 6, 6, 4, 6]];
    const grid = gridFor([poly], 1);
    expect(grid).toEqual({ x0: 0, y0: 0, cellM: 1, cols: 10, rows: 10 });
    const mask = rasterizePolygons([poly], grid);
    expect(mask.reduce((s, v) => s + v, 0)).toBe(96);
    expect(mask[5 * 10 + 5]).toBe(0);
    expect(polygonAreaM2(poly)).toBe(96);
  });

  it('rasterised cell count approaches the area for any triangle (property)', () => {
    const c = fc.double({ min: -200, max: 200, noNaN: true });
    fc.assert(
      fc.property(c, c, c, c, c, c, (ax, ay, bx, by, cx, cy) => {
        const poly = [[ax, ay, bx, by, cx, cy]];
        const area = Math.abs(polygonAreaM2(poly));
        const grid = gridFor([poly], 2);
        const n = rasterizePolygons([poly], grid).reduce((s, v) => s + v, 0);
        const perimeter = Math.hypot(bx - ax, by - ay) + Math.hypot(cx - bx, cy - by) + Math.hypot(ax - cx, ay - cy);
        return Math.abs(n * 4 - area) <= perimeter * 2 + 8;
      }),
      { numRuns: 300 },
    );
  });
});
