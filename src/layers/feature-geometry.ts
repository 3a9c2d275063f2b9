import { signedArea } from '../core/geometry/polygon.ts';
import type { LayerFeature, Position } from './types.ts';

/**
 * Where a feature sits, for labels, fly-to and culling (pure: src/scene/layers/draw.ts draws with
 * it; tests read it without Cesium).
 */

/** The area centroid of a ring (the mean of its vertices when it has no area). */
function centroid(ring: readonly Position[]): Position {
  let a = 0, cx = 0, cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const p = ring[i]!, q = ring[j]!;
    const f = q[0] * p[1] - p[0] * q[1];
    a += f;
    cx += (q[0] + p[0]) * f;
    cy += (q[1] + p[1]) * f;
  }
  if (Math.abs(a) < 1e-18) {
    const n = ring.length;
    return [ring.reduce((s, p) => s + p[0], 0) / n, ring.reduce((s, p) => s + p[1], 0) / n];
  }
  return [cx / (3 * a), cy / (3 * a)];
}

/** Area of a ring in degrees² (to compare polygons of one feature). */
export function ringArea(ring: readonly Position[]): number {
  return Math.abs(signedArea(ring.flatMap((p) => [p[0], p[1]])));
}

/** Where a feature's label (and fly-to target) sits. */
export function anchorOf(f: LayerFeature): Position {
  const g = f.geometry;
  if (g.type === 'point') return g.coordinates;
  if (g.type === 'line') {
    const longest = g.lines.reduce((a, b) => (b.length > a.length ? b : a));
    return longest[Math.floor(longest.length / 2)]!;
  }
  const largest = g.polygons.reduce((a, b) => (ringArea(b[0]!) > ringArea(a[0]!) ? b : a));
  return centroid(largest[0]!);
}

/** [west, south, east, north] of a feature, degrees. */
export function extent(f: LayerFeature): [number, number, number, number] {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const add = (p: Position) => {
    w = Math.min(w, p[0]);
    e = Math.max(e, p[0]);
    s = Math.min(s, p[1]);
    n = Math.max(n, p[1]);
  };
  const g = f.geometry;
  if (g.type === 'point') add(g.coordinates);
  else if (g.type === 'line') g.lines.forEach((l) => l.forEach(add));
  else g.polygons.forEach((p) => p[0]!.forEach(add));
  return [w, s, e, n];
}
