import '@vitest/web-worker';
import * as Comlink from 'comlink';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulationClient } from '../../../src/simulations/client.ts';
import { createWorkerPool, type WorkerHandle } from '../../../src/simulations/pool.ts';
import { sunHoursSimulation, type SunHoursOutput } from '../../../src/features/sun/contract.ts';
import { buildDemoPack } from '../../../src/city/node/demo-pack.ts';
import { loadCityModel } from '../../../src/city/analysis/model.ts';
import { nodeFetchBytes } from '../../../workers/headless.ts';

/**
 * The real worker script (workers/sim.worker.ts, run by @vitest/web-worker) on the demo pack
 * served over HTTP, as the browser runs it: the city loads from the same 3D Tiles the viewer
 * shows, results are the same bytes on one or two workers, a broken tile is an error as data.
 */

let dir: string;
let server: Server;
let base: string;

/**
 * A real worker. @vitest/web-worker runs workers in this thread and can hang when two of them
 * load their modules at the same time, so workers start one after the other here (messages
 * wait until their worker is up). Browsers have no such problem.
 */
let startChain: Promise<unknown> = Promise.resolve();
function realWorker(): WorkerHandle {
  let w: Worker | null = null;
  const pending: [unknown, Transferable[] | undefined][] = [];
  const listeners: [string, EventListenerOrEventListenerObject][] = [];
  const errorFns: ((m: string) => void)[] = [];
  let terminated = false;
  startChain = startChain.then(async () => {
    if (terminated) return;
    w = new Worker(new URL('../../../workers/sim.worker.ts', import.meta.url), { type: 'module' });
    w.addEventListener('error', (e) => errorFns.forEach((fn) => fn((e as ErrorEvent).message ?? 'error')));
    for (const [type, fn] of listeners) w.addEventListener(type, fn);
    for (const [msg, transfer] of pending.splice(0)) w.postMessage(msg, transfer ?? []);
    await Comlink.wrap<{ hello(): unknown }>(w as unknown as Comlink.Endpoint).hello();
  });
  const endpoint = {
    postMessage: (msg: unknown, transfer?: Transferable[]) => (w !== null ? w.postMessage(msg, transfer ?? []) : pending.push([msg, transfer])),
    addEventListener: (type: string, fn: EventListenerOrEventListenerObject) => (w !== null ? w.addEventListener(type, fn) : listeners.push([type, fn])),
    removeEventListener: (type: string, fn: EventListenerOrEventListenerObject) => w?.removeEventListener(type, fn),
  };
  return {
    endpoint: endpoint as unknown as Comlink.Endpoint,
    terminate: () => {
      terminated = true;
      w?.terminate();
    },
    onError: (fn) => void errorFns.push(fn),
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jumeau-sim-'));
  await buildDemoPack({ outDir: join(dir, 'demo') });
  // A copy of the pack whose tile 2/5 is garbage.
  await buildDemoPack({ outDir: join(dir, 'broken') });
  await writeFile(join(dir, 'broken', 'tiles', '2', '5.glb'), 'this is not a tile');
  server = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(dir)) return void res.writeHead(403).end();
    stat(path).then(
      (s) => {
        res.writeHead(200, { 'content-length': s.size });
        createReadStream(path).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}`;
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server.close(r));
  await rm(dir, { recursive: true, force: true });
});

const input = (tileset: string) => ({
  ...(sunHoursSimulation.example as object),
  city: { tileset },
  cellM: 3,
  stepMin: 30,
});

describe('simulation worker on the demo pack', () => {
  it('loads every building of the pack with its id, as the tiles hold them', async () => {
    const m = await loadCityModel(`${base}/demo/tileset.json`, [-1.7, 48.1, -1.66, 48.12], 500, nodeFetchBytes);
    expect(m.tiles).toBe(21);
    expect(new Set(m.arrays.buildingIds).size).toBe(6006);
    expect(m.arrays.buildingIds).toContain('D00001');
    expect(m.arrays.index.length / 3).toBe(62278);
    // Heights in the local frame: ground near 0, the tallest building under 95 m.
    let maxZ = -Infinity, minZ = Infinity;
    for (let i = 2; i < m.arrays.positions.length; i += 3) {
      maxZ = Math.max(maxZ, m.arrays.positions[i]!);
      minZ = Math.min(minZ, m.arrays.positions[i]!);
    }
    expect(minZ).toBeGreaterThan(-1);
    expect(maxZ).toBeGreaterThan(50);
    expect(maxZ).toBeLessThan(96);
  });

  it('gives the same bytes on one and two workers, and satisfies the output schema', async () => {
    const run = async (size: number) => {
      const pool = createWorkerPool({ size, create: realWorker });
      try {
        const r = await createSimulationClient(pool).run<SunHoursOutput>('sun-hours', input(`${base}/demo/tileset.json`));
        if (!r.ok) throw new Error(r.error.message);
        expect(r.info.parts).toBe(size);
        return r.value;
      } finally {
        pool.dispose();
      }
    };
    const one = await run(1);
    const two = await run(2);
    expect(sunHoursSimulation.output.safeParse(one).success).toBe(true);
    const bytes = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    for (const k of ['sunHours', 'surface', 'heightM', 'cellBuilding'] as const) expect(bytes(two[k]).equals(bytes(one[k]))).toBe(true);
    expect(bytes(two.buildings.facadeMeanH).equals(bytes(one.buildings.facadeMeanH))).toBe(true);
    expect(one.roofs.count).toBeGreaterThan(100);
    expect(one.ground.mean).toBeLessThan(one.roofs.mean);
    expect(one.buildings.ids.every((id) => /^D\d{5}$/.test(id))).toBe(true);
  });

  it('a broken tile fails the run with a message naming it; the worker keeps working', async () => {
    const pool = createWorkerPool({ size: 1, create: realWorker });
    try {
      const client = createSimulationClient(pool);
      const bad = await client.run('sun-hours', input(`${base}/broken/tileset.json`));
      expect(bad).toMatchObject({ ok: false, error: { code: 'tile-failed' } });
      if (!bad.ok) expect(bad.error.message).toContain('tiles/2/5.glb');
      const missing = await client.run('sun-hours', input(`${base}/nowhere/tileset.json`));
      expect(missing).toMatchObject({ ok: false, error: { code: 'tile-failed', message: expect.stringContaining('HTTP 404') } });
      const good = await client.run('sun-hours', input(`${base}/demo/tileset.json`));
      expect(good.ok).toBe(true);
      expect(pool.stats().restarts).toBe(0);
    } finally {
      pool.dispose();
    }
  });
});
