import { enuToEcefMatrix, type Mat4 } from './geodesy.ts';

/**
 * Placing a model on the globe: its local metres (x east, y north, z up when the heading is 0)
 * turned clockwise by a heading seen from above, scaled, and moved to an east-north-up frame at
 * a geodetic anchor. The scene (Cesium model matrix) and the simulations (triangles in the BVH)
 * use these same functions, so what is drawn is what is simulated.
 */

export interface Placement {
  lonDeg: number;
  latDeg: number;
  /** Ellipsoid height of the model's origin, metres. */
  baseM: number;
  /** Clockwise from north, degrees. */
  headingDeg: number;
  /** Uniform scale (1 = as authored). */
  scale: number;
}

/** Column-major 4×4: local model metres → ECEF metres (ENU at the anchor · heading · scale). */
export function placementMatrix(p: Placement): Mat4 {
  const enu = enuToEcefMatrix(p.lonDeg, p.latDeg, p.baseM);
  const h = (p.headingDeg * Math.PI) / 180;
  const c = Math.cos(h) * p.scale, s = Math.sin(h) * p.scale;
  // Local rotation-scale (column-major): x → (c, −s), y → (s, c), z → scale·z.
  const local = [c, -s, 0, 0, s, c, 0, 0, 0, 0, p.scale, 0, 0, 0, 0, 1];
  const out = new Float64Array(16);
  for (let col = 0; col < 4; col++) for (let row = 0; row < 4; row++) {
    let v = 0;
    for (let k = 0; k < 4; k++) v += enu[k * 4 + row]! * local[col * 4 + k]!;
    out[col * 4 + row] = v;
  }
  return out;
}

/** Model positions turned and scaled into the anchor's east-north-up metres (not moved). */
export function placeLocal(positions: ArrayLike<number>, headingDeg: number, scale: number): Float32Array<ArrayBuffer> {
  const h = (headingDeg * Math.PI) / 180;
  const c = Math.cos(h) * scale, s = Math.sin(h) * scale;
  const out = new Float32Array(positions.length);
  for (let i = 0; i + 2 < positions.length; i += 3) {
    const x = positions[i]!, y = positions[i + 1]!;
    out[i] = c * x + s * y;
    out[i + 1] = -s * x + c * y;
    out[i + 2] = positions[i + 2]! * scale;
  }
  return out;
}
