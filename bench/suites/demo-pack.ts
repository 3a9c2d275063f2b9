import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { writeCityPack } from '../../src/city/node/pack.ts';
import { generateDemoDistrict } from '../../src/city/demo.ts';
import { DEMO_SEED } from '../../src/city/node/demo-pack.ts';
import type { BenchRow, BenchSuite } from '../types.ts';

async function gzBytes(dir: string): Promise<{ raw: number; gz: number }> {
  let raw = 0, gz = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.glb')) continue;
    const b = await readFile(join(e.parentPath, e.name));
    raw += b.length;
    gz += gzipSync(b).length;
  }
  return { raw, gz };
}

/** The demo district as a pack: build speed, bytes per building, tiling, against a plain writer. */
export const demoPackSuite: BenchSuite = {
  name: 'demo-pack',
  description: 'Demo district pack (6,006 buildings): bytes and build rate',
  async run() {
    const tmp = await mkdtemp(join(tmpdir(), 'jumeau-bench-'));
    try {
      const d = generateDemoDistrict({ seed: DEMO_SEED });
      const t0 = performance.now();
      const stats = await writeCityPack(d.buildings, { outDir: join(tmp, 'packs', 'demo'), id: 'demo', name: 'Demo', synthetic: true, sourceCrs: 'EPSG:4326', sources: [{ title: 'b', publisher: 'p', licence: 'l', date: 'd', status: 'synthetic' }] });
      const ms = performance.now() - t0;
      const plainStats = await writeCityPack(d.buildings, { outDir: join(tmp, 'plain', 'demo'), id: 'demo', name: 'Demo', synthetic: true, sourceCrs: 'EPSG:4326', compress: false, sources: [{ title: 'b', publisher: 'p', licence: 'l', date: 'd', status: 'synthetic' }] });
      const packed = await gzBytes(join(tmp, 'packs', 'demo'));
      const plain = await gzBytes(join(tmp, 'plain', 'demo'));
      const n = d.buildings.length;
      const tileset = (await readFile(join(tmp, 'packs', 'demo', 'tileset.json'))).length;
      const rows: BenchRow[] = [
        { suite: 'demo-pack', metric: 'buildings', value: n, unit: '' },
        { suite: 'demo-pack', metric: 'build rate (1 core, extrude + tile + glb + meshopt)', value: n / (ms / 1000), unit: 'buildings/s' },
        { suite: 'demo-pack', metric: 'bytes per building on the wire (glb gzip, metadata included)', value: packed.gz / n, unit: 'B', goal: '≤ 150 B' },
        { suite: 'demo-pack', metric: 'bytes per building, plain writer (no quantization/meshopt), gzip', value: plain.gz / n, unit: 'B' },
        { suite: 'demo-pack', metric: 'plain / compressed (gzip bytes)', value: plain.gz / packed.gz, unit: '×' },
        { suite: 'demo-pack', metric: 'tiles', value: stats.tiles, unit: '', note: `depth ${stats.depth}` },
        { suite: 'demo-pack', metric: 'features per tile (mean)', value: stats.featuresPerTile.mean, unit: '', note: `min ${stats.featuresPerTile.min}, max ${stats.featuresPerTile.max}` },
        { suite: 'demo-pack', metric: 'triangles', value: stats.triangles, unit: '' },
        { suite: 'demo-pack', metric: 'tileset.json', value: tileset / 1024, unit: 'KiB' },
      ];
      void plainStats;
      return rows;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
};
