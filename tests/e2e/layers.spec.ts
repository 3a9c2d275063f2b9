import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { diffShare, hideUi, offlineNetwork, openApp, viewShot } from './helpers.ts';

/**
 * The open-data layers in a real browser, offline, on the demo pack (which carries the Rennes
 * open data when ../shared/data exists, as in CI). Few page loads: rendering is software here.
 */

// Looking north over the city-centre car parks (Arsenal, Colombier, Gare-Sud, Charles de Gaulle…).
const CAM = 'cam=-1.6800,48.0960,1300,350,-38,0';

/** Hides or shows the UI over the 3D view (the controls stay usable while shown). */
async function uiHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    let tag = document.getElementById('e2e-hide-ui');
    if (!h) return tag?.remove();
    if (tag === null) {
      tag = document.createElement('style');
      tag.id = 'e2e-hide-ui';
      tag.textContent = '.topbar,.toolbar,.panel-stack,.messages,.banner,.credits{visibility:hidden !important}';
      document.head.append(tag);
    }
  }, hidden);
}

async function layersIdle(page: Page): Promise<void> {
  expect(await page.evaluate(() => window.__jumeauLayers!.idle(120_000))).toBe(true);
  await page.evaluate(() => window.__jumeau!.waitForTiles(120_000));
}

test('parking gauges at 08:00 and 18:00 of the recorded day differ; the time shown is explained', async ({ page }) => {
  await offlineNetwork(page);
  // Close to the Colombier, Arsenal, Charles de Gaulle and Gare-Sud gauges, looking north.
  await openApp(page, `?city=demo&cam=-1.6805,48.0975,420,5,-22,0&stable=1&quality=low&offline=1&layers=parking&ptime=08:00&panels=layers`);
  await layersIdle(page);
  const row = page.locator('[data-layer="parking"]');
  await expect(row.locator('.layer-state')).toHaveText('10 objets');
  await expect(row.locator('.layer-time-explain')).toContainText('avant le premier relevé : valeurs du relevé de 10:20');
  await uiHidden(page, true);
  const at8 = await viewShot(page);
  const at8again = await viewShot(page);
  // The slider, as a user moves it.
  await uiHidden(page, false);
  await page.locator('#layer-time-parking').fill('1080');
  await expect(row.locator('.layer-time-explain')).toContainText('interpolé linéairement entre les relevés de 16:20 et de 21:25');
  expect(new URL(page.url()).searchParams.get('ptime')).toBe('18:00');
  await uiHidden(page, true);
  const at18 = await viewShot(page);
  const same = diffShare(at8, at8again), changed = diffShare(at8, at18);
  // E2E_SHOTS=dir keeps the two frames for a look.
  if (process.env.E2E_SHOTS !== undefined) {
    writeFileSync(join(process.env.E2E_SHOTS, 'parking-0800.png'), at8);
    writeFileSync(join(process.env.E2E_SHOTS, 'parking-1800.png'), at18);
  }
  console.log(`parking: ${(changed * 100).toFixed(2)} % of pixels differ between 08:00 and 18:00 (${(same * 100).toFixed(3)} % between two 08:00 frames)`);
  test.info().annotations.push({ type: 'pixels differing 08:00 vs 18:00', description: changed.toFixed(4) }, { type: 'pixels differing 08:00 vs 08:00', description: same.toFixed(4) });
  expect(same).toBeLessThan(0.0005);
  expect(changed).toBeGreaterThan(0.002);
});

test('legend and "about" show publisher, licence, date and status; a clicked car park shows its properties and chart', async ({ page }) => {
  await offlineNetwork(page);
  await openApp(page, `?city=demo&${CAM}&stable=1&quality=low&offline=1&layers=parking,wifi&ptime=18:00&panels=layers`);
  await layersIdle(page);
  const row = page.locator('[data-layer="parking"]');
  await expect(row.locator('.layer-legend')).toContainText('Taux d’occupation');
  await expect(row.locator('.layer-legend .legend-source')).toContainText('Not stated; Rennes Métropole portal generally ODbL — to verify');
  await expect(row.locator('.layer-legend .legend-source')).toContainText('enregistré');
  await row.locator('.layer-about > summary').click();
  await expect(row.locator('.about-licence').first()).toHaveText('Not stated; Rennes Métropole portal generally ODbL — to verify');
  await expect(row.locator('.about-publisher').first()).toHaveText('Citédia / Rennes Métropole open data');
  await expect(row.locator('.about-date').nth(1)).toHaveText('2026-10-06 (10:20–21:55)');
  await expect(row.locator('.status-recorded').first()).toBeVisible();
  // Wifi has no copy in the demo pack: the row says why instead of drawing nothing silently.
  await expect(page.locator('[data-layer="wifi"] .layer-state')).toContainText('indisponible : mode hors ligne');

  // Click the Arsenal gauge.
  const p = await page.evaluate(() => window.__jumeauLayers!.featureWindowPosition('parking', '74'));
  expect(p).not.toBeNull();
  await page.mouse.click(p!.x, p!.y);
  const info = page.locator('#panel-info');
  await expect(info).toBeVisible();
  await expect(info.locator('.panel-title')).toHaveText('Arsenal');
  await expect(info.locator('dd[data-key="max"]')).toHaveText('566');
  await expect(info.locator('dd[data-key="Taux d’occupation"]')).toContainText('% (18:00, interpolated)');
  await expect(info.locator('.occupancy-chart canvas')).toHaveCount(1);
  await expect(info.locator('.chart-alt')).toContainText('10:20 76 %');
  expect(new URL(page.url()).searchParams.get('sel')).toBe('parking:74');

  // The sources panel lists the layer's files too.
  await page.locator('#btn-panel-sources').click();
  await expect(page.locator('#panel-sources [data-role="layer"]').first()).toContainText('Parkings Citédia');
});

test('all layers on at once still render; a malformed file puts only its layer in error', async ({ page }) => {
  await offlineNetwork(page);
  // A broken copy of the metro stations: the others must not care.
  await page.route('**/packs/demo/layers/metro-stations.geojson', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"type":"FeatureCollection","features":[{"type":"Feature",' }));
  await openApp(page, `?city=demo&cam=-1.6800,48.0700,6000,0,-45,0&stable=1&quality=low&offline=1&layers=`);
  await hideUi(page);
  const none = await viewShot(page);
  await page.evaluate(() => window.__jumeauLayers!.setAllOn(true));
  await layersIdle(page);
  const states = await page.evaluate(() => window.__jumeauLayers!.state());
  const byStatus = (s: string) => states.filter((x) => x.status === s).map((x) => x.id);
  test.info().annotations.push({ type: 'layers ready', description: byStatus('ready').join(', ') });
  expect(byStatus('error')).toEqual(['metro-stations']);
  expect(states.find((s) => s.id === 'metro-stations')!.reason).toMatch(/^metro-stations\.geojson: not valid JSON/);
  expect(byStatus('ready').length).toBeGreaterThanOrEqual(19);
  expect(byStatus('ready')).toEqual(expect.arrayContaining(['parking', 'bus-network', 'population-grid', 'streets', 'trees', 'districts', 'metro-lines', 'demo-streets']));
  // Online-only layers say why they are not shown.
  expect(byStatus('unavailable').sort()).toEqual(['bike-lanes', 'city-plan', 'park-and-ride', 'wifi']);
  const all = await viewShot(page);
  expect(diffShare(none, all)).toBeGreaterThan(0.2);
  const msgs = await page.evaluate(() => window.__jumeau!.state().messages);
  expect(msgs.filter((m) => m.level === 'error')).toEqual([]);
  expect(msgs.some((m) => m.text.includes('Lignes de métro') || m.text.includes('Stations de métro'))).toBe(true);
  const frame = await page.evaluate(() => {
    window.__jumeau!.resetStats();
    for (let i = 0; i < 3; i++) window.__jumeau!.render();
    return window.__jumeau!.stats().frame!;
  });
  expect(frame.lastDrawCalls).toBeGreaterThan(20);
});

test('the search box finds a feature by name across the layers and flies there', async ({ page }) => {
  await offlineNetwork(page);
  await openApp(page, `?city=demo&${CAM}&stable=1&quality=low&offline=1&layers=metro-stations,trees`);
  await layersIdle(page);
  const before = await page.evaluate(() => window.__jumeau!.camera());
  await page.locator('#btn-panel-search').click();
  await page.locator('#search-input').fill('hetre pourpre');
  const first = page.locator('#search-results .search-result').first();
  await expect(first).toContainText('Hêtre pourpre');
  await expect(first.locator('.search-layer')).toHaveText('Arbres');
  await page.locator('#search-input').press('Enter');
  await expect(page.locator('#panel-info .panel-title')).toContainText('Hêtre pourpre');
  await expect(page.locator('#panel-info dd[data-key="RARETE"]')).not.toBeEmpty();
  const after = await page.evaluate(() => window.__jumeau!.camera());
  // Flew north-west to Villejean (the trees of the walk).
  expect(after!.lonDeg).toBeLessThan(before!.lonDeg - 0.01);
  expect(after!.latDeg).toBeGreaterThan(before!.latDeg + 0.01);
  expect(new URL(page.url()).searchParams.get('sel')).toMatch(/^trees:/);
});
