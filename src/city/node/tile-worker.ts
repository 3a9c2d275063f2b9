import { parentPort } from 'node:worker_threads';
import { runTileJob, type TileJob } from '../tile-job.ts';

/** Worker thread adapter for {@link runTileJob}: jobs in, glb bytes out (transferred). */
if (parentPort === null) throw new Error('tile-worker.ts runs in a worker thread');
const port = parentPort;
port.on('message', (job: TileJob) => {
  runTileJob(job).then(
    (r) => port.postMessage({ ok: true, ...r }, [r.glb.buffer as ArrayBuffer]),
    (e: unknown) => port.postMessage({ ok: false, id: job.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
