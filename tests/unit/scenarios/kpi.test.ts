import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshBuilder } from '../../../src/core/geometry/extrude.ts';
import { computeKpiTable, type KpiRunner, type KpiStudy } from '../../../src/scenarios/kpi.ts';
import { KPIS, kpisFor } from '../../../src/app/indicators.ts';
import { applyEdits } from '../../../src/scenarios/model.ts';
import { toSimScenario } from '../../../src/scenarios/simulate.ts';
import { ringAreaM2, type Edit } from '../../../src/scenarios/edits.ts';
import { SIMULATIONS } from '../../../src/app/simulations.ts';
import { runHeadless } from '../../../workers/headless.ts';
import { runToEnd } from '../../../src/core/simulation/kernel.ts';
import { buildingStatsKernel } from '../../../src/features/buildings/kernel.ts';
import { buildDemoPack } from '../../../src/city/node/demo-pack.ts';
import { squareM } from '../workers/city-fixtures.ts';

/**
 * The comparison table on the demo city (built here in a temporary folder, as `npm run demo` does), run by the same
 * runtime as the workers: a tower south of existing buildings takes sun from them, adds one
 * building and floor area; a demolition removes one.
 */

const AREA: [number, number][] = [[-1.6814, 48.1085], [-1.6787, 48.1085], [-1.6787, 48.1103], [-1.6814, 48.1103]];
const STUDY: KpiStudy = { city: { tileset: 'packs/demo/tileset.json', idProperties: ['id'] }, area: AREA, date: '2026-12-21', stepMin: 30, cellM: 4, timeZone: 'Europe/Paris' };
const TOWER: Edit = { kind: 'add-building', id: 'tower', use: 'office', heightM: 60, footprint: [[-1.6803, 48.1090], [-1.6797, 48.1090], [-1.6797, 48.1094], [-1.6803, 48.1094]] };

const runner: KpiRunner = (simulation, input) => runHeadless(simulation, input);
/** The geometry indicators (parking and transit have their own test: kpi-mobility.test.ts). */
const GEOMETRY_KPIS = KPIS.filter((k) => k.runs.every((r) => r.simulation === 'building-stats' || r.simulation === 'sun-hours'));

// The demo pack, built for these tests (a fresh clone has no packs/ yet when the unit tests run).
let packDir = '';
beforeAll(async () => {
  packDir = await mkdtemp(join(tmpdir(), 'jumeau-kpi-'));
  await buildDemoPack({ outDir: join(packDir, 'demo'), openData: false });
  STUDY.city = { tileset: join(packDir, 'demo', 'tileset.json'), idProperties: ['id'] };
});
afterAll(async () => {
  if (packDir !== '') await rm(packDir, { recursive: true, force: true });
});

describe('KPI comparison (demo city, real kernels)', () => {
  it('a tower: one more building, more floor area, a taller maximum and a non-zero sun loss for neighbours', async () => {
    const edits = [TOWER];
    const { scenario } = toSimScenario(applyEdits(edits), () => null);
    const table = await computeKpiTable(GEOMETRY_KPIS, STUDY, edits, runner, { simScenario: scenario });
    const row = (id: string) => table.rows.find((r) => r.id === id)!;
    for (const r of table.rows) expect(r.error, r.id).toBeNull();
    expect(row('building-count').delta).toBe(1);
    // 20 floors of 3 m over the footprint (about 44.6 m × 44.5 m).
    expect(row('floor-area').delta! / (20 * ringAreaM2((TOWER as { footprint: [number, number][] }).footprint))).toBeCloseTo(1, 2);
    expect(row('max-height').scenario).toBeCloseTo(60, 0);
    expect(row('sun-lost').scenario).toBeGreaterThan(100);
    expect(row('sun-lost').verdict).toBe('worse');
    expect(row('sun-mean').delta).toBeLessThan(0);
    // Each simulation ran once per side, whatever the number of indicators that use it.
    expect(table.runs.map((r) => `${r.simulation}:${r.side}`)).toEqual(['building-stats:baseline', 'building-stats:scenario', 'sun-hours:baseline', 'sun-hours:scenario']);
    // The same scenario gives the same numbers.
    const again = await computeKpiTable(GEOMETRY_KPIS, STUDY, edits, runner, { simScenario: scenario });
    expect(again.rows.map((r) => r.scenario)).toEqual(table.rows.map((r) => r.scenario));
  }, 120_000);

  it('a demolition: one building fewer, less footprint, and the sun comes back (no loss)', async () => {
    const edits: Edit[] = [{ kind: 'remove-building', id: 'd', buildingId: 'D02212' }];
    const { scenario } = toSimScenario(applyEdits(edits), () => null);
    const table = await computeKpiTable(GEOMETRY_KPIS, STUDY, edits, runner, { simScenario: scenario });
    const row = (id: string) => table.rows.find((r) => r.id === id)!;
    expect(row('building-count').delta).toBe(-1);
    expect(row('footprint').delta).toBeLessThan(-50);
    expect(row('sun-lost').scenario).toBe(0);
  }, 120_000);

  it('the baseline against itself changes nothing; a failing run shows on its rows only', async () => {
    const { scenario } = toSimScenario(applyEdits([]), () => null);
    const table = await computeKpiTable(kpisFor(SIMULATIONS).filter((k) => k.runs.every((r) => r.simulation === 'building-stats')), STUDY, [], runner, { simScenario: scenario });
    for (const r of table.rows) expect(r.verdict, r.id).toBe('same');
    const broken: KpiRunner = (sim, input) => (sim === 'sun-hours' ? Promise.resolve({ ok: false, error: { code: 'tile-failed', message: 'tile x.glb: 404' } }) : runHeadless(sim, input));
    const t2 = await computeKpiTable(GEOMETRY_KPIS, STUDY, [], broken, { simScenario: scenario });
    expect(t2.rows.find((r) => r.id === 'sun-lost')!.error).toMatch(/404/);
    expect(t2.rows.find((r) => r.id === 'building-count')!.error).toBeNull();
  }, 120_000);

  it('indicators of simulations not in the registry are left out (wifi, mobility plug in when they land)', () => {
    const ids = new Set(SIMULATIONS.map((s) => s.id));
    for (const k of kpisFor(SIMULATIONS)) for (const r of k.runs) expect(ids.has(r.simulation)).toBe(true);
    expect(kpisFor(SIMULATIONS.filter((s) => s.id !== 'sun-hours')).some((k) => k.id === 'sun-lost')).toBe(false);
  });
});

describe('building-stats kernel', () => {
  it('boxes of known size: exact footprint, height, floors and floor area; centre outside the area is left out', () => {
    const mb = new MeshBuilder();
    mb.addExtrudedPolygon({ outer: [0, 0, 10, 0, 10, 20, 0, 20], holes: [] }, 0, 12, 0);
    mb.addExtrudedPolygon({ outer: [30, 0, 40, 0, 40, 10, 30, 10], holes: [] }, 0, 31, 1);
    mb.addExtrudedPolygon({ outer: [500, 0, 510, 0, 510, 10, 500, 10], holes: [] }, 0, 5, 2);
    const arrays = { positions: mb.positions.toArray(), index: mb.indices.toArray(), vertexBuilding: mb.featureIds.toArray(), buildingIds: ['A', 'B', 'FAR'] };
    const r = runToEnd(buildingStatsKernel({ polygons: [squareM(20, 10, 100)], storeyHeightM: 3, declaredFloors: [['B', 8]], rasterFootprint: [], outlineBounds: null }, arrays));
    expect(r.ids).toEqual(['A', 'B']);
    expect(r.footprintM2[0]).toBeCloseTo(200, 6);
    expect(r.footprintM2[1]).toBeCloseTo(100, 6);
    expect(Array.from(r.floors)).toEqual([4, 8]);
    // A demolished building keeps its vertices in the arrays but loses its triangles: not counted.
    const demolished = { ...arrays, index: arrays.index.slice(arrays.index.length / 3) };
    const first = runToEnd(buildingStatsKernel({ polygons: [squareM(20, 10, 100)], storeyHeightM: 3, declaredFloors: [], rasterFootprint: [], outlineBounds: null }, demolished));
    expect(first.ids).not.toContain('A');
    expect(r.totals).toMatchObject({ count: 2, maxHeightId: 'B' });
    expect(r.totals.floorAreaM2).toBeCloseTo(800 + 800, 6);
    expect(r.totals.maxHeightM).toBeCloseTo(31, 4);
  });
});
