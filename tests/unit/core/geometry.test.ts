import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MeshBuilder } from '../../../src/core/geometry/extrude.ts';
import { cleanRing, reverseRing, ringsSelfIntersect, signedArea } from '../../../src/core/geometry/polygon.ts';

function roofArea(mb: MeshBuilder, top: number): number {
  const topZ = Math.fround(top);
  const p = mb.positions.toArray();
  const idx = mb.indices.toArray();
  let area = 0;
  for (let t = 0; t < idx.length; t += 3) {
    const [a, b, c] = [idx[t]!, idx[t + 1]!, idx[t + 2]!];
    if (p[a * 3 + 2] !== topZ || p[b * 3 + 2] !== topZ || p[c * 3 + 2] !== topZ) continue;
    area += ((p[b * 3]! - p[a * 3]!) * (p[c * 3 + 1]! - p[a * 3 + 1]!) - (p[b * 3 + 1]! - p[a * 3 + 1]!) * (p[c * 3]! - p[a * 3]!)) / 2;
  }
  return area;
}

describe('polygon helpers', () => {
  it('computes signed area and orientation', () => {
    const sq = [0, 0, 10, 0, 10, 10, 0, 10];
    expect(signedArea(sq)).toBe(100);
    expect(signedArea(reverseRing(sq))).toBe(-100);
  });

  it('cleans closing duplicates, repeated vertices and spikes', () => {
    expect(cleanRing([0, 0, 10, 0, 10, 0, 10, 10, 0, 10, 0, 0])).toEqual([0, 0, 10, 0, 10, 10, 0, 10]);
    // A spike out to (20, 5) and back.
    expect(signedArea(cleanRing([0, 0, 10, 0, 10, 5, 20, 5, 10, 5, 10, 10, 0, 10]))).toBe(100);
  });

  it('detects self-intersections and hole crossings, accepts valid rings', () => {
    expect(ringsSelfIntersect([[0, 0, 10, 10, 10, 0, 0, 10]])).toBe(true); // bow tie
    expect(ringsSelfIntersect([[0, 0, 10, 0, 10, 10, 0, 10]])).toBe(false);
    expect(ringsSelfIntersect([[0, 0, 10, 0, 10, 10, 0, 10], [2, 2, 4, 2, 4, 4, 2, 4]])).toBe(false);
    expect(ringsSelfIntersect([[0, 0, 10, 0, 10, 10, 0, 10], [5, 5, 15, 5, 15, 6, 5, 6]])).toBe(true);
  });
});

describe('LOD1 extrusion', () => {
  it('extrudes a box: 4 walls, a roof, outward normals, counter-clockwise faces', () => {
    const mb = new MeshBuilder();
    const tris = mb.addExtrudedPolygon({ outer: [0, 0, 10, 0, 10, 20, 0, 20], holes: [] }, 0, 12, 7);
    expect(tris).toBe(10);
    expect(mb.vertexCount).toBe(20);
    expect(new Set(mb.featureIds.toArray())).toEqual(new Set([7]));
    const p = mb.positions.toArray(), n = mb.normals.toArray(), idx = mb.indices.toArray();
    for (let t = 0; t < idx.length; t += 3) {
      const [a, b, c] = [idx[t]!, idx[t + 1]!, idx[t + 2]!];
      const u = [p[b * 3]! - p[a * 3]!, p[b * 3 + 1]! - p[a * 3 + 1]!, p[b * 3 + 2]! - p[a * 3 + 2]!];
      const v = [p[c * 3]! - p[a * 3]!, p[c * 3 + 1]! - p[a * 3 + 1]!, p[c * 3 + 2]! - p[a * 3 + 2]!];
      const face = [u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!];
      const normal = [n[a * 3]!, n[a * 3 + 1]!, n[a * 3 + 2]!];
      // Winding agrees with the stored normal (front faces are counter-clockwise from outside).
      expect(face[0]! * normal[0]! + face[1]! * normal[1]! + face[2]! * normal[2]!).toBeGreaterThan(0);
      // Normals point away from the box centre (5, 10, 6).
      const cx = (p[a * 3]! + p[b * 3]! + p[c * 3]!) / 3 - 5, cy = (p[a * 3 + 1]! + p[b * 3 + 1]! + p[c * 3 + 1]!) / 3 - 10, cz = (p[a * 3 + 2]! + p[b * 3 + 2]! + p[c * 3 + 2]!) / 3 - 6;
      expect(cx * normal[0]! + cy * normal[1]! + cz * normal[2]!).toBeGreaterThan(0);
    }
    expect(roofArea(mb, 12)).toBeCloseTo(200, 9);
  });

  it('keeps holes (courtyards) and accepts either ring orientation', () => {
    const mb = new MeshBuilder();
    mb.addExtrudedPolygon({ outer: reverseRing([0, 0, 30, 0, 30, 30, 0, 30]), holes: [[10, 10, 20, 10, 20, 20, 10, 20]] }, 5, 15, 0);
    expect(roofArea(mb, 15)).toBeCloseTo(800, 9);
    // 8 walls (4 outer + 4 courtyard), 2 triangles each, plus the roof.
    expect(mb.triangleCount).toBe(16 + 8);
  });

  it('refuses degenerate input without throwing', () => {
    const mb = new MeshBuilder();
    expect(mb.addExtrudedPolygon({ outer: [0, 0, 1, 1], holes: [] }, 0, 10, 0)).toBe(0);
    expect(mb.addExtrudedPolygon({ outer: [0, 0, 1, 0, 2, 0], holes: [] }, 0, 10, 0)).toBe(0);
    expect(mb.addExtrudedPolygon({ outer: [0, 0, 10, 0, 10, 10], holes: [] }, 10, 10, 0)).toBe(0);
    expect(mb.addExtrudedPolygon({ outer: [0, 0, Number.NaN, 0, 10, 10], holes: [] }, 0, 10, 0)).toBe(0);
    expect(mb.vertexCount).toBe(0);
  });

  it('roof area equals footprint area for random star-shaped footprints', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 2, max: 50, noNaN: true }), { minLength: 3, maxLength: 40 }), fc.double({ min: 1, max: 200, noNaN: true }), (radii, h) => {
        const ring: number[] = [];
        radii.forEach((r, i) => {
          const a = (i / radii.length) * 2 * Math.PI;
          ring.push(r * Math.cos(a), r * Math.sin(a));
        });
        const mb = new MeshBuilder();
        mb.addExtrudedPolygon({ outer: ring, holes: [] }, 0, h, 1);
        const area = Math.abs(signedArea(ring));
        // Positions are float32: allow their rounding (relative 1e-5).
        expect(Math.abs(roofArea(mb, h) - area)).toBeLessThan(1e-5 * Math.max(1, area));
        expect(mb.triangleCount).toBeGreaterThanOrEqual(radii.length * 2 + radii.length - 2);
      }),
      { numRuns: 500 },
    );
  });
});
