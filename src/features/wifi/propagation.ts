import type { Hit, Tracer } from '../../city/analysis/bvh-trace.ts';

/**
 * The radio propagation model of the wifi coverage kernel (kernel.ts), pure formulas:
 *
 * Path loss is the ITU-R P.1411 site-general model for both ends below rooftops (§4.1.1):
 * `L = 10·α·log10(d) + β + 10·γ·log10(f)`, d the 3D distance in metres, f in GHz, median values
 * (the Gaussian term is left out). An obstructed path takes the stronger of two ways: *through*
 * the buildings (the line-of-sight loss plus a loss per wall crossed) and *around* them (the
 * P.1411 non-line-of-sight loss, never less than the line-of-sight one). So a thin wall between
 * an access point and a receiver costs exactly its wall loss as long as going through is the
 * stronger way, and thick blocks are bounded by the street-canyon model. Sector antennas follow
 * the 3GPP TR 36.814 horizontal pattern; walls are counted along a segment by ray casts.
 */

/** Speed of light, m/s. */
export const C_M_S = 299_792_458;

/** Coefficients of the site-general model (ITU-R P.1411-10 §4.1.1, Table 4). */
export interface P1411Coefficients {
  alpha: number;
  beta: number;
  gamma: number;
  sigmaDb: number;
  /** Validity: frequency range, GHz, and distance range, m. */
  fGHz: [number, number];
  dM: [number, number];
}

export type P1411Environment = 'urban' | 'residential';

export const P1411: { los: P1411Coefficients; nlos: Record<P1411Environment, P1411Coefficients> } = {
  los: { alpha: 2.12, beta: 29.2, gamma: 2.11, sigmaDb: 5.06, fGHz: [0.8, 73], dM: [5, 660] },
  nlos: {
    urban: { alpha: 4.0, beta: 10.2, gamma: 2.36, sigmaDb: 7.6, fGHz: [0.8, 38], dM: [30, 715] },
    residential: { alpha: 3.01, beta: 18.8, gamma: 2.07, sigmaDb: 3.07, fGHz: [0.8, 73], dM: [30, 170] },
  },
};

/** Closest distance used in the loss formulas, m (the formulas diverge at 0). */
export const MIN_DISTANCE_M = 1;

/** Free-space basic transmission loss (ITU-R P.525): 20·log10(4π·d·f / c), dB. */
export function freeSpaceLossDb(dM: number, fGHz: number): number {
  return 20 * Math.log10((4 * Math.PI * Math.max(dM, MIN_DISTANCE_M) * fGHz * 1e9) / C_M_S);
}

/** Median P.1411 site-general loss with the given coefficients, dB. */
export function p1411LossDb(dM: number, fGHz: number, k: P1411Coefficients): number {
  return 10 * k.alpha * Math.log10(Math.max(dM, MIN_DISTANCE_M)) + k.beta + 10 * k.gamma * Math.log10(fGHz);
}

/** Loss of an obstructed path: the stronger of through the walls and around the buildings, dB. */
export function obstructedLossDb(dM: number, fGHz: number, walls: number, wallLossDb: number, env: P1411Environment): number {
  const los = p1411LossDb(dM, fGHz, P1411.los);
  const around = Math.max(los, p1411LossDb(dM, fGHz, P1411.nlos[env]));
  return Math.min(los + walls * wallLossDb, around);
}

/** Antenna pattern: omnidirectional, or a sector (3GPP TR 36.814 horizontal pattern). */
export type AntennaPattern = { kind: 'omni' } | { kind: 'sector'; azimuthDeg: number; beamwidthDeg: number; frontToBackDb: number };

/**
 * Gain relative to the main lobe (≤ 0 dB) towards a horizontal direction (east, north):
 * `−min(12·(φ/φ3dB)², A_m)`, φ the angle from the sector's azimuth (clockwise from north).
 */
export function patternGainDb(p: AntennaPattern, dx: number, dy: number): number {
  if (p.kind === 'omni' || (dx === 0 && dy === 0)) return 0;
  const az = (Math.atan2(dx, dy) * 180) / Math.PI;
  let phi = Math.abs(az - p.azimuthDeg) % 360;
  if (phi > 180) phi = 360 - phi;
  return -Math.min(12 * (phi / p.beamwidthDeg) ** 2, p.frontToBackDb);
}

/** A transmitter in the model frame. */
export interface Transmitter {
  x: number;
  y: number;
  /** Antenna height above the ground at (x, y), m. */
  heightM: number;
  eirpDbm: number;
  fGHz: number;
  pattern: AntennaPattern;
}

/**
 * Surfaces met closer than this to the previous one belong to the same wall (its two faces), m.
 * A building crossed from side to side counts two walls; a free-standing wall, one.
 */
export const WALL_THICKNESS_M = 0.5;

/** Walls crossed along a segment, at most `max` (then `max`): successive closest hits. */
export function countWalls(tracer: Tracer, ox: number, oy: number, oz: number, tx: number, ty: number, tz: number, max: number, hit: Hit = { t: 0, triangle: 0 }): number {
  const dx = tx - ox, dy = ty - oy, dz = tz - oz;
  const len = Math.hypot(dx, dy, dz);
  if (len === 0) return 0;
  const ux = dx / len, uy = dy / len, uz = dz / len;
  let t = 0, walls = 0;
  let lastT = -Infinity;
  while (walls < max && t < len) {
    if (!tracer.closest(ox + ux * t, oy + uy * t, oz + uz * t, ux, uy, uz, len - t, hit)) break;
    const at = t + hit.t;
    // The two faces of one wall (and two triangles meeting on a diagonal) are one wall.
    if (at - lastT > WALL_THICKNESS_M) walls++;
    lastT = at;
    t = at + 1e-3;
  }
  return walls;
}

/** Largest distance at which `eirp − L_LoS(d) ≥ level`, capped by `maxRangeM`. */
export function reachFor(t: Transmitter, level: number, maxRangeM: number): number {
  const k = P1411.los;
  const budget = t.eirpDbm - level - k.beta - 10 * k.gamma * Math.log10(t.fGHz);
  if (budget < 0) return 0;
  return Math.min(maxRangeM, 10 ** (budget / (10 * k.alpha)));
}
