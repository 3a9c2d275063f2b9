import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumPath } from '../../tests/support/browser.ts';
import type { BenchRow, BenchSuite } from '../types.ts';

/**
 * Soak: the app left running in headless Chromium.
 * 1. Switches city (demo ↔ every other pack, and back) 20 times, then scenario (two new ones and
 *    today's city) 20 times; counts live workers and window/document listeners after the first
 *    round and after the last: they must not grow.
 * 2. A scripted camera tour over the demo city for SOAK_MINUTES (default 10): JS heap (after a
 *    forced garbage collection) and the buildings' tile cache sampled every 20 s; after a warm-up
 *    (the first fifth) both must stay within ±10 % of their warm-up mean.
 * `npm run bench -- --only soak` (SOAK_MINUTES=2 for a quick look). Not part of `npm test`.
 */

const POSES = [
  { lonDeg: -1.6800, latDeg: 48.1090, heightM: 900, headingDeg: 20, pitchDeg: -35, rollDeg: 0 },
  { lonDeg: -1.6760, latDeg: 48.1050, heightM: 450, headingDeg: 120, pitchDeg: -25, rollDeg: 0 },
  { lonDeg: -1.6850, latDeg: 48.1120, heightM: 300, headingDeg: 250, pitchDeg: -20, rollDeg: 0 },
  { lonDeg: -1.6720, latDeg: 48.1000, heightM: 1500, headingDeg: 330, pitchDeg: -50, rollDeg: 0 },
  { lonDeg: -1.6790, latDeg: 48.1070, heightM: 200, headingDeg: 180, pitchDeg: -15, rollDeg: 0 },
  { lonDeg: -1.6900, latDeg: 48.1080, heightM: 2500, headingDeg: 90, pitchDeg: -60, rollDeg: 0 },
];

/**
 * Counts live workers and listeners on window and document, installed before any app script.
 * Plain JavaScript in a string: a function would be rewritten by the TypeScript loader with
 * helpers that do not exist in the page.
 */
const INSTRUMENT = `(() => {
  const soak = { workers: 0, listeners: new Set() };
  window.__soak = soak;
  const Base = window.Worker;
  window.Worker = class extends Base {
    constructor(url, options) { super(url, options); this.__alive = true; soak.workers++; }
    terminate() { if (this.__alive) soak.workers--; this.__alive = false; super.terminate(); }
  };
  const ids = new WeakMap();
  let next = 1;
  const key = (target, type, fn, opts) => {
    if (fn === null || (typeof fn !== 'function' && typeof fn !== 'object')) return null;
    if (!ids.has(fn)) ids.set(fn, next++);
    const capture = typeof opts === 'boolean' ? opts : !!(opts && opts.capture);
    return (target === window ? 'w' : 'd') + ':' + type + ':' + ids.get(fn) + ':' + capture;
  };
  for (const target of [window, document]) {
    const add = target.addEventListener.bind(target);
    const remove = target.removeEventListener.bind(target);
    target.addEventListener = (type, fn, opts) => {
      const k = key(target, type, fn, opts);
      if (k !== null && !(opts && opts.once)) soak.listeners.add(k);
      add(type, fn, opts);
    };
    target.removeEventListener = (type, fn, opts) => {
      const k = key(target, type, fn, opts);
      if (k !== null) soak.listeners.delete(k);
      remove(type, fn, opts);
    };
  }
})();`;

function drift(samples: number[]): { mean: number; maxDevPct: number } {
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { mean, maxDevPct: Math.max(...samples.map((s) => (Math.abs(s - mean) / mean) * 100)) };
}

export const soakSuite: BenchSuite = {
  name: 'soak',
  description: 'Long run: city switches (workers, listeners) and a camera tour (heap, tile cache)',
  async run({ baseUrl, log }) {
    const base = await baseUrl();
    const minutes = Number(process.env.SOAK_MINUTES ?? 10);
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, '--js-flags=--expose-gc'], headless: true });
    const rows: BenchRow[] = [];
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.addInitScript(INSTRUMENT);
      await page.goto(`${base}?city=demo&offline=1&quality=low&stable=1`);
      await page.waitForFunction(() => document.getElementById('app')?.dataset.ready !== 'false', null, { timeout: 120_000 });
      await page.evaluate(() => window.__jumeau!.waitForTiles(180_000));
      const probe = () =>
        page.evaluate(() => {
          (window as unknown as { gc?: () => void }).gc?.();
          const s = (window as unknown as { __soak: { workers: number; listeners: Set<string> } }).__soak;
          const mem = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
          const st = window.__jumeau!.stats();
          return { workers: s.workers, listeners: s.listeners.size, heap: mem?.usedJSHeapSize ?? 0, cache: st.tileset?.geometryBytes ?? 0 };
        });

      // 1. City switches.
      const cities = await page.evaluate(() => [...(document.getElementById('city-select') as HTMLSelectElement).options].map((o) => o.value));
      const others = cities.filter((c) => c !== 'demo' && c !== 'rennes');
      const round = async () => {
        for (const c of [...others, 'demo']) {
          await page.selectOption('#city-select', c);
          await page.waitForFunction((id) => window.__jumeau?.state().city === id, c, { timeout: 120_000 });
        }
        await page.evaluate(() => window.__jumeau!.waitForTiles(180_000));
      };
      await round();
      const afterOne = await probe();
      for (let i = 1; i < 20; i++) await round();
      const afterTwenty = await probe();
      log(`switches: cities ${[...others, 'demo'].join(' → ')}; after 1: ${JSON.stringify(afterOne)}; after 20: ${JSON.stringify(afterTwenty)}`);
      rows.push(
        { suite: 'soak', metric: 'live workers after 1 round of city switches', value: afterOne.workers, unit: '' },
        { suite: 'soak', metric: 'live workers after 20 rounds', value: afterTwenty.workers, unit: '', goal: 'no growth', note: `cities: ${[...others, 'demo'].join(', ')}` },
        { suite: 'soak', metric: 'window/document listeners after 1 round', value: afterOne.listeners, unit: '' },
        { suite: 'soak', metric: 'window/document listeners after 20 rounds', value: afterTwenty.listeners, unit: '', goal: 'no growth' },
        { suite: 'soak', metric: 'JS heap after 1 round', value: afterOne.heap / 2 ** 20, unit: 'MiB' },
        { suite: 'soak', metric: 'JS heap after 20 rounds', value: afterTwenty.heap / 2 ** 20, unit: 'MiB' },
      );

      // 1b. Scenario switches: two new scenarios and today's city, 20 rounds.
      const hasScenarios = await page.evaluate(() => document.getElementById('scn-new') !== null && document.getElementById('scn-select') !== null);
      if (hasScenarios) {
        const ids = await page.evaluate(async () => {
          for (let i = 0; i < 2; i++) {
            document.getElementById('scn-new')!.click();
            await new Promise((r) => setTimeout(r, 300));
          }
          return window.__jumeauScenarios!.state().scenarios.map((x) => x.id);
        });
        const pick = (id: string) =>
          page.evaluate(async (v) => {
            const sel = document.getElementById('scn-select') as HTMLSelectElement;
            sel.value = v;
            sel.dispatchEvent(new Event('change'));
            await new Promise((r) => setTimeout(r, 150));
          }, id);
        const scenarioRound = async () => {
          for (const id of [...ids, '']) await pick(id);
        };
        await scenarioRound();
        const s1 = await probe();
        for (let i = 1; i < 20; i++) await scenarioRound();
        const s20 = await probe();
        log(`scenario switches (${ids.length} scenarios + today): after 1: ${JSON.stringify(s1)}; after 20: ${JSON.stringify(s20)}`);
        rows.push(
          { suite: 'soak', metric: 'live workers after 1 round of scenario switches', value: s1.workers, unit: '' },
          { suite: 'soak', metric: 'live workers after 20 rounds of scenario switches', value: s20.workers, unit: '', goal: 'no growth' },
          { suite: 'soak', metric: 'listeners after 1 round of scenario switches', value: s1.listeners, unit: '' },
          { suite: 'soak', metric: 'listeners after 20 rounds of scenario switches', value: s20.listeners, unit: '', goal: 'no growth' },
        );
      }

      // 2. Camera tour.
      const samples: { t: number; heap: number; cache: number }[] = [];
      const t0 = Date.now();
      let nextSample = t0;
      let poses = 0;
      while (Date.now() - t0 < minutes * 60_000) {
        const pose = POSES[poses % POSES.length]!;
        await page.evaluate((p) => window.__jumeau!.setCamera(p), pose);
        await page.evaluate(() => window.__jumeau!.waitForTiles(60_000));
        poses++;
        if (Date.now() >= nextSample) {
          const p = await probe();
          samples.push({ t: (Date.now() - t0) / 1000, heap: p.heap, cache: p.cache });
          nextSample += 20_000;
        }
      }
      const warm = samples.filter((s) => s.t >= minutes * 12);
      const heap = drift(warm.map((s) => s.heap)), cache = drift(warm.map((s) => s.cache));
      log(`tour: ${poses} poses in ${minutes} min, ${samples.length} samples; heap ${JSON.stringify(samples.map((s) => Math.round(s.heap / 2 ** 20)))} MiB`);
      rows.push(
        { suite: 'soak', metric: `camera tour: poses flown in ${minutes} min`, value: poses, unit: '' },
        { suite: 'soak', metric: 'tour: JS heap after warm-up (mean)', value: heap.mean / 2 ** 20, unit: 'MiB' },
        { suite: 'soak', metric: 'tour: JS heap max deviation from warm-up mean', value: heap.maxDevPct, unit: '%', goal: '≤ 10 %', note: `${warm.length} samples after the first fifth` },
        { suite: 'soak', metric: 'tour: tile cache (geometry) mean', value: cache.mean / 2 ** 20, unit: 'MiB' },
        { suite: 'soak', metric: 'tour: tile cache max deviation from warm-up mean', value: cache.maxDevPct, unit: '%', goal: '≤ 10 %' },
      );
      await page.close();
    } finally {
      await browser.close();
    }
    return rows;
  },
};
