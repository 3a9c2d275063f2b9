import { expect, test, type Page } from '@playwright/test';
import { diffShare, messages, offlineNetwork, openApp, viewShot } from './helpers.ts';

/**
 * Wifi coverage in a real browser: a malformed `wifiap` URL parameter is reported, a hotspot is
 * placed in the scenario with a click, the coverage raster and key figures appear; a second
 * hotspot re-runs the study and the figures grow; squares become candidates and the planner
 * proposes hotspots with their marginal gain; facades get their own figures; the method card
 * names its model.
 */

const CAM = 'cam=-1.6800,48.1030,900,0,-55,0';
const shots = process.env.WIFI_SHOTS;

async function clickAt(page: Page, lon: number, lat: number): Promise<void> {
  const p = await page.evaluate(([x, y]) => window.__jumeau!.toWindow(x!, y!, 0), [lon, lat]);
  expect(p).not.toBeNull();
  const box = (await page.locator('#view canvas').boundingBox())!;
  await page.mouse.click(box.x + p!.x, box.y + p!.y);
}

const state = (page: Page) => page.evaluate(() => window.__jumeauWifi!.state());

test('add hotspots in a scenario: the coverage raster and key figures update; planning proposes hotspots', async ({ page }) => {
  test.setTimeout(300_000);
  await offlineNetwork(page);
  await openApp(page, `?city=demo&${CAM}&stable=1&quality=low&offline=1&panels=wifi&wifiap=not-an-access-point`);
  await expect.poll(() => messages(page)).toContainEqual(expect.stringContaining('wifiap'));
  await expect(page.locator('#wifi-open-data')).toContainText('Aucun point d’accès public');
  await page.locator('#wifi-cell').fill('8');

  // Place a hotspot with a click in the view.
  await page.locator('#wifi-add').click();
  await expect(page.locator('#wifi-hint')).toBeVisible();
  await clickAt(page, -1.6800, 48.1096);
  await expect.poll(async () => (await state(page)).scenarioAps).toBe(1);
  await expect(page.locator('#wifi-list li')).toHaveCount(1);
  expect(page.url()).toMatch(/wifiap=-1\.68\d*_48\.109\d*_4_20_2\.4_o/);

  const before = await viewShot(page);
  await page.locator('#wifi-run').click();
  await expect.poll(async () => (await state(page)).result?.cells ?? 0, { timeout: 120_000 }).toBeGreaterThan(1000);
  const first = (await state(page)).result!;
  expect(first.coveredCells).toBeGreaterThan(0);
  expect(first.coveredCells).toBeLessThan(first.cells);
  expect(first.residents).toBeGreaterThan(0);
  await expect(page.locator('#wifi-kpis')).toContainText('Habitants couverts');
  await expect(page.locator('#wifi-kpis')).toContainText('Surface couverte');
  await expect(page.locator('#wifi-legend li')).not.toHaveCount(0);
  await expect(page.locator('#wifi-result')).toContainText('synthétiques');
  const after = await viewShot(page);
  expect(diffShare(before, after)).toBeGreaterThan(0.02);
  const firstKpis = await page.locator('#wifi-kpis').textContent();

  // A second hotspot re-runs the study by itself: more area and residents covered.
  await page.locator('#wifi-add').click();
  await clickAt(page, -1.6835, 48.1075);
  await expect.poll(async () => (await state(page)).runs, { timeout: 120_000 }).toBe(2);
  const second = (await state(page)).result!;
  expect(second.aps).toBe(2);
  expect(second.coveredCells).toBeGreaterThan(first.coveredCells);
  expect(second.coveredResidents).toBeGreaterThanOrEqual(first.coveredResidents);
  await expect(page.locator('#wifi-kpis')).not.toHaveText(firstKpis!);
  if (shots !== undefined) await page.screenshot({ path: `${shots}/wifi-two-hotspots.png` });

  // Planning: the demo's squares as candidates, two hotspots to place.
  await page.locator('#wifi-squares').click();
  await expect.poll(async () => (await state(page)).candidates).toBeGreaterThan(1);
  await page.locator('#wifi-place').fill('2');
  await page.locator('#wifi-run').click();
  await expect.poll(async () => (await state(page)).runs, { timeout: 120_000 }).toBe(3);
  const planned = (await state(page)).result!;
  expect(planned.picks).toBeGreaterThan(0);
  await expect(page.locator('#wifi-picks li').first()).toContainText('habitants');
  if (shots !== undefined) {
    await page.locator('#wifi-picks').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${shots}/wifi-planning.png` });
  }

  // Removing a hotspot re-runs: coverage falls back.
  await page.locator('#wifi-list .wifi-remove').last().click();
  await expect.poll(async () => (await state(page)).runs, { timeout: 120_000 }).toBe(4);
  expect((await state(page)).result!.coveredCells).toBeLessThan(planned.coveredCells);

  // Also on facades: receivers on the walls, their covered area and buildings.
  await page.locator('#wifi-facades').check();
  await page.locator('#wifi-run').click();
  await expect.poll(async () => (await state(page)).runs, { timeout: 120_000 }).toBe(5);
  const facades = (await state(page)).result!.facades!;
  expect(facades.coveredAreaM2).toBeGreaterThan(0);
  expect(facades.coveredAreaM2).toBeLessThan(facades.areaM2);
  expect(facades.coveredBuildings).toBeGreaterThan(0);
  await expect(page.locator('#wifi-kpis')).toContainText('Façades couvertes');
  if (shots !== undefined) await page.screenshot({ path: `${shots}/wifi-facades.png` });

  await page.locator('#wifi-method').click();
  await expect(page.locator('#panel-wifi-method')).toContainText('P.1411');
  expect((await state(page)).error).toBeNull();
});
