import { describe, expect, it } from 'vitest';
import { HEIGHT_RAMP, rampColor, rgbToHex } from '../../../src/core/color-ramp.ts';
import { createRng } from '../../../src/core/random.ts';
import { fromZoned, toZoned, zoneOffsetMinutes } from '../../../src/core/time.ts';

describe('height ramp', () => {
  it('has contiguous classes covering every real height', () => {
    const c = HEIGHT_RAMP.classes;
    expect(c[0]!.min).toBe(-Infinity);
    expect(c[c.length - 1]!.max).toBe(Infinity);
    for (let i = 1; i < c.length; i++) expect(c[i]!.min).toBe(c[i - 1]!.max);
  });
  it('colours values by class and missing values as no-data', () => {
    expect(rampColor(HEIGHT_RAMP, 3)).toEqual(HEIGHT_RAMP.classes[0]!.color);
    expect(rampColor(HEIGHT_RAMP, 6)).toEqual(HEIGHT_RAMP.classes[1]!.color);
    expect(rampColor(HEIGHT_RAMP, 1000)).toEqual(HEIGHT_RAMP.classes[5]!.color);
    expect(rampColor(HEIGHT_RAMP, Number.NaN)).toEqual(HEIGHT_RAMP.noData);
    expect(rampColor(HEIGHT_RAMP, undefined)).toEqual(HEIGHT_RAMP.noData);
    expect(rgbToHex([255, 0, 16])).toBe('#ff0010');
  });
});

describe('seeded random', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = createRng(42), b = createRng(42), c = createRng(43);
    const sa = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(sa);
  });
  it('is uniform enough for generators (chi-square over 20 bins)', () => {
    const r = createRng(7);
    const bins = new Array<number>(20).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) bins[Math.floor(r.next() * 20)]!++;
    const expected = n / 20;
    const chi2 = bins.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.8); // p = 0.001 with 19 degrees of freedom
    const ints = new Set(Array.from({ length: 1000 }, () => r.int(1, 6)));
    expect([...ints].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('refuses impossible picks', () => {
    const r = createRng(1);
    expect(() => r.pick([])).toThrow(RangeError);
    expect(() => r.weighted(['a'], [0])).toThrow(RangeError);
    expect(r.weighted(['a', 'b'], [0, 1])).toBe('b');
  });
});

describe('time zones', () => {
  it('knows Paris summer and winter offsets', () => {
    expect(zoneOffsetMinutes(Date.UTC(2026, 5, 21, 12), 'Europe/Paris')).toBe(120);
    expect(zoneOffsetMinutes(Date.UTC(2026, 11, 21, 12), 'Europe/Paris')).toBe(60);
  });
  it('round-trips local wall-clock times, across the daylight-saving changes', () => {
    for (const date of ['2026-03-29', '2026-06-21', '2026-10-25', '2026-12-21']) {
      for (let minutes = 0; minutes < 1440; minutes += 15) {
        const ms = fromZoned(date, minutes, 'Europe/Paris');
        const z = toZoned(ms, 'Europe/Paris');
        if (date === '2026-03-29' && minutes >= 120 && minutes < 180) {
          // 02:00–02:59 does not exist on the spring change: it maps one hour later.
          expect(z.minutes).toBe(minutes + 60);
          continue;
        }
        expect(z).toEqual({ date, minutes });
      }
    }
    expect(new Date(fromZoned('2026-06-21', 14 * 60, 'Europe/Paris')).toISOString()).toBe('2026-06-21T12:00:00.000Z');
  });
});
