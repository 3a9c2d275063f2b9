import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { buildCity } from '../../src/city/node/build.ts';
import { packsDir } from '../../src/city/node/pack.ts';
import { findBuildingPoint, offlineNetwork, openApp } from './helpers.ts';

/**
 * A pack built by the city pipeline from real open data (Lyon 1er, IGN BD TOPO, read in place
 * from ../shared/data) opens in the viewer as a city, and a picked building shows the height of
 * its source record. The pack is built here, into the packs folder the test server serves.
 */

const SOURCE = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'lyon', 'buildings', 'buildings_lyon1er_bdtopo_EPSG3946.geojson');
const PACK = 'lyon-1er';

test.beforeAll(async () => {
  await buildCity({
    inputs: [SOURCE],
    outDir: join(packsDir(), PACK),
    name: 'Lyon 1er',
    attribution: { title: 'BD TOPO bâtiments, Lyon 1er', publisher: 'IGN', licence: 'Licence Ouverte 2.0', date: '2019' },
    sourceName: 'BD TOPO 2019',
    workers: 0,
  });
});

test('a Lyon 1er building picked in the viewer shows the height of its source record', async ({ page }) => {
  const source = JSON.parse(await readFile(SOURCE, 'utf8')) as { features: { properties: { ID: string; HAUTEUR: number; USAGE1: string | null } }[] };
  const byId = new Map(source.features.map((f) => [f.properties.ID, f.properties]));
  await offlineNetwork(page);
  await openApp(page, `?city=${PACK}&stable=1&quality=low&offline=1`);
  expect(await page.evaluate(() => window.__jumeau!.state().city)).toBe(PACK);
  await expect(page.locator('#synthetic-badge')).toBeHidden();
  const target = await findBuildingPoint(page);
  expect(target).not.toBeNull();
  const record = byId.get(target!.id);
  expect(record, `picked id ${target!.id} is a source record`).toBeDefined();
  await page.mouse.click(target!.x, target!.y);
  const info = page.locator('#panel-info');
  await expect(info.locator('dd[data-key="id"]')).toHaveText(target!.id);
  const shown = await info.locator('dd[data-key="heightM"]').textContent();
  // French formatting: "28,4 m".
  expect(Number(shown!.replace(/\s*m$/, '').replace(',', '.').replace(/\s/g, ''))).toBe(record!.HAUTEUR);
  await expect(info.locator('dd[data-key="heightSource"]')).toHaveText('attribut de la source');
  await expect(info.locator('dd[data-key="source"]')).toHaveText('BD TOPO 2019');
  // Where the data comes from.
  await page.locator('#btn-panel-sources').click();
  await expect(page.locator('#panel-sources [data-role="buildings"]')).toContainText('IGN');
  await expect(page.locator('#panel-sources [data-role="buildings"]')).toContainText('Licence Ouverte 2.0');
});
