import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildCity, type BuildOptions, type BuildResult } from '../../src/city/node/build.ts';
import { writeSynthGeoJson } from '../../src/city/node/synth.ts';
import type { BenchRow, BenchSuite } from '../types.ts';

/**
 * The city pipeline end to end (streamed read → reprojection → cleaning → tiling → glb with
 * meshopt in worker threads → pack): real data (Lyon 1er BD TOPO, 2,576 buildings) and
 * synthetic cities of 50,000 and 500,000 buildings (GeoJSON in Lambert-93, built like real
 * data). Rates with 1 and 2 worker threads, bytes on the wire after gzip (metadata included)
 * against the plain writer (no quantization, no meshopt) in the same run, features per tile,
 * peak memory (RSS of the process, worker threads included). Numbers, never pass/fail.
 */

const LYON = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'lyon', 'buildings', 'buildings_lyon1er_bdtopo_EPSG3946.geojson');
const ATTRIBUTION = { publisher: 'bench', licence: 'CC0 1.0', date: 'bench' };

async function gzBytes(dir: string): Promise<number> {
  let gz = 0;
  for (const e of await readdir(join(dir, 'tiles'), { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.glb')) gz += gzipSync(await readFile(join(e.parentPath, e.name)), { level: 6 }).length;
  }
  return gz;
}

/** Runs a build while sampling the process's resident memory. */
async function measured(options: BuildOptions): Promise<{ r: BuildResult; peakRssMiB: number; baseRssMiB: number }> {
  global.gc?.();
  const baseRss = process.memoryUsage().rss;
  let peak = baseRss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  try {
    const r = await buildCity(options);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { r, peakRssMiB: peak / 2 ** 20, baseRssMiB: baseRss / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

export const pipelineSuite: BenchSuite = {
  name: 'pipeline',
  description: 'City pipeline: Lyon 1er (real), synthetic 50k and 500k buildings',
  async run({ log }) {
    const tmp = await mkdtemp(join(tmpdir(), 'jumeau-bench-pipeline-'));
    const rows: BenchRow[] = [];
    const row = (dataset: string, metric: string, value: number, unit: string, extra: Partial<BenchRow> = {}) => rows.push({ suite: 'pipeline', metric: `[${dataset}] ${metric}`, value, unit, ...extra });
    try {
      const datasets: { name: string; file: string; configs: { workers: number; compress: boolean }[] }[] = [{ name: 'lyon-1er', file: LYON, configs: [{ workers: 0, compress: true }, { workers: 2, compress: true }, { workers: 2, compress: false }] }];
      for (const n of [50_000, 500_000]) {
        const file = join(tmp, `synth-${n}.geojson`);
        log(`generating ${n.toLocaleString('en-US')} synthetic buildings`);
        await writeSynthGeoJson(file, { buildings: n });
        datasets.push({ name: `synth-${n / 1000}k`, file, configs: n <= 50_000 ? [{ workers: 0, compress: true }, { workers: 1, compress: true }, { workers: 2, compress: true }, { workers: 2, compress: false }] : [{ workers: 2, compress: true }, { workers: 2, compress: false }] });
      }
      for (const d of datasets) {
        let packedGz = 0, plainGz = 0, buildings = 0;
        for (const c of d.configs) {
          const out = join(tmp, `${d.name}-w${c.workers}-${c.compress ? 'meshopt' : 'plain'}`, 'pack');
          log(`${d.name}: ${c.workers} worker(s), ${c.compress ? 'quantized + meshopt' : 'plain writer'}`);
          const { r, peakRssMiB, baseRssMiB } = await measured({ inputs: [d.file], outDir: out, attribution: ATTRIBUTION, workers: c.workers, compress: c.compress });
          buildings = r.buildings;
          const rate = r.buildings / r.timings.totalS;
          const label = `${c.workers === 0 ? 'no worker: 1 core' : `${c.workers} worker${c.workers > 1 ? 's' : ''}`}${c.compress ? '' : ', plain writer'}`;
          row(d.name, `build rate (${label}), read to pack`, rate, 'buildings/s', { note: `${r.timings.totalS.toFixed(1)} s: read ${r.timings.readS.toFixed(1)} s, tiles ${r.timings.tilesS.toFixed(1)} s` });
          if (c.compress && c.workers === 2) {
            row(d.name, 'build rate per core (2 workers on 2 cores)', rate / 2, 'buildings/s', { goal: '≥ 2,000' });
            row(d.name, 'buildings', r.buildings, '', { note: `${r.rejected.length} rejected` });
            row(d.name, 'tiles', r.stats.tiles, '', { note: `depth ${r.stats.depth}` });
            row(d.name, 'features per tile (mean)', r.stats.featuresPerTile.mean, '', { note: `min ${r.stats.featuresPerTile.min}, max ${r.stats.featuresPerTile.max} (limit 1,000)` });
            row(d.name, 'vertices per building', r.stats.vertices / r.buildings, '');
          }
          row(d.name, `peak memory (${label})`, peakRssMiB, 'MiB', { note: `RSS before ${baseRssMiB.toFixed(0)} MiB` });
          const gz = await gzBytes(out);
          if (c.compress) packedGz = gz;
          else plainGz = gz;
          await rm(join(out, '..'), { recursive: true, force: true });
        }
        row(d.name, 'bytes per building on the wire (glb gzip, metadata included)', packedGz / buildings, 'B', { goal: '≤ 150 B' });
        row(d.name, 'bytes per building, plain writer (no quantization/meshopt), gzip', plainGz / buildings, 'B');
        row(d.name, 'plain / compressed (gzip bytes)', plainGz / packedGz, '×');
      }
      return rows;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
};
