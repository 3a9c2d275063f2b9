import { findSimulation, SIMULATIONS } from '../src/app/simulations.ts';
import { parseSimulationInput, type SimError, type SimProgress, type SimResult } from '../src/core/simulation/types.ts';
import { buildTraceGeometry, loadCityModel, type CityModel, type FetchBytes } from '../src/city/analysis/model.ts';
import { TileError } from '../src/city/tiles/content.ts';
import { KernelError, type KernelRun } from '../src/core/simulation/kernel.ts';
import { applyScenario, scenarioKey } from '../src/city/analysis/scenario.ts';
import { implementationOf, type CityRequest, type KernelEnv, type LoadedCity } from './simulations.ts';

/**
 * What runs inside a simulation worker (and, without a worker, in the headless CLI): looks up
 * the simulation, parses its input, loads and caches the city geometry, and drives the kernel
 * in time slices so that messages — a cancel — get in between. Every failure returns as data.
 */

/** Version of the messages between the page and the workers. */
export const PROTOCOL = 1;

export interface JobRequest {
  jobId: number;
  simulation: string;
  /** The version the page expects; a stale worker answers with an error. */
  version: number;
  input: unknown;
}

export interface JobStats {
  /** Wall time in the worker, ms (city loading included). */
  ms: number;
  /** Time spent loading the city, ms (0 when cached). */
  cityMs: number;
}

export type JobResult = SimResult<unknown> & { stats?: JobStats };

export interface WorkerApi {
  hello(): { protocol: number; simulations: { id: string; version: number }[] };
  run(job: JobRequest, onProgress?: (p: SimProgress) => void): Promise<JobResult>;
  cancel(jobId: number): void;
}

export interface RuntimeOptions {
  fetchBytes: FetchBytes;
  /** Marks buffers to transfer with a result (Comlink.transfer in a worker). */
  transfer?: <T>(value: T, buffers: Transferable[]) => T;
  /** Longest run of kernel work between two yields to the event loop, ms. */
  sliceMs?: number;
}

class Cancelled extends Error {}

/** Every ArrayBuffer under typed arrays of a value (for transfer). */
export function collectBuffers(value: unknown, out: Set<ArrayBuffer> = new Set(), depth = 0): Set<ArrayBuffer> {
  if (depth > 8 || value === null || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
    return out;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) collectBuffers(v, out, depth + 1);
  return out;
}

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });

/** Turns anything thrown into a SimError. */
export function toSimError(e: unknown): SimError {
  if (e instanceof Cancelled) return { code: 'cancelled', message: 'cancelled' };
  if (e instanceof TileError) return { code: 'tile-failed', message: e.message };
  if (e instanceof KernelError) return { code: 'kernel', message: e.message, ...(e.path !== undefined ? { path: e.path } : {}) };
  if (e instanceof Error && e.name === 'AbortError') return { code: 'cancelled', message: 'cancelled' };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/** Parses an input against a simulation's schema; the error names the first field at fault. */
export function parseInput(simulation: string, input: unknown): SimResult<unknown> {
  const def = findSimulation(simulation);
  if (def === null) return { ok: false, error: { code: 'unknown-simulation', message: `no simulation "${simulation}"; known: ${SIMULATIONS.map((s) => s.id).join(', ')}` } };
  return parseSimulationInput(def, input);
}

export function createRuntime(options: RuntimeOptions): WorkerApi & { env: KernelEnv } {
  const sliceMs = options.sliceMs ?? 30;
  const transfer = options.transfer ?? (<T>(v: T) => v);
  const cancelled = new Set<number>();
  // Caches: models by tile list, geometries (with BVH) by model and scenario. Small LRUs.
  const models = new Map<string, Promise<CityModel & { key: string }>>();
  const geometries = new Map<string, Promise<LoadedCity>>();
  const remember = <V>(map: Map<string, V>, key: string, make: () => V, keep: number): V => {
    const hit = map.get(key);
    if (hit !== undefined) {
      map.delete(key);
      map.set(key, hit);
      return hit;
    }
    const v = make();
    map.set(key, v);
    while (map.size > keep) map.delete(map.keys().next().value!);
    return v;
  };

  let onCityProgress: ((p: SimProgress) => void) | null = null;
  // Data files of the mobility simulations, by URL (a few, kept while the worker lives).
  const files = new Map<string, Promise<Uint8Array>>();
  const env: KernelEnv = {
    async bytes(url: string): Promise<Uint8Array> {
      const p = remember(files, url, () => options.fetchBytes(url).then((b) => new Uint8Array(b)), 16);
      try {
        return await p;
      } catch (e) {
        files.delete(url);
        throw new KernelError('fetch-failed', `${url}: ${e instanceof Error ? e.message : String(e)}`, url);
      }
    },
    async city(req: CityRequest): Promise<LoadedCity> {
      const modelKey = `${req.tileset}|${req.bboxDeg.join(',')}|${req.reachM}|${(req.idProperties ?? []).join(',')}`;
      const modelPromise = remember(
        models,
        modelKey,
        () =>
          loadCityModel(req.tileset, req.bboxDeg, req.reachM, options.fetchBytes, {
            ...(req.idProperties !== undefined ? { idProperties: req.idProperties } : {}),
            onProgress: (p) => onCityProgress?.({ stage: 'city', done: p.done, total: p.total }),
          }),
        2,
      );
      let model: CityModel & { key: string };
      try {
        model = await modelPromise;
      } catch (e) {
        models.delete(modelKey);
        throw e;
      }
      const sKey = scenarioKey(req.scenario);
      const geoKey = `${model.key}|${sKey}`;
      const p = remember(
        geometries,
        geoKey,
        async () => {
          const arrays = req.scenario !== undefined && sKey !== '' ? applyScenario(model.arrays, model.frame, req.scenario) : model.arrays;
          return { geometry: buildTraceGeometry(arrays), frame: model.frame, tiles: model.tiles, notes: model.notes };
        },
        3,
      );
      try {
        return await p;
      } catch (e) {
        geometries.delete(geoKey);
        throw e;
      }
    },
  };

  async function drive(run: KernelRun<unknown>, jobId: number, report: (p: SimProgress) => void): Promise<unknown> {
    let sliceStart = performance.now();
    let lastReport = 0;
    for (;;) {
      const r = run.next();
      if (r.done === true) return r.value;
      const now = performance.now();
      if (now - lastReport > 100) {
        report(r.value);
        lastReport = now;
      }
      if (now - sliceStart > sliceMs) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
      if (cancelled.has(jobId)) {
        run.return(undefined);
        throw new Cancelled();
      }
    }
  }

  return {
    env,
    hello: () => ({ protocol: PROTOCOL, simulations: SIMULATIONS.map((s) => ({ id: s.id, version: s.version })) }),
    cancel(jobId) {
      cancelled.add(jobId);
    },
    async run(job, onProgress) {
      const t0 = performance.now();
      let cityMs = 0;
      const report = (p: SimProgress) => {
        try {
          void Promise.resolve(onProgress?.(p)).catch(() => undefined);
        } catch {
          // A page that went away: nothing to report to.
        }
      };
      try {
        const def = findSimulation(job.simulation);
        const impl = await implementationOf(job.simulation);
        if (def === null || impl === undefined) return { ok: false, error: { code: 'unknown-simulation', message: `no simulation "${job.simulation}" in this worker` } };
        if (def.version !== job.version) return { ok: false, error: { code: 'version-mismatch', message: `${job.simulation}: the page expects version ${job.version}, the worker has ${def.version}; reload the page` } };
        const parsed = parseInput(job.simulation, job.input);
        if (!parsed.ok) return parsed;
        onCityProgress = report;
        const tc = performance.now();
        const run = await impl.start(parsed.value, env);
        cityMs = performance.now() - tc;
        onCityProgress = null;
        if (cancelled.has(job.jobId)) throw new Cancelled();
        const value = await drive(run, job.jobId, report);
        const result: JobResult = { ok: true, value, stats: { ms: performance.now() - t0, cityMs } };
        return transfer(result, [...collectBuffers(value)]);
      } catch (e) {
        return { ok: false, error: toSimError(e), stats: { ms: performance.now() - t0, cityMs } };
      } finally {
        onCityProgress = null;
        cancelled.delete(job.jobId);
      }
    },
  };
}

/** fetch for workers: a timeout, a size limit and messages that name the URL. */
export function fetchBytesWithLimits(timeoutMs = 30_000, maxBytes = 256 * 1024 * 1024): FetchBytes {
  return async (url, signal) => {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), timeoutMs);
    const onAbort = () => ctrl.abort();
    signal?.addEventListener('abort', onAbort);
    try {
      const res = await fetch(url, { signal: ctrl.signal });
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
      const len = Number(res.headers.get('content-length') ?? '0');
      if (len > maxBytes) throw new Error(`${len} bytes, more than ${maxBytes}`);
      const buf = await res.arrayBuffer();
      if (buf.byteLength > maxBytes) throw new Error(`${buf.byteLength} bytes, more than ${maxBytes}`);
      return buf;
    } catch (e) {
      if (ctrl.signal.aborted && signal?.aborted !== true) throw new Error(`no answer within ${timeoutMs / 1000} s`);
      throw e;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  };
}
