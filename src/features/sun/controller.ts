import type { CityConfig } from '../../config/types.ts';
import type { SteppedRamp } from '../../core/color-ramp.ts';
import { lonLatRingAreaM2 } from '../../core/geometry/polygon.ts';
import { hoursRamp, lossRamp } from '../../core/simulation/display.ts';
import type { SimProgress, SimResult } from '../../core/simulation/types.ts';
import { toZoned } from '../../core/time.ts';
import { sunHoursSimulation, type SunHoursInput, type SunHoursOutput } from './contract.ts';
import { computeSunPosition, type SunPositionOutput } from './position-kernel.ts';

/**
 * The sun feature's state and decisions (no DOM, no Cesium): the study area and the project
 * building drawn by the user, runs of `sun-hours` (hours of sun; or hours a project building
 * takes from its neighbours, from a baseline and a scenario run), the last result (for the CSV
 * export), and where the sun is over the city. Side effects go through {@link SunPorts}.
 */

/** The time zone of the studies' local days. */
/** The time zone of cities that do not name one (pack cities from before city files). */
export const TIME_ZONE = 'Europe/Paris';
/** The simulation keys of the feature's runs. */
export const RUN_KEYS = ['sun-hours', 'sun-hours:baseline', 'sun-hours:scenario'] as const;

/** The study parameters of the panel. */
export interface SunHoursParams {
  date: string;
  endDate?: string;
  stepMin: number;
  cellM: number;
  facades: boolean;
}

/** What the end-to-end tests read (test-api.ts). */
export interface SimTestState {
  running: boolean;
  stage: string | null;
  fraction: number;
  error: string | null;
  result: { kind: 'hours' | 'loss'; cells: number; groundMean: number; roofMean: number; rays: number; ms: number; workers: number } | null;
  drawing: boolean;
  areaPoints: number;
}

/** A message for the panel, by key of the sun messages (null clears it). */
export interface SunNotice {
  key: 'sim.noCity' | 'sim.noArea' | 'sim.needBuilding' | 'sim.cancelled' | 'sim.failed';
  params?: Record<string, string | number>;
  level: 'info' | 'error';
}

interface ShownBase {
  /** The output drawn (for a loss: the scenario's, cells that are no neighbour's left out). */
  output: SunHoursOutput;
  /** The value of each cell drawn, and its ramp. */
  values: Float32Array;
  ramp: SteppedRamp;
  /** Run time (ms; for a loss, of both runs together) and workers. */
  ms: number;
  workers: number;
  params: SunHoursParams;
  synthetic: boolean;
}

/** A result to show: hours of sun, or hours a project building takes. */
export type SunShown = (ShownBase & { kind: 'hours' }) | (ShownBase & { kind: 'loss'; heightM: number; loss: LossGrid; rays: number });

/** A run's answer as the simulation client gives it. */
export type SunRunResult = SimResult<SunHoursOutput> & { info: { ms: number; parts: number } };

/** A city as the controller needs it (the app's open city satisfies it). */
export interface SunCity {
  readonly config: Pick<CityConfig, 'bbox' | 'buildings' | 'synthetic'> & { readonly timeZone?: string };
}

/** The time zone of a city's local days: its own (city file), else {@link TIME_ZONE}. */
export const zoneOf = (city: SunCity | null | undefined): string => city?.config.timeZone ?? TIME_ZONE;

/** Where the results of the controller's decisions go (the panel, the view). */
export interface SunOutlet {
  message(notice: SunNotice | null): void;
  running(on: boolean): void;
  progress(stage: string, fraction: number): void;
  /** A result to draw and describe, or null to take it away. */
  result(shown: SunShown | null): void;
}

/** The side effects the controller asks for. */
export interface SunPorts {
  /** Runs `sun-hours`; runs with the same key replace each other (default key: the simulation id). */
  simulate(input: Record<string, unknown>, o: { key?: string; onProgress?: (p: SimProgress) => void }): Promise<SunRunResult>;
  cancel(key: string): void;
  /** The absolute URL of a tileset URL relative to the page. */
  absoluteUrl(url: string): string;
  /** A performance mark (the end-to-end test times the run between them). */
  mark(name: string): void;
  show: SunOutlet;
}

/** The local date (YYYY-MM-DD) of an instant in a time zone (default: {@link TIME_ZONE}). */
export function localDate(ms: number, timeZone: string = TIME_ZONE): string {
  return toZoned(ms, timeZone).date;
}

/** Area of a ring of [lon, lat] (open), km² (local flat approximation). */
export function ringAreaKm2(ring: readonly [number, number][]): number {
  return lonLatRingAreaM2(ring) / 1e6;
}

/** Hours of sun lost per cell between a baseline and a scenario, and their summary. */
export interface LossGrid {
  /** Hours lost per cell (NaN where there is nothing to compare). */
  loss: Float32Array;
  /** The scenario's surfaces, 0 where there is nothing to compare. */
  surface: Uint8Array;
  /** Cells losing more than 0.01 h, the hours they lose in all, the largest loss. */
  lost: number;
  sum: number;
  max: number;
}

/**
 * Hours lost per cell from baseline `a` to scenario `b`; cells the project covers are its own
 * roof (building id `project`), not a neighbour's loss.
 */
export function lossBetween(a: SunHoursOutput, b: SunHoursOutput): LossGrid {
  const loss = new Float32Array(a.sunHours.length).fill(NaN);
  let lost = 0, sum = 0, max = 0;
  for (let i = 0; i < loss.length; i++) {
    if (a.surface[i] === 0 || b.surface[i] === 0) continue;
    if (b.surface[i] === 2 && b.buildings.ids[b.cellBuilding[i]!] === 'project') continue;
    const d = a.sunHours[i]! - b.sunHours[i]!;
    loss[i] = d;
    if (d > 0.01) {
      lost++;
      sum += d;
      max = Math.max(max, d);
    }
  }
  const surface = Uint8Array.from(b.surface, (s, i) => (Number.isNaN(loss[i]!) ? 0 : s));
  return { loss, surface, lost, sum, max };
}

/** The per-building figures of a sun-hours result as CSV (one row per building). */
export function buildingsCsv(o: SunHoursOutput): string {
  const b = o.buildings;
  const num = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '');
  const rows = ['id,roofCells,roofMeanH,facadeAreaM2,facadeMeanH,facadeNorthH,facadeEastH,facadeSouthH,facadeWestH'];
  b.ids.forEach((id, k) => {
    const f = b.facadeByOrientationH;
    rows.push([JSON.stringify(id), b.roofCells[k], num(b.roofMeanH[k]!), num(b.facadeAreaM2[k]!), num(b.facadeMeanH[k]!), num(f[4 * k]!), num(f[4 * k + 1]!), num(f[4 * k + 2]!), num(f[4 * k + 3]!)].join(','));
  });
  return rows.join('\n') + '\n';
}

/** The sun controller; `ports.show` receives everything there is to show. */
export function createSunController<C extends SunCity>(ports: SunPorts) {
  const show = ports.show;
  let city: C | null = null;
  let area: [number, number][] | null = null;
  let building: { ring: [number, number][]; baseM: number } | null = null;
  let last: { kind: 'hours'; input: SunHoursInput; output: SunHoursOutput } | null = null;
  const test: SimTestState = { running: false, stage: null, fraction: 0, error: null, result: null, drawing: false, areaPoints: 0 };

  const say = (notice: SunNotice | null) => show.message(notice);
  const onProgress = (p: SimProgress) => {
    const f = p.total > 0 ? p.done / p.total : 0;
    test.stage = p.stage;
    test.fraction = f;
    show.progress(p.stage, f);
  };
  const centre = (c: C) => {
    const [w, s, e, n] = c.config.bbox;
    return { latDeg: (s + n) / 2, lonDeg: (w + e) / 2 };
  };

  function clearResult(): void {
    last = null;
    test.result = null;
    show.result(null);
  }

  function baseInput(p: SunHoursParams): Record<string, unknown> | null {
    if (city === null || city.config.buildings === undefined) {
      say({ key: 'sim.noCity', level: 'error' });
      return null;
    }
    if (area === null) {
      say({ key: 'sim.noArea', level: 'error' });
      return null;
    }
    const b = city.config.buildings;
    return {
      area: { type: 'Polygon', coordinates: [[...area, area[0]!]] },
      city: { tileset: ports.absoluteUrl(b.url), idProperties: [...b.idProperties] },
      date: p.date,
      ...(p.endDate !== undefined ? { endDate: p.endDate } : {}),
      timeZone: zoneOf(city),
      stepMin: p.stepMin,
      cellM: p.cellM,
      facades: p.facades,
    };
  }

  function begin(): void {
    say(null);
    test.running = true;
    test.error = null;
    test.stage = 'queued';
    test.fraction = 0;
    show.running(true);
  }

  function end(error: string | null, cancelled: boolean): void {
    test.running = false;
    test.error = error;
    show.running(false);
    if (cancelled) say({ key: 'sim.cancelled', level: 'info' });
    else if (error !== null) say({ key: 'sim.failed', params: { reason: error }, level: 'error' });
  }

  function shown(r: SunShown): void {
    show.result(r);
    const o = r.output;
    test.result = { kind: r.kind, cells: o.ground.count + o.roofs.count, groundMean: o.ground.mean, roofMean: o.roofs.mean, rays: o.rays, ms: r.ms, workers: r.workers };
  }

  return {
    openCity(c: C): void {
      city = c;
    },
    /** The city open now (null when none). */
    city: (): C | null => city,
    /** The city closes: its runs are cancelled, the result, the area and the building forgotten. */
    closeCity(): void {
      for (const key of RUN_KEYS) ports.cancel(key);
      clearResult();
      building = null;
      area = null;
      city = null;
    },
    /** A drawing (area or building) starts: no point yet. */
    drawStarted(): void {
      test.drawing = true;
      test.areaPoints = 0;
    },
    /** The drawing has `n` points so far. */
    drawPoints(n: number): void {
      test.areaPoints = n;
    },
    /** The drawing ended (finished or cancelled). */
    drawEnded(): void {
      test.drawing = false;
    },
    /** The study area drawn; returns its area, km². */
    setArea(ring: [number, number][]): number {
      area = ring;
      test.areaPoints = ring.length;
      return ringAreaKm2(ring);
    },
    /** The project building's footprint and the lowest ground under it; returns the base used, m. */
    setBuilding(ring: [number, number][], baseM: number): number {
      building = { ring, baseM: Number.isFinite(baseM) ? baseM : 0 };
      return building.baseM;
    },
    clearResult,
    /** Hours of direct sun over the area. */
    async runHours(p: SunHoursParams): Promise<void> {
      const input = baseInput(p);
      if (input === null) return;
      begin();
      ports.mark('jumeau:sim-start');
      const r = await ports.simulate(input, { onProgress });
      // Marks for the end-to-end test: long tasks before this one happened while workers computed.
      ports.mark('jumeau:sim-result');
      if (!r.ok) return end(r.error.message, r.error.code === 'cancelled');
      end(null, false);
      const o = r.value;
      last = { kind: 'hours', input: sunHoursSimulation.input.parse(input) as SunHoursInput, output: o };
      shown({ kind: 'hours', output: o, values: o.sunHours, ramp: hoursRamp(o.dayLengthH), ms: r.info.ms, workers: r.info.parts, params: p, synthetic: city?.config.synthetic === true });
    },
    /** Hours of sun the project building (`heightM` tall) takes from its neighbours. */
    async runLoss(p: SunHoursParams, heightM: number): Promise<void> {
      const input = baseInput(p);
      if (input === null) return;
      if (building === null) return say({ key: 'sim.needBuilding', level: 'error' });
      begin();
      const scenario = { added: [{ id: 'project', footprint: building.ring, heightM, baseM: building.baseM }], removed: [] };
      const [base, proj] = await Promise.all([ports.simulate({ ...input, facades: false }, { key: 'sun-hours:baseline', onProgress }), ports.simulate({ ...input, facades: false, scenario }, { key: 'sun-hours:scenario' })]);
      const failed = !base.ok ? base : !proj.ok ? proj : null;
      if (failed !== null && !failed.ok) return end(failed.error.message, failed.error.code === 'cancelled');
      end(null, false);
      if (!base.ok || !proj.ok) return;
      const a = base.value, b = proj.value;
      const loss = lossBetween(a, b);
      const output = { ...b, surface: loss.surface, ground: { ...b.ground, mean: loss.lost > 0 ? loss.sum / loss.lost : 0 } };
      shown({ kind: 'loss', output, values: loss.loss, ramp: lossRamp(loss.max), ms: base.info.ms + proj.info.ms, workers: base.info.parts, params: p, synthetic: city?.config.synthetic === true, heightM, loss, rays: a.rays + b.rays });
    },
    /** The last sun-hours result's buildings as a CSV file, or null when there is none. */
    exportCsv(): { filename: string; text: string } | null {
      if (last === null) return null;
      return { filename: `sun-hours-${last.input.date}.csv`, text: buildingsCsv(last.output) };
    },
    /** Sunrise and sunset over the city on a local date (06:00 and 18:00 UTC where there is none); null without a city or a date. */
    dayWindow(date: string): { riseMs: number; setMs: number } | null {
      if (city === null || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
      const sun = computeSunPosition({ ...centre(city), time: `${date}T12:00:00Z`, timeZone: zoneOf(city) });
      const riseMs = sun.sunrise !== null ? Date.parse(sun.sunrise) : Date.parse(`${date}T06:00:00Z`);
      const setMs = sun.sunset !== null ? Date.parse(sun.sunset) : Date.parse(`${date}T18:00:00Z`);
      return { riseMs, setMs };
    },
    /** Where the sun is over the city's centre at an instant (null without a city). */
    sunAt(ms: number): SunPositionOutput | null {
      if (city === null) return null;
      return computeSunPosition({ ...centre(city), time: new Date(ms).toISOString(), timeZone: zoneOf(city) });
    },
    /** A copy of the state the end-to-end tests read. */
    snapshot(): SimTestState {
      return { ...test, result: test.result === null ? null : { ...test.result } };
    },
  };
}

export type SunController = ReturnType<typeof createSunController>;
