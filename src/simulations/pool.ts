import * as Comlink from 'comlink';
import type { JobRequest, JobResult, WorkerApi } from '../../workers/runtime.ts';
import type { SimProgress } from '../core/simulation/types.ts';

/**
 * A pool of simulation workers (hardwareConcurrency − 1, at least 1). Each worker runs one job
 * at a time; jobs wait in a queue. A job is cancelled by its AbortSignal: the worker is asked to
 * stop and, if its kernel does not reach a checkpoint within `cancelGraceMs`, the worker is
 * terminated and replaced. A worker that crashes is replaced and its job fails with a message.
 * Every job resolves, with data — never a rejected or hung promise.
 */

/** A started worker: the endpoint Comlink talks over, and its lifecycle. */
export interface WorkerHandle {
  endpoint: Comlink.Endpoint;
  terminate(): void;
  /** Called when the worker dies or throws outside a job (uncaught error, failed load). */
  onError(fn: (message: string) => void): void;
}

export type WorkerFactory = () => WorkerHandle;

export interface PoolOptions {
  size: number;
  create: WorkerFactory;
  /** How long a cancelled kernel may take to stop before its worker is terminated, ms. */
  cancelGraceMs?: number;
}

export interface PoolStats {
  size: number;
  busy: number;
  queued: number;
  /** Workers replaced (crashed or unresponsive). */
  restarts: number;
  jobs: number;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (p: SimProgress) => void;
}

export interface WorkerPool {
  readonly size: number;
  run(job: Omit<JobRequest, 'jobId'>, options?: RunOptions): Promise<JobResult>;
  stats(): PoolStats;
  dispose(): void;
}

interface Slot {
  handle: WorkerHandle;
  api: Comlink.Remote<WorkerApi>;
  job: Job | null;
  generation: number;
}

interface Job {
  id: number;
  request: JobRequest;
  options: RunOptions;
  resolve(r: JobResult): void;
  settled: boolean;
  slot: Slot | null;
  graceTimer: ReturnType<typeof setTimeout> | null;
  offAbort: () => void;
}

/** The default pool size: one worker per core but one, at least one. */
export function defaultPoolSize(hardwareConcurrency: number | undefined): number {
  return Math.max(1, Math.floor((hardwareConcurrency ?? 2) - 1));
}

export function createWorkerPool(o: PoolOptions): WorkerPool {
  const size = Math.max(1, Math.floor(o.size));
  const grace = o.cancelGraceMs ?? 1000;
  const queue: Job[] = [];
  let nextId = 1;
  let restarts = 0;
  let jobs = 0;
  let disposed = false;

  const start = (slot: Partial<Slot>): Slot => {
    const handle = o.create();
    const s = slot as Slot;
    s.handle = handle;
    s.api = Comlink.wrap<WorkerApi>(handle.endpoint);
    s.job = null;
    s.generation = (s.generation ?? 0) + 1;
    const generation = s.generation;
    handle.onError((message) => {
      if (s.generation !== generation || disposed) return;
      const job = s.job;
      replace(s);
      if (job !== null) finish(job, { ok: false, error: { code: 'worker-crashed', message: `the simulation worker stopped: ${message}` } });
      pump();
    });
    return s;
  };

  const replace = (s: Slot) => {
    restarts++;
    try {
      s.api[Comlink.releaseProxy]();
    } catch {
      // already gone
    }
    s.handle.terminate();
    s.job = null;
    start(s);
  };

  const slots: Slot[] = Array.from({ length: size }, () => start({}));

  function finish(job: Job, result: JobResult): void {
    if (job.settled) return;
    job.settled = true;
    if (job.graceTimer !== null) clearTimeout(job.graceTimer);
    job.offAbort();
    if (job.slot !== null && job.slot.job === job) job.slot.job = null;
    job.slot = null;
    job.resolve(result);
  }

  function dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    job.slot = slot;
    jobs++;
    const progress = job.options.onProgress !== undefined ? Comlink.proxy(job.options.onProgress) : undefined;
    slot.api
      .run(job.request, progress)
      .then(
        (r) => finish(job, r),
        (e: unknown) => finish(job, { ok: false, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } }),
      )
      .finally(() => {
        if (slot.job === null) pump();
      });
  }

  function pump(): void {
    if (disposed) return;
    for (const slot of slots) {
      if (slot.job !== null) continue;
      const job = queue.shift();
      if (job === undefined) return;
      dispatch(slot, job);
    }
  }

  function cancel(job: Job): void {
    if (job.settled) return;
    const qi = queue.indexOf(job);
    if (qi >= 0) {
      queue.splice(qi, 1);
      finish(job, { ok: false, error: { code: 'cancelled', message: 'cancelled before it started' } });
      return;
    }
    const slot = job.slot;
    if (slot === null) return;
    void slot.api.cancel(job.id).catch(() => undefined);
    job.graceTimer = setTimeout(() => {
      if (job.settled || slot.job !== job) return;
      // The kernel did not reach a checkpoint in time: the worker is replaced.
      replace(slot);
      finish(job, { ok: false, error: { code: 'cancelled', message: `cancelled (the worker did not stop within ${grace} ms and was replaced)` } });
      pump();
    }, grace);
  }

  return {
    size,
    run(request, options = {}) {
      return new Promise<JobResult>((resolve) => {
        const job: Job = { id: nextId++, request: { ...request, jobId: 0 }, options, resolve, settled: false, slot: null, graceTimer: null, offAbort: () => undefined };
        job.request.jobId = job.id;
        if (disposed) return finish(job, { ok: false, error: { code: 'cancelled', message: 'the simulation engine was closed' } });
        const signal = options.signal;
        if (signal !== undefined) {
          if (signal.aborted) return finish(job, { ok: false, error: { code: 'cancelled', message: 'cancelled before it started' } });
          const onAbort = () => cancel(job);
          signal.addEventListener('abort', onAbort);
          job.offAbort = () => signal.removeEventListener('abort', onAbort);
        }
        queue.push(job);
        pump();
      });
    },
    stats: () => ({ size, busy: slots.filter((s) => s.job !== null).length, queued: queue.length, restarts, jobs }),
    dispose() {
      disposed = true;
      for (const job of queue.splice(0)) finish(job, { ok: false, error: { code: 'cancelled', message: 'the simulation engine was closed' } });
      for (const s of slots) {
        if (s.job !== null) finish(s.job, { ok: false, error: { code: 'cancelled', message: 'the simulation engine was closed' } });
        try {
          s.api[Comlink.releaseProxy]();
        } catch {
          // already gone
        }
        s.handle.terminate();
      }
    },
  };
}

/** A browser module worker running workers/sim.worker.ts. */
export function browserWorker(): WorkerHandle {
  const worker = new Worker(new URL('../../workers/sim.worker.ts', import.meta.url), { type: 'module', name: 'jumeau-simulation' });
  return {
    endpoint: worker as unknown as Comlink.Endpoint,
    terminate: () => worker.terminate(),
    onError(fn) {
      worker.addEventListener('error', (e) => {
        e.preventDefault();
        fn(e.message !== '' && e.message !== undefined ? e.message : 'the worker failed');
      });
      worker.addEventListener('messageerror', () => fn('a message could not be read'));
    },
  };
}
