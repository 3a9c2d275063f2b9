import type { ScenarioAsset } from '../../scenarios/file.ts';
import type { Scenario } from '../../scenarios/model.ts';
import { byRecent, checkStored, createMemoryStore, type ScenarioStore } from '../../scenarios/store.ts';

/**
 * Scenarios in the browser's IndexedDB (database `jumeau-scenarios`): one store of scenarios
 * (key: id, index: cityId) and one of models (key: SHA-256). Everything stays on this device.
 */

const DB = 'jumeau-scenarios';
const VERSION = 1;

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** Opens the store; rejects when IndexedDB is unavailable (private mode, disabled storage). */
export async function openIndexedDbStore(factory: IDBFactory = indexedDB): Promise<ScenarioStore & { close(): void }> {
  const open = factory.open(DB, VERSION);
  open.onupgradeneeded = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains('scenarios')) db.createObjectStore('scenarios', { keyPath: 'id' }).createIndex('cityId', 'cityId');
    if (!db.objectStoreNames.contains('assets')) db.createObjectStore('assets');
  };
  const db = await request(open);
  const tx = (stores: string[], mode: IDBTransactionMode) => db.transaction(stores, mode);
  return {
    async list(cityId) {
      const t = tx(['scenarios'], 'readonly');
      const all = await request(t.objectStore('scenarios').index('cityId').getAll(cityId));
      const scenarios: Scenario[] = [];
      const damaged: string[] = [];
      for (const v of all) {
        const s = checkStored(v);
        if (s === null) damaged.push(String((v as { id?: unknown } | null)?.id ?? '?'));
        else scenarios.push(s);
      }
      return { scenarios: scenarios.sort(byRecent), damaged };
    },
    async get(id) {
      const v: unknown = await request(tx(['scenarios'], 'readonly').objectStore('scenarios').get(id));
      return v === undefined ? null : checkStored(v);
    },
    async put(s) {
      const t = tx(['scenarios'], 'readwrite');
      t.objectStore('scenarios').put(s);
      await done(t);
    },
    async delete(id) {
      const t = tx(['scenarios'], 'readwrite');
      t.objectStore('scenarios').delete(id);
      await done(t);
    },
    async getAsset(sha) {
      const v = (await request(tx(['assets'], 'readonly').objectStore('assets').get(sha))) as ScenarioAsset | undefined;
      return v !== undefined && v.bytes instanceof Uint8Array ? v : null;
    },
    async putAsset(sha, a) {
      const t = tx(['assets'], 'readwrite');
      t.objectStore('assets').put(a, sha);
      await done(t);
    },
    async collectAssets() {
      const t = tx(['scenarios', 'assets'], 'readwrite');
      const used = new Set<string>();
      for (const v of await request(t.objectStore('scenarios').getAll())) {
        for (const e of checkStored(v)?.edits ?? []) if (e.kind === 'add-model') used.add(e.asset);
      }
      const keys = (await request(t.objectStore('assets').getAllKeys())) as string[];
      let n = 0;
      for (const k of keys) if (!used.has(k)) {
        t.objectStore('assets').delete(k);
        n++;
      }
      await done(t);
      return n;
    },
    close: () => db.close(),
  };
}

/** A store that waits for IndexedDB to open, or falls back to memory (with the reason). */
export function deferredStore(onFallback: (reason: string) => void): ScenarioStore {
  const ready: Promise<ScenarioStore> = openIndexedDbStore().catch((e: unknown) => {
    onFallback(e instanceof Error ? e.message : String(e));
    return createMemoryStore();
  });
  return {
    list: (c) => ready.then((s) => s.list(c)),
    get: (id) => ready.then((s) => s.get(id)),
    put: (x) => ready.then((s) => s.put(x)),
    delete: (id) => ready.then((s) => s.delete(id)),
    getAsset: (sha) => ready.then((s) => s.getAsset(sha)),
    putAsset: (sha, a) => ready.then((s) => s.putAsset(sha, a)),
    collectAssets: () => ready.then((s) => s.collectAssets()),
  };
}
