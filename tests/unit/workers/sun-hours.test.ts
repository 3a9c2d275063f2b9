import { describe, expect, it } from 'vitest';
import { KernelError, runToEnd } from '../../../src/core/simulation/kernel.ts';
import { riseTransitSet } from '../../../src/core/solar/spa.ts';
import { mergeSunHours, sunHoursKernel, sunSteps, type SunHoursPlan } from '../../../src/features/sun/kernel.ts';
import { SURFACE_GROUND, SURFACE_ROOF } from '../../../src/city/analysis/geometry.ts';
import { boxesGeometry, squareM } from './city-fixtures.ts';

/** Analytic checks of the sun-hours kernel on small cities in Rennes' frame. */

const RENNES = { lonDeg: -1.68, latDeg: 48.11 };

function plan(over: Partial<SunHoursPlan> = {}): SunHoursPlan {
  return {
    frame: { ...RENNES, heightM: 0 },
    site: { ...RENNES },
    polygons: [squareM(0, 0, 40)],
    cellM: 2,
    days: [{ year: 2026, month: 6, day: 21, tzOffsetHours: 2 }],
    stepMin: 15,
    horizonM: 500,
    facadeSpacingM: 0,
    groundHeightM: null,
    part: { index: 0, count: 1 },
    ...over,
  };
}

describe('sun-hours kernel', () => {
  it('open flat ground receives exactly the day length, on any day', () => {
    const empty = boxesGeometry([]);
    for (const [month, day, tz] of [[6, 21, 2], [12, 21, 1], [3, 20, 1]] as const) {
      const p = plan({ days: [{ year: 2026, month, day, tzOffsetHours: tz }] });
      const r = runToEnd(sunHoursKernel(p, empty));
      const rts = riseTransitSet(2026, month, day, tz, RENNES);
      const dayLength = (rts.sunsetMs! - rts.sunriseMs!) / 3_600_000;
      expect(r.dayLengthH).toBeCloseTo(dayLength, 9);
      const cells = Array.from(r.sunHours).filter((h) => !Number.isNaN(h));
      expect(cells.length).toBe(400);
      for (const h of cells) expect(Math.abs(h - dayLength)).toBeLessThan(1e-4);
    }
  });

  it('a lone box casts a shadow of length h / tan(elevation), to within one cell', () => {
    const h = 20;
    const g = boxesGeometry([{ x: -5, y: -5, w: 10, d: 10, h }]);
    for (const [month, day, tz] of [[6, 21, 2], [3, 20, 1], [12, 21, 1]] as const) {
      // One step covering the whole day: the Sun is taken at the middle of the day (near noon).
      const p = plan({ polygons: [squareM(0, 40, 100)], cellM: 1, stepMin: 1440, days: [{ year: 2026, month, day, tzOffsetHours: tz }] });
      const r = runToEnd(sunHoursKernel(p, g));
      const s = sunSteps(p).steps[0]!;
      const elevation = Math.asin(s.dz);
      const horizontal = Math.hypot(s.dx, s.dy);
      expect(Math.abs(s.dx / horizontal)).toBeLessThan(0.01); // the Sun is due south
      const length = (h - 0.05) / Math.tan(elevation);
      // Along the column x = 0.5 m, north of the box: the last cell in shade.
      const { grid } = r;
      const c = Math.floor((0.5 - grid.x0) / grid.cellM);
      let lastShade = -Infinity;
      for (let row = 0; row < grid.rows; row++) {
        const i = row * grid.cols + c;
        const y = grid.y0 + (row + 0.5) * grid.cellM;
        if (y > 5 && r.surface[i] === SURFACE_GROUND && r.sunHours[i] === 0) lastShade = Math.max(lastShade, y);
      }
      expect(Math.abs(lastShade - (5 + length))).toBeLessThanOrEqual(grid.cellM);
      // South of the box: sunlit all day long.
      const south = (Math.floor((-10 - grid.y0) / grid.cellM)) * grid.cols + c;
      if (south >= 0) expect(r.sunHours[south]).toBeCloseTo(r.dayLengthH, 5);
    }
  });

  it('finds roofs at their height and lights them all day when nothing is taller', () => {
    // Walls between cell centres (odd metres): 5 × 5 roof cells.
    const g = boxesGeometry([{ x: -6, y: -6, w: 10, d: 10, h: 20 }]);
    const r = runToEnd(sunHoursKernel(plan(), g));
    const roof = [...r.surface.keys()].filter((i) => r.surface[i] === SURFACE_ROOF);
    expect(roof.length).toBe(25);
    for (const i of roof) {
      expect(r.heightM[i]).toBeCloseTo(20, 4);
      expect(r.sunHours[i]).toBeCloseTo(r.dayLengthH, 4);
      expect(r.cellBuilding[i]).toBe(0);
    }
  });

  it('a taller neighbour to the south shades part of a lower roof in winter', () => {
    const g = boxesGeometry([{ x: -10, y: -20, w: 20, d: 10, h: 30 }, { x: -10, y: 0, w: 20, d: 20, h: 8 }]);
    const r = runToEnd(sunHoursKernel(plan({ polygons: [squareM(0, 10, 20)], days: [{ year: 2026, month: 12, day: 21, tzOffsetHours: 1 }] }), g));
    const roof = [...r.surface.keys()].filter((i) => r.surface[i] === SURFACE_ROOF).map((i) => r.sunHours[i]!);
    expect(roof.length).toBe(100);
    expect(Math.min(...roof)).toBeLessThan(r.dayLengthH - 1);
    expect(Math.max(...roof)).toBeGreaterThan(Math.min(...roof));
  });

  it('facades: in December the north wall gets no sun, the south wall the most; in June the north wall gets some', () => {
    const g = boxesGeometry([{ x: -5, y: -5, w: 10, d: 10, h: 20 }]);
    const dec = runToEnd(sunHoursKernel(plan({ facadeSpacingM: 2, days: [{ year: 2026, month: 12, day: 21, tzOffsetHours: 1 }] }), g));
    const [n, e, s, w] = Array.from(dec.facades.byOrientationH);
    expect(n).toBe(0);
    expect(s).toBeGreaterThan(e!);
    expect(s).toBeGreaterThan(w!);
    expect(s).toBeGreaterThan(dec.dayLengthH * 0.9);
    expect(dec.facades.samples[0]).toBeGreaterThan(100);
    const jun = runToEnd(sunHoursKernel(plan({ facadeSpacingM: 2 }), g));
    expect(jun.facades.byOrientationH[0]).toBeGreaterThan(0.5);
  });

  it('gives the same bytes whatever the number of parts, and across runs', () => {
    const g = boxesGeometry(Array.from({ length: 12 }, (_, i) => ({ x: (i % 4) * 14 - 28, y: Math.floor(i / 4) * 16 - 24, w: 9, d: 11, h: 6 + ((i * 5) % 25) })));
    const p = plan({ polygons: [squareM(0, 0, 70)], facadeSpacingM: 3, days: [{ year: 2026, month: 3, day: 20, tzOffsetHours: 1 }, { year: 2026, month: 3, day: 27, tzOffsetHours: 1 }] });
    const ids = Array.from({ length: 12 }, (_, i) => `B${i}`);
    const run = (count: number) => mergeSunHours(Array.from({ length: count }, (_, index) => runToEnd(sunHoursKernel({ ...p, part: { index, count } }, g))), ids);
    const one = run(1);
    const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (const other of [run(1), run(2), run(3)]) {
      for (const k of ['sunHours', 'surface', 'heightM', 'cellBuilding'] as const) expect(bytes(other[k]).equals(bytes(one[k]))).toBe(true);
      expect(bytes(other.buildings.facadeMeanH).equals(bytes(one.buildings.facadeMeanH))).toBe(true);
      expect(other.buildings.ids).toEqual(one.buildings.ids);
    }
    expect(one.buildings.ids.length).toBe(12);
    expect(one.ground.count + one.roofs.count).toBe(35 * 35);
  });

  it('reports progress at checkpoints and stops when its driver stops', () => {
    const g = boxesGeometry([{ x: -5, y: -5, w: 10, d: 10, h: 20 }]);
    const run = sunHoursKernel(plan(), g);
    const first = run.next();
    expect(first.done).toBe(false);
    const second = run.next();
    expect(second.done).toBe(false);
    if (second.done !== true) expect(second.value.done).toBeGreaterThan(0);
    expect(run.return(undefined as never).done).toBe(true);
  });

  it('refuses a bad plan with an error naming the field', () => {
    const g = boxesGeometry([]);
    expect(() => runToEnd(sunHoursKernel(plan({ part: { index: 3, count: 2 } }), g))).toThrow(KernelError);
    expect(() => runToEnd(sunHoursKernel(plan({ cellM: 0 }), g))).toThrow(/cell size/);
  });
});
