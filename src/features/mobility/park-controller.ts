import { parkingInput, type PackFiles } from './inputs.ts';
import type { ParkingSearchOutput } from './parking-contract.ts';
import type { MapPoint } from './walk-controller.ts';

/**
 * Parking-search decisions (pure): the `parking-search` input from the panel's table (edits
 * against the last day), and what a day draws and reports: car-park markers, where drivers go,
 * occupancy curves, the chart's first car park and the figures the end-to-end tests read.
 */

/** One car park's row of the parking scenario table. */
export interface ParkEdit {
  id: string;
  open: boolean;
  capacity: number;
  priceEurH: number;
}

/** Parameters of a parking-search day, as the panel reads them. */
export interface ParkParams {
  seed: number;
  parkAndRide: boolean;
  edits: ParkEdit[];
}

/** The parking input, or why the day cannot run (a message key of the feature). */
export type ParkRequest = { ok: true; input: Record<string, unknown> } | { ok: false; error: 'mobility.park.noParks' };

/**
 * Input of `parking-search` from the panel's table: closed car parks, and capacities and prices
 * that differ from the last run's (`baseline`); no scenario when nothing is edited. A seed that
 * is not a non-negative integer becomes 1.
 */
export function parkRequest(files: PackFiles, p: ParkParams, baseline: ParkingSearchOutput | null): ParkRequest {
  if (files.parking === undefined) return { ok: false, error: 'mobility.park.noParks' };
  const closed = p.edits.filter((e) => !e.open).map((e) => e.id);
  const capacity: Record<string, number> = {}, price: Record<string, number> = {};
  for (const e of p.edits) {
    const base = baseline?.parks.find((x) => x.id === e.id);
    if (base !== undefined && Number.isFinite(e.capacity) && e.capacity !== base.capacity) capacity[e.id] = Math.max(0, Math.round(e.capacity));
    if (base !== undefined && Number.isFinite(e.priceEurH) && e.priceEurH !== base.priceEurH) price[e.id] = Math.max(0, e.priceEurH);
  }
  const edited = closed.length > 0 || Object.keys(capacity).length > 0 || Object.keys(price).length > 0 || p.parkAndRide;
  const seed = Number.isInteger(p.seed) && p.seed >= 0 ? p.seed : 1;
  return { ok: true, input: parkingInput(files, { seed, scenario: edited ? { closed, capacity, price, parkAndRide: p.parkAndRide, added: [] } : null }) };
}

/** Samples of a parking day (one every `sampleMin`). */
export const samplesOf = (o: ParkingSearchOutput): number => 1440 / o.sampleMin;

/** Occupancy of car park `k` through the day, as a fraction of `cap` (0 when it has none). */
export function occupancyCurve(o: ParkingSearchOutput, occ: Float32Array, k: number, cap: number): number[] {
  const n = o.parks.length;
  return Array.from({ length: samplesOf(o) }, (_, i) => (cap > 0 ? occ[i * n + k]! / cap : 0));
}

const peak = (o: ParkingSearchOutput, occ: Float32Array, k: number, cap: number) => Math.max(0, ...occupancyCurve(o, occ, k, cap));

/**
 * The car parks drawn after a parking day: coloured by their peak occupancy (grey closed, red
 * ≥ 95 %, orange ≥ 80 %, else green), sized by capacity, labelled with today's peak and the
 * scenario's; added car parks and park-and-rides only in a scenario that keeps them open.
 */
export function parkMarkers(o: ParkingSearchOutput, fmt0: (v: number) => string): MapPoint[] {
  return o.parks
    .map((p, k): MapPoint | null => {
      const cap = o.scenario !== null ? p.scenarioCapacity : p.capacity;
      if (p.kind !== 'existing' && (o.scenario === null || p.closed)) return null;
      const occ = peak(o, (o.scenario ?? o.baseline).occupancy, k, cap);
      const before = peak(o, o.baseline.occupancy, k, p.capacity);
      const color: [number, number, number, number] = p.closed ? [120, 120, 120, 255] : occ >= 0.95 ? [215, 48, 39, 255] : occ >= 0.8 ? [252, 141, 89, 255] : [26, 152, 80, 255];
      const label = o.scenario !== null ? `${p.name} ${fmt0(100 * before)} % → ${p.closed ? '×' : `${fmt0(100 * occ)} %`}` : `${p.name} ${fmt0(100 * before)} %`;
      return { lonDeg: p.lon, latDeg: p.lat, rgba: color, sizePx: 8 + Math.min(10, Math.sqrt(Math.max(cap, p.capacity)) / 4), label };
    })
    .filter((x): x is MapPoint => x !== null);
}

/** Where the drivers go in the scenario: change of mean occupied spaces over the day (≥ 1), largest six first. */
export function parkShifts(o: ParkingSearchOutput): { name: string; d: number }[] {
  const s = o.scenario, b = o.baseline;
  if (s === null) return [];
  const n = o.parks.length, samples = samplesOf(o);
  return o.parks
    .map((p, k) => {
      let d = 0;
      for (let i = 0; i < samples; i++) d += s.occupancy[i * n + k]! - b.occupancy[i * n + k]!;
      return { name: p.name, d: d / samples };
    })
    .filter((x) => Math.abs(x.d) >= 1)
    .sort((x, y) => Math.abs(y.d) - Math.abs(x.d))
    .slice(0, 6);
}

/** One car park's curves for the chart (those shown on the map). */
export interface ParkSeries {
  name: string;
  baseline: number[];
  scenario: number[] | null;
  recorded: { hour: number; value: number }[];
}

/** Occupancy curves of the car parks shown, with the recorded occupancy of each. */
export function parkSeries(o: ParkingSearchOutput): ParkSeries[] {
  const s = o.scenario;
  return o.parks
    .map((p, k) => ({
      name: p.name,
      baseline: occupancyCurve(o, o.baseline.occupancy, k, p.capacity),
      scenario: s === null ? null : occupancyCurve(o, s.occupancy, k, p.scenarioCapacity),
      recorded: (o.calibration?.observations ?? []).filter((x) => x.park === k).map((x) => ({ hour: x.minute / 60, value: x.occupancy })),
      show: p.kind === 'existing' || (s !== null && !p.closed),
    }))
    .filter((x) => x.show)
    .map(({ show: _show, ...x }) => x);
}

/** The chart's first car park: the first one the scenario changes (0 without a scenario). */
export function firstChangedPark(o: ParkingSearchOutput): number {
  const changed = o.scenario === null ? 0 : o.parks.findIndex((p) => p.closed || p.scenarioCapacity !== p.capacity || p.scenarioPriceEurH !== p.priceEurH);
  return Math.max(0, changed);
}

/** A parking day's figures the tests read. */
export interface ParkFigures {
  rmse: number | null;
  visitors: number;
  baselineCruiseS: number;
  scenarioCruiseS: number | null;
  scenarioWalkM: number | null;
  baselineWalkM: number;
  parks: number;
}

/** The figures of a parking day the tests read. */
export function parkSummary(o: ParkingSearchOutput): ParkFigures {
  const b = o.baseline, s = o.scenario;
  return {
    rmse: o.calibration?.rmse ?? null,
    visitors: b.visitors,
    baselineCruiseS: b.meanCruiseS,
    scenarioCruiseS: s?.meanCruiseS ?? null,
    baselineWalkM: b.meanWalkM,
    scenarioWalkM: s?.meanWalkM ?? null,
    parks: o.parks.length,
  };
}
