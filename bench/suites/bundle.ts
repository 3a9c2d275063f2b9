import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
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

/** Size of the production build: our JS and CSS (raw and gzip) and Cesium's static files. */
export const bundleSuite: BenchSuite = {
  name: 'bundle',
  description: 'Production build size',
  async run({ root }) {
    const dist = join(root, 'dist');
    const all = await files(dist);
    let js = 0, jsGz = 0, css = 0, cssGz = 0, cesium = 0, cesiumFiles = 0;
    for (const f of all) {
      const size = (await stat(f)).size;
      if (f.includes(`${join(dist, 'cesium')}`)) {
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
      { suite: 'bundle', metric: 'app CSS gzip', value: cssGz / 1024, unit: 'KiB', note: `${(css / 1024).toFixed(1)} KiB raw` },
      { suite: 'bundle', metric: 'Cesium static files (Workers, Assets, ThirdParty, Widgets)', value: cesium / 1024 / 1024, unit: 'MiB', note: `${cesiumFiles} files, loaded on demand` },
    ];
    return rows;
  },
};
