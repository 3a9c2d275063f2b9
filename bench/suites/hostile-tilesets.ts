import type { Page } from '@playwright/test';
import { launchChromium } from '../../tests/support/browser.ts';
import { serveHostileTilesets } from '../../tests/fixtures/hostile-tilesets.ts';
import type { BenchRow, BenchSuite } from '../types.ts';

/**
 * A hostile tileset opened by URL (issue 22): a generated root with 100,000 children (synthetic,
 * under the 250,000-tile limit), opened in "My data" of the production build in headless
 * Chromium (SwiftShader). Before: the page with the tileset budgets switched off
 * (`__jumeauTilesetBudgetsOff`, the code paths of the app before issue 22); after: with them.
 * Figures: longest main-thread task and JS heap peak from the click to 8 s of rendering after,
 * then Home and Remove (ms until the next frame), and what the item became; and, with the
 * budgets, a root with 4,096 children (the most accepted per tile) for the worst accepted case.
 */

const SETTLE_MS = 8000;

async function measure(page: Page, base: string, tilesetUrl: string, budgets: boolean) {
  if (!budgets) await page.addInitScript(() => ((globalThis as { __jumeauTilesetBudgetsOff?: boolean }).__jumeauTilesetBudgetsOff = true));
  await page.addInitScript(() => {
    const w = window as unknown as { __bench: { longest: number; heapPeak: number } };
    w.__bench = { longest: 0, heapPeak: 0 };
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) w.__bench.longest = Math.max(w.__bench.longest, e.duration);
    }).observe({ type: 'longtask', buffered: false });
    setInterval(() => {
      const m = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
      if (m !== undefined) w.__bench.heapPeak = Math.max(w.__bench.heapPeak, m.usedJSHeapSize);
    }, 100);
  });
  // Only this machine: the app's server and the hostile one.
  await page.route('**/*', (route) => (['127.0.0.1', 'localhost'].includes(new URL(route.request().url()).hostname) || !/^https?:/.test(route.request().url()) ? route.continue() : route.abort('internetdisconnected')));
  await page.goto(`${base}?city=paris&stable=1&quality=low&offline=1&panels=data`);
  await page.waitForFunction(() => document.getElementById('app')?.dataset.ready !== 'false', null, { timeout: 120_000 });
  await page.waitForSelector('#userdata-url', { timeout: 120_000 });
  const cdp = await page.context().newCDPSession(page);
  let cdpPeak = 0, polling = true;
  const poll = (async () => {
    while (polling) {
      const h = (await cdp.send('Runtime.getHeapUsage').catch(() => null)) as { usedSize: number } | null;
      if (h !== null) cdpPeak = Math.max(cdpPeak, h.usedSize);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const heapBefore = ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
  await page.evaluate(() => {
    const b = (window as unknown as { __bench: { longest: number; heapPeak: number } }).__bench;
    b.longest = 0;
    b.heapPeak = 0;
  });
  const t0 = Date.now();
  await page.fill('#userdata-url', tilesetUrl);
  await page.selectOption('#userdata-url-kind', 'tileset');
  await page.click('#userdata-url-add');
  await page.evaluate(() => window.__jumeauUserData!.idle(300_000));
  const openMs = Date.now() - t0;
  await page.evaluate(async (d) => {
    const end = performance.now() + d;
    while (performance.now() < end) {
      window.__jumeau!.render();
      await new Promise((r) => setTimeout(r, 50));
    }
  }, SETTLE_MS);
  const item = await page.evaluate(() => window.__jumeauUserData!.state().at(-1)!);
  const frame = () => page.evaluate(() => new Promise<void>((r) => {
    window.__jumeau!.render();
    requestAnimationFrame(() => r());
  }));
  let t = Date.now();
  await page.locator('#view canvas').focus().catch(() => undefined);
  await page.keyboard.press('h');
  await frame();
  const homeMs = Date.now() - t;
  t = Date.now();
  await page.locator(`[data-id="${item.id}"] .userdata-remove`).click({ timeout: 180_000 });
  await page.waitForFunction((id) => !window.__jumeauUserData!.state().some((s) => s.id === id), item.id, { timeout: 120_000 });
  await frame();
  const removeMs = Date.now() - t;
  polling = false;
  await poll;
  const page_ = await page.evaluate(() => (window as unknown as { __bench: { longest: number; heapPeak: number } }).__bench);
  return { longest: page_.longest, heapPeakMiB: Math.max(page_.heapPeak, cdpPeak) / 2 ** 20, heapBeforeMiB: heapBefore / 2 ** 20, openMs, homeMs, removeMs, status: item.status, reason: item.reason ?? '' };
}

export const hostileTilesetsSuite: BenchSuite = {
  name: 'hostile-tilesets',
  description: 'Root with 100,000 children opened by URL: longest main-thread task and heap peak, without and with the tileset budgets',
  async run({ baseUrl, log }) {
    const base = await baseUrl();
    const hostile = await serveHostileTilesets();
    const browser = await launchChromium();
    const rows: BenchRow[] = [];
    try {
      const runs = [
        { q: '[before: budgets off]', path: 'wide/tileset.json', budgets: false, note: 'synthetic 100,000-children root; SwiftShader' },
        { q: '[after: budgets on]', path: 'wide/tileset.json', budgets: true, note: 'synthetic 100,000-children root; SwiftShader' },
        { q: '[after: 4,096 children, the most accepted]', path: 'wide-max/tileset.json', budgets: true, note: 'synthetic 4,096-children root; SwiftShader' },
      ];
      for (const { q, path, budgets, note } of runs) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, ignoreHTTPSErrors: true });
        const m = await measure(page, base, `${hostile.url}${path}`, budgets);
        await page.close();
        log(`${q} ${m.status}${m.reason !== '' ? ` (${m.reason})` : ''}: longest task ${m.longest.toFixed(0)} ms, heap peak ${m.heapPeakMiB.toFixed(0)} MiB, home ${m.homeMs} ms, remove ${m.removeMs} ms`);
        rows.push(
          { suite: 'hostile-tilesets', metric: `${q} longest main-thread task`, value: Math.round(m.longest), unit: 'ms', note },
          { suite: 'hostile-tilesets', metric: `${q} JS heap peak`, value: Math.round(m.heapPeakMiB), unit: 'MiB', note: `${Math.round(m.heapBeforeMiB)} MiB before opening` },
          { suite: 'hostile-tilesets', metric: `${q} open (click → item settled)`, value: m.openMs, unit: 'ms', note: m.status === 'error' ? `refused: ${m.reason.slice(0, 90)}` : m.status },
          { suite: 'hostile-tilesets', metric: `${q} Home (key → next frame)`, value: m.homeMs, unit: 'ms' },
          { suite: 'hostile-tilesets', metric: `${q} Remove (click → next frame)`, value: m.removeMs, unit: 'ms' },
        );
      }
    } finally {
      await browser.close();
      await hostile.close();
    }
    return rows;
  },
};
