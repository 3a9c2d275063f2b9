import * as Comlink from 'comlink';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulationClient } from '../../../src/simulations/client.ts';
import { createWorkerPool, defaultPoolSize, type WorkerHandle, type WorkerPool } from '../../../src/simulations/pool.ts';
import type { SimProgress } from '../../../src/core/simulation/types.ts';
import { createRuntime, type JobRequest, type JobResult, type WorkerApi } from '../../../workers/runtime.ts';

/**
 * The pool's guarantees with in-process workers over message channels: jobs resolve with data,
 * cancels reach the kernel, an unresponsive worker is terminated and replaced, a crashed worker
 * is replaced and its job fails with a message, newer runs replace older ones.
 */

type FakeHandle = WorkerHandle & { crash(message: string): void; terminated: boolean };

function handleFor(api: WorkerApi): FakeHandle {
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(api, port1 as unknown as Comlink.Endpoint);
  let onErr: (m: string) => void = () => undefined;
  const h: FakeHandle = {
    endpoint: port2 as unknown as Comlink.Endpoint,
    terminated: false,
    terminate() {
      h.terminated = true;
      port1.close();
      port2.close();
    },
    onError(fn) {
      onErr = fn;
    },
    crash: (m) => onErr(m),
  };
  return h;
}

/** A worker whose kernel never yields: it ignores cancels and never answers. */
function stuckApi(): WorkerApi {
  return {
    hello: () => ({ protocol: 1, simulations: [] }),
    run: () => new Promise<JobResult>(() => undefined),
    cancel: () => undefined,
  };
}

/** A worker that works in steps, reports progress and honours cancels at each step. */
function cooperativeApi(steps = 20, stepMs = 10): WorkerApi {
  const cancelled = new Set<number>();
  return {
    hello: () => ({ protocol: 1, simulations: [] }),
    async run(job: JobRequest, onProgress?: (p: SimProgress) => void): Promise<JobResult> {
      for (let i = 0; i < steps; i++) {
        if (cancelled.has(job.jobId)) return { ok: false, error: { code: 'cancelled', message: 'cancelled' } };
        await new Promise((r) => setTimeout(r, stepMs));
        void onProgress?.({ stage: 'rays', done: i + 1, total: steps });
      }
      return { ok: true, value: { echo: job.input } };
    },
    cancel: (id) => void cancelled.add(id),
  };
}

let pool: WorkerPool | null = null;
afterEach(() => {
  pool?.dispose();
  pool = null;
});

const JOB = { simulation: 'sun-position', version: 1, input: {} };

describe('worker pool', () => {
  it('sizes itself at hardwareConcurrency − 1, at least 1', () => {
    expect(defaultPoolSize(4)).toBe(3);
    expect(defaultPoolSize(1)).toBe(1);
    expect(defaultPoolSize(undefined)).toBe(1);
  });

  it('runs a real simulation through the worker runtime and reports it as data', async () => {
    pool = createWorkerPool({ size: 1, create: () => handleFor(createRuntime({ fetchBytes: () => Promise.reject(new Error('no network')) })) });
    const client = createSimulationClient(pool);
    const r = await client.run<{ azimuthDeg: number; sunrise: string }>('sun-position', { latDeg: 48.11, lonDeg: -1.68, time: '2026-06-21T12:00:00Z', timeZone: 'Europe/Paris' });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.azimuthDeg).toBeGreaterThan(150);
      expect(r.value.sunrise).toMatch(/^2026-06-21T04:/);
    }
    const bad = await client.run('sun-position', { latDeg: 123, lonDeg: 0, time: 'noon' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input', path: 'latDeg' } });
    const unknown = await client.run('no-such', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown-simulation' } });
    // A worker that needs the city but cannot fetch it answers with an error naming the tile.
    const city = await client.run('sun-hours', { area: { type: 'Polygon', coordinates: [[[-1.681, 48.108], [-1.679, 48.108], [-1.679, 48.109]]] }, city: { tileset: 'http://127.0.0.1:9/tileset.json' }, date: '2026-06-21' });
    expect(city).toMatchObject({ ok: false, error: { code: 'tile-failed' } });
    if (!city.ok) expect(city.error.message).toContain('/tileset.json');
  });

  it('cancels a running job at its next checkpoint, with progress seen before', async () => {
    pool = createWorkerPool({ size: 1, create: () => handleFor(cooperativeApi(50, 10)) });
    const ctrl = new AbortController();
    const seen: SimProgress[] = [];
    const p = pool.run(JOB, { signal: ctrl.signal, onProgress: (x) => seen.push(x) });
    await new Promise((r) => setTimeout(r, 80));
    ctrl.abort();
    const r = await p;
    expect(r).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(seen.length).toBeGreaterThan(0);
    expect(pool.stats().restarts).toBe(0);
  });

  it('terminates and replaces a worker whose kernel does not yield in time; the next job runs', async () => {
    const made: FakeHandle[] = [];
    pool = createWorkerPool({
      size: 1,
      cancelGraceMs: 50,
      create: () => {
        const h = handleFor(made.length === 0 ? stuckApi() : cooperativeApi(2, 1));
        made.push(h);
        return h;
      },
    });
    const ctrl = new AbortController();
    const p = pool.run(JOB, { signal: ctrl.signal });
    setTimeout(() => ctrl.abort(), 20);
    const r = await p;
    expect(r).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    if (!r.ok) expect(r.error.message).toMatch(/replaced/);
    expect(made[0]!.terminated).toBe(true);
    expect(pool.stats().restarts).toBe(1);
    expect(await pool.run(JOB)).toMatchObject({ ok: true });
  });

  it('replaces a crashed worker and fails its job with a message', async () => {
    const made: FakeHandle[] = [];
    pool = createWorkerPool({
      size: 1,
      create: () => {
        const h = handleFor(made.length === 0 ? stuckApi() : cooperativeApi(1, 1));
        made.push(h);
        return h;
      },
    });
    const p = pool.run(JOB);
    setTimeout(() => made[0]!.crash('out of memory'), 10);
    expect(await p).toMatchObject({ ok: false, error: { code: 'worker-crashed', message: expect.stringContaining('out of memory') } });
    expect(made.length).toBe(2);
    expect(await pool.run(JOB)).toMatchObject({ ok: true });
  });

  it('queues jobs beyond its size and cancels a queued job without running it', async () => {
    pool = createWorkerPool({ size: 1, create: () => handleFor(cooperativeApi(5, 5)) });
    const a = pool.run(JOB);
    const ctrl = new AbortController();
    const b = pool.run(JOB, { signal: ctrl.signal });
    expect(pool.stats().queued).toBe(1);
    ctrl.abort();
    expect(await b).toMatchObject({ ok: false, error: { code: 'cancelled', message: expect.stringContaining('before it started') } });
    expect(await a).toMatchObject({ ok: true });
  });

  it('a newer run of the same simulation cancels the older one', async () => {
    pool = createWorkerPool({ size: 2, create: () => handleFor(cooperativeApi(30, 10)) });
    const client = createSimulationClient(pool);
    const input = { latDeg: 48.11, lonDeg: -1.68, time: '2026-06-21T12:00:00Z' };
    const older = client.run('sun-position', input);
    await new Promise((r) => setTimeout(r, 30));
    const newer = client.run('sun-position', input);
    expect(await older).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await newer).toMatchObject({ ok: true });
    // Different keys run side by side.
    const [x, y] = await Promise.all([client.run('sun-position', input, { key: 'a' }), client.run('sun-position', input, { key: 'b' })]);
    expect(x.ok && y.ok).toBe(true);
  });

  it('resolves every pending job when disposed', async () => {
    const p = createWorkerPool({ size: 1, create: () => handleFor(stuckApi()) });
    const a = p.run(JOB);
    const b = p.run(JOB);
    p.dispose();
    expect(await a).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await b).toMatchObject({ ok: false, error: { code: 'cancelled' } });
  });
});
