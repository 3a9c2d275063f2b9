import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { createServer } from '../server/app.ts';
import { packsDir } from '../src/city/node/pack.ts';
import { buildDemoPack } from '../src/city/node/demo-pack.ts';
import { bundleSuite } from './suites/bundle.ts';
import { demoPackSuite } from './suites/demo-pack.ts';
import { hostileTilesetsSuite } from './suites/hostile-tilesets.ts';
import { layersSuite } from './suites/layers.ts';
import { mobilitySuite } from './suites/mobility.ts';
import { pipelineSuite } from './suites/pipeline.ts';
import { scenariosSuite } from './suites/scenarios.ts';
import { simulationsSuite } from './suites/simulations.ts';
import { serverSuite } from './suites/server.ts';
import { soakSuite } from './suites/soak.ts';
import { toursSuite } from './suites/tours.ts';
import { userdataSuite } from './suites/userdata.ts';
import { userdataTilesSuite } from './suites/userdata-tiles.ts';
import { viewerSuite } from './suites/viewer.ts';
import { wifiSuite } from './suites/wifi.ts';
import type { BenchContext, BenchRow, BenchSuite } from './types.ts';
import { exitUsage, parseCliOrExit, UsageError } from '../src/city/node/args.ts';

/**
 * `npm run bench [-- --only a,b]`: runs the benchmark suites, writes bench/results/<suite>.json
 * and bench/results/latest.md, and prints a table. Numbers, never pass/fail on time; compare
 * ratios within one run (the machine is shared and noisy).
 */

const SUITES: BenchSuite[] = [bundleSuite, demoPackSuite, pipelineSuite, viewerSuite, simulationsSuite, serverSuite, layersSuite, soakSuite, mobilitySuite, scenariosSuite, toursSuite, userdataSuite, userdataTilesSuite, hostileTilesetsSuite, wifiSuite];

const root = resolve(import.meta.dirname, '..');
/** The production build to serve: dist/, or another build folder (JUMEAU_DIST_DIR, as for the server). */
const distDir = process.env.JUMEAU_DIST_DIR !== undefined && process.env.JUMEAU_DIST_DIR !== '' ? resolve(process.env.JUMEAU_DIST_DIR) : join(root, 'dist');
const cliSpec = {
  command: 'npm run bench --',
  summary: 'Runs the benchmark suites; writes bench/results/<suite>.json and bench/results/latest.md.',
  usage: ['[--only suite,suite…]'],
  options: { only: { type: 'string', value: 'LIST', description: `comma-separated suites to run: ${SUITES.map((s) => s.name).join(', ')}` } },
  notes: ['JUMEAU_DIST_DIR=<folder> measures and serves another production build than dist/.'],
} as const;
const only = (() => {
  const list = parseCliOrExit(cliSpec, process.argv.slice(2)).string('only');
  if (list === undefined) return null;
  const names = new Set(list.split(',').filter((n) => n !== ''));
  const unknown = [...names].filter((n) => !SUITES.some((s) => s.name === n));
  if (unknown.length > 0) exitUsage(new UsageError(`--only: unknown suite ${unknown.join(', ')}`, cliSpec));
  return names;
})();

let server = null as Awaited<ReturnType<typeof createServer>> | null;
const ctx: BenchContext = {
  root,
  log: (l) => console.log(`  ${l}`),
  async baseUrl() {
    if (server === null) {
      if (!existsSync(join(packsDir(), 'demo', 'city.json'))) await buildDemoPack();
      if (!existsSync(join(distDir, 'index.html'))) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
      // The consultation API on an in-memory database: never the project's data folder.
      server = await createServer({ mode: 'prod', packsDir: packsDir(), distDir, rootDir: root, consult: { db: { kind: 'pglite', dataDir: 'memory://' } } });
      await server.listen({ port: 0, host: '127.0.0.1' });
    }
    const a = server.server.address();
    return `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}/`;
  },
};

function fmt(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const abs = Math.abs(v);
  return v.toLocaleString('en-US', { maximumFractionDigits: abs >= 100 ? 0 : abs >= 10 ? 1 : 2 });
}

function table(rows: BenchRow[]): string {
  const lines = ['| suite | metric | value | goal | note |', '|---|---|---:|---|---|'];
  for (const r of rows) lines.push(`| ${r.suite} | ${r.metric} | ${fmt(r.value)} ${r.unit} | ${r.goal ?? ''} | ${r.note ?? ''} |`);
  return lines.join('\n');
}

const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '?', memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, date: new Date().toISOString() };
const all: BenchRow[] = [];
await mkdir(join(root, 'bench', 'results'), { recursive: true });
if (!existsSync(join(distDir, 'index.html'))) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
try {
  for (const s of SUITES) {
    if (only !== null && !only.has(s.name)) continue;
    console.log(`bench: ${s.name} — ${s.description}`);
    const rows = await s.run(ctx);
    all.push(...rows);
    await writeFile(join(root, 'bench', 'results', `${s.name}.json`), JSON.stringify({ suite: s.name, machine, rows }, null, 2) + '\n');
  }
} finally {
  await server?.close();
}
const md = `# Jumeau benchmarks\n\n${machine.date} · ${machine.cpus} × ${machine.cpuModel} · ${machine.memGiB} GiB · Node ${machine.node}\n\n${table(all)}\n`;
await writeFile(join(root, 'bench', 'results', 'latest.md'), md);
console.log(`\n${table(all)}\n\nwritten: bench/results/*.json, bench/results/latest.md`);
