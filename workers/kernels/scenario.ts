import { MeshBuilder } from '../../src/core/geometry/extrude.ts';
import { enuFrame } from '../../src/core/geodesy.ts';

/**
 * City geometry before its BVH, and scenario edits applied to it: buildings added (LOD1
 * extrusions of a footprint, as the city pipeline makes them) and buildings removed (their
 * triangles dropped). The baseline arrays are never changed; an edit gives new arrays.
 */

export interface CityArrays {
  /** xyz per vertex in the model frame. */
  positions: Float32Array;
  /** Three vertex indices per triangle. */
  index: Uint32Array;
  vertexBuilding: Uint32Array;
  buildingIds: string[];
}

export interface AddedBuilding {
  id: string;
  /** Outer ring, [lon, lat] degrees (closed or open). */
  footprint: readonly (readonly number[])[];
  heightM: number;
  /** Ellipsoid height of the base, metres; default: the lowest base of the buildings within 150 m, or 0. */
  baseM?: number;
}

export interface ScenarioEdits {
  added: readonly AddedBuilding[];
  removed: readonly string[];
}

/** Applies edits in the model frame (origin lon/lat at height 0). */
export function applyScenario(base: CityArrays, frameOrigin: { lonDeg: number; latDeg: number }, edits: ScenarioEdits): CityArrays {
  const frame = enuFrame({ lonDeg: frameOrigin.lonDeg, latDeg: frameOrigin.latDeg, heightM: 0 });
  const removed = new Set(edits.removed);
  const removedNumbers = new Set<number>();
  base.buildingIds.forEach((id, b) => {
    if (removed.has(id)) removedNumbers.add(b);
  });
  const keep: number[] = [];
  for (let t = 0; t < base.index.length; t += 3) {
    if (!removedNumbers.has(base.vertexBuilding[base.index[t]!]!)) keep.push(base.index[t]!, base.index[t + 1]!, base.index[t + 2]!);
  }
  const mb = new MeshBuilder();
  const ids = [...base.buildingIds];
  const nv0 = base.positions.length / 3;
  for (const a of edits.added) {
    const ring: number[] = [];
    let cx = 0, cy = 0;
    const pts = a.footprint.length > 1 && a.footprint[0]![0] === a.footprint.at(-1)![0] && a.footprint[0]![1] === a.footprint.at(-1)![1] ? a.footprint.slice(0, -1) : a.footprint;
    for (const p of pts) {
      const [e, n] = frame.fromGeodetic(p[0]!, p[1]!, 0);
      ring.push(e, n);
      cx += e / pts.length;
      cy += n / pts.length;
    }
    const baseZ = a.baseM !== undefined ? a.baseM - (cx * cx + cy * cy) / (2 * 6_371_000) : nearbyBase(base, cx, cy);
    ids.push(a.id);
    mb.addExtrudedPolygon({ outer: ring, holes: [] }, baseZ, baseZ + a.heightM, ids.length - 1);
  }
  const addedPositions = mb.positions.toArray();
  const positions = new Float32Array(base.positions.length + addedPositions.length);
  positions.set(base.positions);
  positions.set(addedPositions, base.positions.length);
  const vertexBuilding = new Uint32Array(nv0 + mb.vertexCount);
  vertexBuilding.set(base.vertexBuilding);
  vertexBuilding.set(mb.featureIds.toArray(), nv0);
  const addedIndex = mb.indices.toArray();
  const index = new Uint32Array(keep.length + addedIndex.length);
  index.set(keep);
  for (let k = 0; k < addedIndex.length; k++) index[keep.length + k] = nv0 + addedIndex[k]!;
  return { positions, index, vertexBuilding, buildingIds: ids };
}

/** Lowest base (min z) among buildings with a vertex within 150 m of (x, y); 0 without any. */
function nearbyBase(a: CityArrays, x: number, y: number): number {
  let best = Infinity;
  for (let v = 0; v < a.vertexBuilding.length; v++) {
    const dx = a.positions[3 * v]! - x, dy = a.positions[3 * v + 1]! - y;
    if (dx * dx + dy * dy <= 150 * 150 && a.positions[3 * v + 2]! < best) best = a.positions[3 * v + 2]!;
  }
  return Number.isFinite(best) ? best : 0;
}

/** A short stable key of edits (for caches). */
export function scenarioKey(edits: ScenarioEdits | undefined): string {
  if (edits === undefined || (edits.added.length === 0 && edits.removed.length === 0)) return '';
  const text = JSON.stringify(edits);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${h.toString(16)}:${text.length}`;
}
