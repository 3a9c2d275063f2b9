import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, test, type Page } from '@playwright/test';
import { findBuildingPoint, offlineNetwork, openApp } from './helpers.ts';

/**
 * The planners' workbench in a real browser on the demo city: draw a building, demolish and undo,
 * compute the indicators (sun hours and building statistics on the baseline and the scenario, in
 * the worker pool): the table shows a non-zero sun loss; export → import gives the same scenario;
 * a corrupted file is refused with a message and changes nothing; the scenario survives a reload
 * (IndexedDB) and a share link opens it in a fresh browser.
 */

const CAM = 'cam=-1.6800,48.1035,650,0,-50,0';
const TOWER: [number, number][] = [[-1.6803, 48.1090], [-1.6797, 48.1090], [-1.6797, 48.1094], [-1.6803, 48.1094]];
const QUERY = `?city=demo&${CAM}&stable=1&quality=low&offline=1&panels=scenario`;

const state = (page: Page) => page.evaluate(() => window.__jumeauScenarios!.state());

async function clickAt(page: Page, lon: number, lat: number): Promise<void> {
  const p = await page.evaluate(([x, y]) => window.__jumeau!.toWindow(x!, y!, 0), [lon, lat]);
  expect(p).not.toBeNull();
  const box = (await page.locator('#view canvas').boundingBox())!;
  await page.mouse.click(box.x + p!.x, box.y + p!.y);
}

test('draw a building, demolish and undo, compute indicators: a non-zero sun loss; export → import; a corrupted file is refused; reload and share link', async ({ page, browser }) => {
  test.setTimeout(420_000);
  await offlineNetwork(page);
  await openApp(page, QUERY);
  await page.locator('#scn-new').click();
  await expect.poll(async () => (await state(page)).active?.name ?? null).toBe('Scénario 1');

  // Draw a 60 m tower.
  await page.locator('#scn-height').fill('60');
  await page.locator('#scn-floors').fill('20');
  await page.locator('#scn-add-building').click();
  await expect(page.locator('#scn-hint')).toBeVisible();
  for (const [lon, lat] of TOWER) await clickAt(page, lon, lat);
  await expect.poll(async () => (await state(page)).drawPoints).toBe(4);
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await state(page)).active?.edits.length).toBe(1);
  const s1 = (await state(page)).active!;
  expect(s1.edits[0]).toMatchObject({ kind: 'add-building', heightM: 60, floors: 20 });
  await expect(page.locator('#scn-edits li')).toHaveCount(1);
  await expect.poll(async () => (await state(page)).layer?.added).toBe(1);

  // Demolish a picked building, then undo it.
  await page.locator('#scn-remove-building').click();
  const b = await findBuildingPoint(page);
  expect(b).not.toBeNull();
  const box = (await page.locator('#view canvas').boundingBox())!;
  await page.mouse.click(box.x + b!.x, box.y + b!.y);
  await expect.poll(async () => (await state(page)).active?.edits.length).toBe(2);
  expect((await state(page)).active!.edits[1]).toMatchObject({ kind: 'remove-building', buildingId: b!.id });
  expect((await state(page)).layer?.hidden).toBe(1);
  await page.locator('#scn-undo').click();
  await expect.poll(async () => (await state(page)).active?.edits.length).toBe(1);
  expect((await state(page)).layer?.hidden).toBe(0);

  // Indicators: sun hours and building statistics, baseline and scenario.
  await page.locator('#scn-date').fill('2026-12-21');
  await page.locator('#scn-kpis').click();
  await expect.poll(async () => (await state(page)).table !== null, { timeout: 300_000 }).toBe(true);
  const table = (await state(page)).table!;
  const row = (id: string) => table.rows.find((r) => r.id === id)!;
  for (const r of table.rows) expect(r.error, r.id).toBeNull();
  expect(row('sun-lost').scenario).toBeGreaterThan(0);
  expect(row('building-count').delta).toBe(1);
  expect(row('max-height').scenario).toBeGreaterThanOrEqual(59);
  await expect(page.locator('#scn-kpi-table tr[data-kpi="sun-lost"]')).toContainText('m²·h');
  await expect(page.locator('#scn-kpi-table tr[data-kpi="building-count"] td').nth(3)).toHaveText('+1');

  // Split view: the divider shows.
  await page.locator('#scn-split').check();
  await expect(page.locator('#scn-divider')).toBeVisible();
  // Two synchronised views instead (the choices exclude each other): today's city in a second
  // view on the left, the scenario on the right; dragging the left view moves both cameras.
  await page.locator('#scn-sync').check();
  await expect(page.locator('#scn-divider')).toHaveCount(0);
  await expect(page.locator('#scn-sync-pane canvas')).toBeVisible();
  await expect(page.locator('#scn-sync-left')).toHaveText('Aujourd’hui');
  await expect(page.locator('#scn-sync-right')).toHaveText('Scénario 1');
  expect(page.url()).toContain('cmp=sync');
  await expect.poll(async () => (await state(page)).sync?.tileset, { timeout: 60_000 }).toBe(true);
  const cam0 = (await page.evaluate(() => window.__jumeau!.camera()))!;
  const pane = (await page.locator('#scn-sync-pane').boundingBox())!;
  await page.mouse.move(pane.x + pane.width * 0.5, pane.y + pane.height * 0.6);
  await page.mouse.down();
  await page.mouse.move(pane.x + pane.width * 0.3, pane.y + pane.height * 0.5, { steps: 6 });
  await page.mouse.up();
  await expect.poll(async () => (await state(page)).sync?.shared.left ?? 0).toBeGreaterThan(0);
  await expect.poll(async () => Math.abs((await page.evaluate(() => window.__jumeau!.camera()))!.lonDeg - cam0.lonDeg)).toBeGreaterThan(1e-5);
  // What the second view costs, beside the main one (bytes of tile content in memory).
  const mem = await page.evaluate(() => ({ main: window.__jumeau!.stats().tileset, sync: window.__jumeauScenarios!.state().sync }));
  console.log('sync view memory', JSON.stringify(mem));
  await page.evaluate(() => {
    document.getElementById('panel-scenario')!.style.visibility = 'hidden';
    window.__jumeau!.render();
  });
  await page.screenshot({ path: '/tmp/scenario-views-sync.png' });
  await page.evaluate(() => (document.getElementById('panel-scenario')!.style.visibility = ''));
  // axe-core on the panel (comparison radios) and the two views: no serious violation.
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  const axe = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string | null }[] }> } };
    const r = await w.axe.run({ include: [['#panel-scenario'], ['#view']] }, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact }));
  });
  expect(axe.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  await page.locator('#scn-cmp-off').check();
  await expect(page.locator('#scn-sync-pane')).toHaveCount(0);
  expect(page.url()).not.toContain('cmp=');

  // The report holds the edits and the table.
  const html = await page.evaluate(() => (window.__jumeauScenarios as unknown as { report(): Promise<string | null> }).report());
  expect(html).toContain('Heures de soleil perdues par les voisins');
  expect(html).toContain('data:image/png;base64,');

  // Export, then import the same file: the same scenario.
  const exported = (await page.evaluate(() => window.__jumeauScenarios!.exportText()))!;
  const before = (await state(page)).active!;
  await page.locator('#scn-import-file').setInputFiles({ name: 'tower.jumeau-scenario.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
  await expect(page.locator('#scn-message')).toContainText('importé');
  const after = (await state(page)).active!;
  expect(after).toEqual(JSON.parse(exported).scenario);
  expect(after.edits).toEqual(before.edits);
  expect((await state(page)).scenarios).toHaveLength(1);

  // A corrupted file is refused with a message; the work is untouched.
  await page.locator('#scn-import-file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(exported.slice(0, exported.length / 2)) });
  await expect(page.locator('#scn-message')).toContainText('Fichier refusé');
  await expect(page.locator('#scn-message')).toContainText('JSON');
  expect((await state(page)).active!.edits).toEqual(before.edits);
  const tampered = JSON.parse(exported);
  tampered.scenario.edits[0].heightM = -5;
  await page.locator('#scn-import-file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(tampered)) });
  await expect(page.locator('#scn-message')).toContainText('scenario.edits.0.heightM');
  expect((await state(page)).scenarios).toHaveLength(1);

  // Share link: with the split view shown and the indicators computed, the link says so.
  await page.locator('#scn-split').check();
  await page.locator('#scn-share').click();
  await expect(page.locator('#scn-message')).toContainText('Lien copié');
  const link = page.url();
  expect(link).toContain('scn=1.');
  expect(link).toContain('cmp=split');
  expect(link).toContain('kpi=2026-12-21');

  // Autosave: the scenario is there after a reload.
  await expect.poll(async () => (await state(page)).saved).toBe(true);
  await openApp(page, QUERY, { waitTiles: false });
  await expect.poll(async () => (await state(page)).scenarios.map((s) => s.edits), { timeout: 60_000 }).toEqual([1]);

  // The link in a fresh browser (empty storage) opens the same scenario.
  const other = await browser.newContext({ viewport: { width: 1024, height: 700 }, locale: 'fr-FR' });
  const p2 = await other.newPage();
  await offlineNetwork(p2);
  await p2.goto(link.replace(/^https?:\/\/[^/]+/, ''));
  await expect.poll(async () => (await p2.evaluate(() => window.__jumeauScenarios?.state().active?.edits ?? null)), { timeout: 120_000 }).toEqual(before.edits);
  await expect(p2.locator('#scn-message')).toContainText('Scénario partagé');
  // … in the same comparison view, and computes the same indicators (progress shown meanwhile).
  await expect(p2.locator('#scn-divider')).toBeVisible();
  await expect(p2.locator('#scn-message')).toContainText('2026-12-21');
  await expect.poll(async () => (await p2.evaluate(() => window.__jumeauScenarios!.state().table?.rows.map((r) => [r.id, r.baseline, r.scenario]) ?? null)), { timeout: 300_000 }).toEqual(table.rows.map((r) => [r.id, r.baseline, r.scenario]));
  await other.close();
});

test('import a glTF model, place it by a click and turn it with the numeric field; measure a distance and a height on the city', async ({ page }) => {
  test.setTimeout(240_000);
  await offlineNetwork(page);
  await openApp(page, QUERY.replace('panels=scenario', 'panels=scenario,measure'));
  await page.locator('#scn-new').click();
  await expect.poll(async () => (await state(page)).active !== null).toBe(true);
  // A 20 m × 20 m × 45 m box written as GLB.
  const { MeshBuilder } = await import('../../src/core/geometry/extrude.ts');
  const { writeGlb } = await import('../../src/core/gltf-io.ts');
  const mb = new MeshBuilder();
  mb.addExtrudedPolygon({ outer: [-10, -10, 10, -10, 10, 10, -10, 10], holes: [] }, 0, 45, 0);
  const glb = await writeGlb({ positions: mb.positions.toArray(), normals: mb.normals.toArray(), indices: mb.indices.toArray(), color: [0.9, 0.3, 0.9, 1] });
  await page.locator('#scn-model-file').setInputFiles({ name: 'tower.glb', mimeType: 'model/gltf-binary', buffer: Buffer.from(glb) });
  await expect.poll(async () => (await state(page)).tool).toBe('model');
  await clickAt(page, -1.6800, 48.1092);
  await expect.poll(async () => (await state(page)).active?.edits.length).toBe(1);
  expect((await state(page)).active!.edits[0]).toMatchObject({ kind: 'add-model', name: 'tower.glb', headingDeg: 0, scale: 1 });
  await expect.poll(async () => (await state(page)).layer?.models).toBe(1);
  const id = (await state(page)).active!.edits[0]!.id;
  // The 3D gizmo opened on the placed model: drag the yellow (rotate) handle from north of the
  // model to its west: a turn anticlockwise, one undo step, the camera still.
  const g = (await state(page)).gizmo!;
  expect(g.edit).toBe(id);
  const hd = (k: string) => g.handles.find((x) => x.handle === k)!;
  const c = hd('move'), r = hd('rotate');
  const vbox = (await page.locator('#view canvas').boundingBox())!;
  const cam1 = await page.evaluate(() => window.__jumeau!.camera());
  await page.screenshot({ path: '/tmp/scenario-views-gizmo.png' });
  await page.mouse.move(vbox.x + r.x, vbox.y + r.y);
  await page.mouse.down();
  await page.mouse.move(vbox.x + c.x - (c.y - r.y), vbox.y + c.y, { steps: 8 });
  expect((await state(page)).gizmo?.dragging).toBe('rotate');
  await page.mouse.up();
  await expect.poll(async () => (await state(page)).active!.edits[0]).toMatchObject({ kind: 'add-model' });
  const turned = (await state(page)).active!.edits[0] as { headingDeg: number };
  expect(turned.headingDeg).toBeGreaterThan(200);
  expect(turned.headingDeg).toBeLessThan(340);
  expect(await page.evaluate(() => window.__jumeau!.camera())).toEqual(cam1);
  // Escape during a drag of the white (move) handle puts the model back; nothing is recorded.
  await page.mouse.move(vbox.x + c.x, vbox.y + c.y);
  await page.mouse.down();
  await page.mouse.move(vbox.x + c.x - 40, vbox.y + c.y + 20, { steps: 4 });
  await page.keyboard.press('Escape');
  await page.mouse.up();
  expect((await state(page)).active!.edits[0]).toEqual(turned);
  // One undo step per drag.
  await page.locator('#scn-undo').click();
  await expect.poll(async () => (await state(page)).active!.edits[0]).toMatchObject({ headingDeg: 0 });
  await page.locator(`#scn-heading-${id}`).fill('45');
  await page.locator(`#scn-heading-${id}`).dispatchEvent('change');
  await expect.poll(async () => (await state(page)).active!.edits[0]).toMatchObject({ headingDeg: 45 });
  // A file with a model keeps it; a link cannot hold it.
  const text = (await page.evaluate(() => window.__jumeauScenarios!.exportText()))!;
  expect(Object.keys(JSON.parse(text).assets)).toHaveLength(1);
  await page.locator('#scn-share').click();
  await expect(page.locator('#scn-message')).toContainText('modèles importés');

  // A simulation parameter of the scenario: checked against the simulation's own input schema.
  await page.locator('.scn-params summary').click();
  await page.locator('#scn-param-sim').selectOption('sun-hours');
  await page.locator('#scn-param-name').fill('cellM');
  await page.locator('#scn-param-value').fill('0.01');
  await page.locator('#scn-param-set').click();
  await expect(page.locator('#scn-message')).toContainText('sun-hours.cellM');
  await page.locator('.scn-params summary').click().catch(() => undefined);
  if (!(await page.locator('#scn-param-name').isVisible())) await page.locator('.scn-params summary').click();
  await page.locator('#scn-param-sim').selectOption('sun-hours');
  await page.locator('#scn-param-name').fill('stepMin');
  await page.locator('#scn-param-value').fill('15');
  await page.locator('#scn-param-set').click();
  await expect.poll(async () => (await state(page)).active?.edits.at(-1)).toMatchObject({ kind: 'set-parameter', simulation: 'sun-hours', name: 'stepMin', value: 15 });

  // Measurements: a distance between two ground points 100 m apart, a height of 0 on flat ground.
  await page.locator('#measure-distance').click();
  await clickAt(page, -1.6815, 48.1080);
  const east = -1.6815 + 100 / (111_320 * Math.cos((48.108 * Math.PI) / 180));
  await clickAt(page, east, 48.1080);
  await page.keyboard.press('Enter');
  await expect(page.locator('#measure-result')).toContainText(/^\d/);
  const txt = (await page.locator('#measure-result').textContent())!;
  const metres = Number(txt.split(' m')[0]!.replace(/\s/g, '').replace(',', '.'));
  expect(metres).toBeGreaterThan(95);
  expect(metres).toBeLessThan(105);
});

test('a Draco-compressed model is accepted, read in the page (draco3dgltf WebAssembly) and placed', async ({ page }) => {
  test.setTimeout(180_000);
  await offlineNetwork(page);
  await openApp(page, QUERY);
  await page.locator('#scn-new').click();
  await expect.poll(async () => (await state(page)).active !== null).toBe(true);
  const { MeshBuilder } = await import('../../src/core/geometry/extrude.ts');
  const { writeGlb } = await import('../../src/core/gltf-io.ts');
  const { compressedGlb } = await import('../support/compressed-glb.ts');
  const mb = new MeshBuilder();
  mb.addExtrudedPolygon({ outer: [-10, -10, 10, -10, 10, 10, -10, 10], holes: [] }, 0, 45, 0);
  const glb = await compressedGlb(await writeGlb({ positions: mb.positions.toArray(), normals: mb.normals.toArray(), indices: mb.indices.toArray(), color: [0.3, 0.6, 0.9, 1] }), 'draco');
  await page.locator('#scn-model-file').setInputFiles({ name: 'draco-tower.glb', mimeType: 'model/gltf-binary', buffer: Buffer.from(glb) });
  await expect.poll(async () => (await state(page)).tool).toBe('model');
  await clickAt(page, -1.68, 48.1092);
  await expect.poll(async () => (await state(page)).active?.edits.length).toBe(1);
  await expect.poll(async () => (await state(page)).layer?.models).toBe(1);
});
