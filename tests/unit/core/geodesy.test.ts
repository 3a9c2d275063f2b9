import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ecefToGeodetic, enuFrame, enuToEcefMatrix, geodeticToEcef, haversineM, metresPerDegree, multiplyMat4, WGS84_A, WGS84_B } from '../../../src/core/geodesy.ts';

const lon = fc.double({ min: -180, max: 180, noNaN: true });
const lat = fc.double({ min: -89.9, max: 89.9, noNaN: true });
const height = fc.double({ min: -1000, max: 100_000, noNaN: true });

describe('geodesy', () => {
  it('places reference points exactly', () => {
    expect(geodeticToEcef(0, 0, 0)).toEqual([WGS84_A, 0, 0]);
    const [x, y, z] = geodeticToEcef(90, 0, 10);
    expect(x).toBeCloseTo(0, 6);
    expect(y).toBeCloseTo(WGS84_A + 10, 6);
    expect(z).toBeCloseTo(0, 6);
    const pole = geodeticToEcef(0, 90, 0);
    expect(pole[2]).toBeCloseTo(WGS84_B, 6);
    const back = ecefToGeodetic(0, 0, WGS84_B + 5);
    expect(back.latDeg).toBe(90);
    expect(back.heightM).toBeCloseTo(5, 6);
  });

  it('round-trips geodetic → ECEF → geodetic to well under a millimetre', () => {
    fc.assert(
      fc.property(lon, lat, height, (lo, la, h) => {
        const [x, y, z] = geodeticToEcef(lo, la, h);
        const g = ecefToGeodetic(x, y, z);
        const [x2, y2, z2] = geodeticToEcef(g.lonDeg, g.latDeg, g.heightM);
        expect(Math.hypot(x - x2, y - y2, z - z2)).toBeLessThan(1e-4);
        expect(Math.abs(g.heightM - h)).toBeLessThan(1e-4);
        expect(Math.abs(g.latDeg - la)).toBeLessThan(1e-9);
      }),
      { numRuns: 2000 },
    );
  });

  it('ENU frames are orthonormal and round-trip', () => {
    fc.assert(
      fc.property(lon, lat, fc.double({ min: -5000, max: 5000, noNaN: true }), fc.double({ min: -5000, max: 5000, noNaN: true }), fc.double({ min: -100, max: 500, noNaN: true }), (lo, la, e, n, u) => {
        const m = enuToEcefMatrix(lo, la, 0);
        const col = (c: number) => [m[c * 4]!, m[c * 4 + 1]!, m[c * 4 + 2]!];
        const dot = (a: number[], b: number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
        expect(dot(col(0), col(1))).toBeCloseTo(0, 12);
        expect(dot(col(0), col(2))).toBeCloseTo(0, 12);
        expect(dot(col(1), col(2))).toBeCloseTo(0, 12);
        for (const c of [0, 1, 2]) expect(dot(col(c), col(c))).toBeCloseTo(1, 12);
        const f = enuFrame({ lonDeg: lo, latDeg: la, heightM: 0 });
        const g = f.toGeodetic(e, n, u);
        const [e2, n2, u2] = f.fromGeodetic(g.lonDeg, g.latDeg, g.heightM);
        expect(Math.hypot(e - e2, n - n2, u - u2)).toBeLessThan(1e-5);
      }),
      { numRuns: 1000 },
    );
  });

  it('ENU axes point east, north and up', () => {
    const f = enuFrame({ lonDeg: -1.68, latDeg: 48.11, heightM: 0 });
    const east = f.toGeodetic(100, 0, 0);
    const north = f.toGeodetic(0, 100, 0);
    expect(east.lonDeg).toBeGreaterThan(-1.68);
    expect(Math.abs(east.latDeg - 48.11)).toBeLessThan(1e-5);
    expect(north.latDeg).toBeGreaterThan(48.11);
    expect(f.toGeodetic(0, 0, 50).heightM).toBeCloseTo(50, 6);
    // Curvature: 1 km away the ellipsoid is ~7.8 cm below the tangent plane.
    const km = f.toGeodetic(1000, 0, 0);
    const drop = f.fromGeodetic(km.lonDeg, 48.11, 0)[2];
    expect(drop).toBeLessThan(-0.07);
    expect(drop).toBeGreaterThan(-0.09);
  });

  it('agrees with haversine and metres-per-degree over a city', () => {
    const m = metresPerDegree(48.11);
    // Reference values for 48.11°N on WGS84 (lon: N cos φ · π/180, lat: M · π/180).
    expect(m.lonM).toBeCloseTo(74_470, -1);
    expect(m.latM).toBeCloseTo(111_197, -1);
    const d = haversineM(-1.68, 48.11, -1.67, 48.11);
    expect(d).toBeGreaterThan(740);
    expect(d).toBeLessThan(748);
  });

  it('multiplies column-major 4×4 matrices: a translation after a scale moves the scaled point', () => {
    const scale = new Float64Array([2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 4, 0, 0, 0, 0, 1]);
    const move = new Float64Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 10, 20, 30, 1]);
    const m = multiplyMat4(move, scale);
    // m × (1, 1, 1, 1) = move(scale(p)) = (12, 23, 34)
    const p = [0, 1, 2].map((r) => m[r]! + m[4 + r]! + m[8 + r]! + m[12 + r]!);
    expect(p).toEqual([12, 23, 34]);
    // scale × move scales the translation too: not commutative.
    expect(Array.from(multiplyMat4(scale, move).slice(12, 15))).toEqual([20, 60, 120]);
    const id = new Float64Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(multiplyMat4(id, m)).toEqual(m);
  });
});
