import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haversineM, type Vec3 } from '../../../src/core/geodesy.ts';
import { bearingDeg, gizmoDrag, gizmoFrame, gizmoHandles, GIZMO_SCALE_MAX, nearestHandle, rayHitsLevel, rayToEnu } from '../../../src/features/scenarios/gizmo.ts';
import type { Placement } from '../../../src/core/placement.ts';

const START: Placement = { lonDeg: -1.68, latDeg: 48.109, baseM: 52, headingDeg: 30, scale: 1.5 };

describe('model gizmo: screen drag → ENU displacement, heading, scale', () => {
  it('a ray from a camera above meets the base plane where it points', () => {
    expect(rayHitsLevel([0, 0, 100], [1, 0, -1])).toEqual([100, 0]);
    expect(rayHitsLevel([5, 5, 10], [0, 0, -1], 2)).toEqual([5, 5]);
    expect(rayHitsLevel([0, 0, 100], [1, 0, 0])).toBeNull(); // parallel
    expect(rayHitsLevel([0, 0, 100], [0, 0, 1])).toBeNull(); // away from the plane
    expect(rayHitsLevel([0, 0, 10], [1, 0, -1e-4])).toBeNull(); // beyond 20 km (near the horizon)
  });

  it('an Earth-fixed pick ray becomes the same ray in the anchor frame', () => {
    const f = gizmoFrame(START);
    const eye: Vec3 = f.toEcef(-30, -40, 200);
    const target: Vec3 = f.toEcef(12, 8, 0);
    const r = rayToEnu(f, eye, [target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]]);
    const hit = rayHitsLevel(r.origin, r.direction)!;
    expect(hit[0]).toBeCloseTo(12, 6);
    expect(hit[1]).toBeCloseTo(8, 6);
  });

  it('move: the anchor follows the plane displacement, height kept', () => {
    const p = gizmoDrag('move', START, [3, 4], [3 + 30, 4 - 40]);
    expect(haversineM(START.lonDeg, START.latDeg, p.lonDeg, p.latDeg)).toBeCloseTo(50, 0);
    const back = gizmoFrame(START).fromGeodetic(p.lonDeg, p.latDeg, START.baseM);
    expect(back[0]).toBeCloseTo(30, 1);
    expect(back[1]).toBeCloseTo(-40, 1);
    expect(p.lonDeg).toBeGreaterThan(START.lonDeg); // east
    expect(p.latDeg).toBeLessThan(START.latDeg); // south
    expect({ ...p, lonDeg: 0, latDeg: 0 }).toEqual({ ...START, lonDeg: 0, latDeg: 0 });
  });

  it('rotate: the heading turns with the pointer bearing around the anchor (clockwise from north)', () => {
    // From north of the anchor to east of it: a quarter turn clockwise.
    expect(gizmoDrag('rotate', START, [0, 10], [10, 0]).headingDeg).toBe(120);
    // From east to north: back a quarter turn; wraps to [0, 360).
    expect(gizmoDrag('rotate', { ...START, headingDeg: 10 }, [10, 0], [0, 10]).headingDeg).toBe(280);
    // The distance does not matter, the scale is kept.
    expect(gizmoDrag('rotate', START, [0, 1], [-50, 0])).toMatchObject({ headingDeg: 300, scale: 1.5 });
    expect(bearingDeg(1, 0)).toBe(90);
  });

  it('scale: multiplied by the ratio of distances from the anchor, clamped', () => {
    expect(gizmoDrag('scale', START, [10, 0], [20, 0]).scale).toBe(3);
    expect(gizmoDrag('scale', START, [0, -10], [3, -4]).scale).toBe(0.75);
    expect(gizmoDrag('scale', START, [0.01, 0], [1e5, 0]).scale).toBe(GIZMO_SCALE_MAX);
    // A drag from the anchor itself changes nothing.
    expect(gizmoDrag('scale', START, [0, 0], [5, 5])).toEqual(START);
    expect(gizmoDrag('rotate', START, [5, 5], [0, 0])).toEqual(START);
  });

  it('handles: rotate on the heading, scale a quarter turn clockwise, nearest within reach', () => {
    const h = gizmoHandles(90, 20);
    expect(h.rotate[0]).toBeCloseTo(20);
    expect(h.rotate[1]).toBeCloseTo(0);
    expect(h.scale[0]).toBeCloseTo(0);
    expect(h.scale[1]).toBeCloseTo(-20);
    const on = [{ handle: 'move' as const, x: 100, y: 100 }, { handle: 'rotate' as const, x: 140, y: 100 }];
    expect(nearestHandle(on, 136, 103)).toBe('rotate');
    expect(nearestHandle(on, 102, 98)).toBe('move');
    expect(nearestHandle(on, 120, 130)).toBeNull();
  });

  it('dragging a rotate handle along the ring turns the model so that the handle stays under the pointer (fuzzed)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 359.9, noNaN: true }), fc.double({ min: -720, max: 720, noNaN: true }), fc.double({ min: 1, max: 500, noNaN: true }), (h0, turn, r) => {
        const p0 = { ...START, headingDeg: h0 };
        const from = gizmoHandles(h0, r).rotate;
        const to = gizmoHandles(h0 + turn, r * 1.7).rotate;
        const p = gizmoDrag('rotate', p0, from, to);
        const want = (((h0 + turn) % 360) + 360) % 360;
        const diff = Math.abs(((p.headingDeg - want + 540) % 360) - 180);
        expect(diff).toBeLessThanOrEqual(0.051);
        expect(p.headingDeg).toBeGreaterThanOrEqual(0);
        expect(p.headingDeg).toBeLessThan(360);
      }),
    );
  });
});
