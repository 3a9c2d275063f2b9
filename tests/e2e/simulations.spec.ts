import { expect, test, type Page } from '@playwright/test';
import { hideUi, offlineNetwork, openApp, viewShot, diffShare } from './helpers.ts';

/**
 * Sun hours in a real browser: draw an area with the mouse, run, cancel mid-run, run again; the
 * raster and its legend appear, the method card is one click away, and the main thread stays
 * responsive while workers compute (long tasks measured with PerformanceObserver).
 */

// The square sits left of the view's centre, clear of the panel column on the right.
const CAM = 'cam=-1.6785,48.1035,650,0,-50,0';
// A study square of about 200 m × 200 m near the centre of the view.
const SQUARE: [number, number][] = [[-1.6814, 48.1085], [-1.6787, 48.1085], [-1.6787, 48.1103], [-1.6814, 48.1103]];

async function collectLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: { start: number; duration: number }[] };
    w.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // longtask entries unsupported: the list stays empty and the test says so.
    }
  });
}

async function drawSquare(page: Page): Promise<void> {
  await page.locator('#sim-draw').click();
  await expect(page.locator('#sim-draw-hint')).toBeVisible();
  for (const [lon, lat] of SQUARE) {
    const p = await page.evaluate(([x, y]) => window.__jumeau!.toWindow(x!, y!, 0), [lon, lat]);
    expect(p).not.toBeNull();
    const box = (await page.locator('#view canvas').boundingBox())!;
    await page.mouse.click(box.x + p!.x, box.y + p!.y);
  }
  await expect.poll(() => page.evaluate(() => window.__jumeauSim!.state().areaPoints)).toBe(4);
  await page.keyboard.press('Enter');
  await expect(page.locator('#sim-draw-hint')).toBeHidden();
  await expect(page.locator('#sim-area')).toContainText('km²');
}

test('draw an area, cancel a run mid-way, run sun hours: raster, legend, histogram and method card appear; the page stays responsive', async ({ page }) => {
  test.setTimeout(300_000);
  await offlineNetwork(page);
  await collectLongTasks(page);
  await openApp(page, `?city=demo&${CAM}&stable=1&quality=low&offline=1&panels=sim`);
  await hideUi(page);
  await page.addStyleTag({ content: '.panel-stack-right{visibility:visible !important}' });
  const panelShown = (on: boolean) => page.locator('.panel-stack-right').evaluate((el, v) => (el as HTMLElement).style.setProperty('visibility', v ? 'visible' : 'hidden', 'important'), on);
  await drawSquare(page);

  // A long run (1 m cells, 5-minute steps), cancelled while it casts rays.
  await page.locator('#sim-cell').fill('1');
  await page.locator('#sim-step').fill('5');
  await page.locator('#sim-run').click();
  await expect.poll(() => page.evaluate(() => window.__jumeauSim!.state().stage), { timeout: 120_000 }).toMatch(/rays|facades/);
  // Responsiveness while workers compute: round trips to the page stay short.
  const trips: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = Date.now();
    await page.evaluate(() => document.title);
    trips.push(Date.now() - t0);
  }
  const cancelAt = Date.now();
  await page.locator('#sim-cancel').click();
  await expect.poll(() => page.evaluate(() => window.__jumeauSim!.state().running)).toBe(false);
  const cancelMs = Date.now() - cancelAt;
  await expect(page.locator('#sim-message')).toContainText('annulé');

  // A shorter run to the end.
  await page.evaluate(() => ((window as unknown as { __longTasks: unknown[] }).__longTasks.length = 0));
  await page.locator('#sim-cell').fill('2');
  await page.locator('#sim-step').fill('15');
  // The view just before the result, without the UI over it.
  await panelShown(false);
  const before = await viewShot(page);
  await panelShown(true);
  const t0 = Date.now();
  await page.locator('#sim-run').click();
  await expect.poll(() => page.evaluate(() => window.__jumeauSim!.state().result?.kind ?? null), { timeout: 180_000 }).toBe('hours');
  const runMs = Date.now() - t0;
  const state = await page.evaluate(() => window.__jumeauSim!.state());
  expect(state.error).toBeNull();
  expect(state.result!.cells).toBeGreaterThan(5000);
  expect(state.result!.roofMean).toBeGreaterThan(state.result!.groundMean);
  await expect(page.locator('#sim-legend li')).not.toHaveCount(0);
  await expect(page.locator('#sim-result')).toContainText('Toits');
  await expect(page.locator('.sim-histogram canvas').first()).toBeVisible();
  // Long tasks while the workers computed (from the click to the result's arrival), and while
  // the result was drawn (colours, image, roof primitive, a SwiftShader frame).
  const { computing, drawing } = await page.evaluate(() => {
    const all = (window as unknown as { __longTasks: { start: number; duration: number }[] }).__longTasks;
    const start = performance.getEntriesByName('jumeau:sim-start').at(-1)!.startTime;
    const result = performance.getEntriesByName('jumeau:sim-result').at(-1)!.startTime;
    return {
      computing: all.filter((e) => e.start >= start && e.start < result).map((e) => e.duration),
      drawing: all.filter((e) => e.start >= result).map((e) => e.duration),
    };
  });
  const longTasks = [...computing, ...drawing];
  const maxLong = Math.max(0, ...computing);
  test.info().annotations.push(
    { type: 'cancel latency', description: `${cancelMs} ms` },
    { type: 'page round trips during the run', description: trips.join(', ') + ' ms' },
    { type: 'run wall time (SwiftShader page, 2 shared cores)', description: `${runMs} ms, ${state.result!.rays} rays on ${state.result!.workers} worker(s)` },
    { type: 'main-thread long tasks while workers compute', description: `${computing.length}, longest ${Math.round(maxLong)} ms, total ${Math.round(computing.reduce((s, v) => s + v, 0))} ms` },
    { type: 'main-thread long tasks while the result is drawn', description: `${drawing.length}, longest ${Math.round(Math.max(0, ...drawing))} ms, total ${Math.round(drawing.reduce((s, v) => s + v, 0))} ms (of ${longTasks.length})` },
  );
  // While the workers compute, the main thread is free: a page that ran the kernel itself would
  // spend most of the run in long tasks, and answer a round trip only after it. Bounds are ratios
  // of the run's own wall time, so a loaded machine (slower frames, slower run) keeps them (quiet
  // machine: longest task ~100 ms, a software-rendered frame, for a ~1,000 ms run; on a machine
  // shared with other test runs, up to 0.64 of the run was seen for one frame).
  // Cancel stops the first run (12 × the work of the second: cells 4 × smaller, steps 3 × more)
  // long before it would end: within the time of the whole second run (5 s at least, for the
  // polling of this test), which grows with the machine's load as the first run would.
  expect(cancelMs).toBeLessThan(Math.max(5000, runMs));
  expect(Math.max(...trips)).toBeLessThan(runMs * 0.8);
  expect(maxLong).toBeLessThan(runMs * 0.8);
  expect(computing.reduce((s, v) => s + v, 0)).toBeLessThan(runMs / 2);

  // The raster is drawn: the view differs from before the run.
  await panelShown(false);
  const after = await viewShot(page);
  const share = diffShare(before, after);
  test.info().annotations.push({ type: 'pixels changed by the raster', description: share.toFixed(3) });
  expect(share).toBeGreaterThan(0.01);
  await panelShown(true);

  for (const a of test.info().annotations) console.log(`${a.type}: ${a.description ?? ''}`);
  await page.locator('#sim-method').click();
  await expect(page.locator('#panel-method')).toBeVisible();
  await expect(page.locator('#panel-method')).toContainText('h / tan(e)');
  await expect(page.locator('#panel-method')).toContainText('three-mesh-bvh');
});
