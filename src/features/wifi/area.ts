import { metresPerDegree } from '../../core/geodesy.ts';
import { lonLatRingAreaM2 } from '../../core/geometry/polygon.ts';

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
  return lonLatRingAreaM2(ring) / 1e6;
}
