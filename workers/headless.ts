import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findSimulation } from '../src/app/simulations.ts';
import type { SimProgress, SimResult } from '../src/core/simulation/types.ts';
import type { FetchBytes } from '../src/city/analysis/model.ts';
import { createRuntime, parseInput } from './runtime.ts';

/**
 * Runs a simulation in this process, exactly as the page runs it on its worker pool: parse,
 * split into `workers` parts, run each part through the worker runtime, merge. Used by
 * `npm run sim`, the tests and the benchmarks.
 */

/** Reads file: URLs and paths from disk, anything else with fetch. */
export const nodeFetchBytes: FetchBytes = async (url, signal) => {
  const isPath = !/^[a-z][a-z0-9+.-]*:/i.test(url) || /^[a-z]:[\\/]/i.test(url);
  if (url.startsWith('file:') || isPath) {
    const b = await readFile(isPath ? url : fileURLToPath(url), { signal });
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  }
  const res = await fetch(url, signal !== undefined ? { signal } : {});
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
  return res.arrayBuffer();
};

/** A tileset reference as a URL: paths become file: URLs (relative to `cwd`). */
export function tilesetUrl(ref: string, cwd = process.cwd()): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref) && !/^[a-z]:[\\/]/i.test(ref)) return ref;
  return pathToFileURL(isAbsolute(ref) ? ref : resolve(cwd, ref)).href;
}

export interface HeadlessOptions {
  workers?: number;
  fetchBytes?: FetchBytes;
  onProgress?: (p: SimProgress) => void;
  runtime?: ReturnType<typeof createRuntime>;
}

/** Replaces `fields` given as strings by the JSON of the file they name (relative to the current folder). */
export async function inlineFileInputs(fields: readonly string[], raw: unknown): Promise<SimResult<unknown>> {
  if (fields.length === 0 || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { ok: true, value: raw };
  const out: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const f of fields) {
    const v = out[f];
    if (typeof v !== 'string') continue;
    let text: string;
    try {
      text = await readFile(resolve(process.cwd(), v), 'utf8');
    } catch (e) {
      return { ok: false, error: { code: 'invalid-input', message: `${f}: cannot read ${v}: ${e instanceof Error ? e.message : String(e)}`, path: f } };
    }
    try {
      out[f] = JSON.parse(text) as unknown;
    } catch (e) {
      return { ok: false, error: { code: 'invalid-input', message: `${f}: ${v} is not JSON: ${e instanceof Error ? e.message : String(e)}`, path: f } };
    }
  }
  return { ok: true, value: out };
}

/** Runs a simulation to its end. */
export async function runHeadless(id: string, rawInput: unknown, o: HeadlessOptions = {}): Promise<SimResult<unknown> & { ms: number }> {
  const t0 = performance.now();
  const def = findSimulation(id);
  const inlined = await inlineFileInputs(def?.fileInputs ?? [], rawInput);
  if (!inlined.ok) return { ...inlined, ms: 0 };
  const parsed = parseInput(id, inlined.value);
  if (!parsed.ok || def === null) return { ...(parsed.ok ? { ok: false as const, error: { code: 'unknown-simulation' as const, message: id } } : parsed), ms: 0 };
  let input = parsed.value as Record<string, unknown>;
  const city = input.city as { tileset: string } | undefined;
  if (city !== undefined) input = { ...input, city: { ...city, tileset: tilesetUrl(city.tileset) } };
  const runtime = o.runtime ?? createRuntime({ fetchBytes: o.fetchBytes ?? nodeFetchBytes, sliceMs: 1e9 });
  const parts = def.split !== undefined ? def.split(input, o.workers ?? 1) : [input];
  const outputs: unknown[] = [];
  for (const [k, part] of parts.entries()) {
    const r = await runtime.run({ jobId: k + 1, simulation: id, version: def.version, input: part }, o.onProgress);
    if (!r.ok) return { ok: false, error: r.error, ms: performance.now() - t0 };
    outputs.push(r.value);
  }
  const value = def.merge !== undefined ? def.merge(outputs, input) : outputs[0];
  return { ok: true, value, ms: performance.now() - t0 };
}

/** JSON text of a result: typed arrays as arrays, NaN and infinities as null. */
export function toJson(value: unknown, space?: number): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      return v;
    },
    space,
  );
}
