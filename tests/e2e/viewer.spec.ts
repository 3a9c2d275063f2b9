import { expect, test } from '@playwright/test';
import { diffShare, findBuildingPoint, hideUi, messages, offlineNetwork, openApp, viewShot } from './helpers.ts';

/**
 * The foundation in a real browser: the demo city opens without network, draws its buildings,
 * can be picked, and its URL reproduces the view. Few page loads: rendering is software here.
 */

const CAM = 'cam=-1.680045,48.099,700,20,-40,0';

test('opens the demo city offline: buildings drawn, labelled synthetic, sources shown', async ({ page }) => {
  const blocked = await offlineNetwork(page);
  await openApp(page, `?${CAM}&stable=1&quality=low`);
  const state = await page.evaluate(() => window.__jumeau!.state());
  // No ?city=: the online city does not answer here, so the app falls back to the demo.
  expect(state.city).toBe('demo');
  expect(blocked.some((u) => u.includes('rennes-coopterr-tiles'))).toBe(true);
  await expect(page.locator('#synthetic-badge')).toBeVisible();
  await expect(page.locator('#synthetic-banner')).toContainText('synthétiques');
  const stats = await page.evaluate(() => window.__jumeau!.stats());
  expect(stats.tileset!.featuresLoaded).toBeGreaterThan(1000);
  expect(stats.frame!.lastDrawCalls).toBeGreaterThan(5);

  await page.locator('#btn-panel-sources').click();
  const sources = page.locator('#panel-sources');
  await expect(sources).toBeVisible();
  await expect(sources).toContainText('Demo district');
  await expect(sources.locator('[data-role="buildings"]')).toContainText('CC0 1.0');
  await expect(sources.locator('[data-role="buildings"] .status')).toHaveText('synthétique');
  await expect(sources.locator('[data-role="imagery"]')).toContainText('Natural Earth');
  await expect(sources.locator('[data-role="basemap"]')).toContainText('non affiché');

  await hideUi(page);
  const withBuildings = await viewShot(page);
  // The same view with the buildings hidden: the empty globe.
  await page.evaluate(() => window.__jumeau!.setBuildingsShown(false));
  const empty = await viewShot(page);
  const share = diffShare(withBuildings, empty);
  test.info().annotations.push({ type: 'pixels differing from the empty globe', description: share.toFixed(3) });
  expect(share).toBeGreaterThan(0.15);
});

test('hovering highlights and clicking a building opens the info panel with its id', async ({ page }) => {
  await offlineNetwork(page);
  await openApp(page, `?city=demo&${CAM}&stable=1&quality=low&offline=1`);
  const target = await findBuildingPoint(page);
  expect(target).not.toBeNull();
  await page.mouse.move(target!.x, target!.y);
  await expect.poll(() => page.evaluate(() => window.__jumeau!.state().hovered)).toBe(target!.id);
  await page.mouse.click(target!.x, target!.y);
  const info = page.locator('#panel-info');
  await expect(info).toBeVisible();
  await expect(info.locator('dd[data-key="id"]')).toHaveText(target!.id);
  await expect(info.locator('dd[data-key="heightM"]')).toContainText(' m');
  await expect(info.locator('dd[data-key="use"]')).not.toBeEmpty();
  expect(new URL(page.url()).searchParams.get('sel')).toBe(target!.id);
});

test('a copied URL restores the same view: city, camera, time, panels, language, selection', async ({ page, context }) => {
  await offlineNetwork(page);
  await openApp(page, `?city=demo&${CAM}&stable=1&quality=low&offline=1`);
  // Change the view the way a user does: toolbar buttons and the keyboard.
  await page.locator('#btn-orbitRight').click();
  await page.locator('#btn-zoomIn').click();
  await page.locator('#view').focus();
  await page.keyboard.press('ArrowUp');
  await page.locator('#btn-panel-time').click();
  await page.locator('#time-slider').fill('1080'); // 18:00 Paris time
  await page.locator('#btn-lang').click();
  await expect(page.locator('#btn-lang')).toHaveText('Français');
  await page.evaluate(() => window.__jumeau!.waitForTiles(60_000));
  const target = await findBuildingPoint(page);
  await page.mouse.click(target!.x, target!.y);
  await expect(page.locator('#panel-info dd[data-key="id"]')).toHaveText(target!.id);
  await page.locator('#btn-share').click();
  await expect(page.locator('.messages')).toContainText(/copied|Copy this link/);
  const url = await page.evaluate(() => window.__jumeau!.state().url);
  const before = await page.evaluate(() => window.__jumeau!.camera());
  expect(url).toContain('t=2026-06-21T16:00Z');
  // Compare renderings at the camera the link holds (rounded to ~1 cm and 0.01°), without hover.
  await page.mouse.move(1, 1);
  await page.evaluate(() => window.__jumeau!.setCamera(window.__jumeau!.camera()!));
  await page.evaluate(() => window.__jumeau!.waitForTiles(60_000));
  await hideUi(page);
  const shotBefore = await viewShot(page);
  await test.info().attach('before.png', { body: shotBefore, contentType: 'image/png' });

  const other = await context.newPage();
  await offlineNetwork(other);
  await other.goto(url);
  await other.waitForFunction(() => document.getElementById('app')?.dataset.ready !== 'false');
  await other.evaluate(() => window.__jumeau!.waitForTiles(120_000));
  const after = await other.evaluate(() => window.__jumeau!.camera());
  expect(after!.lonDeg).toBeCloseTo(before!.lonDeg, 5);
  expect(after!.latDeg).toBeCloseTo(before!.latDeg, 5);
  expect(after!.heightM).toBeCloseTo(before!.heightM, 0);
  expect(after!.headingDeg).toBeCloseTo(before!.headingDeg, 1);
  expect(after!.pitchDeg).toBeCloseTo(before!.pitchDeg, 1);
  await expect(other.locator('#btn-lang')).toHaveText('Français'); // still English
  await expect(other.locator('#panel-time')).toBeVisible();
  await expect(other.locator('#time-output')).toHaveText('18:00');
  await expect(other.locator('#panel-info dd[data-key="id"]')).toHaveText(target!.id);
  await hideUi(other);
  const shotAfter = await viewShot(other);
  await test.info().attach('after.png', { body: shotAfter, contentType: 'image/png' });
  const share = diffShare(shotBefore, shotAfter);
  test.info().annotations.push({ type: 'pixels differing after reopening the link', description: share.toFixed(4) });
  expect(share).toBeLessThan(0.02);
});

test('bad URL parameters and an unknown city give messages and fall back to the demo', async ({ page }) => {
  await offlineNetwork(page);
  await openApp(page, '?city=atlantis&cam=1,2,nope&t=2026-02-31T10:00Z&panels=legend,bogus&stable=1&quality=low&offline=1');
  expect(await page.evaluate(() => window.__jumeau!.state().city)).toBe('demo');
  const texts = (await messages(page)).join('\n');
  expect(texts).toContain('Ville inconnue « atlantis »');
  expect(texts).toContain('« cam »');
  expect(texts).toContain('« t »');
  expect(texts).toContain('bogus');
  // The app is still usable: the legend is open and a building can be picked.
  await expect(page.locator('#panel-legend')).toBeVisible();
  expect(await findBuildingPoint(page)).not.toBeNull();
});

test('a broken tileset and a broken tile give messages; the globe and the UI keep working', async ({ page }) => {
  await offlineNetwork(page);
  await page.route('**/packs/demo/tileset.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"asset": {"version": "1.1"}, "root": ' }));
  await openApp(page, `?city=demo&${CAM}&stable=1&quality=low&offline=1`, { waitTiles: false });
  await expect(page.locator('.messages')).toContainText('Les bâtiments de « Demo district » n’ont pas pu être chargés');
  await expect(page.locator('.messages')).toContainText('tileset.json');
  // Still usable: panels and language switch respond.
  await page.locator('#btn-lang').click();
  await expect(page.locator('#btn-lang')).toHaveText('Français');
  await page.locator('#btn-panel-help').click();
  await expect(page.locator('#panel-help')).toContainText('Keyboard');

  const page2 = await page.context().newPage();
  await offlineNetwork(page2);
  await page2.route('**/packs/demo/tiles/1/**', (route) => route.fulfill({ status: 200, contentType: 'model/gltf-binary', body: Buffer.from('glTF garbage') }));
  await openApp(page2, `?city=demo&${CAM}&stable=1&quality=low&offline=1&lang=fr`, { waitTiles: false });
  await expect(page2.locator('.messages')).toContainText('Une tuile de bâtiments n’a pas pu être chargée', { timeout: 60_000 });
  await page2.evaluate(() => window.__jumeau!.waitForTiles(60_000));
  const stats = await page2.evaluate(() => window.__jumeau!.stats());
  expect(stats.tileset!.featuresLoaded).toBeGreaterThan(0); // the other tiles still show
});

test('an unreachable basemap falls back to the offline imagery with a message', async ({ page }) => {
  await offlineNetwork(page);
  await openApp(page, `?city=demo&${CAM}&stable=1&quality=low`, { waitTiles: false });
  await expect(page.locator('.messages')).toContainText('Fond de carte « OpenStreetMap tiles » injoignable');
  await page.locator('#btn-panel-sources').click();
  await expect(page.locator('#panel-sources [data-role="basemap"]')).toContainText('non affiché');
  await expect(page.locator('#panel-sources [data-role="imagery"]')).not.toContainText('non affiché');
});
