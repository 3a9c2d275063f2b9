import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAdaptiveController, QUALITY_LEVELS } from '../../../src/core/adaptive-quality.ts';

/** Feeds `n` frames `dt` ms apart; returns the level changes seen. */
function run(c: ReturnType<typeof createAdaptiveController>, dt: number, n: number, t0 = { t: 0 }): number[] {
  const changes: number[] = [];
  for (let i = 0; i < n; i++) {
    t0.t += dt;
    const r = c.frame(t0.t);
    if (r !== null) {
      changes.push(r);
      c.reset();
    }
  }
  return changes;
}

describe('adaptive quality controller', () => {
  it('steps down one level per slow window, to the cheapest and no further', () => {
    const c = createAdaptiveController({ window: 10 });
    const t = { t: 0 };
    expect(run(c, 60, 11 * 10, t)).toEqual([1, 2, 3]);
    expect(c.level).toBe(QUALITY_LEVELS.length - 1);
  });
  it('steps up only after several fast windows in a row (no flicker)', () => {
    const c = createAdaptiveController({ window: 10, upAfterWindows: 3 }, 3);
    const t = { t: 0 };
    expect(run(c, 10, 11 * 2, t)).toEqual([]);
    expect(run(c, 10, 11, t)).toEqual([2]);
  });
  it('holds the level when frames are in the comfortable band, and ignores pauses between motions', () => {
    const c = createAdaptiveController({ window: 10 }, 1);
    expect(run(c, 25, 200)).toEqual([]);
    // One frame every second (the view rendering on demand) is not a slow motion.
    expect(run(c, 1000, 100)).toEqual([]);
    expect(c.level).toBe(1);
  });
  it('a median ignores a few spikes', () => {
    const c = createAdaptiveController({ window: 11 });
    let t = 0;
    let changed = false;
    for (let i = 0; i < 11 * 5; i++) {
      t += i % 11 < 3 ? 200 : 12;
      if (c.frame(t) !== null) changed = true;
    }
    expect(changed).toBe(false);
  });
  it('any frame sequence keeps the level in range', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5, max: 400, noNaN: true }), { maxLength: 400 }), fc.integer({ min: -2, max: 6 }), (dts, start) => {
        const c = createAdaptiveController({ window: 5 }, start);
        let t = 0;
        for (const dt of dts) {
          t += dt;
          const r = c.frame(t);
          if (r !== null) expect(Math.abs(r - c.level)).toBe(0);
          expect(c.level).toBeGreaterThanOrEqual(0);
          expect(c.level).toBeLessThan(QUALITY_LEVELS.length);
        }
      }),
      { numRuns: 500 },
    );
  });
});
