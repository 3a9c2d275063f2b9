import { Worker } from 'node:worker_threads';
import { runTileJob, type TileJob, type TileJobResult } from '../tile-job.ts';

/**
 * A pool of worker threads writing tiles. Jobs are queued and handed to idle workers; results
 * come back as transferred bytes. With 0 workers, jobs run in this thread one after another.
 * A worker that fails or dies fails the job with its error; the pool is then closed.
 */
export interface TilePool {
  readonly size: number;
  run(job: TileJob): Promise<TileJobResult>;
  close(): Promise<void>;
}

type Pending = { job: TileJob; resolve: (r: TileJobResult) => void; reject: (e: Error) => void };

/** Creates a pool of `workers` threads (0: in-process). */
export function createTilePool(workers: number): TilePool {
  if (workers <= 0) {
    return { size: 0, run: (job) => runTileJob(job), close: async () => undefined };
  }
  const queue: Pending[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending>();
  const all: Worker[] = [];
  let failure: Error | null = null;
  const fail = (e: Error) => {
    failure ??= e;
    for (const p of queue.splice(0)) p.reject(failure);
  };
  const pump = () => {
    while (idle.length > 0 && queue.length > 0) {
      const w = idle.pop()!;
      const p = queue.shift()!;
      busy.set(w, p);
      w.postMessage(p.job);
    }
  };
  for (let i = 0; i < workers; i++) {
    const w = new Worker(new URL('./tile-worker.mjs', import.meta.url));
    w.on('message', (m: ({ ok: true } & TileJobResult) | { ok: false; id: number; error: string }) => {
      const p = busy.get(w);
      busy.delete(w);
      idle.push(w);
      if (p === undefined) return;
      if (m.ok) p.resolve({ id: m.id, glb: m.glb, vertices: m.vertices, triangles: m.triangles });
      else p.reject(new Error(`tile ${m.id}: ${m.error}`));
      pump();
    });
    const died = (e: Error) => {
      const p = busy.get(w);
      busy.delete(w);
      const err = new Error(`a tile worker failed: ${e.message}`);
      p?.reject(err);
      fail(err);
    };
    w.on('error', died);
    w.on('exit', (code) => {
      if (code !== 0 && failure === null) died(new Error(`exit code ${code}`));
    });
    all.push(w);
    idle.push(w);
  }
  return {
    size: workers,
    run(job) {
      if (failure !== null) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        queue.push({ job, resolve, reject });
        pump();
      });
    },
    async close() {
      failure ??= new Error('the tile pool is closed');
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
