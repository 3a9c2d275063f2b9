import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchRow, BenchSuite } from '../types.ts';

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

/**
 * The JS the first view loads before any lazy import: the module scripts and modulepreload links
 * of index.html, and what they import statically (`import … from "./x.js"`, not `import()`).
 */
async function firstViewJs(dist: string): Promise<string[]> {
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const todo = [...html.matchAll(/(?:src|href)="([^"]+\.js)"/g)].map((m) => join(dist, m[1]!.replace(/^.*?\/assets\//, 'assets/')));
  const seen = new Set<string>();
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    const code = await readFile(f, 'utf8');
    for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*)["'](\.{1,2}\/[^"']+\.js)["']/g)) todo.push(resolve(dirname(f), m[1]!));
  }
  return [...seen];
}

/** Size of the production build: our JS and CSS (raw and gzip), the first view's JS, the service worker, and Cesium's static files. */
export const bundleSuite: BenchSuite = {
  name: 'bundle',
  description: 'Production build size',
  async run({ root }) {
    // The build measured: dist/, or JUMEAU_DIST_DIR (as bench/run.ts and the server read it).
    const dist = process.env.JUMEAU_DIST_DIR !== undefined && process.env.JUMEAU_DIST_DIR !== '' ? resolve(process.env.JUMEAU_DIST_DIR) : join(root, 'dist');
    const all = await files(dist);
    const first = await firstViewJs(dist);
    let firstGz = 0;
    for (const f of first) firstGz += gzipSync(await readFile(f)).length;
    let js = 0, jsGz = 0, css = 0, cssGz = 0, cesium = 0, cesiumFiles = 0, sw = 0, swGz = 0;
    for (const f of all) {
      const size = (await stat(f)).size;
      if (!f.startsWith(join(dist, 'assets')) && !f.startsWith(join(dist, 'cesium')) && f.endsWith('.js')) {
        // The service worker and its Workbox runtime (sw.js, workbox-*.js at the root).
        sw += size;
        swGz += gzipSync(await readFile(f)).length;
      } else if (f.includes(`${join(dist, 'cesium')}`)) {
        cesium += size;
        cesiumFiles++;
      } else if (f.endsWith('.js')) {
        js += size;
        jsGz += gzipSync(await readFile(f)).length;
      } else if (f.endsWith('.css')) {
        css += size;
        cssGz += gzipSync(await readFile(f)).length;
      }
    }
    const rows: BenchRow[] = [
      { suite: 'bundle', metric: 'app JS', value: js / 1024, unit: 'KiB' },
      { suite: 'bundle', metric: 'app JS gzip', value: jsGz / 1024, unit: 'KiB' },
      { suite: 'bundle', metric: 'first view JS gzip', value: firstGz / 1024, unit: 'KiB', note: `${first.length} files: index.html's scripts and their static imports` },
      { suite: 'bundle', metric: 'service worker JS gzip', value: swGz / 1024, unit: 'KiB', note: `${(sw / 1024).toFixed(1)} KiB raw` },
      { suite: 'bundle', metric: 'app CSS gzip', value: cssGz / 1024, unit: 'KiB', note: `${(css / 1024).toFixed(1)} KiB raw` },
      { suite: 'bundle', metric: 'Cesium static files (Workers, Assets, ThirdParty, Widgets)', value: cesium / 1024 / 1024, unit: 'MiB', note: `${cesiumFiles} files, loaded on demand` },
    ];
    return rows;
  },
};
