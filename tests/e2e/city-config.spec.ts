import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { messages, offlineNetwork, openApp } from './helpers.ts';

/**
 * A city described by a JSON file alone (README "Adding a city"): the run-time configuration
 * (`api/config`, server/config-route.ts) offers it as the default city; it reuses the demo
 * pack's tiles and layer files, declares two basemaps (XYZ and WMS, served here by the test),
 * two layers shown by default and the London time zone, which the time panel (sun) and the
 * parking time slider use. A second, broken city file gives a message naming its JSON paths and
 * the app goes on. One page load (software WebGL is slow).
 */

const ATTR = { publisher: 'Jumeau e2e', licence: 'CC0 1.0', date: '2026', status: 'synthetic' } as const;

const CITY = {
  format: 'jumeau-city',
  version: 1,
  id: 'e2e-london',
  names: { fr: 'Ville de test (Londres)', en: 'Test city (London)' },
  timeZone: 'Europe/London',
  synthetic: true,
  pack: 'demo',
  basemaps: [
    { kind: 'xyz', id: 'plan', names: { fr: 'Plan de test', en: 'Test map' }, url: '/e2e-xyz/{z}/{x}/{y}.png', maximumLevel: 18, attribution: { title: 'Plan XYZ de test', ...ATTR } },
    { kind: 'wms', id: 'ortho', names: { fr: 'Ortho de test', en: 'Test aerial' }, url: '/e2e-wms', layers: 'ortho', attribution: { title: 'Ortho WMS de test', ...ATTR } },
  ],
  layers: [
    { display: 'parking', defaultOn: true },
    { display: 'districts', defaultOn: true },
    // A generic layer: GeoJSON from a URL, coloured by classes of an attribute.
    {
      kind: 'geojson', id: 'e2e-zones', names: { fr: 'Zones de test', en: 'Test zones' }, theme: 'districts', defaultOn: true,
      url: '/e2e-data/zones.geojson', properties: ['zone', 'nom'], nameProperty: 'nom',
      style: { colour: { kind: 'classes', property: 'zone', classes: [{ value: 'A', colour: '#e41a1c', label: { fr: 'Zone A', en: 'Area A' } }, { value: 'B', colour: '#377eb8', label: { fr: 'Zone B', en: 'Area B' } }] }, opacity: 0.5 },
      attribution: { title: 'Zones de test', ...ATTR },
    },
  ],
};

const ZONES = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { nom: 'Zone nord', zone: 'A' }, geometry: { type: 'Polygon', coordinates: [[[-1.684, 48.106], [-1.680, 48.106], [-1.680, 48.109], [-1.684, 48.109], [-1.684, 48.106]]] } },
    { type: 'Feature', properties: { nom: 'Zone sud', zone: 'B' }, geometry: { type: 'Polygon', coordinates: [[[-1.684, 48.101], [-1.680, 48.101], [-1.680, 48.104], [-1.684, 48.104], [-1.684, 48.101]]] } },
    { type: 'Feature', properties: { nom: 'Kiosque', zone: 'B' }, geometry: { type: 'Point', coordinates: [-1.682, 48.105] } },
  ],
};

const BROKEN = { ...CITY, id: 'e2e-broken', timeZone: 'Europe/Atlantis', basemaps: [{ kind: 'xyz', id: 'x', names: { fr: 'x' }, url: 'https://x/{z}.png' }] };

function png(rgb: readonly [number, number, number]): Buffer {
  const p = new PNG({ width: 256, height: 256 });
  for (let i = 0; i < p.data.length; i += 4) [p.data[i], p.data[i + 1], p.data[i + 2], p.data[i + 3]] = [rgb[0], rgb[1], rgb[2], 255];
  return PNG.sync.write(p);
}

async function serveCity(page: Page): Promise<void> {
  const config = { format: 'jumeau-config', version: 1, defaultCity: 'e2e-london', cities: [{ name: 'e2e-london.json', city: CITY }, { name: 'broken.json', city: BROKEN }] };
  await page.route('**/api/config', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(config) }));
  const xyz = png([40, 90, 160]);
  const wms = png([150, 110, 60]);
  await page.route('**/e2e-xyz/**', (route) => route.fulfill({ status: 200, contentType: 'image/png', body: xyz }));
  await page.route('**/e2e-data/zones.geojson', (route) => route.fulfill({ status: 200, contentType: 'application/geo+json', body: JSON.stringify(ZONES) }));
  await page.route('**/e2e-wms?**', (route) => route.fulfill({ status: 200, contentType: 'image/png', body: wms }));
}

test('a city from a JSON file: basemap switcher, its layers with legends and attributions, its time zone', async ({ page }) => {
  await offlineNetwork(page);
  await serveCity(page);
  // No city in the link: the run-time configuration's default city opens.
  await openApp(page, '?stable=1&quality=low&ptime=08:00&panels=legend,time,layers');
  expect(await page.evaluate(() => window.__jumeau!.state().city)).toBe('e2e-london');
  await expect(page.locator('#city-select option:checked')).toContainText('Ville de test (Londres)');

  // The broken city file: one message naming the file and its JSON paths; the app goes on.
  const texts = (await messages(page)).join('\n');
  expect(texts).toContain('broken.json');
  expect(texts).toContain('$.timeZone');
  expect(texts).toContain('$.basemaps[0].names.en');
  expect(await page.locator('#city-select option').allTextContents()).not.toContain('Ville de test (Londres)'.replace('Londres', 'Atlantis'));

  // Basemap switcher: the city's two basemaps and "none"; the first is shown.
  const select = page.locator('#basemap-select');
  await expect(select).toBeVisible();
  expect(await select.locator('option').allTextContents()).toEqual(['Plan de test', 'Ortho de test', 'Aucun']);
  await expect(select).toHaveValue('plan');
  mkdirSync('test-results', { recursive: true });
  await page.locator('.topbar').screenshot({ path: 'test-results/city-config-topbar.png' });
  await page.locator('#btn-panel-sources').click();
  await expect(page.locator('#panel-sources')).toContainText('Plan XYZ de test');
  await select.selectOption('ortho');
  await expect(page.locator('#panel-sources')).toContainText('Ortho WMS de test');
  await expect(page.locator('#panel-sources')).not.toContainText('Plan XYZ de test');
  expect(await page.evaluate(() => window.__jumeau!.state().url)).toContain('basemap=ortho');

  // Only the layers the file lists, on by default, with legends and attributions.
  expect(await page.evaluate(() => window.__jumeauLayers!.idle(120_000))).toBe(true);
  const rows = page.locator('#panel-layers [data-layer]');
  expect((await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.layer))).sort()).toEqual(['districts', 'e2e-zones', 'parking']);
  const zones = page.locator('[data-layer="e2e-zones"]');
  await expect(zones).toContainText('Zones de test');
  await expect(zones.locator('.layer-state')).toHaveText('3 objets');
  await expect(zones.locator('.layer-legend')).toContainText('Zone A');
  await expect(zones.locator('.layer-legend')).toContainText('Zone B');
  await expect(zones.locator('.layer-legend .legend-source')).toContainText('Jumeau e2e');
  await expect(zones.locator('.layer-legend .legend-source')).toContainText('synthétique');
  const parking = page.locator('[data-layer="parking"]');
  await expect(parking.locator('.layer-state')).toHaveText('10 objets');
  await expect(parking.locator('.layer-legend .legend-source')).toContainText('Citédia');
  await expect(parking.locator('.layer-legend .legend-source')).toContainText('enregistré');
  await expect(page.locator('[data-layer="districts"] .layer-legend .legend-source')).toContainText('Rennes');

  // The city's time zone: the recorded day (10:20–21:55 in Paris) reads 09:20–20:55 in London,
  // and the sun's 12:00 UTC (stable clock) shows as 13:00 in the time panel.
  await expect(parking.locator('.layer-time-explain')).toContainText('09:20');
  await expect(page.locator('#time-output')).toHaveText('13:00');
  await page.locator('#panel-layers').screenshot({ path: 'test-results/city-config-layers.png' });
  await page.screenshot({ path: 'test-results/city-config.png' });
});
