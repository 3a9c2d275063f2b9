import * as Comlink from 'comlink';
import type { Attribution } from '../core/schemas/attribution.ts';
import { featureCollection, fillBbox, odsPageUrl, odsRecordsToFeatures, overpassToFeatures, wfsPageFeatures, wfsPageUrl } from '../layers/parse/online.ts';
import type { OnlinePlan, PackPlan, SourcePlan } from '../layers/resolve.ts';
import type { Bbox, LayerDefinition, OnlineSource, ParsedLayer } from '../layers/types.ts';
import type { LayerMessageKey } from '../layers/messages.ts';
import { LAYER_PARSE_VERSION, parseLayer, type LayerParseApi, type LayerParseRequest, type LayerParseResponse } from '../layers/parse/kernel.ts';
import { FetchError, fetchWithRetry, readBytes } from './http.ts';

/**
 * Loading a layer: fetch its inputs (pack files or an online service, with retries, limits,
 * cancellation and a cache for offline reuse), then parse them in the layers worker. Every
 * failure becomes a result naming what failed and why; nothing here throws at the caller.
 */

/** Parses layer inputs (in a worker in the app, in-thread in tests). */
export interface LayerParser {
  parse(req: LayerParseRequest): Promise<LayerParseResponse>;
  dispose(): void;
}

/** The layers worker (module worker, comlink). Falls back to in-thread parsing without Worker. */
export function createWorkerParser(): LayerParser {
  if (typeof Worker === 'undefined') return inThreadParser();
  const worker = new Worker(new URL('../../workers/layers.worker.ts', import.meta.url), { type: 'module', name: 'jumeau-layers' });
  const api = Comlink.wrap<LayerParseApi>(worker);
  return {
    parse: (req) => api.parseLayer(Comlink.transfer(req, Object.values(req.inputs).map((b) => b.buffer as ArrayBuffer))),
    dispose: () => {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

export function inThreadParser(): LayerParser {
  return { parse: (req) => parseLayer(req), dispose: () => undefined };
}

/** Stored answers of online sources, for offline reuse. */
export interface LayerCache {
  get(key: string): Promise<{ bytes: Uint8Array; storedAtMs: number } | null>;
  put(key: string, bytes: Uint8Array, storedAtMs: number): Promise<void>;
}

/** A cache in the browser's Cache Storage (absent or failing storage: a cache that keeps nothing). */
export function createBrowserCache(name = 'jumeau-layers-v1'): LayerCache {
  const open = () => (typeof caches === 'undefined' ? Promise.resolve(null) : caches.open(name).catch(() => null));
  const url = (key: string) => `https://cache.jumeau.invalid/${encodeURIComponent(key)}`;
  return {
    async get(key) {
      const c = await open();
      const res = await c?.match(url(key)).catch(() => undefined);
      if (res === undefined || res === null) return null;
      const storedAtMs = Number(res.headers.get('x-jumeau-stored-at'));
      return { bytes: new Uint8Array(await res.arrayBuffer()), storedAtMs: Number.isFinite(storedAtMs) ? storedAtMs : 0 };
    },
    async put(key, bytes, storedAtMs) {
      const c = await open();
      await c?.put(url(key), new Response(bytes.slice().buffer, { headers: { 'x-jumeau-stored-at': String(storedAtMs) } })).catch(() => undefined);
    },
  };
}

export function memoryCache(): LayerCache {
  const m = new Map<string, { bytes: Uint8Array; storedAtMs: number }>();
  return {
    get: (k) => Promise.resolve(m.get(k) ?? null),
    put: (k, bytes, storedAtMs) => {
      m.set(k, { bytes: bytes.slice(), storedAtMs });
      return Promise.resolve();
    },
  };
}

export interface LoadDeps {
  parser: LayerParser;
  cache: LayerCache;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  /** The city's bbox (filled into online URLs). */
  bbox: Bbox;
  now(): number;
}

/** Where the data shown comes from: one line per input. */
export interface InputProvenance {
  input: string;
  title: string;
  attribution: Attribution;
}

export interface LayerNote {
  key: LayerMessageKey;
  params: Record<string, string | number>;
}

export type LoadResult =
  | { ok: true; kind: 'features'; parsed: ParsedLayer; provenance: InputProvenance[]; notes: LayerNote[]; bytes: number; fetchMs: number; parseMs: number }
  | { ok: true; kind: 'imagery'; source: Extract<OnlineSource, { kind: 'wmts' }>; provenance: InputProvenance[]; notes: LayerNote[] }
  | { ok: false; where: string; reason: string; provenance: InputProvenance[]; notes: LayerNote[] };

const isAborted = (deps: LoadDeps): boolean => deps.signal?.aborted === true;

const reasonOf = (e: unknown) => (e instanceof FetchError ? e.reason : e instanceof Error ? e.message : String(e));

async function getBytes(url: string, maxBytes: number, deps: LoadDeps, retries = 2): Promise<Uint8Array> {
  const res = await fetchWithRetry(url, { retries, timeoutMs: 30_000, maxBytes, ...(deps.signal !== undefined ? { signal: deps.signal } : {}), ...(deps.fetchImpl !== undefined ? { fetchImpl: deps.fetchImpl } : {}) });
  return readBytes(res, url, maxBytes);
}

async function getJson(url: string, maxBytes: number, deps: LoadDeps): Promise<unknown> {
  const bytes = await getBytes(url, maxBytes, deps);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch (e) {
    throw new FetchError(url, 'parse', `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

const encode = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

/** Fetches an online source into the bytes of its input (paging WFS and ODS). */
export async function fetchOnline(source: Exclude<OnlineSource, { kind: 'wmts' }>, deps: LoadDeps): Promise<{ bytes: Uint8Array; url: string }> {
  switch (source.kind) {
    case 'geojson':
    case 'gtfs': {
      const url = fillBbox(source.url, deps.bbox);
      return { bytes: await getBytes(url, source.maxBytes, deps), url };
    }
    case 'overpass': {
      const url = fillBbox(source.url, deps.bbox);
      return { bytes: encode(featureCollection(overpassToFeatures(await getJson(url, source.maxBytes, deps), url))), url };
    }
    case 'wfs': {
      const base = fillBbox(source.url, deps.bbox);
      const features: Record<string, unknown>[] = [];
      for (let start = 0; start < source.maxFeatures; start += source.pageSize) {
        const url = wfsPageUrl(base, source.typeName, Math.min(source.pageSize, source.maxFeatures - start), start);
        const page = wfsPageFeatures(await getJson(url, source.maxBytes, deps), url);
        features.push(...page);
        if (page.length < source.pageSize) break;
      }
      return { bytes: encode(featureCollection(features)), url: `${base} (${source.typeName})` };
    }
    case 'ods-records': {
      const base = fillBbox(source.url, deps.bbox);
      const features: Record<string, unknown>[] = [];
      for (let offset = 0; offset < source.maxRecords; offset += source.pageSize) {
        const url = odsPageUrl(base, source.pageSize, offset);
        const page = odsRecordsToFeatures(await getJson(url, source.maxBytes, deps), source.geoField, url);
        features.push(...page.features);
        if (page.features.length < source.pageSize || (page.total !== null && offset + source.pageSize >= page.total)) break;
      }
      return { bytes: encode(featureCollection(features)), url: base };
    }
  }
}

async function readPack(plan: PackPlan, deps: LoadDeps): Promise<{ inputs: Record<string, Uint8Array>; names: Record<string, string>; provenance: InputProvenance[] } | { where: string; reason: string; provenance: InputProvenance[] }> {
  const inputs: Record<string, Uint8Array> = {};
  const names: Record<string, string> = {};
  const provenance = plan.files.map((f) => ({ input: f.input.name, title: f.file.title, attribution: f.file.attribution }));
  for (const { input, file } of plan.files) {
    if (isAborted(deps)) return { where: file.file, reason: 'cancelled', provenance };
    try {
      inputs[input.name] = await getBytes(file.file, input.maxBytes, deps, 1);
      names[input.name] = file.file.split('/').pop() ?? file.file;
    } catch (e) {
      if (input.optional === true && !(e instanceof FetchError && e.kind === 'aborted')) continue;
      return { where: file.file, reason: reasonOf(e), provenance };
    }
  }
  return { inputs, names, provenance };
}

async function parse(def: LayerDefinition, inputs: Record<string, Uint8Array>, names: Record<string, string>, deps: LoadDeps, fetchedAtMs?: number) {
  const bytes = Object.values(inputs).reduce((s, b) => s + b.byteLength, 0);
  const r = await deps.parser.parse({ version: LAYER_PARSE_VERSION, layerId: def.id, inputs, names, ...(fetchedAtMs !== undefined ? { fetchedAtMs } : {}) });
  return { r, bytes };
}

/** Loads a layer following its plan. Never throws. */
export async function loadLayer(def: LayerDefinition, plan: SourcePlan, deps: LoadDeps): Promise<LoadResult> {
  const notes: LayerNote[] = [];
  if (plan.kind === 'unavailable') return { ok: false, where: def.id, reason: plan.reason, provenance: [], notes };
  if (isAborted(deps)) return { ok: false, where: def.id, reason: 'cancelled', provenance: [], notes };
  const t0 = deps.now();
  let inputs: Record<string, Uint8Array>;
  let names: Record<string, string>;
  let provenance: InputProvenance[];
  let fetchedAtMs: number | undefined;
  const fromPack = async (p: PackPlan) => {
    const r = await readPack(p, deps);
    if ('reason' in r) return r;
    inputs = r.inputs;
    names = r.names;
    provenance = r.provenance;
    return null;
  };
  if (plan.kind === 'online') {
    const src = plan.source;
    if (src.kind === 'wmts') return { ok: true, kind: 'imagery', source: src, provenance: [{ input: src.input, title: src.attribution.title, attribution: src.attribution }], notes };
    try {
      const got = await fetchOnline(src, deps);
      fetchedAtMs = deps.now();
      inputs = { [src.input]: got.bytes };
      names = { [src.input]: got.url };
      provenance = [{ input: src.input, title: src.attribution.title, attribution: src.attribution }];
      if (src.cache) await deps.cache.put(cacheKey(src, deps.bbox), got.bytes, fetchedAtMs);
    } catch (e) {
      if (e instanceof FetchError && e.kind === 'aborted') return { ok: false, where: def.id, reason: 'cancelled', provenance: [], notes };
      const reason = reasonOf(e);
      const cached = src.cache ? await deps.cache.get(cacheKey(src, deps.bbox)) : null;
      if (cached !== null) {
        const date = new Date(cached.storedAtMs).toISOString().slice(0, 16).replace('T', ' ');
        inputs = { [src.input]: cached.bytes };
        names = { [src.input]: `${src.url} (cache)` };
        fetchedAtMs = cached.storedAtMs;
        provenance = [{ input: src.input, title: src.attribution.title, attribution: { ...src.attribution, status: 'recorded', date: `${date} UTC (cache)` } }];
        notes.push({ key: 'layers.cached', params: { date, reason } });
      } else if (plan.fallback !== null) {
        notes.push({ key: 'layers.fallback', params: { reason } });
        const failed = await fromPack(plan.fallback);
        if (failed !== null) return { ok: false, ...failed, notes };
      } else {
        return { ok: false, where: names_or(src), reason, provenance: [{ input: src.input, title: src.attribution.title, attribution: src.attribution }], notes };
      }
    }
  } else {
    const failed = await fromPack(plan);
    if (failed !== null) return { ok: false, ...failed, notes };
  }
  if (isAborted(deps)) return { ok: false, where: def.id, reason: 'cancelled', provenance: provenance!, notes };
  const fetchMs = deps.now() - t0;
  const { r, bytes } = await parse(def, inputs!, names!, deps, fetchedAtMs);
  if (!r.ok) return { ok: false, where: r.error.where, reason: r.error.reason, provenance: provenance!, notes };
  return { ok: true, kind: 'features', parsed: r.parsed, provenance: provenance!, notes, bytes, fetchMs, parseMs: r.parseMs };
}

function names_or(src: OnlineSource): string {
  return src.url.split('?')[0] ?? src.url;
}

/** Cache key of an online source for a city (URL + bbox). */
export function cacheKey(src: OnlineSource, bbox: Bbox): string {
  return `${src.kind}:${fillBbox(src.url, bbox)}:${'typeName' in src ? src.typeName : ''}`;
}

export type { OnlinePlan };
