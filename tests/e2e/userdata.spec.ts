import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { Document, NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import { expect, test, type Page } from '@playwright/test';
import { messages, offlineNetwork, openApp } from './helpers.ts';

/**
 * Bring your own data (issue 13) in a real browser, offline: a GeoJSON dropped on the window, a
 * CSV through the file picker, a 3D Tiles tileset by URL (the demo pack, served by the app's own
 * server), a GLB model; each appears in "my data", can be picked into the info panel, and a
 * corrupt file of each kind gives a message naming it; local 3D Tiles (the demo pack as a .3tz and
 * as a picked folder) and a .gltf with its .bin. On the layers-only Paris pack, so the only 3D
 * content is what the test adds.
 */

const fixture = (name: string) => readFileSync(new URL(`../fixtures/userdata/${name}`, import.meta.url));

/** A 30 m cube as a glTF binary (written with glTF-Transform). */
async function cubeGlb(): Promise<Uint8Array> {
  const doc = new Document();
  const buffer = doc.createBuffer();
  const s = 15;
  const p = [-s, 0, -s, s, 0, -s, s, 0, s, -s, 0, s, -s, 2 * s, -s, s, 2 * s, -s, s, 2 * s, s, -s, 2 * s, s];
  const idx = [0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 1, 2, 6, 1, 6, 5, 2, 3, 7, 2, 7, 6, 3, 0, 4, 3, 4, 7];
  const position = doc.createAccessor().setType('VEC3').setArray(new Float32Array(p)).setBuffer(buffer);
  const indices = doc.createAccessor().setType('SCALAR').setArray(new Uint16Array(idx)).setBuffer(buffer);
  const material = doc.createMaterial('concrete').setBaseColorFactor([0.9, 0.4, 0.1, 1]).setDoubleSided(true);
  const prim = doc.createPrimitive().setAttribute('POSITION', position).setIndices(indices).setMaterial(material);
  const mesh = doc.createMesh('cube').addPrimitive(prim);
  doc.createScene('s').addChild(doc.createNode('cube').setMesh(mesh));
  return new NodeIO().writeBinary(doc);
}

async function dropFile(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  await page.evaluate(
    ([n, data]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(data)], n));
      const target = document.getElementById('view')!;
      target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    [name, [...bytes]] as const,
  );
}

async function idle(page: Page): Promise<void> {
  expect(await page.evaluate(() => window.__jumeauUserData!.idle(120_000))).toBe(true);
}

const itemNamed = (page: Page, name: string) => page.evaluate((n) => window.__jumeauUserData!.state().find((s) => s.name === n || s.name.startsWith(n)) ?? null, name);

/** Picks a grid of window points until one hits the item's layer. */
async function pickItem(page: Page, id: string): Promise<{ layerId: string; id: string | null } | null> {
  await page.evaluate(() => window.__jumeau!.waitForTiles(60_000));
  return page.evaluate((itemId) => {
    window.__jumeau!.render();
    const canvas = document.querySelector('#view canvas') as HTMLCanvasElement;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    const r = canvas.getBoundingClientRect();
    for (let fy = 0.3; fy < 0.8; fy += 0.05) {
      for (let fx = 0.3; fx < 0.8; fx += 0.04) {
        const x = Math.round(w * fx), y = Math.round(h * fy);
        if (document.elementFromPoint(r.left + x, r.top + y) !== canvas) continue;
        const p = window.__jumeau!.pickAt(x, y);
        if (p !== null && p.layerId === `user:${itemId}`) return p;
      }
    }
    return null;
  }, id);
}

test('GeoJSON dropped and CSV picked appear, are picked, and corrupt ones name the file and reason', async ({ page }) => {
  await offlineNetwork(page);
  await openApp(page, '?city=paris&stable=1&quality=low&offline=1&panels=data', { waitTiles: false });
  await dropFile(page, 'places.geojson', fixture('places.geojson'));
  await page.setInputFiles('#userdata-file', { name: 'enquete.csv', mimeType: 'text/csv', buffer: fixture('survey-wgs84.csv') });
  await idle(page);
  // GPX and KML go through the same worker.
  await dropFile(page, 'walk.gpx', fixture('walk.gpx'));
  await dropFile(page, 'projects.kml', fixture('projects.kml'));
  await idle(page);
  expect(await itemNamed(page, 'walk.gpx')).toMatchObject({ format: 'gpx', status: 'ready', count: 2 });
  expect(await itemNamed(page, 'projects.kml')).toMatchObject({ format: 'kml', status: 'ready', count: 3 });
  for (const n of ['walk.gpx', 'projects.kml']) await page.locator(`[data-id="${(await itemNamed(page, n))!.id}"] .userdata-remove`).click();
  const geo = (await itemNamed(page, 'places.geojson'))!;
  const csv = (await itemNamed(page, 'enquete.csv'))!;
  expect(geo).toMatchObject({ format: 'geojson', status: 'ready', count: 4 });
  expect(csv).toMatchObject({ format: 'csv', status: 'ready', count: 3 });
  await expect(page.locator(`[data-id="${csv.id}"] .userdata-status`)).toHaveText('3 objet(s)');
  await expect(page.locator(`[data-id="${csv.id}"] .userdata-issues summary`)).toHaveText('1 élément(s) ignoré(s)');

  // Picking a dropped point and a CSV row in the 3D view.
  await page.evaluate((id) => window.__jumeauUserData!.zoom(id), csv.id);
  await page.evaluate(() => window.__jumeau!.waitForTiles(60_000));
  const pos = await page.evaluate((id) => window.__jumeauUserData!.featureWindowPosition(id, 0), csv.id);
  expect(pos).not.toBeNull();
  const picked = await page.evaluate(({ x, y }) => window.__jumeau!.pickAt(x, y), pos!);
  expect(picked).toMatchObject({ layerId: `user:${csv.id}` });
  await page.mouse.click((await page.locator('#view canvas').boundingBox())!.x + pos!.x, (await page.locator('#view canvas').boundingBox())!.y + pos!.y);
  await expect(page.locator('#panel-info .panel-title')).toHaveText('Arrêt République');
  await expect(page.locator('#panel-info')).toContainText('enquete.csv');

  const geoPos = await page.evaluate((id) => window.__jumeauUserData!.featureWindowPosition(id, 1), geo.id);
  expect(await page.evaluate(({ x, y }) => window.__jumeau!.pickAt(x, y), geoPos!)).toMatchObject({ layerId: `user:${geo.id}` });

  // Colour by attribute: the legend lists the classes.
  await page.locator(`[data-id="${geo.id}"] .userdata-style`).selectOption('kind');
  await expect(page.locator(`[data-id="${geo.id}"] .userdata-legend li`)).toHaveCount(5);

  // What the user says of the licence is listed in the sources panel.
  await page.locator(`[data-id="${geo.id}"] .userdata-about summary`).click();
  await page.locator(`[data-id="${geo.id}"] .userdata-licence`).fill('Licence Ouverte 2.0');
  await page.locator(`[data-id="${geo.id}"] .userdata-publisher`).fill('Bureau d’études X');
  await page.locator(`[data-id="${geo.id}"] .userdata-publisher`).press('Tab');
  await page.locator('.toolbar [aria-controls="panel-sources"]').click();
  await expect(page.locator('#panel-sources')).toContainText('Licence Ouverte 2.0');
  await expect(page.locator('#panel-sources')).toContainText('Bureau d’études X');
  await page.locator('.toolbar [aria-controls="panel-sources"]').click();

  // Corrupt files: each gives a message naming the file and the reason; the rest stays.
  await dropFile(page, 'broken.geojson', new TextEncoder().encode('{"type":"FeatureCollection","features":[{"type":'));
  await page.setInputFiles('#userdata-file', { name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\nfoo,bar\n') });
  await idle(page);
  await expect(page.locator('[data-format="geojson"][data-status="error"] .userdata-status')).toContainText('not valid JSON');
  await expect(page.locator('[data-format="csv"][data-status="error"] .userdata-status')).toContainText('no coordinate columns found among a, b');
  const msgs = (await messages(page)).join('\n');
  expect(msgs).toContain('broken.geojson');
  expect(msgs).toContain('broken.csv');
  expect(await page.evaluate(() => window.__jumeauUserData!.state().filter((s) => s.status === 'ready').length)).toBe(2);

  // Kept with the city: a reload brings both layers back (the broken files too, still in error).
  await page.reload();
  await page.waitForFunction(() => document.getElementById('app')?.dataset.ready !== 'false', null, { timeout: 120_000 });
  await page.waitForFunction(() => (window.__jumeauUserData?.state().length ?? 0) >= 4, null, { timeout: 60_000 });
  await idle(page);
  const after = await page.evaluate(() => window.__jumeauUserData!.state().map((s) => `${s.name}:${s.status}:${s.count}`).sort());
  expect(after).toEqual(['broken.csv:error:0', 'broken.geojson:error:0', 'enquete.csv:ready:3', 'places.geojson:ready:4']);

  // Saved with a scenario: its file carries the items with what the user said of them, its report
  // lists them; importing it brings back a removed item and does not double the others.
  await page.locator('.toolbar [aria-controls="panel-scenario"]').click();
  await page.locator('#scn-new').click();
  await expect.poll(() => page.evaluate(() => window.__jumeauScenarios!.state().active !== null)).toBe(true);
  const scn = (await page.evaluate(() => window.__jumeauScenarios!.exportText()))!;
  const ud = JSON.parse(scn).userData as { name: string; licence?: string; publisher?: string; source?: { kind: string } }[];
  expect(ud.map((u) => u.name).sort()).toEqual(['broken.csv', 'broken.geojson', 'enquete.csv', 'places.geojson']);
  expect(ud.find((u) => u.name === 'places.geojson')).toMatchObject({ licence: 'Licence Ouverte 2.0', publisher: 'Bureau d’études X', source: { kind: 'file' } });
  const report = await page.evaluate(() => (window.__jumeauScenarios as unknown as { report(): Promise<string | null> }).report());
  expect(report).toContain('places.geojson — Bureau d’études X, Licence Ouverte 2.0 (Mes données, selon l’utilisateur)');
  await page.locator(`[data-id="${(await itemNamed(page, 'places.geojson'))!.id}"] .userdata-remove`).click();
  expect(await page.evaluate((text) => window.__jumeauScenarios!.importText(text), scn)).toEqual({ ok: true });
  await expect(page.locator('#scn-message')).toContainText('Mes données : 1 ajoutée(s), 3 déjà présente(s).');
  await idle(page);
  expect(await page.evaluate(() => window.__jumeauUserData!.state().map((s) => `${s.name}:${s.status}:${s.count}`).sort())).toEqual(after);

  // Removing a broken item takes its message back; the other broken item's message stays.
  expect((await messages(page)).join('\n')).toContain('broken.csv');
  await page.locator(`[data-id="${(await itemNamed(page, 'broken.csv'))!.id}"] .userdata-remove`).click();
  await expect.poll(async () => (await messages(page)).join('\n')).not.toContain('broken.csv');
  expect((await messages(page)).join('\n')).toContain('broken.geojson');
});

test('a tileset by URL and a GLB model appear and are picked; a broken URL and a corrupt model name the reason', async ({ page }) => {
  await offlineNetwork(page);
  await openApp(page, '?city=paris&stable=1&quality=low&offline=1&panels=data&tileset=/packs/demo/tileset.json', { waitTiles: false });
  await idle(page);
  const ts = (await itemNamed(page, "tileset.json"))!;
  expect(ts).toMatchObject({ format: 'tileset', status: 'ready' });
  await page.evaluate((id) => window.__jumeauUserData!.zoom(id), ts.id);
  const hit = await pickItem(page, ts.id);
  expect(hit).not.toBeNull();
  // Feature metadata of the tileset (EXT_structural_metadata) can colour it.
  await page.waitForFunction((id) => window.__jumeauUserData!.state().find((s) => s.id === id)!.styleFields.includes('use'), ts.id, { timeout: 60_000 });

  await page.locator(`[data-id="${ts.id}"] .userdata-style`).selectOption('use');
  await expect(page.locator(`[data-id="${ts.id}"] .userdata-legend li`)).not.toHaveCount(0);
  if (process.env.USERDATA_SHOTS !== undefined) await page.screenshot({ path: `${process.env.USERDATA_SHOTS}/tileset-styled.png` });

  // A model, placed at the centre of the view.
  await page.setInputFiles('#userdata-file', { name: 'cube.glb', mimeType: 'model/gltf-binary', buffer: Buffer.from(await cubeGlb()) });
  await idle(page);
  const glb = (await itemNamed(page, 'cube.glb'))!;
  expect(glb).toMatchObject({ format: 'glb', status: 'ready' });
  await page.locator(`[data-id="${ts.id}"] .userdata-shown`).uncheck();
  await page.evaluate((id) => window.__jumeauUserData!.zoom(id), glb.id);
  expect(await pickItem(page, glb.id)).not.toBeNull();
  // Placed at coordinates: typed in the row, the model moves there (and is still picked there).
  const before = (await itemNamed(page, 'cube.glb'))!.placement!;
  const lon = page.locator(`[data-id="${glb.id}"] .userdata-place-lonDeg`);
  await lon.fill((before.lonDeg + 0.002).toFixed(6));
  await lon.dispatchEvent('change');
  await expect.poll(async () => (await itemNamed(page, 'cube.glb'))!.placement!.lonDeg).toBeCloseTo(before.lonDeg + 0.002, 5);
  await page.evaluate((id) => window.__jumeauUserData!.zoom(id), glb.id);
  expect(await pickItem(page, glb.id)).not.toBeNull();

  if (process.env.USERDATA_SHOTS !== undefined) await page.screenshot({ path: `${process.env.USERDATA_SHOTS}/model.png` });

  // A WMS: capabilities read, its layers listed; a service answering HTML is refused by name.
  await page.route('**/wms-test**', (route) => {
    const u = new URL(route.request().url());
    if (/GetCapabilities/i.test(u.search)) return route.fulfill({ contentType: 'text/xml', body: fixture('wms-capabilities.xml') });
    return route.fulfill({ contentType: 'image/png', body: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64') });
  });
  await page.route('**/not-wms**', (route) => route.fulfill({ contentType: 'text/html', body: '<html><body>Hello</body></html>' }));
  await page.fill('#userdata-url', '/wms-test/service?SERVICE=WMS');
  await page.click('#userdata-url-add');
  await idle(page);
  const wms = (await itemNamed(page, 'service'))!;
  expect(wms).toMatchObject({ format: 'wms', status: 'ready' });
  await expect(page.locator(`[data-id="${wms.id}"] .userdata-wms-layer option`)).toHaveText(['Orthophoto (ortho)', 'Cadastre (cadastre)']);
  await page.locator(`[data-id="${wms.id}"] .userdata-remove`).click();
  await page.fill('#userdata-url', '/not-wms/x');
  await page.selectOption('#userdata-url-kind', 'wms');
  await page.click('#userdata-url-add');
  await idle(page);
  expect((await itemNamed(page, 'x'))).toMatchObject({ status: 'error', reason: expect.stringMatching(/not WMS capabilities \(root element html\)/) as unknown as string });
  await page.locator(`[data-id="${(await itemNamed(page, 'x'))!.id}"] .userdata-remove`).click();
  await page.selectOption('#userdata-url-kind', 'auto');

  // Broken inputs: a URL that answers 404, a JSON that is not a tileset, a corrupt model.
  await page.fill('#userdata-url', '/packs/demo/missing/tileset.json');
  await page.click('#userdata-url-add');
  await page.fill('#userdata-url', '/packs/demo/city.json');
  await page.selectOption('#userdata-url-kind', 'tileset');
  await page.click('#userdata-url-add');
  await page.setInputFiles('#userdata-file', { name: 'corrupt.glb', mimeType: 'model/gltf-binary', buffer: Buffer.from([0x67, 0x6c, 0x54, 0x46, 2, 0, 0, 0, 99, 0, 0, 0, 1, 2, 3]) });
  await idle(page);
  const errors = await page.evaluate(() => window.__jumeauUserData!.state().filter((s) => s.status === 'error').map((s) => `${s.name} → ${s.reason ?? ''}`));
  expect(errors).toHaveLength(3);
  expect(errors.find((e) => e.startsWith('tileset.json'))).toMatch(/404/);
  expect(errors.find((e) => e.startsWith('city.json'))).toMatch(/not a readable 3D Tiles tileset/);
  expect(errors.find((e) => e.startsWith('corrupt.glb'))).toMatch(/Failed to load glTF — .+/);
  const msgs = (await messages(page)).join('\n');
  expect(msgs).toContain('corrupt.glb');
  // The good items are untouched.
  expect(await page.evaluate(() => window.__jumeauUserData!.state().filter((s) => s.status === 'ready').length)).toBe(2);
});

test('CityGML asks for its CRS then shows its buildings with the build report; CityJSON builds too; picked buildings show their attributes', async ({ page }) => {
  await offlineNetwork(page);
  await openApp(page, '?city=paris&stable=1&quality=low&offline=1&panels=data', { waitTiles: false });
  // A real file of the Métropole de Lyon (no srsName: its CRS must be chosen).
  const gml = readFileSync(new URL('../../../shared/data/lyon/citygml/LYON_1ER_BATI_2015_small_house.gml', import.meta.url));
  await page.setInputFiles('#userdata-file', { name: 'LYON_1ER.gml', mimeType: 'application/gml+xml', buffer: gml });
  await idle(page);
  const item = (await itemNamed(page, 'LYON_1ER.gml'))!;
  expect(item).toMatchObject({ format: 'citygml', status: 'error', reason: expect.stringMatching(/declares no CRS: choose it on the row/) as unknown as string });
  await page.locator(`[data-id="${item.id}"] .userdata-city-crs`).selectOption('EPSG:3946');
  await idle(page);
  expect(await itemNamed(page, 'LYON_1ER.gml')).toMatchObject({ status: 'ready' });
  await expect(page.locator(`[data-id="${item.id}"] .userdata-city-report summary`)).toContainText(/1 building\(s\), 0 rejected|1 bâtiment\(s\), 0 rejeté/);
  await page.evaluate((id) => window.__jumeauUserData!.zoom(id), item.id);
  const hit = await pickItem(page, item.id);
  // The building's own id, from its metadata (EXT_structural_metadata).
  expect(hit?.id).toBe('BU_69381AB133');
  await page.locator(`[data-id="${item.id}"] .userdata-style`).selectOption('heightSource');
  await expect(page.locator(`[data-id="${item.id}"] .userdata-legend li`)).not.toHaveCount(0);
  await page.screenshot({ path: `${process.env.USERDATA_SHOTS ?? '/tmp'}/citygml-lyon.png` });

  // CityJSON (declares its CRS): two buildings, one flat one rejected with the reason.
  await dropFile(page, 'buildings.city.json', fixture('buildings.city.json'));
  await idle(page);
  const cj = (await itemNamed(page, 'buildings.city.json'))!;
  expect(cj).toMatchObject({ format: 'cityjson', status: 'ready', styleFields: expect.arrayContaining(['heightM']) as unknown as string[] });
  await page.locator(`[data-id="${cj.id}"] .userdata-city-report summary`).click();
  await expect(page.locator(`[data-id="${cj.id}"] .userdata-rejected`)).toContainText(/#2 \(C\): flat building/);
  await page.screenshot({ path: `${process.env.USERDATA_SHOTS ?? '/tmp'}/citygml-cityjson.png` });

  // A RESTful WMTS (detected from its URL): its drawable layers listed, the WGS84 quad drawn; tiles answered here.
  await page.route('**/wmts-test/**', (route) => {
    if (/WMTSCapabilities\.xml$/.test(new URL(route.request().url()).pathname)) return route.fulfill({ contentType: 'text/xml', body: fixture('wmts-rest.xml') });
    return route.fulfill({ contentType: 'image/png', body: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64') });
  });
  await page.fill('#userdata-url', '/wmts-test/1.0.0/WMTSCapabilities.xml');
  await page.click('#userdata-url-add');
  await idle(page);
  const wmts = (await itemNamed(page, 'WMTSCapabilities.xml'))!;
  expect(wmts).toMatchObject({ format: 'wmts', status: 'ready' });
  await expect(page.locator(`[data-id="${wmts.id}"] .userdata-status`)).toContainText(/WGS84.*image\/png.*normal/);
  await expect(page.locator(`[data-id="${wmts.id}"] .userdata-wms-layer option`)).toHaveText(['Relief (relief)', 'Roads (roads)']);
  await page.locator(`[data-id="${wmts.id}"] .userdata-wms-layer`).selectOption('roads');
  await idle(page);
  await expect(page.locator(`[data-id="${wmts.id}"] .userdata-status`)).toContainText(/GoogleMapsCompatible/);
  await page.locator(`[data-id="${wmts.id}"]`).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${process.env.USERDATA_SHOTS ?? '/tmp'}/citygml-wmts.png` });

  // Kept with the city: after a reload the file bytes and the chosen CRS build the same buildings again.
  await page.reload();
  await page.waitForFunction(() => window.__jumeauUserData !== undefined && document.getElementById('app')?.dataset.ready !== 'false', null, { timeout: 120_000 });
  await idle(page);
  const restored = await page.evaluate(() => window.__jumeauUserData!.state().map((x) => [x.name, x.format, x.status] as const));
  expect(restored).toEqual(expect.arrayContaining([['LYON_1ER.gml', 'citygml', 'ready'], ['buildings.city.json', 'cityjson', 'ready']]));
});

/** The demo pack's tileset and tiles as a .3tz (tiles deflated, as 3D Tiles tools write them), less `omit`. */
function demo3tz(omit?: string): Buffer {
  const root = new URL('../../packs/demo/', import.meta.url).pathname;
  const files: Zippable = {};
  const walk = (dir: string, rel: string) => {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p, `${rel}${n}/`);
      else if ((rel !== '' || n === 'tileset.json') && `${rel}${n}` !== omit) files[`${rel}${n}`] = [readFileSync(p), { level: 6 }];
    }
  };
  walk(root, '');
  return Buffer.from(zipSync(files));
}

test('a .3tz archive picked and a folder of tiles appear and are picked, a .gltf with its .bin is a model; missing files are named', async ({ page }) => {
  const blocked = await offlineNetwork(page);
  await openApp(page, '?city=paris&stable=1&quality=low&offline=1&panels=data', { waitTiles: false });
  // One tile left out: the others show, and its absence is named.
  await page.setInputFiles('#userdata-file', { name: 'demo.3tz', mimeType: 'application/zip', buffer: demo3tz('tiles/1/1.glb') });
  await page.setInputFiles('#userdata-file', { name: 'empty.3tz', mimeType: 'application/zip', buffer: Buffer.from(zipSync({ 'readme.txt': new TextEncoder().encode('no tiles') })) });
  await idle(page);
  const tz = (await itemNamed(page, 'demo.3tz'))!;
  expect(tz).toMatchObject({ format: 'tileset', status: 'ready' });
  await page.evaluate((id) => window.__jumeauUserData!.zoom(id), tz.id);
  const hit = await pickItem(page, tz.id);
  expect(hit).not.toBeNull();
  expect((await messages(page)).join('\n')).toContain('demo.3tz/tiles/1/1.glb: missing from the archive');
  expect(await itemNamed(page, 'empty.3tz')).toMatchObject({ status: 'error', reason: expect.stringMatching(/no tileset\.json at the archive's root \(it holds readme\.txt\)/) as unknown as string });
  if (process.env.USERDATA_SHOTS !== undefined) await page.screenshot({ path: `${process.env.USERDATA_SHOTS}/3tz.png` });

  // A folder picked (files keep their paths): the same tiles, served from the folder.
  await page.locator(`[data-id="${tz.id}"] .userdata-remove`).click();
  await page.setInputFiles('#userdata-folder', new URL('../../packs/demo/', import.meta.url).pathname);
  await idle(page);
  const folder = (await itemNamed(page, 'demo'))!;
  expect(folder).toMatchObject({ format: 'tileset', status: 'ready' });
  // Same place as the archive: its tiles load from the folder, with their metadata.
  await page.waitForFunction((id) => window.__jumeauUserData!.state().find((s) => s.id === id)!.styleFields.includes('use'), folder.id, { timeout: 60_000 });
  // Tiles are answered in the page: nothing went to the virtual address over the network.
  expect(blocked.filter((u) => u.includes('jumeau.invalid'))).toEqual([]);

  // Kept with the city: the folder's files are Blobs in IndexedDB that read back (a reload
  // restores items through the same load as adding them; the first test covers the reload).
  const kept = await page.evaluate(
    (id) =>
      new Promise<string>((resolve, reject) => {
        const req = indexedDB.open('jumeau-userdata');
        req.onerror = () => reject(new Error('no database'));
        req.onsuccess = () => {
          const get = req.result.transaction('items').objectStore('items').get(id);
          get.onsuccess = () => {
            const src = (get.result as { source: { kind: string; root: string; files: { path: string; blob: Blob }[] } }).source;
            const ts = src.files.find((f) => f.path === `${src.root}/tileset.json`)!;
            void ts.blob.text().then((t) => resolve(`${src.kind}:${src.files.length}:${t.slice(0, 12)}`));
          };
        };
      }),
    folder.id,
  );
  expect(kept).toMatch(/^folder:\d+:\{"asset":\{"v/);

  // A .gltf picked with its .bin becomes a placed model; without it, the missing file is named.
  const doc = await new NodeIO().readBinary(await cubeGlb());
  doc.getRoot().listBuffers()[0]!.setURI('cube.bin');
  const { json, resources } = await new NodeIO().writeJSON(doc);
  const gltf = { name: 'cube.gltf', mimeType: 'model/gltf+json', buffer: Buffer.from(JSON.stringify(json)) };
  await page.setInputFiles('#userdata-file', [gltf, { name: 'cube.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(resources['cube.bin']!) }]);
  await idle(page);
  expect(await itemNamed(page, 'cube.gltf')).toMatchObject({ format: 'glb', status: 'ready' });
  await page.setInputFiles('#userdata-file', [{ ...gltf, name: 'lonely.gltf' }]);
  await expect.poll(async () => (await messages(page)).join('\n')).toContain('lonely.gltf : buffer 0 "cube.bin" is missing');

  // Compressed models open too: a Draco .gltf with its .bin (decoded in the page by draco3dgltf's
  // WebAssembly, then packed) and a meshopt .glb (drawn by Cesium).
  const { compressedGlb } = await import('../support/compressed-glb.ts');
  const dracoDoc = await new NodeIO().registerExtensions(ALL_EXTENSIONS).binaryToJSON(await compressedGlb(await cubeGlb(), 'draco'));
  const dracoBin = dracoDoc.resources['@glb.bin']!;
  dracoDoc.json.buffers![0]!.uri = 'draco.bin';
  await page.setInputFiles('#userdata-file', [
    { name: 'draco.gltf', mimeType: 'model/gltf+json', buffer: Buffer.from(JSON.stringify(dracoDoc.json)) },
    { name: 'draco.bin', mimeType: 'application/octet-stream', buffer: Buffer.from(dracoBin) },
  ]);
  await idle(page);
  expect(await itemNamed(page, 'draco.gltf')).toMatchObject({ format: 'glb', status: 'ready' });
  await dropFile(page, 'meshopt.glb', await compressedGlb(await cubeGlb(), 'meshopt'));
  await idle(page);
  expect(await itemNamed(page, 'meshopt.glb')).toMatchObject({ format: 'glb', status: 'ready' });
});
