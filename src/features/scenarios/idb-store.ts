import { openDB } from 'idb';
import type { ScenarioAsset } from '../../scenarios/file.ts';
import type { Scenario } from '../../scenarios/model.ts';
import { byRecent, checkStored, createMemoryStore, type ScenarioStore } from '../../scenarios/store.ts';

/**
 * Scenarios in the browser's IndexedDB (database `jumeau-scenarios`): one store of scenarios
 * (key: id, index: cityId) and one of models (key: SHA-256), through the `idb` wrapper (the one
 * IndexedDB helper of the app, also used by My data). Everything stays on this device.
 */

const DB = 'jumeau-scenarios';
const VERSION = 1;

/** Opens the store (through `idb`); rejects when IndexedDB is unavailable (private mode, disabled storage). */
export async function openIndexedDbStore(): Promise<ScenarioStore & { close(): void }> {
  const db = await openDB(DB, VERSION, {
    upgrade(d) {
      if (!d.objectStoreNames.contains('scenarios')) d.createObjectStore('scenarios', { keyPath: 'id' }).createIndex('cityId', 'cityId');
      if (!d.objectStoreNames.contains('assets')) d.createObjectStore('assets');
    },
  });
  return {
    async list(cityId) {
      const all: unknown[] = await db.getAllFromIndex('scenarios', 'cityId', cityId);
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
      const v: unknown = await db.get('scenarios', id);
      return v === undefined ? null : checkStored(v);
    },
    async put(s) {
      await db.put('scenarios', s);
    },
    async delete(id) {
      await db.delete('scenarios', id);
    },
    async getAsset(sha) {
      const v = (await db.get('assets', sha)) as ScenarioAsset | undefined;
      return v !== undefined && v.bytes instanceof Uint8Array ? v : null;
    },
    async putAsset(sha, a) {
      await db.put('assets', a, sha);
    },
    async collectAssets() {
      const t = db.transaction(['scenarios', 'assets'], 'readwrite');
      const used = new Set<string>();
      for (const v of await t.objectStore('scenarios').getAll()) {
        for (const e of checkStored(v)?.edits ?? []) if (e.kind === 'add-model') used.add(e.asset);
      }
      const assets = t.objectStore('assets');
      let n = 0;
      for (const k of await assets.getAllKeys()) if (!used.has(String(k))) {
        void assets.delete(k);
        n++;
      }
      await t.done;
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
