import type { JobResult } from '../../workers/runtime.ts';
import type { WorkerPool } from './pool.ts';
import { findSimulation } from '../app/simulations.ts';
import { parseSimulationInput, type SimError, type SimProgress, type SimResult } from '../core/simulation/types.ts';

/**
 * Runs simulations on the worker pool: parses the input on the page (bad input never reaches a
 * worker), splits the run into one part per worker, adds up their progress, merges the parts.
 * A newer run with the same key (by default the simulation id) cancels the older one.
 */

export interface ClientRunOptions {
  signal?: AbortSignal;
  onProgress?: (p: SimProgress) => void;
  /** Runs with the same key replace each other (default: the simulation id). */
  key?: string;
  /** Parts to split into (default: the pool size). */
  parts?: number;
}

export interface RunInfo {
  ms: number;
  parts: number;
  /** Worker time summed over parts, and the part of it spent loading the city, ms. */
  workerMs: number;
  cityMs: number;
}

export type ClientResult<T> = SimResult<T> & { info: RunInfo };

export interface SimulationClient {
  run<T = unknown>(id: string, input: unknown, options?: ClientRunOptions): Promise<ClientResult<T>>;
  /** Cancels the run with this key, if any. */
  cancel(key: string): void;
  /** Cancels every run of this client (other clients on the same pool go on). */
  cancelAll(): void;
  readonly pool: WorkerPool;
}

const parse = parseSimulationInput;

export function createSimulationClient(pool: WorkerPool): SimulationClient {
  const running = new Map<string, AbortController>();
  return {
    pool,
    cancel(key) {
      running.get(key)?.abort();
    },
    cancelAll() {
      for (const ctrl of [...running.values()]) ctrl.abort();
    },
    async run<T>(id: string, input: unknown, o: ClientRunOptions = {}): Promise<ClientResult<T>> {
      const t0 = performance.now();
      const info = (parts: number, results: JobResult[] = []): RunInfo => ({
        ms: performance.now() - t0,
        parts,
        workerMs: results.reduce((s, r) => s + (r.stats?.ms ?? 0), 0),
        cityMs: results.reduce((s, r) => s + (r.stats?.cityMs ?? 0), 0),
      });
      const fail = (error: SimError, parts = 0, results: JobResult[] = []): ClientResult<T> => ({ ok: false, error, info: info(parts, results) });
      const def = findSimulation(id);
      if (def === null) return fail({ code: 'unknown-simulation', message: `no simulation "${id}"` });
      const parsed = parse(def, input);
      if (!parsed.ok) return fail(parsed.error);
      const key = o.key ?? id;
      running.get(key)?.abort();
      const ctrl = new AbortController();
      running.set(key, ctrl);
      const onOuterAbort = () => ctrl.abort();
      o.signal?.addEventListener('abort', onOuterAbort);
      if (o.signal?.aborted === true) ctrl.abort();
      try {
        const inputs = def.split !== undefined ? def.split(parsed.value, o.parts ?? pool.size) : [parsed.value];
        const progress = inputs.map(() => ({ stage: 'queued', done: 0, total: 1 }));
        const report = () => {
          if (o.onProgress === undefined) return;
          // The slowest stage leads: city loading, then rays, then facades.
          const stages = new Set(progress.map((p) => p.stage));
          const stage = ['queued', 'city', 'rays', 'facades'].find((s) => stages.has(s)) ?? progress[0]!.stage;
          let done = 0, total = 0;
          for (const p of progress) {
            const f = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
            done += p.stage === 'city' || p.stage === 'queued' ? 0 : f;
            total += 1;
          }
          o.onProgress({ stage, done, total });
        };
        const results = await Promise.all(
          inputs.map(async (part, k) => {
            const r = await pool.run(
              { simulation: id, version: def.version, input: part },
              {
                signal: ctrl.signal,
                onProgress: (p) => {
                  progress[k] = p;
                  report();
                },
              },
            );
            // One part failing stops the others.
            if (!r.ok) ctrl.abort();
            return r;
          }),
        );
        const failed = results.find((r) => !r.ok && r.error.code !== 'cancelled') ?? results.find((r) => !r.ok);
        if (failed !== undefined && !failed.ok) return fail(ctrl.signal.aborted && failed.error.code === 'cancelled' && running.get(key) !== ctrl ? { code: 'cancelled', message: 'replaced by a newer run' } : failed.error, inputs.length, results);
        const values = results.map((r) => (r.ok ? r.value : null));
        try {
          const value = (def.merge !== undefined ? def.merge(values, parsed.value) : values[0]) as T;
          return { ok: true, value, info: info(inputs.length, results) };
        } catch (e) {
          return fail({ code: 'internal', message: `merging the parts failed: ${e instanceof Error ? e.message : String(e)}` }, inputs.length, results);
        }
      } finally {
        o.signal?.removeEventListener('abort', onOuterAbort);
        if (running.get(key) === ctrl) running.delete(key);
      }
    },
  };
}

/** A client whose worker pool starts on first use (a feature that never simulates starts no worker). */
export interface LazySimulationClient {
  /** The client, starting its pool if needed. */
  get(): SimulationClient;
  /** Cancels the run under `key` if the pool was ever started. */
  cancel(key: string): void;
  /** Cancels this client's runs, and stops the pool if the client owns it. */
  dispose(): void;
}

/**
 * `getPool` is called on first use. With `owned` (the default) the client stops the pool on
 * dispose; a client on a pool shared with other features (the app's `ctx.simulationPool()`) only
 * cancels its own runs.
 */
export function lazySimulationClient(getPool: () => WorkerPool, options: { owned?: boolean } = {}): LazySimulationClient {
  const owned = options.owned ?? true;
  let client: SimulationClient | null = null;
  return {
    get() {
      if (client === null) client = createSimulationClient(getPool());
      return client;
    },
    cancel(key) {
      client?.cancel(key);
    },
    dispose() {
      client?.cancelAll();
      if (owned) client?.pool.dispose();
    },
  };
}
