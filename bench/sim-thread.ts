import { parentPort } from 'node:worker_threads';
import { nodeFetchBytes } from '../workers/headless.ts';
import { collectBuffers, createRuntime, type JobRequest } from '../workers/runtime.ts';

/** A simulation worker as a Node thread, for the benchmarks: the same runtime as the browser's workers. */
const runtime = createRuntime({ fetchBytes: nodeFetchBytes, sliceMs: 1e9 });
parentPort!.on('message', (job: JobRequest) => {
  void runtime.run(job).then((r) => parentPort!.postMessage(r, r.ok ? [...collectBuffers(r.value)] : []));
});
