/**
 * Snapping a point to nearby edges (building outlines, footprints already drawn) in planar
 * metres: the nearest vertex within the tolerance first, then the nearest point on an edge,
 * else the point itself. A uniform grid keeps look-ups fast with hundreds of thousands of edges.
 */

export interface SnapResult {
  x: number;
  y: number;
  kind: 'vertex' | 'edge' | 'none';
  /** Distance moved, metres. */
  distanceM: number;
}

export interface SnapIndex {
  /** Number of segments indexed. */
  readonly size: number;
  snap(x: number, y: number, toleranceM: number): SnapResult;
}

/**
 * Indexes segments given as a flat array `[x0, y0, x1, y1, …]` (metres) in a grid of
 * `cellM` cells (the largest tolerance used should not exceed it much).
 */
export function createSnapIndex(segments: ArrayLike<number>, cellM = 25): SnapIndex {
  const n = Math.floor(segments.length / 4);
  const cells = new Map<string, number[]>();
  const key = (i: number, j: number) => `${i},${j}`;
  for (let s = 0; s < n; s++) {
    const x0 = segments[4 * s]!, y0 = segments[4 * s + 1]!, x1 = segments[4 * s + 2]!, y1 = segments[4 * s + 3]!;
    if (![x0, y0, x1, y1].every(Number.isFinite)) continue;
    const i0 = Math.floor(Math.min(x0, x1) / cellM), i1 = Math.floor(Math.max(x0, x1) / cellM);
    const j0 = Math.floor(Math.min(y0, y1) / cellM), j1 = Math.floor(Math.max(y0, y1) / cellM);
    if ((i1 - i0 + 1) * (j1 - j0 + 1) > 400) continue; // a segment over 10 km: not an outline
    for (let i = i0; i <= i1; i++) for (let j = j0; j <= j1; j++) {
      const k = key(i, j);
      let list = cells.get(k);
      if (list === undefined) cells.set(k, (list = []));
      list.push(s);
    }
  }
  return {
    size: n,
    snap(x, y, tol) {
      const r = Math.max(1, Math.ceil(tol / cellM));
      const ci = Math.floor(x / cellM), cj = Math.floor(y / cellM);
      const seen = new Set<number>();
      let bestV = Infinity, vx = x, vy = y;
      let bestE = Infinity, ex = x, ey = y;
      for (let i = ci - r; i <= ci + r; i++) for (let j = cj - r; j <= cj + r; j++) {
        for (const s of cells.get(key(i, j)) ?? []) {
          if (seen.has(s)) continue;
          seen.add(s);
          const x0 = segments[4 * s]!, y0 = segments[4 * s + 1]!, x1 = segments[4 * s + 2]!, y1 = segments[4 * s + 3]!;
          for (const [px, py] of [[x0, y0], [x1, y1]] as const) {
            const d = Math.hypot(px - x, py - y);
            if (d < bestV) {
              bestV = d;
              vx = px;
              vy = py;
            }
          }
          const dx = x1 - x0, dy = y1 - y0;
          const len2 = dx * dx + dy * dy;
          const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / len2)) : 0;
          const qx = x0 + t * dx, qy = y0 + t * dy;
          const d = Math.hypot(qx - x, qy - y);
          if (d < bestE) {
            bestE = d;
            ex = qx;
            ey = qy;
          }
        }
      }
      if (bestV <= tol) return { x: vx, y: vy, kind: 'vertex', distanceM: bestV };
      if (bestE <= tol) return { x: ex, y: ey, kind: 'edge', distanceM: bestE };
      return { x, y, kind: 'none', distanceM: 0 };
    },
  };
}
