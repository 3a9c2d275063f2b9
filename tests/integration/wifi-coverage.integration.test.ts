import { area as turfArea } from '@turf/area';
import { featureCollection, polygon } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wifiCoverageSimulation, type WifiCoverageOutput } from '../../src/features/wifi/contract.ts';
import { buildDemoPack } from '../../src/city/node/demo-pack.ts';
import { sharedDataDir } from '../../src/city/node/open-data.ts';
import { runHeadless } from '../../workers/headless.ts';

/**
 * Wifi coverage on real open data read in place from ../shared/data: the INSEE 200 m population
 * squares, Rennes's sous-quartiers and its priority areas (QPV), over the demo buildings. Fails
 * when the data is missing.
 */

const DATA = sharedDataDir();
const POPULATION = join(DATA, 'rennes/population/insee_carreaux_200m_rennes_metropole.geojson');
const DISTRICTS = join(DATA, 'rennes/admin/rennes_sous_quartiers.geojson');
const QPV = join(DATA, 'rennes/admin/qpv_quartiers_prioritaires_rennes.geojson');
// From the south of the demo district down into the Clôteaux – Champs Manceaux QPV.
const RING: [number, number][] = [[-1.69, 48.09], [-1.679, 48.09], [-1.679, 48.104], [-1.69, 48.104], [-1.69, 48.09]];

let dir = '';
let tileset = '';
beforeAll(async () => {
  dir = await mkdtemp(join(os.tmpdir(), 'jumeau-wifi-'));
  await buildDemoPack({ outDir: join(dir, 'demo') });
  tileset = join(dir, 'demo', 'tileset.json');
}, 120_000);
afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

const input = () => ({
  area: { type: 'Polygon', coordinates: [RING] },
  city: { tileset },
  accessPoints: [
    { id: 'centre', position: [-1.684, 48.1005], eirpDbm: 20 },
    { id: 'qpv', position: [-1.686, 48.0925], eirpDbm: 20, origin: 'open-data' },
  ],
  candidates: [
    { id: 'c-north', position: [-1.682, 48.103], origin: 'candidate' },
    { id: 'c-mid', position: [-1.684, 48.096], origin: 'candidate' },
    { id: 'c-south', position: [-1.681, 48.091], origin: 'candidate' },
  ],
  place: 2,
  cellM: 8,
  population: POPULATION,
  districts: DISTRICTS,
  priorityAreas: QPV,
});

describe('wifi-coverage on ../shared/data', () => {
  it('counts residents area-weighted with turf, per district and in the QPV, and plans hotspots', async () => {
    const r = await runHeadless('wifi-coverage', input(), { workers: 2 });
    if (!r.ok) throw new Error(r.error.message);
    const o = r.value as WifiCoverageOutput;
    expect(wifiCoverageSimulation.output.safeParse(o).success).toBe(true);

    // Residents in the study, worked out independently: each square × its share inside the area.
    const squares = JSON.parse(await readFile(POPULATION, 'utf8')) as { features: Feature<Polygon | MultiPolygon, { ind_c: number }>[] };
    const study = polygon([RING]);
    let expected = 0;
    for (const f of squares.features) {
      const common = intersect(featureCollection([f, study]));
      if (common !== null) expected += f.properties.ind_c * (turfArea(common) / turfArea(f));
    }
    expect(expected).toBeGreaterThan(1000);
    expect(o.kpi.residents).toBeCloseTo(expected, 3);
    expect(o.kpi.coveredResidents).toBeGreaterThan(0);
    expect(o.kpi.coveredResidents).toBeLessThan(o.kpi.residents);
    expect(o.kpi.areaShare).toBeGreaterThan(0);
    expect(o.kpi.areaShare).toBeLessThan(1);

    // Districts partition the street cells they own; the QPV splits them in two.
    expect(o.kpi.districts.length).toBeGreaterThanOrEqual(2);
    const sumCells = o.kpi.districts.reduce((s, d) => s + d.cells, 0);
    expect(sumCells).toBeLessThanOrEqual(o.kpi.cells);
    expect(sumCells).toBeGreaterThan(0.95 * o.kpi.cells);
    expect(o.kpi.priority).not.toBeNull();
    const { inside, outside } = o.kpi.priority!;
    expect(inside.cells).toBeGreaterThan(0);
    expect(inside.cells + outside.cells).toBe(o.kpi.cells);
    expect(inside.coveredResidents + outside.coveredResidents).toBeCloseTo(o.kpi.coveredResidents, 6);

    // Planning: gains decrease and add up to the planned coverage.
    expect(o.picks.length).toBe(2);
    expect(o.picks[0]!.residentsGain).toBeGreaterThanOrEqual(o.picks[1]!.residentsGain);
    expect(o.plannedCovered!.reduce((s, v) => s + v, 0)).toBe(o.planned!.coveredCells - o.kpi.coveredCells);
    expect(o.planned!.coveredResidents).toBeCloseTo(o.kpi.coveredResidents + o.picks[0]!.residentsGain + o.picks[1]!.residentsGain, 6);
  }, 120_000);

  it('runs headless with `npm run sim -- wifi-coverage <input.json>` (file inputs by path)', async () => {
    const file = join(dir, 'wifi.json');
    await writeFile(file, JSON.stringify({ ...input(), cellM: 16 }));
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'tools/sim/cli.ts', 'wifi-coverage', file, '--summary'], { maxBuffer: 64 * 1024 * 1024 });
    const out = JSON.parse(stdout) as { ok: boolean; value: { kpi: { residents: number; priority: unknown }; picks: unknown } };
    expect(out.ok).toBe(true);
    expect(out.value.kpi.residents).toBeGreaterThan(1000);
    const badFile = join(dir, 'bad.json');
    await writeFile(badFile, JSON.stringify({ ...input(), population: join(dir, 'missing.geojson') }));
    const bad = await promisify(execFile)('npx', ['tsx', 'tools/sim/cli.ts', 'wifi-coverage', badFile]).catch((e: { stdout: string; code: number }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect(String((bad as { stdout: string }).stdout)).toMatch(/population: cannot read .*missing\.geojson/);
  }, 120_000);
});
