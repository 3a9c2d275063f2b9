import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { LAYERS } from '../../src/layers/catalog.ts';
import { launchChromium } from '../../tests/support/browser.ts';
import { sharedDataDir } from '../../src/city/node/open-data.ts';
import { forEachCsvRecord } from '../../src/core/csv.ts';
import { LAYER_PARSE_VERSION, parseLayer } from '../../src/layers/parse/kernel.ts';
import type { BenchRow, BenchSuite } from '../types.ts';

/**
 * Layers: parse time of every layer on its real file (Node, the worker's kernel, median of 3),
 * the CSV reader chosen for GTFS against loaders.gl's, then in headless Chromium (SwiftShader:
 * software WebGL, so compare ratios, not absolute times) the frame cost with every layer on
 * against none, and batched primitives against one Entity per feature for the biggest layers.
 */

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function parseTimes(log: (l: string) => void): Promise<BenchRow[]> {
  const data = sharedDataDir();
  const rows: BenchRow[] = [];
  for (const def of LAYERS) {
    const inputs: Record<string, Uint8Array> = {};
    for (const input of def.inputs) {
      const s = input.samples?.find((x) => x.pack === 'demo') ?? input.samples?.[0];
      if (s !== undefined) inputs[input.name] = new Uint8Array(readFileSync(join(data, s.path)));
    }
    if (Object.keys(inputs).length === 0) continue;
    const bytes = Object.values(inputs).reduce((a, b) => a + b.byteLength, 0);
    const times: number[] = [];
    let features = 0;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const r = await parseLayer({ version: LAYER_PARSE_VERSION, layerId: def.id, inputs, names: {} });
      times.push(performance.now() - t0);
      if (!r.ok) throw new Error(`${def.id}: ${r.error.where}: ${r.error.reason}`);
      features = r.parsed.features.length;
    }
    log(`parse ${def.id}: ${median(times).toFixed(1)} ms`);
    rows.push({ suite: 'layers', metric: `parse ${def.id}`, value: median(times), unit: 'ms', note: `${features} features, ${(bytes / 1024).toFixed(0)} KiB` });
  }
  // GTFS stop_times.txt (10.9 MB) through the project's CSV tokenizer (loaders.gl's CSVLoader,
  // dropped in 0.x, took about 8 s on it).
  const zip = unzipSync(new Uint8Array(readFileSync(join(data, 'rennes/transit/star_gtfs_2012-06-18.zip'))), { filter: (f) => f.name.endsWith('stop_times.txt') });
  const st = Object.values(zip)[0]!;
  const t0 = performance.now();
  let n = 0;
  forEachCsvRecord(strFromU8(st), () => n++);
  const fast = performance.now() - t0;
  rows.push(
    { suite: 'layers', metric: 'stop_times.txt (10.9 MB): kernel CSV tokenizer', value: fast, unit: 'ms', note: `${n} records` },
  );
  return rows;
}

export const layersSuite: BenchSuite = {
  name: 'layers',
  description: 'Layer parse times (Node) and frame cost with every layer on vs none (headless Chromium)',
  async run({ baseUrl, log }) {
    const rows = await parseTimes(log);
    const base = await baseUrl();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      // City-wide view of the demo pack with the Rennes open data.
      await page.goto(`${base}?city=demo&stable=1&offline=1&quality=low&layers=&cam=-1.6800,48.0700,6000,0,-45,0`);
      await page.waitForFunction(() => document.getElementById('app')?.dataset.ready !== 'false', null, { timeout: 120_000 });
      await page.evaluate(() => window.__jumeau!.waitForTiles(180_000));
      const steady = () =>
        page.evaluate(async () => {
          const j = window.__jumeau!;
          for (let i = 0; i < 3; i++) j.render();
          j.resetStats();
          for (let i = 0; i < 20; i++) {
            j.render();
            await new Promise((r) => requestAnimationFrame(() => r(null)));
          }
          return j.stats().frame!;
        });
      const none = await steady();
      const t0 = Date.now();
      await page.evaluate(() => window.__jumeauLayers!.setAllOn(true));
      await page.evaluate(() => window.__jumeauLayers!.idle(300_000));
      await page.evaluate(() => window.__jumeau!.waitForTiles(180_000));
      const loadAllMs = Date.now() - t0;
      const all = await steady();
      const state = await page.evaluate(() => window.__jumeauLayers!.state());
      const ready = state.filter((s) => s.status === 'ready');
      log(`frame: none ${none.meanFrameMs.toFixed(1)} ms, all ${all.meanFrameMs.toFixed(1)} ms (${ready.length} layers)`);
      rows.push(
        { suite: 'layers', metric: 'frame ms, no layer (steady, mean)', value: none.meanFrameMs, unit: 'ms', note: `${none.lastDrawCalls} draw calls` },
        { suite: 'layers', metric: `frame ms, all ${ready.length} layers on (steady, mean)`, value: all.meanFrameMs, unit: 'ms', note: `${all.lastDrawCalls} draw calls, ${Math.round(all.lastTriangles)} triangles` },
        { suite: 'layers', metric: `draw calls per frame, all ${ready.length} layers on`, value: all.lastDrawCalls, unit: '', goal: '≤ 300' },
        { suite: 'layers', metric: 'frame cost ratio, all layers / none', value: all.meanFrameMs / none.meanFrameMs, unit: '×', note: 'SwiftShader; compare within one run' },
        { suite: 'layers', metric: 'time to load and draw every layer (browser, worker parse)', value: loadAllMs, unit: 'ms' },
      );
      for (const s of ready) if (s.parseMs !== undefined) rows.push({ suite: 'layers', metric: `browser worker parse ${s.id}`, value: s.parseMs, unit: 'ms', note: `${s.count} features` });

      // Batched primitives vs one Entity per feature, alone on the globe.
      for (const id of ['streets', 'population-grid', 'bus-network']) {
        await page.evaluate(() => window.__jumeauLayers!.setAllOn(false));
        await page.evaluate((l) => window.__jumeauLayers!.setOn(l, true), id);
        await page.evaluate(() => window.__jumeauLayers!.idle(300_000));
        const b = await page.evaluate(async (l) => {
          const r = await window.__jumeauLayers!.redrawBatched(l);
          return r === null ? null : { createMs: r.createMs, opacityMs: await r.opacity(0.5) };
        }, id);
        const batched = await steady();
        await page.evaluate((l) => window.__jumeauLayers!.setOn(l, false), id);
        const e = await page.evaluate(async (l) => {
          const r = await window.__jumeauLayers!.drawAsEntities(l);
          if (r === null) return null;
          (window as unknown as { __remove: () => void }).__remove = r.remove;
          const opacityMs = await r.opacity(0.5);
          return { count: r.count, createMs: r.createMs, opacityMs };
        }, id);
        const entities = await steady();
        await page.evaluate(() => (window as unknown as { __remove: () => void }).__remove());
        log(`${id}: batched ${b?.createMs.toFixed(0)} ms to build, ${batched.meanFrameMs.toFixed(1)} ms/frame; entities ${e?.createMs.toFixed(0)} ms, ${entities.meanFrameMs.toFixed(1)} ms/frame`);
        rows.push(
          { suite: 'layers', metric: `${id}: batched primitives, build`, value: b?.createMs ?? NaN, unit: 'ms' },
          { suite: 'layers', metric: `${id}: batched primitives, frame`, value: batched.meanFrameMs, unit: 'ms', note: `${batched.lastDrawCalls} draw calls` },
          { suite: 'layers', metric: `${id}: one Entity per feature, build`, value: e?.createMs ?? NaN, unit: 'ms', note: `${e?.count ?? 0} entities` },
          { suite: 'layers', metric: `${id}: one Entity per feature, frame`, value: entities.meanFrameMs, unit: 'ms', note: `${entities.lastDrawCalls} draw calls` },
          { suite: 'layers', metric: `${id}: opacity change, batched (instance colours)`, value: b?.opacityMs ?? NaN, unit: 'ms' },
          { suite: 'layers', metric: `${id}: opacity change, entities (new materials, re-batched)`, value: e?.opacityMs ?? NaN, unit: 'ms' },
        );
      }
      await page.close();
    } finally {
      await browser.close();
    }
    return rows;
  },
};
