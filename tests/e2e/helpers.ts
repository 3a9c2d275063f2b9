import type { Page } from '@playwright/test';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';

/** Helpers shared by the end-to-end specs. */

/** Blocks every request that does not go to the test server (the sandbox has no network). */
export async function offlineNetwork(page: Page): Promise<string[]> {
  const blocked: string[] = [];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    blocked.push(url.href);
    return route.abort('internetdisconnected');
  });
  return blocked;
}

/** Opens the app and waits until it has started and the tiles for the view are loaded. */
export async function openApp(page: Page, query: string, opts: { waitTiles?: boolean } = {}): Promise<void> {
  await page.goto(`/${query}`);
  await page.waitForFunction(() => document.getElementById('app')?.dataset.ready !== 'false', null, { timeout: 120_000 });
  if (opts.waitTiles ?? true) {
    const loaded = await page.evaluate(() => window.__jumeau!.waitForTiles(120_000));
    if (!loaded) throw new Error('tiles did not finish loading');
  }
}

/** Hides the UI over the 3D view, for comparing renderings. */
export async function hideUi(page: Page): Promise<void> {
  await page.addStyleTag({ content: '.topbar,.toolbar,.panel-stack,.messages,.banner,.credits{visibility:hidden !important}' });
}

/** A rendered frame of the 3D view as PNG bytes (after forcing a render). */
export async function viewShot(page: Page): Promise<Buffer> {
  await page.evaluate(() => window.__jumeau!.render());
  return page.locator('#view').screenshot();
}

/** Share of pixels that differ between two PNGs of the same size (0–1). */
export function diffShare(a: Buffer, b: Buffer): number {
  const pa = PNG.sync.read(a), pb = PNG.sync.read(b);
  if (pa.width !== pb.width || pa.height !== pb.height) throw new Error(`image sizes differ: ${pa.width}×${pa.height} vs ${pb.width}×${pb.height}`);
  const n = pixelmatch(pa.data, pb.data, undefined, pa.width, pa.height, { threshold: 0.1 });
  return n / (pa.width * pa.height);
}

/** A window position over a building, found by picking a grid of points; null if none. */
export async function findBuildingPoint(page: Page): Promise<{ x: number; y: number; id: string } | null> {
  return page.evaluate(() => {
    const canvas = document.querySelector('#view canvas') as HTMLCanvasElement;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    for (let fy = 0.5; fy < 0.9; fy += 0.07) {
      for (let fx = 0.2; fx < 0.85; fx += 0.05) {
        const x = Math.round(w * fx), y = Math.round(h * fy);
        // Only points where the 3D view is on top (not under a panel).
        const r = canvas.getBoundingClientRect();
        if (document.elementFromPoint(r.left + x, r.top + y) !== canvas) continue;
        const p = window.__jumeau!.pickAt(x, y);
        if (p !== null && p.layerId === 'buildings' && p.id !== null) return { x, y, id: p.id };
      }
    }
    return null;
  });
}

/** Visible message texts. */
export async function messages(page: Page): Promise<string[]> {
  return page.locator('.messages .message-text').allTextContents();
}
