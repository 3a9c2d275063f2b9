import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCameraSync, poseDistance, type CameraPose, type ViewSide } from '../../../src/features/scenarios/camera-sync.ts';

const pose = (x: number, headingRad = 0): CameraPose => ({ position: [x, 0, 6_378_000], direction: [Math.cos(headingRad), Math.sin(headingRad), 0], up: [0, 0, 1] });

describe('camera sync between two views', () => {
  it('sends a move of either side to the other, and not back', () => {
    const s = createCameraSync();
    expect(s.frame('right', pose(0))).toEqual({ to: 'left', pose: pose(0) });
    // The left view renders with the shared pose: nothing goes back.
    expect(s.frame('left', pose(0))).toBeNull();
    expect(s.frame('right', pose(0))).toBeNull();
    // The user moves the left view: the right one follows.
    expect(s.frame('left', pose(12))).toEqual({ to: 'right', pose: pose(12) });
    expect(s.frame('right', pose(12))).toBeNull();
    // A turn without a move is shared too.
    expect(s.frame('right', pose(12, 0.3))).toMatchObject({ to: 'left' });
  });

  it('absorbs renderer rounding below the tolerance', () => {
    const s = createCameraSync();
    s.frame('left', pose(100));
    expect(s.frame('right', pose(100.0004))).toBeNull();
    expect(s.frame('right', pose(100.01))).not.toBeNull();
  });

  it('reset shares the next frame again', () => {
    const s = createCameraSync();
    s.frame('left', pose(1));
    s.reset();
    expect(s.frame('left', pose(1))).toMatchObject({ to: 'right' });
  });

  it('never loops: two views that apply what they receive settle after one exchange (fuzzed)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ side: fc.constantFrom<ViewSide>('left', 'right'), x: fc.double({ min: -1e4, max: 1e4, noNaN: true }), h: fc.double({ min: -3, max: 3, noNaN: true }) }), { minLength: 1, maxLength: 30 }), (moves) => {
        const s = createCameraSync();
        const cams: Record<ViewSide, CameraPose> = { left: pose(0), right: pose(0) };
        for (const m of moves) {
          cams[m.side] = pose(m.x, m.h);
          // Render frames until nothing is sent; each view applies what it receives.
          let queue: ViewSide[] = [m.side];
          let frames = 0;
          while (queue.length > 0) {
            const side = queue.shift()!;
            frames++;
            const out = s.frame(side, cams[side]);
            if (out !== null) {
              cams[out.to] = out.pose;
              queue = [...queue, out.to];
            }
            expect(frames).toBeLessThanOrEqual(2);
          }
          const d = poseDistance(cams.left, cams.right);
          expect(d.positionM).toBeLessThanOrEqual(1e-3);
          expect(d.angleRad).toBeLessThanOrEqual(1e-6);
        }
      }),
    );
  });
});
