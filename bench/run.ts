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

/**
 * `npm run bench [-- --only a,b]`: runs the benchmark suites, writes bench/results/<suite>.json
 * and bench/results/latest.md, and prints a table. Numbers, never pass/fail on time; compare
 * ratios within one run (the machine is shared and noisy).
 */

const SUITES: BenchSuite[] = [bundleSuite, demoPackSuite, pipelineSuite, viewerSuite, simulationsSuite, serverSuite, layersSuite, soakSuite, mobilitySuite, scenariosSuite, toursSuite, userdataSuite, userdataTilesSuite, wifiSuite];

const root = resolve(import.meta.dirname, '..');
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? new Set((process.argv[onlyArg + 1] ?? '').split(',')) : null;

let server = null as Awaited<ReturnType<typeof createServer>> | null;
const ctx: BenchContext = {
  root,
  log: (l) => console.log(`  ${l}`),
  async baseUrl() {
    if (server === null) {
      if (!existsSync(join(packsDir(), 'demo', 'city.json'))) await buildDemoPack();
      if (!existsSync(join(root, 'dist', 'index.html'))) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
      // The consultation API on an in-memory database: never the project's data folder.
      server = await createServer({ mode: 'prod', packsDir: packsDir(), distDir: join(root, 'dist'), rootDir: root, consult: { db: { kind: 'pglite', dataDir: 'memory://' } } });
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
if (!existsSync(join(root, 'dist', 'index.html'))) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
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
