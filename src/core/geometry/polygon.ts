import { metresPerDegree } from '../geodesy.ts';

/**
 * Planar polygon helpers on flat coordinate arrays `[x0, y0, x1, y1, …]` in metres (x east,
 * y north). Rings are open: the closing vertex is not repeated.
 */

/** Twice the signed area would overflow nothing here; this is the signed area (CCW positive). */
export function signedArea(ring: ArrayLike<number>): number {
  const n = ring.length >> 1;
  let a = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    a += (ring[2 * j]! - ring[2 * i]!) * (ring[2 * j + 1]! + ring[2 * i + 1]!);
  }
  return a / 2;
}

/** Reverses a flat ring in place-free fashion. */
export function reverseRing(ring: ArrayLike<number>): number[] {
  const n = ring.length >> 1;
  const out = new Array<number>(ring.length);
  for (let i = 0; i < n; i++) {
    out[2 * i] = ring[2 * (n - 1 - i)]!;
    out[2 * i + 1] = ring[2 * (n - 1 - i) + 1]!;
  }
  return out;
}

/**
 * Removes a repeated closing vertex, consecutive duplicates (closer than `tolM`) and spikes
 * (vertices where the ring turns back on itself). Returns a new open ring.
 */
export function cleanRing(ring: ArrayLike<number>, tolM = 1e-3): number[] {
  const out: number[] = [];
  for (const i of cleanRingIndices(ring, tolM)) out.push(ring[2 * i]!, ring[2 * i + 1]!);
  return out;
}

/**
 * The vertices {@link cleanRing} keeps, as indices into the ring (in order), so that data
 * attached to vertices (texture coordinates, source coordinates) can follow the cleaning.
 */
export function cleanRingIndices(ring: ArrayLike<number>, tolM = 1e-3): number[] {
  const tol2 = tolM * tolM;
  let idx: number[] = [];
  const x = (i: number) => ring[2 * i]!;
  const y = (i: number) => ring[2 * i + 1]!;
  for (let i = 0; 2 * i + 1 < ring.length; i++) {
    const m = idx.length;
    if (m >= 1) {
      const dx = x(i) - x(idx[m - 1]!), dy = y(i) - y(idx[m - 1]!);
      if (dx * dx + dy * dy <= tol2) continue;
    }
    idx.push(i);
  }
  // Drop closing duplicates.
  while (idx.length >= 2) {
    const a = idx[0]!, b = idx[idx.length - 1]!;
    const dx = x(a) - x(b), dy = y(a) - y(b);
    if (dx * dx + dy * dy <= tol2) idx.length -= 1;
    else break;
  }
  // Remove zero-area spikes (a → b → a) and exactly collinear back-tracks, repeatedly.
  let changed = true;
  while (changed && idx.length >= 3) {
    changed = false;
    const n = idx.length;
    const keep: number[] = [];
    for (let k = 0; k < n; k++) {
      const p = idx[(k + n - 1) % n]!, i = idx[k]!, q = idx[(k + 1) % n]!;
      const ax = x(p), ay = y(p), bx = x(i), by = y(i), cx = x(q), cy = y(q);
      const cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx);
      const dot = (bx - ax) * (cx - bx) + (by - ay) * (cy - by);
      const l1 = Math.hypot(bx - ax, by - ay), l2 = Math.hypot(cx - bx, cy - by);
      // A spike: the ring reverses direction at b with (nearly) no area.
      if (Math.abs(cross) <= 1e-9 * Math.max(1, l1 * l2) && dot < 0) {
        changed = true;
        continue;
      }
      keep.push(i);
    }
    idx = keep;
  }
  return idx;
}

/** Whether a point lies inside a ring (even-odd rule; points on the boundary may go either way). */
export function pointInRing(px: number, py: number, ring: ArrayLike<number>): boolean {
  let inside = false;
  const n = ring.length >> 1;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = ring[2 * i]!, yi = ring[2 * i + 1]!, xj = ring[2 * j]!, yj = ring[2 * j + 1]!;
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Perimeter of an open ring, metres. */
export function ringPerimeter(ring: ArrayLike<number>): number {
  const n = ring.length >> 1;
  let p = 0;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    p += Math.hypot(ring[2 * i]! - ring[2 * j]!, ring[2 * i + 1]! - ring[2 * j + 1]!);
  }
  return p;
}

function segmentsIntersect(
  ax: number, ay: number, bx: number, by: number,
  cx: number, cy: number, dx: number, dy: number,
): boolean {
  const d1 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
  const d2 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);
  const d3 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  const d4 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/** Two edges that cross: ring index and edge index (edge i joins vertices i and i + 1). */
export interface RingCrossing {
  ringA: number;
  edgeA: number;
  ringB: number;
  edgeB: number;
}

/**
 * Whether a set of rings has a proper crossing between two non-adjacent edges (a bow-tie, or a
 * hole crossing the outer ring). Touching at a vertex is allowed. Uses a sweep over x-sorted
 * edges: O(n log n + k) for typical footprints.
 */
export function ringsSelfIntersect(rings: readonly ArrayLike<number>[]): boolean {
  return findRingCrossing(rings) !== null;
}

/** The first crossing {@link ringsSelfIntersect} finds (in sweep order), or null. */
export function findRingCrossing(rings: readonly ArrayLike<number>[]): RingCrossing | null {
  interface Edge { ax: number; ay: number; bx: number; by: number; minX: number; maxX: number; ring: number; i: number; n: number }
  const edges: Edge[] = [];
  rings.forEach((ring, r) => {
    const n = ring.length >> 1;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      const ax = ring[2 * i]!, ay = ring[2 * i + 1]!, bx = ring[2 * j]!, by = ring[2 * j + 1]!;
      edges.push({ ax, ay, bx, by, minX: Math.min(ax, bx), maxX: Math.max(ax, bx), ring: r, i, n });
    }
  });
  edges.sort((e, f) => e.minX - f.minX || e.ring - f.ring || e.i - f.i);
  const active: Edge[] = [];
  for (const e of edges) {
    for (let k = active.length - 1; k >= 0; k--) {
      if (active[k]!.maxX < e.minX) active.splice(k, 1);
    }
    for (const f of active) {
      if (e.ring === f.ring) {
        const d = Math.abs(e.i - f.i);
        if (d === 1 || d === e.n - 1) continue; // adjacent edges share a vertex
      }
      if (segmentsIntersect(e.ax, e.ay, e.bx, e.by, f.ax, f.ay, f.bx, f.by)) {
        const [a, b] = f.ring < e.ring || (f.ring === e.ring && f.i < e.i) ? [f, e] : [e, f];
        return { ringA: a.ring, edgeA: a.i, ringB: b.ring, edgeB: b.i };
      }
    }
    active.push(e);
  }
  return null;
}

/**
 * Area of an open ring of [lon, lat] degrees, m², on the local plane at the ring's mean latitude
 * (error well under 0.1 % for the study areas and footprints of a city). The one copy of this
 * computation: study areas, scenario footprints and polygons read from files use it.
 */
export function lonLatRingAreaM2(ring: readonly (readonly [number, number] | readonly number[])[]): number {
  if (ring.length < 3) return 0;
  let lat = 0;
  for (const p of ring) lat += p[1]!;
  lat /= ring.length;
  const m = metresPerDegree(lat);
  const [x0, y0] = [ring[0]![0]!, ring[0]![1]!];
  const flat: number[] = [];
  for (const p of ring) flat.push((p[0]! - x0) * m.lonM, (p[1]! - y0) * m.latM);
  return Math.abs(signedArea(flat));
}
