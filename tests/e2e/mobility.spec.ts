import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { diffShare, hideUi, offlineNetwork, openApp, viewShot } from './helpers.ts';

/**
 * Mobility in a real browser, on the demo pack's real Rennes layers: a walking isochrone from a
 * point clicked on the map (coloured streets and area drawn, 15-minute indicators listed), then
 * the parking-search day calibrated on the Citédia record and a scenario closing a car park.
 */

const CAM = 'cam=-1.6797,48.1098,2600,0,-89,0';

test('walking isochrone from a clicked point: streets and area drawn, indicators per amenity type', async ({ page }) => {
  test.setTimeout(240_000);
  await offlineNetwork(page);
  await openApp(page, `?city=demo&${CAM}&stable=1&quality=low&offline=1&panels=mobility`);
  await expect(page.locator('#mobility-origin option')).toHaveCount(6);
  const before = await (async () => {
    await hideUi(page);
    const shot = await viewShot(page);
    await page.addStyleTag({ content: '.topbar,.toolbar,.panel-stack,.messages,.banner,.credits{visibility:visible !important}' });
    return shot;
  })();
  await page.locator('#mobility-pick').click();
  await expect(page.locator('#mobility-hint')).toBeVisible();
  const p = await page.evaluate(() => window.__jumeau!.toWindow(-1.6797, 48.1098, 0));
  expect(p).not.toBeNull();
  const box = (await page.locator('#view canvas').boundingBox())!;
  await page.mouse.click(box.x + p!.x, box.y + p!.y);
  await expect(page.locator('#mobility-point')).toContainText('48.1');
  await expect(page.locator('#mobility-origin')).toHaveValue('point');
  await page.locator('#mobility-run-walk').click();
  await expect.poll(() => page.evaluate(() => window.__jumeauMobility!.state().walk?.edges ?? 0), { timeout: 120_000 }).toBeGreaterThan(100);
  const s = await page.evaluate(() => window.__jumeauMobility!.state());
  expect(s.error).toBeNull();
  expect(s.walk!.origins).toBe(1);
  expect(s.walk!.areaCells).toBeGreaterThan(100);
  const metro = s.walk!.kpis.find((k) => k.type === 'metro-stations')!;
  expect(metro.share).toBeGreaterThan(0.2);
  expect(metro.share).toBeLessThan(1);
  await expect(page.locator('#mobility-kpis tbody tr')).toHaveCount(s.walk!.kpis.length);
  await expect(page.locator('.mobility-legend li')).toHaveCount(3);
  // The areas export as GeoJSON polygons, one per band.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#mobility-export').click()]);
  const gj = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { features: { properties: { minutes: number }; geometry: { type: string; coordinates: unknown[] } }[] };
  expect(gj.features.map((f) => f.properties.minutes)).toEqual([5, 10, 15]);
  expect(gj.features.every((f) => f.geometry.type === 'MultiPolygon' && f.geometry.coordinates.length > 0)).toBe(true);
  await hideUi(page);
  const after = await viewShot(page);
  expect(diffShare(before, after)).toBeGreaterThan(0.005);
});

test('parking search: calibrated day, then closing Arsenal sends its drivers to other car parks', async ({ page }) => {
  test.setTimeout(240_000);
  await offlineNetwork(page);
  await openApp(page, `?city=demo&${CAM}&stable=1&quality=low&offline=1&panels=mobility`, { waitTiles: false });
  await page.locator('#mobility-run-park').click();
  await expect.poll(() => page.evaluate(() => window.__jumeauMobility!.state().park?.visitors ?? 0), { timeout: 120_000 }).toBeGreaterThan(1000);
  const first = await page.evaluate(() => window.__jumeauMobility!.state().park!);
  expect(first.rmse).not.toBeNull();
  expect(first.rmse!).toBeLessThan(15);
  await expect(page.locator('#mobility-park-fit')).toContainText('RMSE');
  await expect(page.locator('#mobility-parks tbody tr')).toHaveCount(10);
  await page.locator('input[data-park="74"]').uncheck();
  await page.locator('#mobility-run-park').click();
  await expect.poll(() => page.evaluate(() => window.__jumeauMobility!.state().park?.scenarioWalkM ?? null), { timeout: 120_000 }).not.toBeNull();
  await expect(page.locator('#mobility-park-shifts')).toContainText('Arsenal');
  await expect(page.locator('#mobility-park-summary thead th')).toHaveCount(3);
  await page.locator('#mobility-method-park').click();
  await expect(page.locator('#panel-mobility-method')).toContainText('RMSE');
});
