import { metresPerDegree } from '../../core/geodesy.ts';

/**
 * The wifi study area's geometry (pure): the default square around the city's centre and the
 * area of a drawn ring, on a local flat approximation.
 */

/** A square of `sideM` around a point, as a ring of [lon, lat]. */
export function squareAround(lonDeg: number, latDeg: number, sideM: number): [number, number][] {
  const m = metresPerDegree(latDeg);
  const dx = sideM / 2 / m.lonM, dy = sideM / 2 / m.latM;
  return [[lonDeg - dx, latDeg - dy], [lonDeg + dx, latDeg - dy], [lonDeg + dx, latDeg + dy], [lonDeg - dx, latDeg + dy]];
}

/** Area of a ring of [lon, lat] (open), km² (local flat approximation). */
export function ringAreaKm2(ring: readonly [number, number][]): number {
  const lat = ring.reduce((s, p) => s + p[1], 0) / ring.length;
  const m = metresPerDegree(lat);
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j]![0] * m.lonM * ring[i]![1] * m.latM - ring[i]![0] * m.lonM * ring[j]![1] * m.latM;
  return Math.abs(a / 2) / 1e6;
}
