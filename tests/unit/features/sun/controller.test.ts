import { describe, expect, it } from 'vitest';
import type { SimProgress } from '../../../../src/core/simulation/types.ts';
import { sunHoursInput, type SunHoursOutput } from '../../../../src/features/sun/contract.ts';
import {
  buildingsCsv,
  createSunController,
  localDate,
  lossBetween,
  ringAreaKm2,
  RUN_KEYS,
  TIME_ZONE,
  type SunCity,
  type SunHoursParams,
  type SunNotice,
  type SunRunResult,
  type SunShown,
} from '../../../../src/features/sun/controller.ts';

/** The sun controller with fake ports: what it runs, shows and exports. */

const CITY: SunCity = { config: { bbox: [-1.69, 48.1, -1.67, 48.12], buildings: { url: 'packs/demo/tileset.json', idProperties: ['id'] } as never, synthetic: false } };
const RING: [number, number][] = [[-1.6814, 48.1085], [-1.6787, 48.1085], [-1.6787, 48.1103], [-1.6814, 48.1103]];
const PARAMS: SunHoursParams = { date: '2026-06-21', stepMin: 15, cellM: 2, facades: true };

const summary = (count: number, mean: number) => ({ count, mean, min: 0, max: 12, p10: 1, p50: mean, p90: 11 });

/** Four cells: ground, ground, a roof of building 0 (`b0`), a roof of building 1 (`project` or `b1`). */
function output(hours: number[], o: { surface?: number[]; ids?: string[]; rays?: number } = {}): SunHoursOutput {
  return {
    frame: { lonDeg: -1.68, latDeg: 48.11, heightM: 0 },
    grid: { x0: 0, y0: 0, cellM: 2, cols: 2, rows: 2 },
    sunHours: Float32Array.from(hours),
    surface: Uint8Array.from(o.surface ?? [1, 1, 2, 2]),
    heightM: Float32Array.from([0, 0, 12, 20]),
    cellBuilding: Int32Array.from([-1, -1, 0, 1]),
    buildings: { ids: o.ids ?? ['b0', 'b1'], roofCells: Uint32Array.from([1, 1]), roofMeanH: Float32Array.from([9.5, NaN]), facadeAreaM2: Float32Array.from([120, 80]), facadeMeanH: Float32Array.from([4.25, 3]), facadeByOrientationH: Float32Array.from([1, 2, 3, 4, NaN, 6, 7, 8]) },
    ground: summary(2, 6),
    roofs: summary(2, 10),
    rays: o.rays ?? 1000,
    dayLengthH: 16,
    sunSteps: 64,
    days: 1,
    stepMin: 15,
    tiles: 1,
    notes: [],
  } as SunHoursOutput;
}

const ok = (o: SunHoursOutput, ms = 800, parts = 2): SunRunResult => ({ ok: true, value: o, info: { ms, parts } });
const failed = (code: string, message: string): SunRunResult => ({ ok: false, error: { code, message }, info: { ms: 5, parts: 0 } }) as SunRunResult;

function setup(answer: (input: Record<string, unknown>, key: string | undefined) => SunRunResult = () => ok(output([6, 7, 10, 11]))) {
  const log = {
    notices: [] as (SunNotice | null)[],
    running: [] as boolean[],
    progress: [] as [string, number][],
    results: [] as (SunShown | null)[],
    runs: [] as { input: Record<string, unknown>; key: string | undefined }[],
    cancelled: [] as string[],
    marks: [] as string[],
  };
  const ctl = createSunController<SunCity>({
    simulate: (input, o) => {
      log.runs.push({ input, key: o.key });
      o.onProgress?.({ stage: 'rays', done: 3, total: 4 } satisfies SimProgress);
      return Promise.resolve(answer(input, o.key));
    },
    cancel: (key) => log.cancelled.push(key),
    absoluteUrl: (url) => `http://host/${url}`,
    mark: (name) => log.marks.push(name),
    show: {
      message: (n) => log.notices.push(n),
      running: (on) => log.running.push(on),
      progress: (stage, f) => log.progress.push([stage, f]),
      result: (r) => log.results.push(r),
    },
  });
  return { ctl, log };
}

describe('sun controller: studies', () => {
  it('needs a city with buildings, an area, and for a loss study a building', async () => {
    const { ctl, log } = setup();
    await ctl.runHours(PARAMS);
    expect(log.notices.at(-1)).toEqual({ key: 'sim.noCity', level: 'error' });
    ctl.openCity(CITY);
    await ctl.runHours(PARAMS);
    expect(log.notices.at(-1)).toEqual({ key: 'sim.noArea', level: 'error' });
    ctl.setArea(RING);
    await ctl.runLoss(PARAMS, 30);
    expect(log.notices.at(-1)).toEqual({ key: 'sim.needBuilding', level: 'error' });
    expect(log.runs).toEqual([]);
  });

  it('runs sun hours over the drawn area with a valid input, marks the run and shows the result', async () => {
    const { ctl, log } = setup();
    ctl.openCity(CITY);
    expect(ctl.setArea(RING)).toBeCloseTo(ringAreaKm2(RING), 12);
    expect(ctl.snapshot().areaPoints).toBe(4);
    await ctl.runHours(PARAMS);
    const input = sunHoursInput.parse(log.runs[0]!.input);
    expect(input.city.tileset).toBe('http://host/packs/demo/tileset.json');
    expect(input.timeZone).toBe(TIME_ZONE);
    expect(input.endDate).toBeUndefined();
    expect((log.runs[0]!.input.area as { coordinates: unknown[][] }).coordinates[0]).toEqual([...RING, RING[0]]);
    expect(log.runs[0]!.key).toBeUndefined();
    expect(log.marks).toEqual(['jumeau:sim-start', 'jumeau:sim-result']);
    expect(log.running).toEqual([true, false]);
    expect(log.progress).toEqual([['rays', 0.75]]);
    const shown = log.results.at(-1)!;
    expect(shown.kind).toBe('hours');
    expect(shown.values).toBe(shown.output.sunHours);
    expect(shown.ramp.classes.length).toBeGreaterThan(1);
    expect(ctl.snapshot()).toMatchObject({ running: false, error: null, stage: 'rays', fraction: 0.75, result: { kind: 'hours', cells: 4, groundMean: 6, roofMean: 10, rays: 1000, ms: 800, workers: 2 } });
    expect(ctl.exportCsv()!.filename).toBe('sun-hours-2026-06-21.csv');
  });

  it('passes a period on, and refuses nothing the contract accepts', async () => {
    const { ctl, log } = setup();
    ctl.openCity(CITY);
    ctl.setArea(RING);
    await ctl.runHours({ ...PARAMS, endDate: '2026-06-30', facades: false });
    expect(sunHoursInput.parse(log.runs[0]!.input)).toMatchObject({ date: '2026-06-21', endDate: '2026-06-30', facades: false, stepMin: 15, cellM: 2 });
  });

  it('a loss study runs a baseline and a scenario with the project building, and shows the hours taken from neighbours', async () => {
    const { ctl, log } = setup((_input, key) => (key === 'sun-hours:baseline' ? ok(output([8, 8, 10, 10], { rays: 100 }), 700, 3) : ok(output([5, 8, 9.5, 4], { ids: ['b0', 'project'], rays: 200 }), 900, 3)));
    ctl.openCity(CITY);
    ctl.setArea(RING);
    expect(ctl.setBuilding(RING, Number.NaN)).toBe(0);
    await ctl.runLoss(PARAMS, 30);
    expect(log.runs.map((r) => [r.key, r.input.facades])).toEqual([['sun-hours:baseline', false], ['sun-hours:scenario', false]]);
    expect(log.runs[1]!.input.scenario).toEqual({ added: [{ id: 'project', footprint: RING, heightM: 30, baseM: 0 }], removed: [] });
    const shown = log.results.at(-1)!;
    if (shown.kind !== 'loss') throw new Error('a loss result was expected');
    // Cell 3 is the project's own roof: not a loss.
    expect(Array.from(shown.values)).toEqual([3, 0, 0.5, NaN]);
    expect(Array.from(shown.output.surface)).toEqual([1, 1, 2, 0]);
    expect(shown.loss).toMatchObject({ lost: 2, sum: 3.5, max: 3 });
    expect(shown).toMatchObject({ heightM: 30, rays: 300, ms: 1600, workers: 3 });
    expect(ctl.snapshot().result).toEqual({ kind: 'loss', cells: 4, groundMean: 1.75, roofMean: 10, rays: 200, ms: 1600, workers: 3 });
    // A loss study leaves nothing to export (only a sun-hours result is).
    expect(ctl.exportCsv()).toBeNull();
  });

  it('reports failures: cancelled (info), failed (error), a loss study failing on either run', async () => {
    const cancelled = setup(() => failed('cancelled', 'cancelled'));
    cancelled.ctl.openCity(CITY);
    cancelled.ctl.setArea(RING);
    await cancelled.ctl.runHours(PARAMS);
    expect(cancelled.log.notices.at(-1)).toEqual({ key: 'sim.cancelled', level: 'info' });
    expect(cancelled.ctl.snapshot()).toMatchObject({ running: false, error: 'cancelled', result: null });
    expect(cancelled.log.marks).toEqual(['jumeau:sim-start', 'jumeau:sim-result']);

    const broken = setup((_i, key) => (key === 'sun-hours:scenario' ? failed('kernel', 'tile 2 is broken') : ok(output([1, 1, 1, 1]))));
    broken.ctl.openCity(CITY);
    broken.ctl.setArea(RING);
    broken.ctl.setBuilding(RING, 31);
    await broken.ctl.runLoss(PARAMS, 30);
    expect(broken.log.notices.at(-1)).toEqual({ key: 'sim.failed', params: { reason: 'tile 2 is broken' }, level: 'error' });
    expect(broken.log.results).toEqual([]);
  });

  it('closing the city cancels its runs and forgets the result, the area and the building', async () => {
    const { ctl, log } = setup();
    ctl.openCity(CITY);
    ctl.setArea(RING);
    await ctl.runHours(PARAMS);
    ctl.closeCity();
    expect(log.cancelled).toEqual([...RUN_KEYS]);
    expect(log.results.at(-1)).toBeNull();
    expect(ctl.snapshot().result).toBeNull();
    expect(ctl.exportCsv()).toBeNull();
    expect(ctl.city()).toBeNull();
    ctl.openCity(CITY);
    await ctl.runHours(PARAMS);
    expect(log.notices.at(-1)).toEqual({ key: 'sim.noArea', level: 'error' });
  });

  it('follows a drawing for the end-to-end tests', () => {
    const { ctl } = setup();
    ctl.drawStarted();
    ctl.drawPoints(3);
    expect(ctl.snapshot()).toMatchObject({ drawing: true, areaPoints: 3 });
    ctl.drawEnded();
    expect(ctl.snapshot()).toMatchObject({ drawing: false, areaPoints: 3 });
    const copy = ctl.snapshot();
    copy.areaPoints = 99;
    expect(ctl.snapshot().areaPoints).toBe(3);
  });
});

describe('sun controller: the sun over the city', () => {
  it('gives sunrise and sunset of a local day, or nothing without a city or a date', () => {
    const { ctl } = setup();
    expect(ctl.dayWindow('2026-06-21')).toBeNull();
    expect(ctl.sunAt(Date.UTC(2026, 5, 21, 12))).toBeNull();
    ctl.openCity(CITY);
    expect(ctl.dayWindow('21/06/2026')).toBeNull();
    const day = ctl.dayWindow('2026-06-21')!;
    // Rennes at the summer solstice: about 16 h of day, sunrise near 04:05 UTC.
    expect((day.setMs - day.riseMs) / 3.6e6).toBeGreaterThan(15.5);
    expect((day.setMs - day.riseMs) / 3.6e6).toBeLessThan(16.5);
    expect(new Date(day.riseMs).getUTCHours()).toBe(4);
    const noon = ctl.sunAt(Date.UTC(2026, 5, 21, 12))!;
    expect(noon.elevationDeg).toBeGreaterThan(60);
    expect(ctl.sunAt(Date.UTC(2026, 5, 21, 0))!.elevationDeg).toBeLessThan(0);
  });

  it('local dates are in the studies time zone', () => {
    expect(localDate(Date.UTC(2026, 5, 20, 22, 30))).toBe('2026-06-21');
    expect(localDate(Date.UTC(2026, 0, 1, 12))).toBe('2026-01-01');
  });
});

describe('sun controller: pure helpers', () => {
  it('hours lost leave out cells outside either study and the project’s own roof', () => {
    const a = output([8, 8, 10, 10], { surface: [1, 0, 2, 2] });
    const b = output([8, 2, 9.995, 1], { ids: ['b0', 'project'] });
    const l = lossBetween(a, b);
    expect(Array.from(l.loss).map((v) => (Number.isNaN(v) ? null : Math.round(v * 1000) / 1000))).toEqual([0, null, 0.005, null]);
    expect(Array.from(l.surface)).toEqual([1, 0, 2, 0]);
    expect(l).toMatchObject({ lost: 0, sum: 0, max: 0 });
  });

  it('exports one CSV row per building, empty fields where a value is missing', () => {
    const csv = buildingsCsv(output([1, 1, 1, 1], { ids: ['b0', 'quote"d'] })).split('\n');
    expect(csv[0]).toBe('id,roofCells,roofMeanH,facadeAreaM2,facadeMeanH,facadeNorthH,facadeEastH,facadeSouthH,facadeWestH');
    expect(csv[1]).toBe('"b0",1,9.50,120.00,4.25,1.00,2.00,3.00,4.00');
    expect(csv[2]).toBe('"quote\\"d",1,,80.00,3.00,,6.00,7.00,8.00');
    expect(csv[3]).toBe('');
  });
});
