import { MeshBuilder } from '../../core/geometry/extrude.ts';
import { pointInRing } from '../../core/geometry/polygon.ts';
import { enuFrame } from '../../core/geodesy.ts';

/**
 * City geometry before its BVH, and scenario edits applied to it: buildings added (LOD1
 * extrusions of a footprint, as the city pipeline makes them), imported models (their
 * triangles, moved from their own east-north-up frame into the model frame), buildings removed
 * (their triangles dropped) and clipped areas (the tiles' triangles whose centre lies inside a
 * clip polygon are dropped: an excavation cuts the existing city, not the scenario's own
 * additions). The baseline arrays are never changed; an edit gives new arrays.
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
  floors?: number;
}

export interface ScenarioMesh {
  id: string;
  /** Origin of the mesh's east-north-up frame. */
  origin: { lonDeg: number; latDeg: number; heightM: number };
  positions: Float32Array;
  index: Uint32Array;
  floors?: number;
}

export interface ScenarioEdits {
  added: readonly AddedBuilding[];
  removed: readonly string[];
  meshes?: readonly ScenarioMesh[];
  clips?: readonly { ring: readonly (readonly number[])[] }[];
}

function openRing(r: readonly (readonly number[])[]): readonly (readonly number[])[] {
  return r.length > 1 && r[0]![0] === r.at(-1)![0] && r[0]![1] === r.at(-1)![1] ? r.slice(0, -1) : r;
}

/** Applies edits in the model frame (origin lon/lat at height 0). */
export function applyScenario(base: CityArrays, frameOrigin: { lonDeg: number; latDeg: number }, edits: ScenarioEdits): CityArrays {
  const frame = enuFrame({ lonDeg: frameOrigin.lonDeg, latDeg: frameOrigin.latDeg, heightM: 0 });
  const removed = new Set(edits.removed);
  const removedNumbers = new Set<number>();
  base.buildingIds.forEach((id, b) => {
    if (removed.has(id)) removedNumbers.add(b);
  });
  const clips = (edits.clips ?? []).map((c) => {
    const flat: number[] = [];
    for (const p of openRing(c.ring)) {
      const [e, n] = frame.fromGeodetic(p[0]!, p[1]!, 0);
      flat.push(e, n);
    }
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < flat.length; i += 2) {
      minX = Math.min(minX, flat[i]!);
      maxX = Math.max(maxX, flat[i]!);
      minY = Math.min(minY, flat[i + 1]!);
      maxY = Math.max(maxY, flat[i + 1]!);
    }
    return { flat, minX, minY, maxX, maxY };
  });
  const P = base.positions;
  const clipped = (a: number, b: number, c: number): boolean => {
    if (clips.length === 0) return false;
    const x = (P[3 * a]! + P[3 * b]! + P[3 * c]!) / 3, y = (P[3 * a + 1]! + P[3 * b + 1]! + P[3 * c + 1]!) / 3;
    return clips.some((k) => x >= k.minX && x <= k.maxX && y >= k.minY && y <= k.maxY && pointInRing(x, y, k.flat));
  };
  const keep: number[] = [];
  for (let t = 0; t < base.index.length; t += 3) {
    const a = base.index[t]!, b = base.index[t + 1]!, c = base.index[t + 2]!;
    if (removedNumbers.has(base.vertexBuilding[a]!) || clipped(a, b, c)) continue;
    keep.push(a, b, c);
  }
  const mb = new MeshBuilder();
  const ids = [...base.buildingIds];
  const nv0 = base.positions.length / 3;
  for (const a of edits.added) {
    const ring: number[] = [];
    let cx = 0, cy = 0;
    const pts = openRing(a.footprint);
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
  // Imported meshes: each vertex from its own ENU frame through ECEF into the model frame.
  let meshVertices = 0, meshIndices = 0;
  for (const m of edits.meshes ?? []) {
    meshVertices += m.positions.length / 3;
    meshIndices += m.index.length;
  }
  const nvAdded = mb.vertexCount;
  const positions = new Float32Array(base.positions.length + 3 * (nvAdded + meshVertices));
  positions.set(base.positions);
  positions.set(mb.positions.toArray(), base.positions.length);
  const vertexBuilding = new Uint32Array(nv0 + nvAdded + meshVertices);
  vertexBuilding.set(base.vertexBuilding);
  vertexBuilding.set(mb.featureIds.toArray(), nv0);
  const addedIndex = mb.indices.toArray();
  const index = new Uint32Array(keep.length + addedIndex.length + meshIndices);
  index.set(keep);
  for (let k = 0; k < addedIndex.length; k++) index[keep.length + k] = nv0 + addedIndex[k]!;
  let v = nv0 + nvAdded, i = keep.length + addedIndex.length;
  for (const m of edits.meshes ?? []) {
    const own = enuFrame({ lonDeg: m.origin.lonDeg, latDeg: m.origin.latDeg, heightM: m.origin.heightM });
    ids.push(m.id);
    const b = ids.length - 1;
    const n = m.positions.length / 3;
    for (let k = 0; k < n; k++) {
      const [x, y, z] = own.toEcef(m.positions[3 * k]!, m.positions[3 * k + 1]!, m.positions[3 * k + 2]!);
      const [e, nn, u] = frame.fromEcef(x, y, z);
      positions[3 * (v + k)] = e;
      positions[3 * (v + k) + 1] = nn;
      positions[3 * (v + k) + 2] = u;
      vertexBuilding[v + k] = b;
    }
    for (let k = 0; k < m.index.length; k++) index[i + k] = v + m.index[k]!;
    v += n;
    i += m.index.length;
  }
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

function fnv(h: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A short stable key of edits (for caches); typed arrays count by their bytes. */
export function scenarioKey(edits: ScenarioEdits | undefined): string {
  if (edits === undefined) return '';
  const empty = edits.added.length === 0 && edits.removed.length === 0 && (edits.meshes ?? []).length === 0 && (edits.clips ?? []).length === 0;
  if (empty) return '';
  let h = 0x811c9dc5;
  let length = 0;
  const text = JSON.stringify(edits, (_k, v: unknown) => {
    if (ArrayBuffer.isView(v)) {
      const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      h = fnv(h, bytes);
      length += bytes.length;
      return `#${v.byteLength}`;
    }
    return v;
  });
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${h.toString(16)}:${text.length + length}`;
}
