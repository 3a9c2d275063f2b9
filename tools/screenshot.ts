import { join, resolve } from 'node:path';
import { launchChromium } from './browser.ts';
import { packsDir } from './city/pack.ts';
import { createServer } from '../server/app.ts';

/**
 * `npx tsx tools/screenshot.ts [query] [out.png|out.jpg] [WxH] [--select]`: serves the built app,
 * opens it with the query string, waits for the tiles and writes the image (`--select` clicks the
 * building nearest the centre first). Used for the README and to look at changes.
 */
const query = process.argv[2] ?? '?city=demo&offline=1&stable=1';
const out = resolve(process.argv[3] ?? 'screenshot.png');
const [w, h] = (process.argv[4] ?? '1280x800').split('x').map(Number) as [number, number];
const root = resolve(import.meta.dirname, '..');
const app = await createServer({ mode: 'prod', packsDir: packsDir(), distDir: join(root, 'dist'), rootDir: root });
await app.listen({ port: 0, host: '127.0.0.1' });
const addr = app.server.address();
const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: w, height: h } });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`[browser ${m.type()}] ${m.text()}`); });
  page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
  const t0 = Date.now();
  await page.goto(`http://127.0.0.1:${port}/${query}`);
  await page.waitForFunction(() => document.getElementById('app')?.dataset.ready !== 'false', null, { timeout: 120000 });
  const loaded = await page.evaluate(() => window.__jumeau?.waitForTiles(120000));
  if (process.argv.includes('--select')) {
    const p = await page.evaluate(() => {
      const c = document.querySelector('#view canvas') as HTMLCanvasElement;
      for (let r = 0; r < 200; r += 8)
        for (let a = 0; a < 6.28; a += 0.5) {
          const x = c.clientWidth / 2 + r * Math.cos(a), y = c.clientHeight * 0.55 + r * Math.sin(a);
          if (window.__jumeau?.pickAt(x, y)?.id) return { x, y };
        }
      return null;
    });
    if (p !== null) {
      await page.mouse.click(p.x, p.y);
      await page.mouse.move(1, 1);
      await page.evaluate(() => window.__jumeau?.waitForTiles(60000));
    }
  }
  await page.waitForTimeout(500);
  await page.screenshot(out.endsWith('.jpg') ? { path: out, type: 'jpeg', quality: 82 } : { path: out });
  const state = await page.evaluate(() => ({ s: window.__jumeau?.state(), stats: window.__jumeau?.stats() }));
  console.log(JSON.stringify({ out, loaded, ms: Date.now() - t0, ...state }, null, 1));
} finally {
  await browser.close();
  await app.close();
}
