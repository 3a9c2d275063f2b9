import type { ScenarioAsset } from './file.ts';
import { scenarioSchema } from './file.ts';
import type { Scenario } from './model.ts';

/**
 * Where scenarios live between sessions. The app uses IndexedDB (`idb-store.ts`); tests and
 * the headless tools use the in-memory store below. Records read back are validated: a
 * damaged record is skipped and reported, never handed on.
 */
export interface ScenarioStore {
  /** The scenarios of a city, most recently changed first, and the records that could not be read. */
  list(cityId: string): Promise<{ scenarios: Scenario[]; damaged: string[] }>;
  get(id: string): Promise<Scenario | null>;
  put(scenario: Scenario): Promise<void>;
  delete(id: string): Promise<void>;
  getAsset(sha: string): Promise<ScenarioAsset | null>;
  putAsset(sha: string, asset: ScenarioAsset): Promise<void>;
  /** Deletes models no stored scenario uses; returns how many. */
  collectAssets(): Promise<number>;
}

/** Validates a stored record; null when it is not a scenario. */
export function checkStored(value: unknown): Scenario | null {
  const r = scenarioSchema.safeParse(value);
  return r.success ? (r.data as Scenario) : null;
}

const byRecent = (a: Scenario, b: Scenario) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : a.id < b.id ? -1 : 1);

/** A store in memory (structured copies in and out, like IndexedDB). */
export function createMemoryStore(): ScenarioStore & { readonly size: number } {
  const scenarios = new Map<string, unknown>();
  const assets = new Map<string, ScenarioAsset>();
  return {
    get size() {
      return scenarios.size;
    },
    list(cityId) {
      const out: Scenario[] = [];
      const damaged: string[] = [];
      for (const [id, v] of scenarios) {
        const s = checkStored(structuredClone(v));
        if (s === null) damaged.push(id);
        else if (s.cityId === cityId) out.push(s);
      }
      return Promise.resolve({ scenarios: out.sort(byRecent), damaged });
    },
    get(id) {
      const v = scenarios.get(id);
      return Promise.resolve(v === undefined ? null : checkStored(structuredClone(v)));
    },
    put(s) {
      scenarios.set(s.id, structuredClone(s));
      return Promise.resolve();
    },
    delete(id) {
      scenarios.delete(id);
      return Promise.resolve();
    },
    getAsset(sha) {
      const a = assets.get(sha);
      return Promise.resolve(a === undefined ? null : { ...a, bytes: a.bytes.slice() });
    },
    putAsset(sha, a) {
      assets.set(sha, { ...a, bytes: a.bytes.slice() });
      return Promise.resolve();
    },
    collectAssets() {
      const used = new Set<string>();
      for (const v of scenarios.values()) {
        const s = checkStored(structuredClone(v));
        for (const e of s?.edits ?? []) if (e.kind === 'add-model') used.add(e.asset);
      }
      let n = 0;
      for (const sha of [...assets.keys()]) if (!used.has(sha)) {
        assets.delete(sha);
        n++;
      }
      return Promise.resolve(n);
    },
  };
}

export { byRecent };
