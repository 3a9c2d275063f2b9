import { describe, expect, it } from 'vitest';
import { computeKpiTable, type KpiStudy } from '../../../src/scenarios/kpi.ts';
import { kpisFor } from '../../../src/app/indicators.ts';
import { emptyEffect, type Scenario } from '../../../src/scenarios/model.ts';
import { buildReport } from '../../../src/features/scenarios/report.ts';
import { ringPolygon } from '../../../src/scenarios/simulate.ts';
import { findSimulation, SIMULATIONS } from '../../../src/app/simulations.ts';
import { demoPackFiles, demoPopulation } from './pack-files.ts';

/** Indicator conformance over the registry, and the printable report. */

const STUDY: KpiStudy = { city: { tileset: 'packs/demo/tileset.json', idProperties: ['id'] }, area: [[-1.6814, 48.1085], [-1.6787, 48.1085], [-1.6787, 48.1103], [-1.6814, 48.1103]], date: '2026-12-21', stepMin: 30, cellM: 4, timeZone: 'Europe/Paris', files: demoPackFiles(), data: { wifiSites: [{ id: 'open:1', name: 'Mairie', lonDeg: -1.68, latDeg: 48.109 }], population: demoPopulation([-1.6814, 48.1085, -1.6787, 48.1103]) } };

describe('indicator conformance (every provider of kpisFor(SIMULATIONS))', () => {
  for (const k of kpisFor(SIMULATIONS)) {
    it(k.id, () => {
      expect(k.label.fr.length).toBeGreaterThan(3);
      expect(k.label.en.length).toBeGreaterThan(3);
      expect(k.method.fr.length).toBeGreaterThan(20);
      expect(k.method.en.length).toBeGreaterThan(20);
      expect(k.runs.length).toBeGreaterThan(0);
      for (const r of k.runs) {
        const def = findSimulation(r.simulation)!;
        expect(def).not.toBeNull();
        // The inputs a run builds, on both sides, are valid inputs of its simulation.
        for (const side of ['baseline', 'scenario'] as const) {
          const effect = emptyEffect();
          if (side === 'scenario') {
            effect.carParks.closed.set('parking:74', { kind: 'close-car-park', id: 'c', carParkId: 'parking:74' });
            effect.carParks.changed.set('parking:5066', { kind: 'change-car-park', id: 'g', carParkId: 'parking:5066', capacity: 10, pricePerHourEur: 3 });
            effect.carParks.added.push({ kind: 'add-car-park', id: 'new-park', lonDeg: -1.68, latDeg: 48.11, capacity: 300 });
            effect.hotspots.added.push({ kind: 'add-hotspot', id: 'h1', lonDeg: -1.6800, latDeg: 48.1093, heightM: 5, eirpDbm: 20, bandGHz: 5, pattern: 'sector', azimuthDeg: 90 });
            effect.hotspots.moved.set('wifi:1', { kind: 'move-hotspot', id: 'm', hotspotId: 'wifi:1', lonDeg: -1.6801, latDeg: 48.1091 });
          }
          const input = r.input({ study: STUDY, side, effect, areaPolygon: ringPolygon(STUDY.area), ...(side === 'scenario' ? { scenario: { added: [], removed: ['x'], meshes: [], clips: [] } } : {}) });
          const parsed = def.input.safeParse(input);
          expect(parsed.success, JSON.stringify(parsed.error?.issues[0])).toBe(true);
        }
      }
    });
  }
});

describe('report', () => {
  it('escapes every text from the scenario and shows the table with signed deltas', async () => {
    const s: Scenario = { id: 's', name: '<script>alert(1)</script>', cityId: 'demo', description: 'a & b', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', edits: [{ kind: 'remove-building', id: 'r', buildingId: '"><img src=x>' }], study: { area: null, date: '2026-12-21', stepMin: 30, cellM: 4 } };
    const prov = kpisFor(SIMULATIONS).filter((k) => k.id === 'building-count');
    const table = await computeKpiTable(prov, STUDY, s.edits, (_sim) => Promise.resolve({ ok: true, value: { totals: { count: _sim === 'building-stats' ? 10 : 0 } } }), { simScenario: { added: [], removed: [], meshes: [], clips: [] } });
    const html = buildReport({ scenario: s, lang: 'en', madeAt: '2026-03-21T12:00:00Z', city: { name: 'Demo', synthetic: true }, screenshots: { baseline: 'javascript:alert(1)', scenario: 'data:image/png;base64,AAAA' }, table, methods: [], sources: [{ title: 'B', publisher: 'P', licence: 'L', date: '2026', kind: 'synthetic' }], describeEdit: (e) => (e.kind === 'remove-building' ? `Demolished ${e.buildingId}` : e.kind) });
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<img src=x>');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('data:image/png;base64,AAAA');
    expect(html).toContain('Synthetic demo city');
    expect(html).toMatch(/Number of buildings<\/td><td class="n">10<\/td><td class="n">10<\/td>/);
  });

  it('lists My data items in the data sources with what the user said of their licence and publisher', () => {
    const s: Scenario = { id: 's', name: 'Tour', cityId: 'demo', description: '', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', edits: [], study: { area: null, date: '2026-12-21', stepMin: 30, cellM: 4 } };
    const base = { scenario: s, madeAt: '2026-03-21T12:00:00Z', city: { name: 'Demo', synthetic: false }, screenshots: {}, table: null, methods: [], sources: [{ title: 'Bâti', publisher: 'IGN', licence: 'Etalab 2.0', date: '2026', kind: 'recorded' }], describeEdit: () => '' };
    const userData = [
      { name: 'arbres.geojson', publisher: 'Ville de Rennes', licence: 'ODbL', origin: 'arbres.geojson' },
      { name: 'ortho (wxs.example.org)', publisher: '', licence: '  ', origin: 'https://wxs.example.org/wms?x=<b>' },
    ];
    const en = buildReport({ ...base, lang: 'en', userData });
    const items = [...en.matchAll(/<li class="user-data">(.*?)<\/li>/g)].map((m) => m[1]);
    expect(items).toEqual([
      'arbres.geojson — Ville de Rennes, ODbL (My data, as stated by the user)',
      'ortho (wxs.example.org) — publisher not stated, licence not stated (My data, as stated by the user) — https://wxs.example.org/wms?x=&lt;b&gt;',
    ]);
    // After the city's own sources, in the same list.
    expect(en.indexOf('Bâti — IGN')).toBeLessThan(en.indexOf('arbres.geojson'));
    const fr = buildReport({ ...base, lang: 'fr', userData });
    expect(fr).toContain('arbres.geojson — Ville de Rennes, ODbL (Mes données, selon l’utilisateur)');
    expect(fr).toContain('éditeur non précisé, licence non précisée');
    // No items: no line.
    expect(buildReport({ ...base, lang: 'en' })).not.toContain('user-data');
  });
});
