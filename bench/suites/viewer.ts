import { launchChromium } from '../../tests/support/browser.ts';
import type { BenchRow, BenchSuite } from '../types.ts';

/**
 * The demo home view in headless Chromium (SwiftShader: software WebGL, so frame times are
 * those of a slow machine; counts are what matters): tiles, draw calls, triangles, frames until
 * loaded, main-thread ms per frame, bytes transferred.
 */
export const viewerSuite: BenchSuite = {
  name: 'viewer',
  description: 'Demo city home view in headless Chromium',
  async run({ baseUrl, log }) {
    const base = await baseUrl();
    const browser = await launchChromium();
    const rows: BenchRow[] = [];
    try {
      for (const quality of ['high', 'low'] as const) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const bytes: Record<string, number> = {};
        page.on('response', (res) => {
          void res.body().then((b) => {
            const url = new URL(res.url());
            const kind = url.pathname.startsWith('/packs/') ? (url.pathname.endsWith('.glb') ? 'tiles (glb)' : 'pack json') : url.pathname.startsWith('/cesium/') ? 'cesium static' : 'app';
            bytes[kind] = (bytes[kind] ?? 0) + b.length;
          }).catch(() => undefined);
        });
        const t0 = Date.now();
        await page.goto(`${base}?city=demo&stable=1&offline=1&quality=${quality}`);
        await page.waitForFunction(() => document.getElementById('app')?.dataset.ready !== 'false', null, { timeout: 120_000 });
        const loaded = await page.evaluate(() => window.__jumeau!.waitForTiles(180_000));
        const loadMs = Date.now() - t0;
        const s = await page.evaluate(() => window.__jumeau!.stats());
        // Steady-state frame cost: 20 forced renders of the loaded view.
        const steady = await page.evaluate(async () => {
          const j = window.__jumeau!;
          j.resetStats();
          for (let i = 0; i < 20; i++) {
            j.render();
            await new Promise((r) => requestAnimationFrame(() => r(null)));
          }
          return j.stats().frame!;
        });
        log(`viewer ${quality}: loaded=${loaded} in ${loadMs} ms, ${s.frame?.frames} frames`);
        const q = `[${quality}]`;
        rows.push(
          { suite: 'viewer', metric: `${q} tiles loaded`, value: s.tileset!.tilesLoaded, unit: '', note: `of ${s.tileset!.tilesTotal}` },
          { suite: 'viewer', metric: `${q} features loaded`, value: s.tileset!.featuresLoaded, unit: '' },
          { suite: 'viewer', metric: `${q} draw calls per frame`, value: steady.lastDrawCalls, unit: '', goal: '≤ 300' },
          { suite: 'viewer', metric: `${q} triangles per frame (all passes)`, value: steady.lastTriangles, unit: '' },
          { suite: 'viewer', metric: `${q} building triangles selected`, value: s.tileset!.trianglesSelected, unit: '' },
          { suite: 'viewer', metric: `${q} frames until loaded`, value: s.frame!.frames, unit: '' },
          { suite: 'viewer', metric: `${q} main-thread ms per frame (steady, mean)`, value: steady.meanFrameMs, unit: 'ms', note: `max ${steady.maxFrameMs.toFixed(1)} ms` },
          { suite: 'viewer', metric: `${q} wall time until loaded (software WebGL)`, value: loadMs, unit: 'ms', note: 'SwiftShader; not a goal' },
        );
        for (const [kind, b] of Object.entries(bytes).sort()) rows.push({ suite: 'viewer', metric: `${q} bytes: ${kind}`, value: b / 1024, unit: 'KiB' });
        await page.close();
      }
    } finally {
      await browser.close();
    }
    return rows;
  },
};
