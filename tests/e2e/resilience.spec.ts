import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, test, type Page } from '@playwright/test';
import { messages, offlineNetwork, openApp } from './helpers.ts';

/**
 * Hardening in a real browser: the Content-Security-Policy holds (no violation while the app,
 * its workers and layers run), axe-core finds no serious accessibility violation, a lost WebGL
 * context is rebuilt without losing the view, and the service worker opens the app and the last
 * city with no network.
 */

const Q = '?city=demo&stable=1&quality=low&offline=1';

/** Records Content-Security-Policy violations from the first script on. */
async function recordCspViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  return () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

test('the CSP allows no inline script and the app runs under it; axe-core finds no serious violation', async ({ page }) => {
  await offlineNetwork(page);
  const violations = await recordCspViolations(page);
  const res = await page.request.get('/');
  const csp = res.headers()['content-security-policy'] ?? '';
  const scriptSrc = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src ')) ?? '';
  expect(scriptSrc).toBe("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).toContain("object-src 'none'");
  // Layers parse in a worker, the simulations pool starts one; panels of every kind are open.
  await openApp(page, `${Q}&layers=parking,metro-lines,districts&panels=layers,legend,help`);
  await page.evaluate(() => window.__jumeauLayers?.idle(120_000));
  // An inline script injected into the page must be refused.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.head.append(s);
  });
  expect(await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan ?? false)).toBe(false);
  const seen = await violations();
  expect(seen.filter((v) => !v.startsWith('script-src-elem inline'))).toEqual([]);
  expect(seen.some((v) => v.startsWith('script-src-elem inline'))).toBe(true);

  // axe-core, from the npm package, injected by Playwright (the page's CSP does not apply to it).
  const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, first: JSON.stringify(v.nodes[0]?.target) }));
  });
  console.log(`axe-core: ${result.length} violation kinds`, JSON.stringify(result));
  test.info().annotations.push({ type: 'axe violations', description: JSON.stringify(result) });
  expect(result.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

  // The text alternative of the 3D view says what is shown; the camera moves by keyboard.
  await expect(page.locator('#view-description')).toContainText('Vue 3D de Demo district');
  await expect(page.locator('#view-description')).toContainText('Couches affichées : ');
  const before = await page.locator('#view-description').textContent();
  const cam0 = await page.evaluate(() => window.__jumeau!.camera());
  await page.locator('#view').focus();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('e');
  await page.waitForFunction((c) => {
    const now = window.__jumeau!.camera()!;
    return Math.abs(now.headingDeg - c.headingDeg) > 5;
  }, cam0!);
  await expect(page.locator('#view-description')).not.toHaveText(before ?? '');
});

test('phones get a touch layout: toolbar along the bottom with 44 px targets, panels as bottom sheets', async ({ page }) => {
  await offlineNetwork(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await openApp(page, `${Q}&panels=layers`, { waitTiles: false });
  const bar = (await page.locator('.toolbar').boundingBox())!;
  expect(bar.y + bar.height).toBeGreaterThan(800);
  expect(bar.width).toBeGreaterThan(340);
  for (const b of await page.locator('.toolbar .icon-button').all()) {
    const box = await b.boundingBox();
    if (box === null) continue; // scrolled out of the bar
    expect(box.width).toBeGreaterThanOrEqual(44);
    expect(box.height).toBeGreaterThanOrEqual(44);
  }
  const sheet = (await page.locator('#panel-layers').boundingBox())!;
  expect(sheet.y + sheet.height).toBeLessThanOrEqual(bar.y);
  expect(sheet.width).toBeGreaterThan(340);
  // The city picker stays usable.
  await expect(page.locator('#city-select')).toBeVisible();
});

test('a lost WebGL context is announced and the scene rebuilt with the same view and layers', async ({ page }) => {
  await offlineNetwork(page);
  await openApp(page, `${Q}&cam=-1.6800,48.1090,900,20,-35,0&layers=metro-lines`);
  const before = await page.evaluate(() => window.__jumeau!.camera());
  const oldCanvas = await page.locator('#view canvas').elementHandle();
  await page.evaluate(() => {
    const c = document.querySelector('#view canvas') as HTMLCanvasElement;
    const gl = (c.getContext('webgl2') ?? c.getContext('webgl')) as WebGLRenderingContext;
    gl.getExtension('WEBGL_lose_context')!.loseContext();
  });
  // The app is rebuilt in a new canvas, with the message saying so.
  await page.waitForFunction((old) => {
    const c = document.querySelector('#view canvas');
    return c !== null && c !== old && document.getElementById('app')?.dataset.ready === 'true';
  }, oldCanvas, { timeout: 120_000 });
  expect(await page.evaluate(() => window.__jumeau!.waitForTiles(120_000))).toBe(true);
  expect((await messages(page)).join('\n')).toMatch(/reconstruite/);
  const after = await page.evaluate(() => window.__jumeau!.camera());
  expect(after!.lonDeg).toBeCloseTo(before!.lonDeg, 4);
  expect(after!.latDeg).toBeCloseTo(before!.latDeg, 4);
  expect(after!.heightM).toBeCloseTo(before!.heightM, 0);
  expect(new URL(page.url()).searchParams.get('layers')).toBe('metro-lines');
  const stats = await page.evaluate(() => window.__jumeau!.stats());
  expect(stats.tileset!.featuresLoaded).toBeGreaterThan(0);
});

test.describe('offline', () => {
  test.use({ serviceWorkers: 'allow' });
  test('the service worker opens the app and the last city with no network, and says it is offline', async ({ page, context }) => {
    await offlineNetwork(page);
    // As Chromium 150 does (and any browser on a network without internet access): navigator.onLine
    // stays true and no online/offline event arrives. The app must tell from its own probes and
    // the service worker's reports.
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'onLine', { configurable: true, get: () => true });
      for (const type of ['online', 'offline']) window.addEventListener(type, (e) => e.stopImmediatePropagation(), true);
    });
    await openApp(page, Q);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // Workbox precached every built file at install, the lazy ones too (workers, wasm), and the web
    // app manifest with its icons (so the app can be installed).
    const precache = await page.evaluate(async () => {
      const name = (await caches.keys()).find((n) => n.startsWith('jumeau-precache-'));
      if (name === undefined) return null;
      const paths = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
      const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
      const manifest = link === null ? null : ((await (await fetch(link.href)).json()) as { icons: { sizes: string }[]; start_url: string });
      return { paths, manifest };
    });
    expect(precache).not.toBeNull();
    expect(precache!.paths.filter((p) => /^\/assets\/.*worker.*\.js$/.test(p)).length).toBeGreaterThan(2);
    expect(precache!.paths.some((p) => p.endsWith('.wasm'))).toBe(true);
    expect(precache!.paths).toEqual(expect.arrayContaining(['/index.html', '/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png']));
    expect(precache!.manifest?.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(precache!.manifest?.start_url).toBe('/');
    // Once the worker controls the page, a reload fetches everything through it (and caches it).
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null && document.getElementById('app')?.dataset.ready !== 'false', null, { timeout: 120_000 });
    expect(await page.evaluate(() => window.__jumeau!.waitForTiles(120_000))).toBe(true);
    await expect(page.locator('#offline-badge')).toBeHidden();

    await context.setOffline(true);
    await page.reload();
    await page.waitForFunction(() => document.getElementById('app')?.dataset.ready !== 'false', null, { timeout: 120_000 });
    expect(await page.evaluate(() => document.getElementById('app')!.dataset.ready)).toBe('true');
    expect(await page.evaluate(() => window.__jumeau!.waitForTiles(120_000))).toBe(true);
    const stats = await page.evaluate(() => window.__jumeau!.stats());
    expect(stats.tileset!.featuresLoaded).toBeGreaterThan(1000);
    await expect(page.locator('#offline-badge')).toBeVisible();
    expect((await messages(page)).join('\n')).toMatch(/Réseau perdu/);
    await context.setOffline(false);
    await expect(page.locator('#offline-badge')).toBeHidden();
    expect((await messages(page)).join('\n')).toMatch(/Réseau retrouvé/);
  });
});
