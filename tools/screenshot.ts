import { join, resolve } from 'node:path';
import { launchChromium } from '../tests/support/browser.ts';
import { packsDir } from '../src/city/node/pack.ts';
import { createServer } from '../server/app.ts';
import { seedSample } from '../server/consult/seed.ts';
import { openDatabase } from '../server/db/database.ts';
import { migrate } from '../server/db/migrate.ts';

/**
 * `npx tsx tools/screenshot.ts [query] [out.png|out.jpg] [WxH] [--select] [--consult-sample]
 * [--fill 'selector=value'] [--click 'selector'] [--click-view x,y] [--wait 'js expression']`: serves the built app,
 * opens it with the query string, waits for the tiles and writes the image (`--select` clicks the
 * building nearest the centre first). Used for the README and to look at changes.
 *
 * The consultation API runs on an in-memory PGlite database (never the project's data folder);
 * `--consult-sample` fills it with the sample consultation and an administrator
 * `admin@example.org` / `screenshot-only-password` that exists only in that memory. `--fill`,
 * `--click` and `--click-view` (a click at x,y in the 3D view) run in the order given, with a
 * pause after each; `--wait` waits (up to 2 min) until a JavaScript expression is true.
 */
const query = process.argv[2] ?? '?city=demo&offline=1&stable=1';
const out = resolve(process.argv[3] ?? 'screenshot.png');
const [w, h] = (process.argv[4] ?? '1280x800').split('x').map(Number) as [number, number];
const root = resolve(import.meta.dirname, '..');
const db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
await migrate(db);
const sample = process.argv.includes('--consult-sample');
if (sample) await seedSample(db);
const app = await createServer({
  mode: 'prod',
  packsDir: packsDir(),
  distDir: join(root, 'dist'),
  rootDir: root,
  consult: { db, bootstrapAdmin: sample ? { email: 'admin@example.org', password: 'screenshot-only-password', displayName: 'Admin' } : null, scrypt: { N: 1024, r: 8, p: 1 } },
});
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
  for (let i = 3; i < process.argv.length; i++) {
    const a = process.argv[i]!, v = process.argv[i + 1];
    if (v === undefined) continue;
    if (a === '--click') await page.click(v);
    else if (a === '--fill') await page.fill(v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1));
    else if (a === '--click-view') {
      const [x, y] = v.split(',').map(Number) as [number, number];
      const box = await page.locator('#view canvas').boundingBox();
      await page.mouse.click((box?.x ?? 0) + x, (box?.y ?? 0) + y);
    } else if (a === '--wait') {
      // Polled with evaluate (the app's CSP forbids the eval that waitForFunction uses for strings).
      const end = Date.now() + 120000;
      while (!(await page.evaluate(v)) && Date.now() < end) await page.waitForTimeout(250);
    } else continue;
    await page.waitForTimeout(1200);
  }
  await page.evaluate(() => window.__jumeau?.render());
  await page.waitForTimeout(500);
  await page.screenshot(out.endsWith('.jpg') ? { path: out, type: 'jpeg', quality: 82 } : { path: out });
  const state = await page.evaluate(() => ({ s: window.__jumeau?.state(), stats: window.__jumeau?.stats() }));
  console.log(JSON.stringify({ out, loaded, ms: Date.now() - t0, ...state }, null, 1));
} finally {
  await browser.close();
  await app.close();
  await db.close();
}
