import { performance } from 'node:perf_hooks';
import { readScenarioFile, writeScenarioFile } from '../../src/scenarios/file.ts';
import { createHistory, execute, undo, type History } from '../../src/features/scenarios/history.ts';
import { computeKpiTable, type KpiStudy } from '../../src/scenarios/kpi.ts';
import { KPIS } from '../../src/app/indicators.ts';
import { applyEdits, type Scenario } from '../../src/scenarios/model.ts';
import { encodeShare } from '../../src/features/scenarios/share.ts';
import { toSimScenario } from '../../src/scenarios/simulate.ts';
import type { Edit } from '../../src/scenarios/edits.ts';
import type { SunHoursOutput } from '../../src/features/sun/contract.ts';
import { buildDemoPack } from '../../src/city/node/demo-pack.ts';
import { runHeadless } from '../../workers/headless.ts';
import type { BenchRow, BenchSuite } from '../types.ts';

/**
 * Scenarios: undo history cost against the number of edits, file and share-link sizes, and one
 * comparison on the demo city (a 60 m tower): simulation runs, rays and time per side.
 */

const SUITE = 'scenarios';

function building(i: number): Edit {
  const x = -1.69 + (i % 40) * 0.0005, y = 48.1 + Math.floor(i / 40) * 0.0004;
  return { kind: 'add-building', id: `b${i}`, use: 'residential', heightM: 12 + (i % 7) * 3, footprint: [[x, y], [x + 0.0002, y], [x + 0.0002, y + 0.00015], [x, y + 0.00015]] };
}

function scenario(n: number): Scenario {
  return { id: 'bench', name: 'Bench', cityId: 'demo', description: '', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', edits: Array.from({ length: n }, (_, i) => building(i)), study: { area: null, date: '2026-12-21', stepMin: 30, cellM: 4 } };
}

export const scenariosSuite: BenchSuite = {
  name: SUITE,
  description: 'scenario history, file and link sizes, a baseline/scenario comparison on the demo city',
  async run({ log }) {
    const rows: BenchRow[] = [];
    for (const n of [100, 1000]) {
      let h: History = createHistory();
      const t0 = performance.now();
      for (let i = 0; i < n; i++) h = execute(h, { op: 'add', edit: building(i) });
      const t1 = performance.now();
      while (h.undo.length > 0) h = undo(h);
      const t2 = performance.now();
      rows.push({ suite: SUITE, metric: `history: ${n} edits added`, value: (1000 * (t1 - t0)) / n, unit: 'µs/edit' }, { suite: SUITE, metric: `history: ${n} undos`, value: (1000 * (t2 - t1)) / n, unit: 'µs/undo', note: 'each step copies the edit list (immutable history): O(n) per step' });
    }
    for (const n of [10, 50, 200]) {
      const s = scenario(n);
      const text = writeScenarioFile(s, new Map());
      const t0 = performance.now();
      const r = await readScenarioFile(text);
      const readMs = performance.now() - t0;
      if (!r.ok) throw new Error(r.error);
      const link = await encodeShare(s);
      rows.push({ suite: SUITE, metric: `file: ${n} buildings`, value: text.length, unit: 'B', note: `read and validated in ${readMs.toFixed(1)} ms` });
      rows.push({ suite: SUITE, metric: `share link: ${n} buildings`, value: link.ok ? link.value.length : (link.length ?? 0), unit: 'chars', note: link.ok ? 'fits in a link (≤ 2000)' : 'too long: shared as a file' });
    }
    await buildDemoPack();
    const tower: Edit = { kind: 'add-building', id: 'tower', use: 'office', heightM: 60, footprint: [[-1.6803, 48.109], [-1.6797, 48.109], [-1.6797, 48.1094], [-1.6803, 48.1094]] };
    const study: KpiStudy = { city: { tileset: 'packs/demo/tileset.json', idProperties: ['id'] }, area: [[-1.6814, 48.1085], [-1.6787, 48.1085], [-1.6787, 48.1103], [-1.6814, 48.1103]], date: '2026-12-21', stepMin: 30, cellM: 4, timeZone: 'Europe/Paris' };
    const { scenario: sim } = toSimScenario(applyEdits([tower]), () => null);
    let rays = 0;
    const t0 = performance.now();
    const table = await computeKpiTable(KPIS, study, [tower], async (id, input) => {
      const r = await runHeadless(id, input);
      if (r.ok && id === 'sun-hours') rays += (r.value as SunHoursOutput).rays;
      return r;
    }, { simScenario: sim });
    const totalMs = performance.now() - t0;
    for (const r of table.runs) rows.push({ suite: SUITE, metric: `comparison: ${r.simulation} (${r.side})`, value: r.ms, unit: 'ms', note: 'headless, one thread, city loaded from the demo pack' });
    rows.push({ suite: SUITE, metric: 'comparison: simulation runs for 7 indicators', value: table.runs.length, unit: 'runs' });
    rows.push({ suite: SUITE, metric: 'comparison: rays (both sides)', value: rays, unit: 'rays' });
    rows.push({ suite: SUITE, metric: 'comparison: total', value: totalMs, unit: 'ms' });
    const lost = table.rows.find((r) => r.id === 'sun-lost')!;
    log(`sun hours lost by neighbours: ${lost.scenario?.toFixed(0)} m²·h`);
    return rows;
  },
};
