import { describe, expect, it } from 'vitest';
import { computeKpiTable, type KpiSide, type KpiStudy } from '../../../src/scenarios/kpi.ts';
import { parkingCruiseKpi, transitAccessKpi, PARKING_RUN, TRANSIT_RUN } from '../../../src/features/mobility/indicators.ts';
import { applyEdits, emptyEffect, type ScenarioEffect } from '../../../src/scenarios/model.ts';
import { ringPolygon, toSimScenario } from '../../../src/scenarios/simulate.ts';
import type { Edit } from '../../../src/scenarios/edits.ts';
import { carParkKey, parkingScenarioOf } from '../../../src/features/mobility/inputs.ts';
import { parkingSearchInput } from '../../../src/features/mobility/parking-contract.ts';
import { walkIsochronesInput } from '../../../src/features/mobility/walk-contract.ts';
import { runHeadless } from '../../../workers/headless.ts';
import { demoPackFiles } from './pack-files.ts';

/** Parking cruising time and walking access to transit in the comparison table. */

const AREA: [number, number][] = [[-1.6814, 48.1085], [-1.6787, 48.1085], [-1.6787, 48.1103], [-1.6814, 48.1103]];
const STUDY: KpiStudy = { city: { tileset: 'packs/demo/tileset.json', idProperties: ['id'] }, area: AREA, date: '2026-12-21', stepMin: 30, cellM: 4, timeZone: 'Europe/Paris', files: demoPackFiles() };

const side = (s: KpiSide['side'], outputs: [string, unknown][]): KpiSide => ({ side: s, effect: emptyEffect(), addedIds: new Set(), outputs: new Map(outputs) });
const day = (meanCruiseS: number) => ({ meanCruiseS });
const ctx = (s: 'baseline' | 'scenario', effect: ScenarioEffect, study: KpiStudy = STUDY) => ({ study, side: s, effect, areaPolygon: ringPolygon(AREA) });

describe('parking and transit indicators (small inputs)', () => {
  it('cruising time: the baseline day on the baseline side, the scenario day on the scenario side, in minutes', () => {
    const b = side('baseline', [[PARKING_RUN.id, { baseline: day(90), scenario: null }]]);
    const s = side('scenario', [[PARKING_RUN.id, { baseline: day(90), scenario: day(150) }]]);
    expect(parkingCruiseKpi.compute(b, s)).toEqual({ baseline: 1.5, scenario: 2.5 });
    // A scenario with no car-park edit runs no scenario day: the same number.
    const s0 = side('scenario', [[PARKING_RUN.id, { baseline: day(90), scenario: null }]]);
    expect(parkingCruiseKpi.compute(b, s0)).toEqual({ baseline: 1.5, scenario: 1.5 });
  });

  it('transit: residents within the threshold of the metro stations; refuses a study with no resident', () => {
    const k = (within: number, residents = 1000) => ({ kpis: [{ type: 'bike-share', within: 1, residents }, { type: 'metro-stations', within, residents }] });
    expect(transitAccessKpi.compute(side('baseline', [[TRANSIT_RUN.id, k(400)]]), side('scenario', [[TRANSIT_RUN.id, k(450)]]))).toEqual({ baseline: 400, scenario: 450 });
    expect(() => transitAccessKpi.compute(side('baseline', [[TRANSIT_RUN.id, k(0, 0)]]), side('scenario', [[TRANSIT_RUN.id, k(0, 0)]]))).toThrow(/no resident/);
  });

  it('car-park edits become the parking scenario; run inputs are valid on both sides', () => {
    const edits: Edit[] = [
      { kind: 'close-car-park', id: 'c1', carParkId: 'parking:74' },
      { kind: 'change-car-park', id: 'c2', carParkId: 'parking:5066', capacity: 50 },
      { kind: 'change-car-park', id: 'c3', carParkId: 'parking:5066', pricePerHourEur: 4 },
      { kind: 'add-car-park', id: 'c4', lonDeg: -1.68, latDeg: 48.11, capacity: 200, label: 'Gare sud' },
    ];
    const fx = applyEdits(edits);
    expect(carParkKey('parking:74')).toBe('74');
    expect(parkingScenarioOf(fx.carParks)).toEqual({ closed: ['74'], capacity: { 5066: 50 }, price: { 5066: 4 }, parkAndRide: false, added: [{ id: 'c4', name: 'Gare sud', lon: -1.68, lat: 48.11, capacity: 200, priceEurH: 1.5 }] });
    expect(parkingScenarioOf(emptyEffect().carParks)).toBeNull();
    for (const s of ['baseline', 'scenario'] as const) {
      const p = PARKING_RUN.input(ctx(s, s === 'scenario' ? fx : emptyEffect()));
      expect(parkingSearchInput.safeParse(p).success).toBe(true);
      expect('scenario' in p).toBe(s === 'scenario');
      expect(walkIsochronesInput.safeParse(TRANSIT_RUN.input(ctx(s, fx))).success).toBe(true);
    }
  });

  it('a city without the files gets the reason, not a number', async () => {
    const bare: KpiStudy = { ...STUDY, files: {} };
    expect(() => PARKING_RUN.input(ctx('baseline', emptyEffect(), bare))).toThrow(/no car parks/);
    expect(() => TRANSIT_RUN.input(ctx('baseline', emptyEffect(), { ...STUDY, files: { 'osm-streets': 'x', 'metro-stations': 'y' } }))).toThrow(/population/);
    const never = () => Promise.reject(new Error('must not run'));
    const t = await computeKpiTable([parkingCruiseKpi, transitAccessKpi], bare, [], never, { simScenario: { added: [], removed: [], meshes: [], clips: [] } });
    for (const r of t.rows) {
      expect(r.baseline).toBeNull();
      expect(r.error).toMatch(/pack has no/);
    }
  });
});

describe('parking and transit indicators (demo pack, real kernels)', () => {
  it('closing the three largest car parks makes drivers cruise; transit access is unchanged by car-park edits', async () => {
    const edits: Edit[] = ['4765', '1503', '4915'].map((id) => ({ kind: 'close-car-park', id: `c${id}`, carParkId: `parking:${id}` }));
    const { scenario } = toSimScenario(applyEdits(edits), () => null);
    const t0 = Date.now();
    const table = await computeKpiTable([parkingCruiseKpi, transitAccessKpi], STUDY, edits, (sim, input) => runHeadless(sim, input), { simScenario: scenario });
    const row = (id: string) => table.rows.find((r) => r.id === id)!;
    for (const r of table.rows) expect(r.error, r.id).toBeNull();
    console.log(`demo: cruise ${row('parking-cruise').baseline!.toFixed(2)} → ${row('parking-cruise').scenario!.toFixed(2)} min, transit ${row('transit-15min').baseline!.toFixed(0)} → ${row('transit-15min').scenario!.toFixed(0)} residents, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(row('parking-cruise').delta).toBeGreaterThan(0);
    expect(row('parking-cruise').verdict).toBe('worse');
    expect(row('transit-15min').baseline).toBeGreaterThan(0);
    expect(row('transit-15min').verdict).toBe('same');
  }, 90_000);
});
