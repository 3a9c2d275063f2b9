import * as Comlink from 'comlink';
import { openDB, type IDBPDatabase } from 'idb';
import { parseUserFile, USERDATA_PARSE_VERSION, type UserParseApi, type UserParseRequest, type UserParseResponse } from './parse-kernel.ts';
import type { UserCityApi } from './city-kernel.ts';
import { USERDATA_CITY_VERSION, type UserCityRequest, type UserCityResponse } from './city-contract.ts';
import type { StoredItem } from './item.ts';
import { FetchError, fetchWithRetry } from '../../sources/http.ts';

/**
 * Fetching and keeping what the user brings (issue 13): the parse worker's client, URL reads with
 * byte limits and progress (a CORS refusal or a broken URL becomes a FetchError naming the URL),
 * and the IndexedDB store that keeps added data with the city so it comes back on reload.
 */

export interface UserParser {
  parse(req: Omit<UserParseRequest, 'version'>): Promise<UserParseResponse>;
  /** Builds a CityGML or CityJSON file's buildings into a glb through the city pipeline. */
  buildCity(req: Omit<UserCityRequest, 'version'>): Promise<UserCityResponse>;
  dispose(): void;
}

/** Parses in a worker (the page stays responsive); in the page where workers are missing. */
export function createUserParser(): UserParser {
  if (typeof Worker === 'undefined') {
    return { parse: (r) => Promise.resolve(parseUserFile({ ...r, version: USERDATA_PARSE_VERSION })), buildCity: async (r) => (await import('./city-kernel.ts')).buildUserCity({ ...r, version: USERDATA_CITY_VERSION }), dispose: () => undefined };
  }
  const worker = new Worker(new URL('../../../workers/userdata.worker.ts', import.meta.url), { type: 'module', name: 'jumeau-userdata' });
  const api = Comlink.wrap<UserParseApi & UserCityApi>(worker);
  return {
    // The bytes are copied, not transferred: the page keeps them to store and re-parse.
    parse: async (r) => {
      try {
        return await api.parseUserFile({ ...r, version: USERDATA_PARSE_VERSION });
      } catch (e) {
        return { ok: false, version: USERDATA_PARSE_VERSION, error: { where: r.name, reason: `the parser stopped (${e instanceof Error ? e.message : String(e)})` } };
      }
    },
    buildCity: async (r) => {
      try {
        const res = await api.buildUserCity({ ...r, version: USERDATA_CITY_VERSION });
        return res;
      } catch (e) {
        return { ok: false, version: USERDATA_CITY_VERSION, error: { where: r.name, reason: `the city model builder stopped (${e instanceof Error ? e.message : String(e)})` } };
      }
    },
    dispose: () => {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}

/** Reads a URL's body with a byte limit, reporting progress (bytes read, total when known). */
export async function fetchUserBytes(url: string, maxBytes: number, o: { signal?: AbortSignal; onProgress?: (read: number, total: number | null) => void; fetchImpl?: typeof fetch } = {}): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetchWithRetry(url, { timeoutMs: 30_000, retries: 1, maxBytes, ...(o.signal !== undefined ? { signal: o.signal } : {}), ...(o.fetchImpl !== undefined ? { fetchImpl: o.fetchImpl } : {}) });
  } catch (e) {
    if (e instanceof FetchError && e.kind === 'network') throw new FetchError(url, 'network', 'unreachable, or refused by the server\'s CORS policy');
    throw e;
  }
  const lenHeader = res.headers.get('content-length');
  const total = lenHeader !== null && Number.isFinite(Number(lenHeader)) ? Number(lenHeader) : null;
  if (res.body === null) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    read += value.byteLength;
    if (read > maxBytes) {
      await reader.cancel();
      throw new FetchError(url, 'too-large', `more than ${Math.round(maxBytes / 1048576)} MB`);
    }
    chunks.push(value);
    o.onProgress?.(read, total);
  }
  const out = new Uint8Array(read);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.byteLength;
  }
  return out;
}

export interface UserStore {
  list(cityId: string): Promise<StoredItem[]>;
  put(item: StoredItem): Promise<void>;
  remove(id: string): Promise<void>;
}

const DB = 'jumeau-userdata';
const STORE = 'items';

/** The IndexedDB store, through `idb` (a store that keeps nothing when IndexedDB is missing or refused). */
export function createUserStore(): UserStore {
  let db: Promise<IDBPDatabase | null> | null = null;
  const open = () =>
    (db ??= new Promise<IDBPDatabase | null>((resolve) => {
      if (typeof indexedDB === 'undefined') return resolve(null);
      openDB(DB, 1, {
        upgrade(d) {
          d.createObjectStore(STORE, { keyPath: 'id' }).createIndex('city', 'cityId');
        },
        blocked: () => resolve(null),
      }).then(resolve, () => resolve(null));
    }));
  /** Runs one write; a failed or aborted transaction rejects with the reason. */
  const write = async (fn: (d: IDBPDatabase) => Promise<unknown>): Promise<void> => {
    const d = await open();
    if (d === null) return;
    try {
      await fn(d);
    } catch (e) {
      const m = e instanceof Error ? e.message : '';
      throw new Error(`IndexedDB: ${m !== '' ? m : 'aborted (storage full?)'}`);
    }
  };
  return {
    async list(cityId) {
      const d = await open();
      const all = d === null ? [] : ((await d.getAllFromIndex(STORE, 'city', cityId)) as StoredItem[]);
      return all.sort((a, b) => a.order - b.order);
    },
    async put(item) {
      await write((d) => d.put(STORE, item));
    },
    async remove(id) {
      await write((d) => d.delete(STORE, id));
    },
  };
}
