import { join, resolve } from 'node:path';
import { launchChromium } from './browser.ts';
import { packsDir } from './city/pack.ts';
import { createServer } from '../server/app.ts';

/**
 * `npx tsx tools/screenshot.ts [query] [out.png] [WxH]`: serves the built app, opens it with the
 * query string, waits for the tiles and writes a PNG. Used for the README and to look at changes.
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
  await page.waitForTimeout(500);
  await page.screenshot({ path: out });
  const state = await page.evaluate(() => ({ s: window.__jumeau?.state(), stats: window.__jumeau?.stats() }));
  console.log(JSON.stringify({ out, loaded, ms: Date.now() - t0, ...state }, null, 1));
} finally {
  await browser.close();
  await app.close();
}
