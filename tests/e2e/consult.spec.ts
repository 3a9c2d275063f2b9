import { expect, test, type Browser, type Page } from '@playwright/test';
import { E2E_ADMIN } from './consult-fixtures.ts';
import { findBuildingPoint, offlineNetwork, openApp } from './helpers.ts';

/**
 * Public consultation in a real browser, three people in three browser contexts (three
 * participant cookies): a resident pins a comment on a building, a moderator publishes it, and
 * another resident sees it — in the list and as a pin in 3D that shows the comment as text. The
 * comment carries an HTML payload: it must be shown as text and never run.
 */

const ID = 'e2e-place';
const QUERY = `?city=demo&stable=1&quality=low&offline=1&consult=${ID}`;
const TEXT = `Plus d'arbres ici <img src=x onerror="window.__xss=1"> & <b>ombre</b>`;

test.beforeAll(async ({ request }) => {
  // An administrator prepares the consultation through the API (as the city would).
  const me = await request.get('/api/me');
  expect(me.ok()).toBe(true);
  const login = await request.post('/api/auth/login', { data: E2E_ADMIN, headers: { 'x-csrf-token': (await me.json()).csrfToken } });
  expect(login.status()).toBe(200);
  const csrf = (await login.json()).csrfToken as string;
  const now = Date.now();
  const created = await request.post('/api/consultations', {
    headers: { 'x-csrf-token': csrf },
    data: {
      id: ID,
      city: 'demo',
      title: 'Place du marché (e2e)',
      description: 'Consultation de test.',
      opensAt: new Date(now - 86400_000).toISOString(),
      closesAt: new Date(now + 30 * 86400_000).toISOString(),
      area: { west: -1.6959934, south: 48.1015445, east: -1.6640972, north: 48.1176791 },
      camera: { lonDeg: -1.680045, latDeg: 48.099, heightM: 700, headingDeg: 20, pitchDeg: -40, rollDeg: 0 },
      scenarioId: 'scenario-e2e',
      tourId: 'tour-e2e',
    },
  });
  expect(created.status()).toBe(201);
});

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await offlineNetwork(page);
  return page;
}

test('a resident pins a comment, a moderator publishes it, another resident sees it', async ({ browser }) => {
  // ---- Resident A: picks a building in 3D and comments on it.
  const a = await newPage(browser);
  await openApp(a, QUERY);
  const panel = a.locator('#panel-consult');
  await expect(panel).toBeVisible();
  await expect(panel.locator('.panel-title')).toHaveText('Place du marché (e2e)');
  await expect(panel).toContainText('Scénario lié : scenario-e2e');
  await a.locator('#consult-add').click();
  await expect(a.locator('#consult-picking')).toBeVisible();
  const target = await findBuildingPoint(a);
  expect(target, 'a building visible beside the panel').not.toBeNull();
  await a.mouse.click(target!.x, target!.y);
  await expect(a.locator('#consult-form')).toBeVisible();
  // Placing a pin is not selecting the building.
  await expect(a.locator('#panel-info')).toBeHidden();
  await a.locator('#consult-category').selectOption('greenery');
  await a.locator('#consult-text').fill(TEXT);
  await a.locator('#consult-name').fill('Camille <script>');
  await a.locator('#consult-submit').click();
  await expect(a.locator('#consult-thanks')).toBeVisible();
  const mine = a.locator('#consult-mine li');
  await expect(mine).toHaveCount(1);
  await expect(mine).toHaveAttribute('data-status', 'pending');
  await expect(mine.locator('.consult-text')).toHaveText(TEXT);
  await a.context().close();

  // ---- Moderator: logs in from the panel and publishes it.
  const m = await newPage(browser);
  await openApp(m, QUERY, { waitTiles: false });
  await m.locator('#consult-tab-moderation').click();
  await m.locator('#consult-login-email').fill(E2E_ADMIN.email);
  await m.locator('#consult-login-password').fill(E2E_ADMIN.password);
  await m.locator('#consult-login-submit').click();
  await expect(m.locator('#consult-mod-as')).toContainText('administrateur');
  const queued = m.locator('#consult-queue li');
  await expect(queued).toHaveCount(1);
  await expect(queued.locator('.consult-text')).toHaveText(TEXT);
  await expect(queued.locator('.consult-text img')).toHaveCount(0);
  await queued.locator('.consult-publish').click();
  await expect(m.locator('#consult-queue')).toHaveCount(0);
  await expect(m.locator('#consult-tabpanel')).toContainText('Aucun avis en attente.');
  await m.context().close();

  // ---- Resident B: sees the published comment in the list and as a pin in 3D.
  const b = await newPage(browser);
  await openApp(b, QUERY);
  const item = b.locator('#consult-comments li');
  await expect(item).toHaveCount(1);
  await expect(item.locator('.consult-text')).toHaveText(TEXT);
  await expect(item).toContainText('Camille <script>');
  await expect(b.locator('#consult-comments img, #consult-comments b, #consult-comments script')).toHaveCount(0);
  const published = await (await b.request.get(`/api/consultations/${ID}/contributions`)).json();
  const k = published.contributions[0] as { id: string; position: { lonDeg: number; latDeg: number; heightM: number } };
  // The pin is drawn at the place: picking just above its foot finds it.
  const pin = await b.evaluate(async (p) => {
    const api = window.__jumeau!;
    api.render();
    const w = api.toWindow(p.lonDeg, p.latDeg, p.heightM);
    if (w === null) return null;
    for (let dy = 6; dy <= 30; dy += 4) {
      const hit = api.pickAt(w.x, w.y - dy);
      if (hit !== null && hit.layerId === 'consult') return { x: w.x, y: w.y - dy, id: hit.id };
    }
    return { x: w.x, y: w.y, id: null };
  }, k.position);
  expect(pin?.id).toBe(k.id);
  await b.mouse.click(pin!.x, pin!.y);
  const info = b.locator('#panel-info');
  await expect(info).toBeVisible();
  await expect(info.locator('.panel-title')).toHaveText('Avis de Camille <script>');
  await expect(info.locator('dd', { hasText: TEXT })).toHaveCount(1);
  expect(await b.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await b.context().close();
});
