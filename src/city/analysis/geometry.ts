import type { TraceGeometry } from './bvh-trace.ts';
import { ROOF_NZ, triangleFrame } from './facade-samples.ts';

/**
 * The city's geometry as the ray-casting analyses see it (sun hours, wifi, and any kernel that
 * traces rays through buildings): the geometry type, surface codes, per-building facts and the
 * ground model. Shared by the kernels of several features, so it lives in the city library.
 */

/** City geometry for ray casts, with the building each vertex belongs to. */
export interface CityGeometry extends TraceGeometry {
  /** Building number of every vertex (index into `buildingIds`). */
  vertexBuilding: Uint32Array;
  buildingIds: readonly string[];
}

export const SURFACE_OUTSIDE = 0;
export const SURFACE_GROUND = 1;
export const SURFACE_ROOF = 2;

export { ROOF_NZ, triangleFrame };

/** Radius within which building bases give the ground height, metres. */
const GROUND_RADIUS_M = 150;
/** Mean Earth radius, for the drop of the ellipsoid below a tangent plane. */
const EARTH_RADIUS_M = 6_371_000;

export interface BuildingInfo {
  /** Centroid of the vertices and lowest z, per building. */
  cx: Float64Array;
  cy: Float64Array;
  baseZ: Float64Array;
  maxZ: number;
  minZ: number;
  /** Triangles of each building (CSR: triangles[first[b] … first[b+1])). */
  first: Uint32Array;
  triangles: Uint32Array;
}

export function buildingInfo(g: CityGeometry): BuildingInfo {
  const nb = g.buildingIds.length;
  const cx = new Float64Array(nb), cy = new Float64Array(nb), baseZ = new Float64Array(nb).fill(Infinity);
  const count = new Uint32Array(nb);
  const P = g.positions;
  let maxZ = -Infinity;
  let minZ = Infinity;
  for (let v = 0; v < g.vertexBuilding.length; v++) {
    const b = g.vertexBuilding[v]!;
    cx[b]! += P[3 * v]!;
    cy[b]! += P[3 * v + 1]!;
    const z = P[3 * v + 2]!;
    if (z < baseZ[b]!) baseZ[b] = z;
    if (z > maxZ) maxZ = z;
    if (z < minZ) minZ = z;
    count[b]!++;
  }
  for (let b = 0; b < nb; b++) {
    if (count[b]! > 0) {
      cx[b]! /= count[b]!;
      cy[b]! /= count[b]!;
    } else {
      cx[b] = NaN;
      cy[b] = NaN;
    }
  }
  const nt = g.index.length / 3;
  const first = new Uint32Array(nb + 1);
  for (let t = 0; t < nt; t++) first[g.vertexBuilding[g.index[3 * t]!]! + 1]!++;
  for (let b = 0; b < nb; b++) first[b + 1]! += first[b]!;
  const fill = first.slice(0, nb);
  const triangles = new Uint32Array(nt);
  for (let t = 0; t < nt; t++) triangles[fill[g.vertexBuilding[g.index[3 * t]!]!]!++] = t;
  return { cx, cy, baseZ, maxZ: Number.isFinite(maxZ) ? maxZ : 0, minZ: Number.isFinite(minZ) ? minZ : 0, first, triangles };
}

/**
 * Ground height from the bases of nearby buildings: inverse-distance weighting of the four
 * nearest bases within {@link GROUND_RADIUS_M}; the median of the bases of the study's
 * surroundings when none is that close; the tangent plane's ellipsoid drop when there are no
 * buildings at all. Only buildings within the study's reach are used, so the estimate does not
 * depend on what else is loaded.
 */
export function groundModel(info: BuildingInfo, bounds: [number, number, number, number], reachM: number, fixedHeightM: number | null): (x: number, y: number) => number {
  const ellipsoidZ = (x: number, y: number, h: number) => h - (x * x + y * y) / (2 * EARTH_RADIUS_M);
  if (fixedHeightM !== null) return (x, y) => ellipsoidZ(x, y, fixedHeightM);
  const bucket = 50;
  const cells = new Map<number, number[]>();
  const key = (i: number, j: number) => i * 1_000_003 + j;
  const bases: number[] = [];
  for (let b = 0; b < info.cx.length; b++) {
    const x = info.cx[b]!, y = info.cy[b]!;
    if (!(x >= bounds[0] - reachM && x <= bounds[2] + reachM && y >= bounds[1] - reachM && y <= bounds[3] + reachM)) continue;
    bases.push(info.baseZ[b]!);
    const k = key(Math.floor(x / bucket), Math.floor(y / bucket));
    let list = cells.get(k);
    if (list === undefined) cells.set(k, (list = []));
    list.push(b);
  }
  if (bases.length === 0) return (x, y) => ellipsoidZ(x, y, 0);
  bases.sort((a, b) => a - b);
  const median = bases[bases.length >> 1]!;
  // The four nearest bases within the radius, by rings of buckets around the point.
  const bestD = new Float64Array(4), bestZ = new Float64Array(4);
  const maxRing = Math.ceil(GROUND_RADIUS_M / bucket);
  const r2max = GROUND_RADIUS_M * GROUND_RADIUS_M;
  return (x, y) => {
    let found = 0;
    const i0 = Math.floor(x / bucket), j0 = Math.floor(y / bucket);
    for (let ring = 0; ring <= maxRing; ring++) {
      // Points in ring k are at least (k − 1) buckets away: stop when the 4th nearest is closer.
      if (found === 4 && ((ring - 1) * bucket) ** 2 > bestD[3]!) break;
      for (let i = i0 - ring; i <= i0 + ring; i++) {
        for (let j = j0 - ring; j <= j0 + ring; j++) {
          if (Math.max(Math.abs(i - i0), Math.abs(j - j0)) !== ring) continue;
          const list = cells.get(key(i, j));
          if (list === undefined) continue;
          for (const b of list) {
            const d2 = (info.cx[b]! - x) ** 2 + (info.cy[b]! - y) ** 2;
            if (d2 > r2max) continue;
            const z = info.baseZ[b]!;
            // Insert into the sorted top four (ties broken by height, for determinism).
            let k = Math.min(found, 3);
            if (found === 4 && (d2 > bestD[3]! || (d2 === bestD[3]! && z >= bestZ[3]!))) continue;
            while (k > 0 && (bestD[k - 1]! > d2 || (bestD[k - 1] === d2 && bestZ[k - 1]! > z))) {
              bestD[k] = bestD[k - 1]!;
              bestZ[k] = bestZ[k - 1]!;
              k--;
            }
            bestD[k] = d2;
            bestZ[k] = z;
            if (found < 4) found++;
          }
        }
      }
    }
    if (found === 0) return median;
    let sw = 0, sz = 0;
    for (let k = 0; k < found; k++) {
      const w = 1 / Math.max(bestD[k]!, 1);
      sw += w;
      sz += w * bestZ[k]!;
    }
    return sz / sw;
  };
}

/** Height of a triangle's plane at (x, y); NaN for a vertical triangle. */
export function planeZ(g: TraceGeometry, tri: number, x: number, y: number): number {
  const P = g.positions, I = g.index;
  const a = I[3 * tri]! * 3, b = I[3 * tri + 1]! * 3, c = I[3 * tri + 2]! * 3;
  const e1x = P[b]! - P[a]!, e1y = P[b + 1]! - P[a + 1]!, e1z = P[b + 2]! - P[a + 2]!;
  const e2x = P[c]! - P[a]!, e2y = P[c + 1]! - P[a + 1]!, e2z = P[c + 2]! - P[a + 2]!;
  const nx = e1y * e2z - e1z * e2y, ny = e1z * e2x - e1x * e2z, nz = e1x * e2y - e1y * e2x;
  if (nz === 0) return NaN;
  return P[a + 2]! - (nx * (x - P[a]!) + ny * (y - P[a + 1]!)) / nz;
}
