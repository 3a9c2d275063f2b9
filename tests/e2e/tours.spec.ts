import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { messages, offlineNetwork, openApp } from './helpers.ts';

/**
 * Project tours in a real browser, offline, on the demo city: the sample tour played in presenter
 * mode with the keyboard (a screenshot per stop), authoring a copy and export → import, and bad
 * tour files and links. Few page loads: rendering is software here.
 */

const BASE = '?city=demo&stable=1&quality=low&offline=1';
const SHOTS = join('test-results', 'tours');

async function waitShowing(page: Page, index: number): Promise<void> {
  await expect.poll(() => page.evaluate(() => window.__jumeauTours!.state()), { timeout: 60_000 }).toMatchObject({ status: 'showing', index });
  await page.evaluate(() => window.__jumeau!.waitForTiles(120_000));
}

test('the sample tour plays in presenter mode with the keyboard: caption and camera per stop', async ({ page }) => {
  await offlineNetwork(page);
  await openApp(page, `${BASE}&panels=tour`);
  await expect(page.locator('#tour-select')).toContainText('Visite du quartier de démonstration');
  const layersOn = () => page.evaluate(() => window.__jumeauLayers!.state().filter((l) => l.on).map((l) => l.id).sort().join(','));
  const layersBefore = await layersOn();
  expect(layersBefore).not.toContain('metro-lines');
  await page.locator('#tour-present').click();
  // Presenter mode: the editing UI is hidden, the synthetic banner stays.
  await expect(page.locator('.toolbar')).toBeHidden();
  await expect(page.locator('#tour-panel')).toBeHidden();
  await expect(page.locator('#synthetic-banner')).toBeVisible();
  mkdirSync(SHOTS, { recursive: true });
  const cameras = [];
  const titles = ['Le quartier', 'Les tours', 'Les transports'];
  for (let i = 0; i < 3; i++) {
    if (i === 1) await page.keyboard.press('ArrowRight');
    if (i === 2) await page.keyboard.press('PageDown'); // a presentation clicker
    await waitShowing(page, i);
    await expect(page.locator('.tour-player-title')).toHaveText(titles[i]!);
    await expect(page.locator('.tour-dot.current')).toHaveCount(1);
    await expect(page.locator('.tour-player-dots li').nth(i).locator('.tour-dot')).toHaveClass(/current/);
    if (i === 2) await expect.poll(layersOn).toContain('metro-lines');
    cameras.push(await page.evaluate(() => window.__jumeau!.camera()));
    await page.evaluate(() => window.__jumeau!.render());
    writeFileSync(join(SHOTS, `stop-${i + 1}.png`), await page.screenshot());
  }
  // The caption is rendered Markdown: the second stop has a heading and a list.
  await page.keyboard.press('PageUp');
  await waitShowing(page, 1);
  await expect(page.locator('.tour-player-caption h4')).toHaveText('Les tours du sud');
  await expect(page.locator('.tour-player-caption li')).toHaveCount(2);
  // Each stop has its own camera.
  const key = (c: unknown) => JSON.stringify(c);
  expect(new Set(cameras.map(key)).size).toBe(3);
  expect(cameras[1]!.heightM).toBeLessThan(400);
  // Space pauses/plays; Esc leaves presenter mode and gives the editing UI back.
  await page.keyboard.press(' ');
  expect((await page.evaluate(() => window.__jumeauTours!.state())).paused).toBe(false);
  await page.keyboard.press('Escape');
  await expect(page.locator('#tour-player')).toBeHidden();
  await expect(page.locator('.toolbar')).toBeVisible();
  expect(await page.evaluate(() => window.__jumeauTours!.state().status)).toBe('stopped');
  // The third stop showed the metro layers; leaving the tour gives back the layers shown before it.
  await expect.poll(layersOn).toBe(layersBefore);
});

test('authoring: copy the sample, add the current view, reorder by keyboard, export → import reproduces the tour', async ({ page }) => {
  await offlineNetwork(page);
  await openApp(page, `${BASE}&panels=tour&cam=-1.6700,48.1050,600,200,-40,0`);
  await page.locator('#tour-copy').click();
  await expect(page.locator('#tour-name')).toHaveValue(/copie/);
  await page.locator('#tour-add-stop').click();
  await expect(page.locator('#tour-stops > li')).toHaveCount(4);
  await page.locator('#stop-title').fill('Vue ajoutée');
  await page.locator('#stop-title').press('Tab');
  await page.locator('#stop-caption').fill('Une **nouvelle** vue <b>pas du HTML</b>');
  await page.locator('#stop-caption').press('Tab');
  await expect(page.locator('.tour-caption-preview strong')).toHaveText('nouvelle');
  await expect(page.locator('.tour-caption-preview b')).toHaveCount(0);
  // Move the new stop (the 4th) to the front with Alt+↑, three times.
  for (let i = 0; i < 3; i++) {
    const row = page.locator('#tour-stops > li.selected');
    await row.focus();
    await row.press('Alt+ArrowUp');
  }
  await expect(page.locator('#tour-stops > li').first()).toContainText('Vue ajoutée');
  // Drag and drop: the last stop onto the second place.
  await page.locator('#tour-stops > li').nth(3).dragTo(page.locator('#tour-stops > li').nth(1));
  await expect(page.locator('#tour-stops > li .tour-stop-title')).toHaveText(['Vue ajoutée', 'Les transports', 'Le quartier', 'Les tours']);
  const made = JSON.parse((await page.evaluate(() => window.__jumeauTours!.current()))!);
  expect(made.stops[0].camera).toMatchObject({ lonDeg: -1.67, latDeg: 48.105 });
  // Export (a download), delete, import the file: the same tour comes back.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#tour-export').click()]);
  const file = await download.path();
  const exported = readFileSync(file!, 'utf8');
  expect(exported).toBe(await page.evaluate(() => window.__jumeauTours!.current()));
  page.once('dialog', (d) => void d.accept());
  await page.locator('#tour-delete').click();
  await expect(page.locator('#tour-select')).not.toContainText('copie');
  await page.locator('#tour-file').setInputFiles({ name: 'visite.jumeau-tour.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
  await expect(page.locator('.tour-info')).toContainText('importée (4 arrêts)');
  expect(await page.evaluate(() => window.__jumeauTours!.current())).toBe(exported);
  // Saved in the browser: still there after a reload.
  await page.reload();
  await page.waitForFunction(() => document.getElementById('app')?.dataset.ready !== 'false');
  expect(await page.evaluate(() => window.__jumeauTours!.state().tours.length)).toBe(2);
  // Shared by link: the link carries the whole tour; opening it plays the same tour.
  await page.locator('#tour-share').click();
  const url = await page.locator('#tour-link').inputValue();
  expect(url).toMatch(/\?city=demo&tour=z1\.[A-Za-z0-9_-]+$/);
  await page.evaluate(() => localStorage.clear());
  await page.goto(url!.replace(/^http:\/\/[^/]+/, '') + '&offline=1&stable=1&quality=low');
  await page.waitForFunction(() => document.getElementById('app')?.dataset.ready !== 'false');
  await waitShowing(page, 0);
  await expect(page.locator('.tour-player-title')).toHaveText('Vue ajoutée');
  expect(await page.evaluate(() => window.__jumeauTours!.current())).toBe(exported);
});

test('a malformed tour file or ?tour= link gives a message, not a broken page', async ({ page }) => {
  await offlineNetwork(page);
  await openApp(page, `${BASE}&panels=tour&tour=z1.thisIsNotAValidTour`, { waitTiles: false });
  expect(await page.evaluate(() => document.getElementById('app')!.dataset.ready)).toBe('true');
  await expect.poll(() => messages(page)).toEqual(expect.arrayContaining([expect.stringContaining('Lien de visite illisible : link parameter "tour"')]));
  await expect(page.locator('#tour-select')).toContainText('Visite du quartier');
  // A broken file: the error names the file and the field; nothing else changes.
  const good = JSON.parse((await page.evaluate(() => window.__jumeauTours!.current()))!);
  const bad = { ...good, id: 'x-1', stops: [{ ...good.stops[0], camera: { ...good.stops[0].camera, pitchDeg: 'down' } }] };
  await page.locator('#tour-file').setInputFiles({ name: 'cassee.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  await expect(page.locator('.tour-error')).toContainText('cassee.json: stops[0].camera.pitchDeg');
  await page.locator('#tour-file').setInputFiles({ name: 'pas-du-json.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "jumeau-tour", ') });
  await expect(page.locator('.tour-error')).toContainText('pas-du-json.json: not JSON');
  // A valid tour with HTML in its caption plays it as text.
  const html = { ...good, id: 'html-1', name: 'HTML', sample: undefined, stops: [{ ...good.stops[0], scenarioId: 'sc-future', caption: '<img src=x onerror="window.__pwned=1">[x](javascript:window.__pwned=2)' }] };
  await page.locator('#tour-file').setInputFiles({ name: 'html.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(html)) });
  await expect(page.locator('.tour-info')).toContainText('importée');
  await page.locator('#tour-window').click();
  await waitShowing(page, 0);
  await expect(page.locator('.tour-player-caption')).toContainText('<img src=x');
  expect(await page.locator('.tour-player-caption img, .tour-player-caption a').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  // Its stop names a scenario that is not available (yet): today's city is shown, with a note.
  await expect(page.locator('.tour-player-notes')).toContainText('Scénario « sc-future » non disponible');
  // An unknown tour id in a link: a message too.
  await page.goto(`/${BASE}&tour=no-such-tour`);
  await page.waitForFunction(() => document.getElementById('app')?.dataset.ready !== 'false');
  await expect.poll(() => messages(page)).toEqual(expect.arrayContaining([expect.stringContaining('« no-such-tour » introuvable')]));
});

test('kiosk: cuts under reduced motion, returns to the start when idle, needs Esc twice to leave', async ({ page }) => {
  await offlineNetwork(page);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await openApp(page, `${BASE}&tour=demo-tour&tourmode=kiosk&kioskidle=5`, { waitTiles: false });
  await waitShowing(page, 0);
  await expect(page.locator('#tour-player')).toHaveAttribute('data-mode', 'kiosk');
  await expect(page.locator('.toolbar')).toBeHidden();
  expect(page.url()).toContain('tourmode=kiosk');
  // Home goes to the first stop (the kiosk may have advanced by itself while tiles loaded), → to the second.
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  // A cut: the stop is shown at once, not after a flight.
  expect(await page.evaluate(() => window.__jumeauTours!.state())).toMatchObject({ index: 1, status: 'showing' });
  // Nobody touches anything for 5 s: back to the first stop.
  await expect.poll(() => page.evaluate(() => window.__jumeauTours!.state().index), { timeout: 15_000 }).toBe(0);
  await page.keyboard.press('Escape');
  await expect(page.locator('.tour-player-hint')).toBeVisible();
  expect(await page.evaluate(() => window.__jumeauTours!.state().status)).not.toBe('stopped');
  await page.keyboard.press('Escape');
  await expect(page.locator('#tour-player')).toBeHidden();
  await expect(page.locator('.toolbar')).toBeVisible();
  expect(page.url()).not.toContain('tour=');
});
