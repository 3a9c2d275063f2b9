import { enuFrame, type EnuFrame, type Vec3 } from '../../core/geodesy.ts';
import type { Placement } from '../../core/placement.ts';

/**
 * The math of the imported-model gizmo, pure (no cesium, no DOM): a pointer drag on the screen
 * becomes a ray; the ray meets the level plane of the model's base in the east-north-up frame of
 * the model's anchor at the start of the drag; the plane point at the start and now give the
 * model's new placement:
 *
 * - **move** (the centre handle, or the model itself): the anchor moves by the plane
 *   displacement (east, north metres), its height is kept;
 * - **rotate** (the handle on the heading ring): the heading turns by the change of bearing of
 *   the pointer around the anchor (clockwise from north, as `core/placement.ts`);
 * - **scale** (the handle at a right angle on the ring): the scale is multiplied by the ratio of
 *   the pointer's distances from the anchor.
 */

export type GizmoHandle = 'move' | 'rotate' | 'scale';

/** Smallest and largest scale the edit model accepts. */
export const GIZMO_SCALE_MIN = 0.001;
export const GIZMO_SCALE_MAX = 1000;

/** The frame a drag is measured in: east-north-up at the model's anchor (at its base height). */
export function gizmoFrame(p: Placement): EnuFrame {
  return enuFrame({ lonDeg: p.lonDeg, latDeg: p.latDeg, heightM: p.baseM });
}

/** A ray given in Earth-fixed coordinates (origin, direction), in the frame's east-north-up metres. */
export function rayToEnu(frame: EnuFrame, origin: Vec3, direction: Vec3): { origin: Vec3; direction: Vec3 } {
  const o = frame.fromEcef(...origin);
  const tip = frame.fromEcef(origin[0] + direction[0], origin[1] + direction[1], origin[2] + direction[2]);
  return { origin: o, direction: [tip[0] - o[0], tip[1] - o[1], tip[2] - o[2]] };
}

/**
 * Where a ray (ENU) meets the level plane `up = z`: east, north metres; null when the ray runs
 * parallel to the plane, points away from it, or meets it farther than `maxM` (near the horizon a
 * pixel is worth kilometres: such a drag is ignored rather than throwing the model away).
 */
export function rayHitsLevel(origin: Vec3, direction: Vec3, z = 0, maxM = 20_000): [number, number] | null {
  const dz = direction[2];
  if (Math.abs(dz) < 1e-12) return null;
  const t = (z - origin[2]) / dz;
  if (!(t > 0)) return null;
  const len = Math.hypot(...direction) * t;
  if (len > maxM) return null;
  return [origin[0] + direction[0] * t, origin[1] + direction[1] * t];
}

/** Bearing of an east-north vector, degrees clockwise from north. */
export function bearingDeg(e: number, n: number): number {
  return (Math.atan2(e, n) * 180) / Math.PI;
}

const wrap360 = (deg: number) => ((deg % 360) + 360) % 360;
const round = (v: number, places: number) => Math.round(v * 10 ** places) / 10 ** places;

/**
 * The placement after dragging `handle` from plane point `from` to `to` (east, north metres in
 * `gizmoFrame(start)`). Headings are rounded to 0.1°, scales to 0.001, positions to 1e-7°
 * (about 1 cm). A rotate or scale drag starting on the anchor itself changes nothing.
 */
export function gizmoDrag(handle: GizmoHandle, start: Placement, from: readonly [number, number], to: readonly [number, number], frame: EnuFrame = gizmoFrame(start)): Placement {
  if (handle === 'move') {
    const g = frame.toGeodetic(to[0] - from[0], to[1] - from[1], 0);
    return { ...start, lonDeg: round(g.lonDeg, 7), latDeg: round(g.latDeg, 7) };
  }
  const r0 = Math.hypot(from[0], from[1]);
  const r1 = Math.hypot(to[0], to[1]);
  if (r0 < 1e-6 || r1 < 1e-6) return { ...start };
  if (handle === 'rotate') {
    const turn = bearingDeg(to[0], to[1]) - bearingDeg(from[0], from[1]);
    return { ...start, headingDeg: round(wrap360(start.headingDeg + turn), 1) % 360 };
  }
  return { ...start, scale: Math.min(GIZMO_SCALE_MAX, Math.max(GIZMO_SCALE_MIN, round((start.scale * r1) / r0, 3))) };
}

/**
 * Where the handles stand (east, north metres from the anchor) for a ring of `radiusM`: the
 * move handle on the anchor, the rotate handle on the ring in the model's heading, the scale
 * handle on the ring a quarter turn clockwise from it.
 */
export function gizmoHandles(headingDeg: number, radiusM: number): Record<GizmoHandle, [number, number]> {
  const h = (headingDeg * Math.PI) / 180;
  return { move: [0, 0], rotate: [radiusM * Math.sin(h), radiusM * Math.cos(h)], scale: [radiusM * Math.cos(h), -radiusM * Math.sin(h)] };
}

/** The handle nearest a pointer (window pixels) within `maxPx`, or null. Later handles win ties. */
export function nearestHandle(handles: readonly { handle: GizmoHandle; x: number; y: number }[], x: number, y: number, maxPx = 14): GizmoHandle | null {
  let best: GizmoHandle | null = null;
  let bestD = maxPx;
  for (const h of handles) {
    const d = Math.hypot(h.x - x, h.y - y);
    if (d <= bestD) {
      bestD = d;
      best = h.handle;
    }
  }
  return best;
}

/**
 * Radius of the gizmo's ring for a model: its horizontal extent from the anchor (local bounds
 * of its triangles, metres) times its scale and a 15 % margin; at least 3 m so that the handles
 * stay apart on a tiny model.
 */
export function gizmoRadiusM(bounds: { min: readonly number[]; max: readonly number[] }, scale: number): number {
  const ex = Math.max(Math.abs(bounds.min[0]!), Math.abs(bounds.max[0]!));
  const ny = Math.max(Math.abs(bounds.min[1]!), Math.abs(bounds.max[1]!));
  const r = Math.hypot(ex, ny) * scale * 1.15;
  return Number.isFinite(r) ? Math.max(3, r) : 3;
}
