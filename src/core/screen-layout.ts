/**
 * Screen-space layout kernels for map labels and points (pure, deterministic):
 * - `declutter`: greedy placement of label boxes by priority; a label is shown only if its box
 *   does not overlap one already placed (the usual cartographic rule);
 * - `clusterPoints`: greedy grouping of points closer than a radius, in input order, so that
 *   dense point layers stay readable; every point belongs to exactly one cluster.
 * Both use a uniform grid so they stay near-linear in the number of items.
 */

export interface Box {
  /** Centre, CSS pixels. */
  x: number;
  y: number;
  halfW: number;
  halfH: number;
}

/** Which boxes to show. `order` lists indices by decreasing priority; boxes not listed are hidden. */
export function declutter(boxes: readonly Box[], order: readonly number[], paddingPx = 2): boolean[] {
  const shown = new Array<boolean>(boxes.length).fill(false);
  const cell = 64;
  const grid = new Map<number, number[]>();
  const key = (cx: number, cy: number) => cx * 73856093 + cy * 19349663;
  for (const i of order) {
    const b = boxes[i];
    if (b === undefined || !Number.isFinite(b.x) || !Number.isFinite(b.y)) continue;
    const x0 = b.x - b.halfW - paddingPx, x1 = b.x + b.halfW + paddingPx, y0 = b.y - b.halfH - paddingPx, y1 = b.y + b.halfH + paddingPx;
    const cx0 = Math.floor(x0 / cell), cx1 = Math.floor(x1 / cell), cy0 = Math.floor(y0 / cell), cy1 = Math.floor(y1 / cell);
    let free = true;
    outer: for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        for (const j of grid.get(key(cx, cy)) ?? []) {
          const o = boxes[j]!;
          if (Math.abs(o.x - b.x) < o.halfW + b.halfW + paddingPx && Math.abs(o.y - b.y) < o.halfH + b.halfH + paddingPx) {
            free = false;
            break outer;
          }
        }
      }
    }
    if (!free) continue;
    shown[i] = true;
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const k = key(cx, cy);
        const list = grid.get(k);
        if (list === undefined) grid.set(k, [i]);
        else list.push(i);
      }
    }
  }
  return shown;
}

export interface Cluster {
  /** Indices of the points in the cluster (the first is its seed). */
  members: number[];
  /** Mean position of the members, pixels. */
  x: number;
  y: number;
}

/**
 * Groups points (NaN positions, e.g. behind the camera, are left out) so that every member is
 * within `radiusPx` of its cluster's seed. Seeds are taken in input order.
 */
export function clusterPoints(xs: ArrayLike<number>, ys: ArrayLike<number>, radiusPx: number): Cluster[] {
  const n = xs.length;
  const cell = Math.max(1, radiusPx);
  const grid = new Map<number, number[]>();
  const key = (cx: number, cy: number) => cx * 73856093 + cy * 19349663;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!, y = ys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    const k = key(Math.floor(x / cell), Math.floor(y / cell));
    const list = grid.get(k);
    if (list === undefined) grid.set(k, [i]);
    else list.push(i);
  }
  const taken = new Uint8Array(n);
  const clusters: Cluster[] = [];
  const r2 = radiusPx * radiusPx;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!, y = ys[i]!;
    if (taken[i] === 1 || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    const members = [i];
    taken[i] = 1;
    const cx = Math.floor(x / cell), cy = Math.floor(y / cell);
    for (let gx = cx - 1; gx <= cx + 1; gx++) {
      for (let gy = cy - 1; gy <= cy + 1; gy++) {
        for (const j of grid.get(key(gx, gy)) ?? []) {
          if (taken[j] === 1) continue;
          const dx = xs[j]! - x, dy = ys[j]! - y;
          if (dx * dx + dy * dy <= r2) {
            taken[j] = 1;
            members.push(j);
          }
        }
      }
    }
    let sx = 0, sy = 0;
    for (const m of members) {
      sx += xs[m]!;
      sy += ys[m]!;
    }
    clusters.push({ members, x: sx / members.length, y: sy / members.length });
  }
  return clusters;
}
