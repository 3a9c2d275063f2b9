import { describe, expect, it } from 'vitest';
import { computeKpiTable, type KpiSide, type KpiStudy } from '../../../src/scenarios/kpi.ts';
import { WIFI_RUN, wifiResidentsKpi } from '../../../src/features/wifi/indicators.ts';
import { applyEdits, emptyEffect } from '../../../src/scenarios/model.ts';
import { ringPolygon, toSimScenario } from '../../../src/scenarios/simulate.ts';
import type { Edit } from '../../../src/scenarios/edits.ts';
import { wifiCoverageInput } from '../../../src/features/wifi/contract.ts';
import { sideAccessPoints, type WifiSite } from '../../../src/features/wifi/inputs.ts';
import { runHeadless } from '../../../workers/headless.ts';
import { demoPopulation } from './pack-files.ts';

/** Residents covered by wifi in the comparison table. */

const AREA: [number, number][] = [[-1.6814, 48.1085], [-1.6787, 48.1085], [-1.6787, 48.1103], [-1.6814, 48.1103]];
const BBOX = [-1.6814, 48.1085, -1.6787, 48.1103];
const SITES: WifiSite[] = [{ id: 'open:A', name: 'A', lonDeg: -1.681, latDeg: 48.109 }, { id: 'open:B', lonDeg: -1.679, latDeg: 48.11 }];
const STUDY: KpiStudy = { city: { tileset: 'packs/demo/tileset.json', idProperties: ['id'] }, area: AREA, date: '2026-12-21', stepMin: 30, cellM: 4, timeZone: 'Europe/Paris', data: { wifiSites: [], population: demoPopulation(BBOX) } };
const HOTSPOT: Edit = { kind: 'add-hotspot', id: 'h1', lonDeg: -1.68, latDeg: 48.1093, heightM: 4, eirpDbm: 20, bandGHz: 2.4, pattern: 'omni' };

const side = (s: KpiSide['side'], kpi: unknown): KpiSide => ({ side: s, effect: emptyEffect(), addedIds: new Set(), outputs: new Map([[WIFI_RUN.id, { kpi }]]) });

describe('wifi indicator (small inputs)', () => {
  it('residents covered on each side; refuses a study without residents', () => {
    expect(wifiResidentsKpi.compute(side('baseline', { hasPopulation: true, residents: 500, coveredResidents: 120 }), side('scenario', { hasPopulation: true, residents: 500, coveredResidents: 180.5 }))).toEqual({ baseline: 120, scenario: 180.5 });
    expect(() => wifiResidentsKpi.compute(side('baseline', { hasPopulation: false, residents: 0, coveredResidents: 0 }), side('scenario', { hasPopulation: false, residents: 0, coveredResidents: 0 }))).toThrow(/no resident/);
  });

  it('hotspot edits: open data removed and moved by `layer:id`, added ones (and moves of them) kept with their settings', () => {
    const fx = applyEdits([
      { kind: 'remove-hotspot', id: 'r', hotspotId: 'wifi:A' },
      { kind: 'move-hotspot', id: 'm', hotspotId: 'wifi:B', lonDeg: -1.6795, latDeg: 48.1095, heightM: 8 },
      HOTSPOT,
      { kind: 'move-hotspot', id: 'm2', hotspotId: 'h1', lonDeg: -1.6801, latDeg: 48.1094 },
      { kind: 'add-hotspot', id: 'h2', lonDeg: -1.68, latDeg: 48.109, heightM: 6, eirpDbm: 30, bandGHz: 5, pattern: 'sector', azimuthDeg: 45, label: 'Halles' },
    ]);
    expect(sideAccessPoints(SITES, emptyEffect().hotspots).map((a) => a.id)).toEqual(['open:A', 'open:B']);
    expect(sideAccessPoints(SITES, fx.hotspots)).toEqual([
      { id: 'open:B', position: [-1.6795, 48.1095], heightM: 8, origin: 'open-data' },
      { id: 'h1', position: [-1.6801, 48.1094], heightM: 4, eirpDbm: 20, band: '2.4', pattern: { kind: 'omni' }, origin: 'scenario' },
      { id: 'h2', name: 'Halles', position: [-1.68, 48.109], heightM: 6, eirpDbm: 30, band: '5', pattern: { kind: 'sector', azimuthDeg: 45 }, origin: 'scenario' },
    ]);
    const ctx = (s: 'baseline' | 'scenario') => ({ study: { ...STUDY, data: { ...STUDY.data, wifiSites: SITES } }, side: s, effect: s === 'scenario' ? fx : emptyEffect(), areaPolygon: ringPolygon(AREA), ...(s === 'scenario' ? { scenario: { added: [], removed: ['x'], meshes: [], clips: [] } } : {}) });
    for (const s of ['baseline', 'scenario'] as const) {
      const r = wifiCoverageInput.safeParse(WIFI_RUN.input(ctx(s)));
      expect(r.success, JSON.stringify(r.error?.issues[0])).toBe(true);
    }
  });

  it('missing data gives the reason, not a number', () => {
    const ctx = (data: KpiStudy['data']) => ({ study: { ...STUDY, data }, side: 'baseline' as const, effect: emptyEffect(), areaPolygon: ringPolygon(AREA) });
    expect(() => WIFI_RUN.input(ctx({ population: STUDY.data!.population }))).toThrow(/could not be loaded/);
    expect(() => WIFI_RUN.input(ctx({ wifiSites: [] }))).toThrow(/population/);
  });
});

describe('wifi indicator (demo pack, real kernel)', () => {
  it('adding a hotspot raises the residents covered; a tower next to it (walls) covers fewer than the hotspot alone', async () => {
    const run = async (edits: Edit[]) => {
      const { scenario } = toSimScenario(applyEdits(edits), () => null);
      const t = await computeKpiTable([wifiResidentsKpi], STUDY, edits, (sim, input) => runHeadless(sim, input), { simScenario: scenario });
      return t.rows[0]!;
    };
    const t0 = Date.now();
    const row = await run([HOTSPOT]);
    expect(row.error).toBeNull();
    expect(row.baseline).toBe(0);
    expect(row.scenario).toBeGreaterThan(0);
    expect(row.verdict).toBe('better');
    const walled = await run([HOTSPOT, { kind: 'add-building', id: 'wall', use: 'office', heightM: 30, footprint: [[-1.6798, 48.1091], [-1.6796, 48.1091], [-1.6796, 48.1095], [-1.6798, 48.1095]] }]);
    console.log(`demo wifi: ${row.baseline} → ${row.scenario!.toFixed(0)} residents covered; with a tower east of the hotspot ${walled.scenario!.toFixed(0)}; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    expect(walled.scenario).toBeLessThan(row.scenario!);
  }, 90_000);
});
