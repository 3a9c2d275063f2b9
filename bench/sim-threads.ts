import { Worker } from 'node:worker_threads';
import type { JobResult } from '../workers/runtime.ts';

/**
 * The simulation benchmarks' threads: each runs bench/sim-thread.ts (the workers' runtime) as a
 * Node worker thread, TypeScript through tsx's loader registered in the thread.
 */
export function simThread(): Worker {
  const url = new URL('./sim-thread.ts', import.meta.url).href;
  return new Worker(`(async () => { const { register } = await import('tsx/esm/api'); register(); await import(${JSON.stringify(url)}); })()`, { eval: true });
}

/** Runs one job of `simulation` on a thread and resolves with its result. */
export function runOnThread(w: Worker, simulation: { id: string; version: number }, input: unknown, jobId: number): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
    w.postMessage({ jobId, simulation: simulation.id, version: simulation.version, input });
  });
}
