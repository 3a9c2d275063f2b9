import { pointInRing } from '../../core/geometry/polygon.ts';
import type { PolygonM } from '../../core/grid.ts';
import type { KernelRun } from '../../core/simulation/kernel.ts';
import type { CityArrays } from '../../city/analysis/scenario.ts';

/**
 * Building statistics of a study area from the city's geometry (what every simulation sees,
 * scenario edits included): for each building whose footprint centre lies in the area, its
 * footprint area, height, floors and gross floor area; the totals; and optionally the outlines
 * of buildings (the bottom edges of their walls) for snapping a drawing to existing edges.
 *
 * - footprint: the horizontal projection of the building's upward-facing triangles (roofs);
 *   exact for LOD1 extrusions. For imported models, whose roofs and terraces may overlap, the
 *   union of those projections on a 0.25 m raster.
 * - height: highest minus lowest vertex. Floors: declared ones (scenario buildings), else
 *   max(1, round(height / storey height)). Gross floor area: footprint × floors.
 */

export interface BuildingStatsPlan {
  /** The study area in the model frame. */
  polygons: PolygonM[];
  storeyHeightM: number;
  /** Floors declared for some buildings (scenario buildings). */
  declaredFloors: readonly (readonly [string, number])[];
  /** Buildings whose footprint is a raster union (imported models). */
  rasterFootprint: readonly string[];
  /** Outlines of buildings whose centre is within this box [minX, minY, maxX, maxY]; null for none. */
  outlineBounds: readonly [number, number, number, number] | null;
}

export interface BuildingStatsResult {
  /** Buildings in the area, in model order. */
  ids: string[];
  footprintM2: Float64Array;
  heightM: Float32Array;
  floors: Uint16Array;
  floorAreaM2: Float64Array;
  /** Centre of the footprint, model frame (x, y per building). */
  centre: Float32Array;
  totals: { count: number; footprintM2: number; floorAreaM2: number; maxHeightM: number; maxHeightId: string | null };
  /** Wall bottom edges [x0, y0, x1, y1, …] in the model frame. */
  outlines: Float32Array;
}

/** |n_z| of a unit normal at or above which a triangle faces up (a roof), as sun-hours uses. */
const ROOF_NZ = 0.3;
const RASTER_M = 0.25;
const MAX_RASTER_CELLS = 16_000_000;
const MAX_OUTLINE_SEGMENTS = 400_000;

function inPolygons(polygons: readonly PolygonM[], x: number, y: number): boolean {
  for (const poly of polygons) {
    let inside = false;
    for (const ring of poly) if (pointInRing(x, y, ring)) inside = !inside;
    if (inside) return true;
  }
  return false;
}

/** Area of the union of triangles' horizontal projections, on a raster. */
function rasterUnionM2(P: Float32Array, I: Uint32Array, tris: readonly number[]): number {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const t of tris) for (let k = 0; k < 3; k++) {
    const v = I[3 * t + k]!;
    minX = Math.min(minX, P[3 * v]!);
    maxX = Math.max(maxX, P[3 * v]!);
    minY = Math.min(minY, P[3 * v + 1]!);
    maxY = Math.max(maxY, P[3 * v + 1]!);
  }
  let cell = RASTER_M;
  while (((maxX - minX) / cell + 1) * ((maxY - minY) / cell + 1) > MAX_RASTER_CELLS) cell *= 2;
  const cols = Math.ceil((maxX - minX) / cell) + 1, rows = Math.ceil((maxY - minY) / cell) + 1;
  const hit = new Uint8Array(cols * rows);
  let count = 0;
  for (const t of tris) {
    const a = I[3 * t]! * 3, b = I[3 * t + 1]! * 3, c = I[3 * t + 2]! * 3;
    const ax = P[a]!, ay = P[a + 1]!, bx = P[b]!, by = P[b + 1]!, cx = P[c]!, cy = P[c + 1]!;
    const d = (by - cy) * (ax - cx) + (cx - bx) * (ay - cy);
    if (d === 0) continue;
    const c0 = Math.max(0, Math.floor((Math.min(ax, bx, cx) - minX) / cell)), c1 = Math.min(cols - 1, Math.floor((Math.max(ax, bx, cx) - minX) / cell));
    const r0 = Math.max(0, Math.floor((Math.min(ay, by, cy) - minY) / cell)), r1 = Math.min(rows - 1, Math.floor((Math.max(ay, by, cy) - minY) / cell));
    for (let r = r0; r <= r1; r++) {
      const y = minY + (r + 0.5) * cell;
      for (let q = c0; q <= c1; q++) {
        const x = minX + (q + 0.5) * cell;
        const l1 = ((by - cy) * (x - cx) + (cx - bx) * (y - cy)) / d;
        const l2 = ((cy - ay) * (x - cx) + (ax - cx) * (y - cy)) / d;
        if (l1 < 0 || l2 < 0 || l1 + l2 > 1) continue;
        const k = r * cols + q;
        if (hit[k] === 0) {
          hit[k] = 1;
          count++;
        }
      }
    }
  }
  return count * cell * cell;
}

/** The building-statistics kernel. */
export function* buildingStatsKernel(plan: BuildingStatsPlan, city: CityArrays): KernelRun<BuildingStatsResult> {
  const P = city.positions, I = city.index, VB = city.vertexBuilding;
  const nb = city.buildingIds.length;
  const minZ = new Float64Array(nb).fill(Infinity), maxZ = new Float64Array(nb).fill(-Infinity);
  const roofM2 = new Float64Array(nb), sx = new Float64Array(nb), sy = new Float64Array(nb);
  const vx = new Float64Array(nb), vy = new Float64Array(nb), vn = new Uint32Array(nb);
  for (let v = 0; v < VB.length; v++) {
    const b = VB[v]!;
    const z = P[3 * v + 2]!;
    if (z < minZ[b]!) minZ[b] = z;
    if (z > maxZ[b]!) maxZ[b] = z;
    vx[b]! += P[3 * v]!;
    vy[b]! += P[3 * v + 1]!;
    vn[b]!++;
  }
  const nt = I.length / 3;
  const raster = new Set(plan.rasterFootprint);
  const rasterTris = new Map<number, number[]>();
  city.buildingIds.forEach((id, b) => {
    if (raster.has(id)) rasterTris.set(b, []);
  });
  const chunk = 50_000;
  // A building is there when it has triangles: a scenario's demolitions keep the vertices of
  // removed buildings in the arrays and drop only their triangles.
  const hasTriangles = new Uint8Array(nb);
  for (let t = 0; t < nt; t++) {
    if (t % chunk === 0) yield { stage: 'buildings', done: t, total: nt };
    const a = I[3 * t]!, b2 = I[3 * t + 1]!, c = I[3 * t + 2]!;
    hasTriangles[VB[a]!] = 1;
    const e1x = P[3 * b2]! - P[3 * a]!, e1y = P[3 * b2 + 1]! - P[3 * a + 1]!, e1z = P[3 * b2 + 2]! - P[3 * a + 2]!;
    const e2x = P[3 * c]! - P[3 * a]!, e2y = P[3 * c + 1]! - P[3 * a + 1]!, e2z = P[3 * c + 2]! - P[3 * a + 2]!;
    const nx = e1y * e2z - e1z * e2y, ny = e1z * e2x - e1x * e2z, nz = e1x * e2y - e1y * e2x;
    const len = Math.hypot(nx, ny, nz);
    if (len === 0 || nz / len < ROOF_NZ) continue;
    const b = VB[a]!;
    const proj = nz / 2;
    roofM2[b]! += proj;
    sx[b]! += (proj * (P[3 * a]! + P[3 * b2]! + P[3 * c]!)) / 3;
    sy[b]! += (proj * (P[3 * a + 1]! + P[3 * b2 + 1]! + P[3 * c + 1]!)) / 3;
    rasterTris.get(b)?.push(t);
  }
  const declared = new Map(plan.declaredFloors);
  const ids: string[] = [];
  const fp: number[] = [], hs: number[] = [], fl: number[] = [], fa: number[] = [], ce: number[] = [];
  const totals = { count: 0, footprintM2: 0, floorAreaM2: 0, maxHeightM: 0, maxHeightId: null as string | null };
  const inBox = (x: number, y: number) => plan.outlineBounds !== null && x >= plan.outlineBounds[0] && x <= plan.outlineBounds[2] && y >= plan.outlineBounds[1] && y <= plan.outlineBounds[3];
  const outlineOf = new Uint8Array(nb);
  for (let b = 0; b < nb; b++) {
    if (vn[b] === 0 || hasTriangles[b] === 0) continue;
    const x = roofM2[b]! > 0 ? sx[b]! / roofM2[b]! : vx[b]! / vn[b]!;
    const y = roofM2[b]! > 0 ? sy[b]! / roofM2[b]! : vy[b]! / vn[b]!;
    if (inBox(x, y)) outlineOf[b] = 1;
    if (!inPolygons(plan.polygons, x, y)) continue;
    const id = city.buildingIds[b]!;
    const tris = rasterTris.get(b);
    const footprint = tris !== undefined ? rasterUnionM2(P, I, tris) : roofM2[b]!;
    const height = maxZ[b]! - minZ[b]!;
    const floors = declared.get(id) ?? Math.max(1, Math.round(height / plan.storeyHeightM));
    ids.push(id);
    fp.push(footprint);
    hs.push(height);
    fl.push(floors);
    fa.push(footprint * floors);
    ce.push(x, y);
    totals.count++;
    totals.footprintM2 += footprint;
    totals.floorAreaM2 += footprint * floors;
    if (height > totals.maxHeightM) {
      totals.maxHeightM = height;
      totals.maxHeightId = id;
    }
  }
  yield { stage: 'buildings', done: nt, total: nt };
  // Outlines: bottom edges of walls (both ends at the building's lowest height).
  const segs: number[] = [];
  if (plan.outlineBounds !== null) {
    const seen = new Set<string>();
    const k = (x: number, y: number) => `${Math.round(x * 100)},${Math.round(y * 100)}`;
    for (let t = 0; t < nt && segs.length < 4 * MAX_OUTLINE_SEGMENTS; t++) {
      const tri = [I[3 * t]!, I[3 * t + 1]!, I[3 * t + 2]!];
      const b = VB[tri[0]!]!;
      if (outlineOf[b] === 0) continue;
      const low = tri.filter((v) => P[3 * v + 2]! - minZ[b]! < 0.25);
      if (low.length !== 2) continue;
      const [p, q] = low as [number, number];
      const x0 = P[3 * p]!, y0 = P[3 * p + 1]!, x1 = P[3 * q]!, y1 = P[3 * q + 1]!;
      if (Math.hypot(x1 - x0, y1 - y0) < 0.05) continue;
      const a = k(x0, y0), c = k(x1, y1);
      const key = a < c ? `${a}|${c}` : `${c}|${a}`;
      if (seen.has(key)) continue;
      seen.add(key);
      segs.push(x0, y0, x1, y1);
    }
  }
  return {
    ids,
    footprintM2: Float64Array.from(fp),
    heightM: Float32Array.from(hs),
    floors: Uint16Array.from(fl),
    floorAreaM2: Float64Array.from(fa),
    centre: Float32Array.from(ce),
    totals,
    outlines: Float32Array.from(segs),
  };
}
