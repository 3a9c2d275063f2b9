import type { TraceGeometry } from './bvh-trace.ts';
import type { GridSpec } from '../../core/grid.ts';

/**
 * Points on building facades, shared by the kernels that study walls (sun hours, wifi): the wall
 * triangles of a building, a number of samples per triangle proportional to its area, and the
 * sample points themselves — a low-discrepancy R2 pattern folded into the triangle, pushed a
 * small distance off the wall along its outward normal (triangles are counter-clockwise seen from
 * outside). Everything is a pure function of the geometry, so results do not depend on how the
 * work is split.
 */

/** |normal.z| at or above which a surface is a roof (about 73° of slope or less); below, a wall. */
export const ROOF_NZ = 0.3;

/** Unit normal of a triangle (counter-clockwise front), as [nx, ny, nz, area]. */
export function triangleFrame(g: TraceGeometry, tri: number): [number, number, number, number] {
  const P = g.positions, I = g.index;
  const a = I[3 * tri]! * 3, b = I[3 * tri + 1]! * 3, c = I[3 * tri + 2]! * 3;
  const e1x = P[b]! - P[a]!, e1y = P[b + 1]! - P[a + 1]!, e1z = P[b + 2]! - P[a + 2]!;
  const e2x = P[c]! - P[a]!, e2y = P[c + 1]! - P[a + 1]!, e2z = P[c + 2]! - P[a + 2]!;
  const nx = e1y * e2z - e1z * e2y, ny = e1z * e2x - e1x * e2z, nz = e1x * e2y - e1y * e2x;
  const l = Math.hypot(nx, ny, nz);
  if (l === 0) return [0, 0, 0, 0];
  return [nx / l, ny / l, nz / l, l / 2];
}

/** The per-building triangle lists and centroids the sampler needs (see `buildingInfo`). */
export interface BuildingTriangles {
  cx: Float64Array;
  cy: Float64Array;
  first: Uint32Array;
  triangles: Uint32Array;
}

/** Samples on a triangle of `areaM2` at `spacingM` between samples: area / spacing², at least 1. */
export function samplesFor(areaM2: number, spacingM: number): number {
  return Math.max(1, Math.round(areaM2 / (spacingM * spacingM)));
}

/**
 * Buildings whose facades a part studies: those whose centroid falls in a cell of the study
 * area's mask, and whose number modulo `part.count` is `part.index`, in increasing order.
 */
export function facadeBuildings(info: BuildingTriangles, grid: GridSpec, mask: Uint8Array, part: { index: number; count: number }): number[] {
  const out: number[] = [];
  for (let b = 0; b < info.cx.length; b++) {
    if (b % part.count !== part.index) continue;
    const c = Math.floor((info.cx[b]! - grid.x0) / grid.cellM);
    const r = Math.floor((info.cy[b]! - grid.y0) / grid.cellM);
    if (c >= 0 && r >= 0 && c < grid.cols && r < grid.rows && mask[r * grid.cols + c] === 1) out.push(b);
  }
  return out;
}

/** A wall triangle with its outward unit normal, area and number of samples. */
export interface WallTriangle {
  tri: number;
  nx: number;
  ny: number;
  nz: number;
  areaM2: number;
  samples: number;
}

/** The wall triangles of building `b` (not flat enough to be roofs, with an area), in mesh order. */
export function buildingWalls(g: TraceGeometry, info: BuildingTriangles, b: number, spacingM: number): WallTriangle[] {
  const out: WallTriangle[] = [];
  for (let k = info.first[b]!; k < info.first[b + 1]!; k++) {
    const tri = info.triangles[k]!;
    const [nx, ny, nz, area] = triangleFrame(g, tri);
    if (!(area > 0) || Math.abs(nz) >= ROOF_NZ) continue;
    out.push({ tri, nx, ny, nz, areaM2: area, samples: samplesFor(area, spacingM) });
  }
  return out;
}

/** The R2 sequence's constants (1/φ₂ and 1/φ₂², φ₂ the plastic number). */
const A1 = 0.7548776662466927, A2 = 0.5698402909980532;

/**
 * Sample `j` of a wall triangle, `offsetM` off the wall along its normal, written into `out`
 * (x, y, z in the geometry's frame).
 */
export function facadePoint(g: TraceGeometry, w: WallTriangle, j: number, offsetM: number, out: Float64Array): Float64Array {
  const P = g.positions, I = g.index, tri = w.tri;
  const a = I[3 * tri]! * 3, bb = I[3 * tri + 1]! * 3, cc = I[3 * tri + 2]! * 3;
  const e1x = P[bb]! - P[a]!, e1y = P[bb + 1]! - P[a + 1]!, e1z = P[bb + 2]! - P[a + 2]!;
  const e2x = P[cc]! - P[a]!, e2y = P[cc + 1]! - P[a + 1]!, e2z = P[cc + 2]! - P[a + 2]!;
  let u = (0.5 + (j + 1) * A1) % 1, v = (0.5 + (j + 1) * A2) % 1;
  if (u + v > 1) {
    u = 1 - u;
    v = 1 - v;
  }
  out[0] = P[a]! + u * e1x + v * e2x + offsetM * w.nx;
  out[1] = P[a + 1]! + u * e1y + v * e2y + offsetM * w.ny;
  out[2] = P[a + 2]! + u * e1z + v * e2z + offsetM * w.nz;
  return out;
}
