import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterPoints, declutter, type Box } from '../../../src/core/screen-layout.ts';

const box = fc.record({ x: fc.double({ min: 0, max: 800, noNaN: true }), y: fc.double({ min: 0, max: 600, noNaN: true }), halfW: fc.double({ min: 1, max: 80, noNaN: true }), halfH: fc.double({ min: 1, max: 20, noNaN: true }) });
const overlap = (a: Box, b: Box, pad: number) => Math.abs(a.x - b.x) < a.halfW + b.halfW + pad && Math.abs(a.y - b.y) < a.halfH + b.halfH + pad;

describe('label decluttering', () => {
  it('never shows two overlapping labels, always shows the first in priority, and is maximal', () => {
    fc.assert(
      fc.property(fc.array(box, { maxLength: 60 }), (boxes) => {
        const order = boxes.map((_, i) => i).reverse();
        const shown = declutter(boxes, order, 2);
        const on = boxes.filter((_, i) => shown[i]);
        for (let i = 0; i < on.length; i++) for (let j = i + 1; j < on.length; j++) expect(overlap(on[i]!, on[j]!, 2)).toBe(false);
        if (boxes.length > 0) expect(shown[order[0]!]).toBe(true);
        // A hidden label overlaps a shown one of higher priority.
        boxes.forEach((b, i) => {
          if (!shown[i]) expect(order.slice(0, order.indexOf(i)).some((j) => shown[j] && overlap(boxes[j]!, b, 2))).toBe(true);
        });
      }),
    );
  });
  it('hides labels without a position and those not in the order', () => {
    expect(declutter([{ x: NaN, y: 0, halfW: 1, halfH: 1 }, { x: 0, y: 0, halfW: 1, halfH: 1 }], [0])).toEqual([false, false]);
  });
});

describe('point clustering', () => {
  it('puts every visible point in exactly one cluster, within the radius of its seed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(fc.double({ min: 0, max: 500, noNaN: true }), fc.constant(NaN)), fc.double({ min: 0, max: 500, noNaN: true })), { maxLength: 200 }), fc.integer({ min: 1, max: 80 }), (pts, r) => {
        const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
        const clusters = clusterPoints(xs, ys, r);
        const seen = new Map<number, number>();
        for (const c of clusters) {
          const s = c.members[0]!;
          for (const m of c.members) {
            seen.set(m, (seen.get(m) ?? 0) + 1);
            expect(Math.hypot(xs[m]! - xs[s]!, ys[m]! - ys[s]!)).toBeLessThanOrEqual(r + 1e-9);
          }
        }
        pts.forEach((p, i) => expect(seen.get(i) ?? 0).toBe(Number.isFinite(p[0]) ? 1 : 0));
      }),
    );
  });
});
