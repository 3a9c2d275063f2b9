import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { FetchError, readBytes } from '../../sources/http.ts';
import type { ProgressSink } from '../progress.ts';

/**
 * Downloads buildings from a WFS 2.0 service (GetFeature, GeoJSON output) for a bounding box,
 * page by page (COUNT / STARTINDEX), with retries on transient failures and resume: every page
 * is kept in a cache folder with a state file, so a run that stopped (network loss, Ctrl-C)
 * starts again where it was. Pages are then merged into one GeoJSON file (features seen twice
 * at page boundaries dropped, axes put back in longitude/latitude order if the server swapped
 * them) that `build` turns into a pack.
 */

export interface WfsPreset {
  id: string;
  title: string;
  url: string;
  /** Feature type; null when the service has no known buildings layer (then --type-name is needed). */
  typeName: string | null;
  srsName: string;
  /** Attribute holding a stable id (for de-duplication across pages and `--id`). */
  idAttribute: string | null;
  publisher: string;
  licence: string;
  licenceUrl?: string;
}

/** Services from ../shared/data/SOURCES.md ("Online sources"). */
export const WFS_PRESETS: Record<string, WfsPreset> = {
  'ign-bdtopo': {
    id: 'ign-bdtopo',
    title: 'BD TOPO bâtiments (IGN)',
    url: 'https://data.geopf.fr/wfs/ows',
    typeName: 'BDTOPO_V3:batiment',
    srsName: 'EPSG:4326',
    idAttribute: 'cleabs',
    publisher: 'IGN',
    licence: 'Licence Ouverte 2.0',
    licenceUrl: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence/',
  },
  'rennes-metropole': {
    id: 'rennes-metropole',
    title: 'Rennes Métropole (WFS)',
    url: 'https://public.sig.rennesmetropole.fr/geoserver/ows',
    typeName: null,
    srsName: 'EPSG:4326',
    idAttribute: null,
    publisher: 'Rennes Métropole',
    licence: 'ODbL 1.0',
    licenceUrl: 'https://opendatacommons.org/licenses/odbl/1-0/',
  },
};

export interface WfsRequest {
  url: string;
  typeName: string;
  srsName: string;
  /** [west, south, east, north], degrees. */
  bbox: [number, number, number, number];
  pageSize: number;
  /** Stop after this many features (default: all). */
  maxFeatures?: number;
  sortBy?: string;
}

export interface FetchPolicy {
  /** Further attempts after a transient failure (network, timeout, 408/429/5xx). Default 5. */
  retries?: number;
  /** First backoff delay, doubled each retry. Default 1000 ms. */
  backoffMs?: number;
  timeoutMs?: number;
  /** Largest page accepted, bytes. Default 256 MiB. */
  maxPageBytes?: number;
  progress?: ProgressSink;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
}

interface PageRecord {
  startIndex: number;
  file: string;
  features: number;
  sha256: string;
}

interface FetchState {
  format: 'jumeau-wfs-fetch';
  version: 1;
  request: WfsRequest;
  pages: PageRecord[];
  numberMatched: number | null;
  complete: boolean;
}

export interface FetchResult {
  /** The merged GeoJSON file. */
  file: string;
  features: number;
  pages: number;
  /** Pages taken from the cache (resume). */
  pagesReused: number;
  /** HTTP requests made (attempts included). */
  requests: number;
  duplicates: number;
  swappedAxes: boolean;
  notes: string[];
}

/** The GetFeature URL of one page. */
export function pageUrl(r: WfsRequest, startIndex: number, count: number): string {
  const [w, s, e, n] = r.bbox;
  const u = new URL(r.url);
  const p: [string, string][] = [
    ['SERVICE', 'WFS'],
    ['VERSION', '2.0.0'],
    ['REQUEST', 'GetFeature'],
    ['TYPENAMES', r.typeName],
    ['OUTPUTFORMAT', 'application/json'],
    ['SRSNAME', r.srsName],
    // WFS 2.0 with an EPSG URN: latitude first.
    ['BBOX', `${s},${w},${n},${e},urn:ogc:def:crs:EPSG::4326`],
    ['COUNT', String(count)],
    ['STARTINDEX', String(startIndex)],
  ];
  if (r.sortBy !== undefined) p.push(['SORTBY', r.sortBy]);
  for (const [k, v] of p) u.searchParams.set(k, v);
  return u.toString();
}

const TRANSIENT = new Set([408, 429, 500, 502, 503, 504]);

/** Text of an OGC exception report (or the start of the body). */
function describeBody(text: string): string {
  const m = /<(?:ows:)?ExceptionText>([\s\S]*?)<\/(?:ows:)?ExceptionText>/.exec(text);
  const t = (m?.[1] ?? text).replace(/\s+/g, ' ').trim();
  return t.length > 300 ? `${t.slice(0, 300)}…` : t;
}

async function fetchPage(url: string, policy: FetchPolicy, counter: { requests: number }): Promise<{ text: string; json: Record<string, unknown> }> {
  const retries = policy.retries ?? 5;
  let delay = policy.backoffMs ?? 1000;
  const sleep = policy.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    let transient: string;
    counter.requests++;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(policy.timeoutMs ?? 120_000) });
      if (res.ok) {
        const bytes = await readBytes(res, url, policy.maxPageBytes ?? 256 * 1024 * 1024);
        const text = new TextDecoder().decode(bytes);
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          // A 200 with an exception report (XML) or a truncated body.
          if (/ExceptionReport/.test(text)) throw new FetchError(url, 'http', `the service answered with an exception: ${describeBody(text)}`);
          throw new FetchError(url, 'parse', `the answer is not JSON (${describeBody(text).slice(0, 120)})`);
        }
        if (typeof json !== 'object' || json === null || (json as { type?: unknown }).type !== 'FeatureCollection' || !Array.isArray((json as { features?: unknown }).features)) {
          throw new FetchError(url, 'parse', 'the answer is not a GeoJSON FeatureCollection');
        }
        return { text, json: json as Record<string, unknown> };
      }
      const body = await res.text().catch(() => '');
      if (!TRANSIENT.has(res.status)) throw new FetchError(url, 'http', `HTTP ${res.status}${body !== '' ? `: ${describeBody(body)}` : ''}`, res.status);
      transient = `HTTP ${res.status}`;
    } catch (e) {
      if (e instanceof FetchError && (e.kind === 'http' || e.kind === 'too-large')) throw e;
      if (e instanceof FetchError && e.kind === 'parse') transient = e.reason; // a cut-off answer: worth another try
      else if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) transient = `no answer within ${policy.timeoutMs ?? 120_000} ms`;
      else transient = `network error (${e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e)})`;
    }
    if (attempt >= retries) throw new FetchError(url, 'network', `${transient}, after ${attempt + 1} attempts`);
    policy.log?.(`  ${transient}: retry ${attempt + 1}/${retries} in ${(delay / 1000).toFixed(1)} s`);
    await sleep(delay);
    delay *= 2;
  }
}

function sameRequest(a: WfsRequest, b: WfsRequest): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const sha256 = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

/** Writes a file atomically (a crash never leaves half a page that looks complete). */
async function writeAtomic(path: string, data: string): Promise<void> {
  await writeFile(`${path}.part`, data);
  await rename(`${path}.part`, path);
}

/**
 * Fetches every page into `cacheDir` (resuming from what is there for the same request), then
 * merges them into `cacheDir/features.geojson`.
 */
export async function fetchWfs(request: WfsRequest, cacheDir: string, policy: FetchPolicy = {}): Promise<FetchResult> {
  if (!(request.pageSize >= 1)) throw new Error('the page size must be at least 1');
  const [w, s, e, n] = request.bbox;
  if (!(w < e && s < n && w >= -180 && e <= 180 && s >= -90 && n <= 90)) throw new Error(`invalid bbox ${request.bbox.join(',')}: expected west,south,east,north in degrees`);
  await mkdir(cacheDir, { recursive: true });
  const statePath = join(cacheDir, 'fetch.json');
  const notes: string[] = [];
  let state: FetchState = { format: 'jumeau-wfs-fetch', version: 1, request, pages: [], numberMatched: null, complete: false };
  let pagesReused = 0;
  try {
    const old = JSON.parse(await readFile(statePath, 'utf8')) as FetchState;
    if (old.format === 'jumeau-wfs-fetch' && sameRequest(old.request, request)) {
      // Keep the pages whose files are intact, in order, up to the first missing one.
      const kept: PageRecord[] = [];
      for (const p of old.pages) {
        const text = await readFile(join(cacheDir, p.file), 'utf8').catch(() => null);
        if (text === null || sha256(text) !== p.sha256) break;
        kept.push(p);
      }
      state = { ...old, pages: kept, complete: old.complete && kept.length === old.pages.length };
      pagesReused = kept.length;
      if (kept.length > 0) policy.log?.(`resuming: ${kept.length} pages already in ${cacheDir}`);
    } else {
      notes.push('the cache held another request: started again');
      await rm(cacheDir, { recursive: true, force: true });
      await mkdir(cacheDir, { recursive: true });
    }
  } catch {
    // No state: a fresh fetch.
  }
  const counter = { requests: 0 };
  const max = request.maxFeatures ?? Infinity;
  let fetched = state.pages.reduce((a, p) => a + p.features, 0);
  policy.progress?.start('fetch', state.numberMatched ?? fetched + request.pageSize, 'features');
  while (!state.complete) {
    const startIndex = state.pages.length === 0 ? 0 : state.pages[state.pages.length - 1]!.startIndex + request.pageSize;
    const count = Math.min(request.pageSize, max - startIndex);
    if (count <= 0) {
      state.complete = true;
      break;
    }
    const url = pageUrl(request, startIndex, count);
    const { text, json } = await fetchPage(url, policy, counter);
    const features = (json.features as unknown[]).length;
    const matched = typeof json.numberMatched === 'number' ? json.numberMatched : typeof json.totalFeatures === 'number' ? json.totalFeatures : null;
    if (matched !== null) state.numberMatched = matched;
    const file = `page-${String(state.pages.length).padStart(5, '0')}.geojson`;
    await writeAtomic(join(cacheDir, file), text);
    state.pages.push({ startIndex, file, features, sha256: sha256(text) });
    fetched += features;
    state.complete = features < count || (state.numberMatched !== null && startIndex + features >= state.numberMatched) || fetched >= max;
    await writeAtomic(statePath, JSON.stringify(state, null, 1));
    policy.progress?.update(fetched, state.numberMatched ?? (state.complete ? fetched : fetched + request.pageSize), `${state.pages.length} pages`);
  }
  await writeAtomic(statePath, JSON.stringify(state, null, 1));
  policy.progress?.end(`${state.pages.length} pages`);
  const merged = await mergePages(cacheDir, state, request);
  return { file: merged.file, features: merged.features, pages: state.pages.length, pagesReused, requests: counter.requests, duplicates: merged.duplicates, swappedAxes: merged.swapped, notes };
}

/** Coordinates of a geometry, walked (any nesting). */
function eachPosition(c: unknown, fn: (p: number[]) => void): void {
  if (!Array.isArray(c)) return;
  if (typeof c[0] === 'number') fn(c as number[]);
  else for (const x of c) eachPosition(x, fn);
}

async function mergePages(cacheDir: string, state: FetchState, request: WfsRequest): Promise<{ file: string; features: number; duplicates: number; swapped: boolean }> {
  const [w, s, e, n] = request.bbox;
  const margin = Math.max(e - w, n - s);
  const inBox = (x: number, y: number) => x >= w - margin && x <= e + margin && y >= s - margin && y <= n + margin;
  const file = join(cacheDir, 'features.geojson');
  const out = createWriteStream(`${file}.part`);
  const put = async (t: string) => {
    if (!out.write(t)) await once(out, 'drain');
  };
  const geographic = /4326|CRS84/i.test(request.srsName);
  await put(`{"type":"FeatureCollection","name":${JSON.stringify(`${request.typeName} ${request.bbox.join(',')}`)},"crs":{"type":"name","properties":{"name":${JSON.stringify(request.srsName)}}},"features":[\n`);
  const seen = new Set<string>();
  let count = 0, duplicates = 0;
  let swapped: boolean | null = geographic ? null : false;
  for (const p of state.pages) {
    const json = JSON.parse(await readFile(join(cacheDir, p.file), 'utf8')) as { features: { id?: unknown; properties?: Record<string, unknown>; geometry?: { coordinates?: unknown } }[] };
    for (const f of json.features) {
      const key = f.id !== undefined && f.id !== null ? `id:${String(f.id)}` : JSON.stringify(f);
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      if (swapped === null) {
        // Decide once, from the first position: longitude/latitude as asked, or swapped.
        let first: number[] | null = null;
        eachPosition(f.geometry?.coordinates, (q) => (first ??= q));
        if (first !== null) {
          const [x, y] = first as number[];
          swapped = !inBox(x!, y!) && inBox(y!, x!);
        }
      }
      if (swapped === true) eachPosition(f.geometry?.coordinates, (q) => ([q[0], q[1]] = [q[1]!, q[0]!]));
      await put((count > 0 ? ',\n' : '') + JSON.stringify(f));
      count++;
    }
  }
  await put('\n]}\n');
  out.end();
  await once(out, 'close');
  await rename(`${file}.part`, file);
  return { file, features: count, duplicates, swapped: swapped === true };
}
