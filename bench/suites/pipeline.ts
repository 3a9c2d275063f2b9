import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { buildCity, type BuildOptions, type BuildResult } from '../../src/city/node/build.ts';
import { writeSynthGeoJson } from '../../src/city/node/synth.ts';
import { startPostgres } from '../../tests/integration/helpers/postgres.ts';
import type { BenchRow, BenchSuite } from '../types.ts';

/**
 * The city pipeline end to end (streamed read → reprojection → cleaning → spill + tiling index →
 * STR tiles → glb with grid-quantized positions and meshopt → pack): real data (Lyon 1er BD
 * TOPO, 2,576 buildings) and synthetic cities of 50,000, 200,000 and 1,000,000 buildings
 * (GeoJSON in Lambert-93, built like real data), then 200,000 buildings read from PostGIS
 * against the same buildings from the file, in the same run. Per build: peak memory (RSS of the
 * process, worker threads included), buildings per CPU-second (process CPU time, all threads),
 * bytes per building on the wire after gzip (glb + tileset.json), tiles (= draw commands: one
 * primitive per LOD1 tile), depth, tileset.json bytes; at 50k also 1 and 2 worker threads and
 * the plain writer. `JUMEAU_BENCH_PIPELINE_MAX=n` leaves out the synthetic cities above n
 * buildings (a short run). Numbers, never pass/fail.
 */

const LYON = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'lyon', 'buildings', 'buildings_lyon1er_bdtopo_EPSG3946.geojson');
const ATTRIBUTION = { publisher: 'bench', licence: 'CC0 1.0', date: 'bench', title: 'bench' };

async function gzBytes(dir: string): Promise<number> {
  let gz = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && (e.name.endsWith('.glb') || e.name === 'tileset.json')) gz += gzipSync(await readFile(join(e.parentPath, e.name)), { level: 6 }).length;
  }
  return gz;
}

/** Runs a build while sampling the process's resident memory and CPU time. */
async function measured(options: BuildOptions): Promise<{ r: BuildResult; peakRssMiB: number; baseRssMiB: number; cpuS: number }> {
  global.gc?.();
  const baseRss = process.memoryUsage().rss;
  let peak = baseRss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  const cpu0 = process.cpuUsage();
  try {
    const r = await buildCity(options);
    peak = Math.max(peak, process.memoryUsage().rss);
    const cpu = process.cpuUsage(cpu0);
    return { r, peakRssMiB: peak / 2 ** 20, baseRssMiB: baseRss / 2 ** 20, cpuS: (cpu.user + cpu.system) / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

/** Loads a GeoJSON FeatureCollection of Lambert-93 polygons into a PostGIS table (jsonb properties). */
async function loadPostgis(client: pg.Client, table: string, file: string): Promise<void> {
  const fc = JSON.parse(await readFile(file, 'utf8')) as { features: { properties: Record<string, unknown>; geometry: unknown }[] };
  const keys = Object.keys(fc.features[0]!.properties);
  await client.query(`CREATE TABLE ${table} (fid serial PRIMARY KEY, ${keys.map((k) => `${client.escapeIdentifier(k)} jsonb`).join(', ')}, geom geometry(Geometry, 2154))`);
  const cols = `${keys.map((k) => client.escapeIdentifier(k)).join(', ')}, geom`;
  for (let i = 0; i < fc.features.length; i += 1000) {
    const batch = fc.features.slice(i, i + 1000);
    const params: string[] = [];
    const rows = batch.map((f) => {
      const cells = keys.map((k) => {
        params.push(JSON.stringify(f.properties[k] ?? null));
        return `$${params.length}::jsonb`;
      });
      params.push(JSON.stringify(f.geometry));
      return `(${cells.join(', ')}, ST_SetSRID(ST_GeomFromGeoJSON($${params.length}), 2154))`;
    });
    await client.query(`INSERT INTO ${table} (${cols}) VALUES ${rows.join(', ')}`, params);
  }
  await client.query(`CREATE INDEX ON ${table} USING gist (geom)`);
  await client.query(`ANALYZE ${table}`);
}

export const pipelineSuite: BenchSuite = {
  name: 'pipeline',
  description: 'City pipeline: Lyon 1er (real), synthetic 50k, 200k and 1M buildings, PostGIS 200k against the file',
  async run({ log }) {
    const tmp = await mkdtemp(join(tmpdir(), 'jumeau-bench-pipeline-'));
    const rows: BenchRow[] = [];
    const row = (dataset: string, metric: string, value: number, unit: string, extra: Partial<BenchRow> = {}) => rows.push({ suite: 'pipeline', metric: `[${dataset}] ${metric}`, value, unit, ...extra });
    const max = Number(process.env.JUMEAU_BENCH_PIPELINE_MAX ?? Infinity);
    const report = async (name: string, label: string, m: Awaited<ReturnType<typeof measured>>, out: string, extra = true) => {
      const { r } = m;
      row(name, `buildings per CPU-second (${label})`, r.buildings / m.cpuS, 'buildings/CPU-s', { note: `${r.timings.totalS.toFixed(1)} s wall: read ${r.timings.readS.toFixed(1)} s, tiles ${r.timings.tilesS.toFixed(1)} s; ${m.cpuS.toFixed(1)} CPU-s` });
      row(name, `peak memory (${label})`, m.peakRssMiB, 'MiB', { note: `RSS before ${m.baseRssMiB.toFixed(0)} MiB` });
      if (!extra) return;
      row(name, 'buildings', r.buildings, '', { note: `${r.rejected.length} rejected` });
      row(name, `bytes per building on the wire (glb + tileset.json, gzip; ${label})`, (await gzBytes(out)) / r.buildings, 'B', label.includes('plain') ? {} : { goal: name === 'lyon-1er' ? '≤ 150 B' : '≤ 100 B' });
      row(name, 'tiles with content (= draw commands, one primitive each)', r.stats.tiles, '', { note: `depth ${r.stats.depth}; features per tile ${r.stats.featuresPerTile.min}–${r.stats.featuresPerTile.max}, mean ${r.stats.featuresPerTile.mean.toFixed(0)} (limit 1,000)` });
      row(name, 'tileset.json bytes', r.stats.tilesetBytes, 'B', { note: 'explicit tiling (no subtrees)' });
      row(name, 'vertices per building', r.stats.vertices / r.buildings, '');
    };
    try {
      const lyonOut = join(tmp, 'lyon', 'pack');
      log('lyon-1er');
      await report('lyon-1er', 'no worker', await measured({ inputs: [LYON], outDir: lyonOut, attribution: ATTRIBUTION, workers: 0 }), lyonOut);
      await rm(join(lyonOut, '..'), { recursive: true, force: true });
      const files = new Map<number, string>();
      for (const n of [50_000, 200_000, 1_000_000].filter((k) => k <= max)) {
        const file = join(tmp, `synth-${n}.geojson`);
        log(`generating ${n.toLocaleString('en-US')} synthetic buildings`);
        await writeSynthGeoJson(file, { buildings: n });
        files.set(n, file);
        const name = `synth-${n >= 1e6 ? `${n / 1e6}M` : `${n / 1000}k`}`;
        const configs = n === 50_000 ? [{ workers: 0, compress: true }, { workers: 1, compress: true }, { workers: 2, compress: true }, { workers: 0, compress: false }] : [{ workers: 0, compress: true }];
        for (const c of configs) {
          const out = join(tmp, `${name}-w${c.workers}-${c.compress ? 'meshopt' : 'plain'}`, 'pack');
          const label = `${c.workers === 0 ? 'no worker' : `${c.workers} worker${c.workers > 1 ? 's' : ''}`}${c.compress ? '' : ', plain writer'}`;
          log(`${name}: ${label}`);
          const m = await measured({ inputs: [file], outDir: out, attribution: ATTRIBUTION, workers: c.workers, compress: c.compress });
          await report(name, label, m, out, c.workers === 0);
          await rm(join(out, '..'), { recursive: true, force: true });
        }
        if (n !== 200_000) await rm(file, { force: true });
      }
      // PostGIS against the file, same 200k buildings.
      const file = files.get(200_000);
      if (file !== undefined) {
        let server;
        try {
          server = startPostgres();
        } catch (e) {
          row('postgis-200k', 'not measured', 0, '', { note: e instanceof Error ? e.message : String(e) });
        }
        if (server !== undefined) {
          const client = new pg.Client({ connectionString: server.url });
          const table = `jumeau_bench_${Date.now().toString(36)}.synth`;
          try {
            await client.connect();
            await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
            await client.query(`CREATE SCHEMA ${table.split('.')[0]}`);
            log('loading 200,000 buildings into PostGIS');
            const t0 = performance.now();
            await loadPostgis(client, table, file);
            row('postgis-200k', 'loading the table (bench set-up)', (performance.now() - t0) / 1000, 's');
            for (const source of ['file', 'postgis'] as const) {
              const out = join(tmp, `pg-${source}`, 'pack');
              log(`200k from ${source}`);
              const m = await measured({ inputs: source === 'file' ? [file] : [], ...(source === 'postgis' ? { postgis: { url: server.url, table } } : {}), outDir: out, attribution: ATTRIBUTION, workers: 0 });
              row('postgis-200k', `read time from ${source === 'file' ? 'the GeoJSON file' : 'PostGIS (cursor)'}`, m.r.timings.readS, 's', { note: `${m.r.buildings} buildings, total ${m.r.timings.totalS.toFixed(1)} s` });
              await report('postgis-200k', `from ${source}`, m, out, false);
              await rm(join(out, '..'), { recursive: true, force: true });
            }
          } finally {
            await client.query(`DROP SCHEMA IF EXISTS ${table.split('.')[0]} CASCADE`).catch(() => undefined);
            await client.end().catch(() => undefined);
            server.stop();
          }
        }
      }
      return rows;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
};
