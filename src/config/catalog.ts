import { cityPackSchema, describeZodError, packIndexSchema } from '../core/schemas/city-pack.ts';
import { BUILTIN_CITIES, cityFromPack } from './cities.ts';
import type { CityConfig } from './types.ts';

/**
 * The city catalog at run time: built-in entries plus the packs listed in the packs folder's
 * `index.json`, and the start-up choice of a city. No Cesium and no DOM here: network access is
 * injected, so the logic is tested without a browser.
 */

export interface CatalogEntry {
  id: string;
  name: string;
  synthetic: boolean;
  online: boolean;
  origin: 'builtin' | 'pack';
  /** Resolves the full configuration (reads the pack manifest for packs). */
  load(): Promise<CityConfig>;
}

/** A notice for the user, as a message key and its parameters (translated by the UI). */
export interface Notice {
  level: 'error' | 'warning' | 'info';
  key: 'msg.unknownCity' | 'msg.cityUnreachable' | 'msg.catalogFailed' | 'msg.packInvalid';
  params: Record<string, string>;
}

export interface CatalogDeps {
  packsBaseUrl: string;
  fetchJson(url: string): Promise<unknown>;
}

function builtinEntry(c: CityConfig): CatalogEntry {
  return { id: c.id, name: c.name, synthetic: c.synthetic, online: c.online, origin: 'builtin', load: () => Promise.resolve(c) };
}

/** Reads and validates a pack manifest; rejects with a readable reason. */
export async function loadPack(id: string, deps: CatalogDeps): Promise<CityConfig> {
  const base = `${deps.packsBaseUrl}${id}/`;
  const raw = await deps.fetchJson(`${base}city.json`);
  const parsed = cityPackSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`city.json: ${describeZodError(parsed.error)}`);
  if (parsed.data.id !== id) throw new Error(`city.json: id "${parsed.data.id}" does not match the folder "${id}"`);
  return cityFromPack(parsed.data, base);
}

/** Built-in cities plus local packs. Never rejects: an unreadable index gives a notice. */
export async function loadCatalog(deps: CatalogDeps): Promise<{ entries: CatalogEntry[]; notices: Notice[] }> {
  const entries = BUILTIN_CITIES.map(builtinEntry);
  const notices: Notice[] = [];
  let index: unknown;
  try {
    index = await deps.fetchJson(`${deps.packsBaseUrl}index.json`);
  } catch (e) {
    // No packs folder at all is normal for an online-only deployment: only say so if it is broken.
    const reason = e instanceof Error ? e.message : String(e);
    if (!/HTTP 404/.test(reason)) notices.push({ level: 'warning', key: 'msg.catalogFailed', params: { reason } });
    return { entries, notices };
  }
  const parsed = packIndexSchema.safeParse(index);
  if (!parsed.success) {
    notices.push({ level: 'warning', key: 'msg.catalogFailed', params: { reason: `index.json: ${describeZodError(parsed.error)}` } });
    return { entries, notices };
  }
  for (const p of parsed.data.packs) {
    const entry: CatalogEntry = {
      id: p.id,
      name: p.name,
      synthetic: p.synthetic,
      online: false,
      origin: 'pack',
      load: () => loadPack(p.id, deps),
    };
    const at = entries.findIndex((e) => e.id === p.id);
    // A pack with a built-in id (the demo) replaces the built-in entry: the pack knows its real extent.
    if (at >= 0) entries[at] = entry;
    else entries.push(entry);
  }
  return { entries, notices };
}

export interface ChooseOptions {
  /** City named in the URL, if any. */
  requested?: string;
  /** Configured default city ('' for none). */
  defaultCity: string;
  fallbackCity: string;
  offline: boolean;
  /** Whether an online city answers in time (its buildings tileset). */
  probe(entry: CatalogEntry): Promise<{ ok: true } | { ok: false; reason: string }>;
}

/**
 * Start-up choice: the URL's city, else the configured default, else the first online city if it
 * answers in time, else the fallback (the demo). Returns the entry and notices to show.
 */
export async function chooseCity(entries: readonly CatalogEntry[], o: ChooseOptions): Promise<{ entry: CatalogEntry; notices: Notice[] }> {
  const notices: Notice[] = [];
  const byId = (id: string) => entries.find((e) => e.id === id);
  const fallback = byId(o.fallbackCity) ?? entries.find((e) => !e.online) ?? entries[0];
  if (fallback === undefined) throw new Error('the city catalog is empty');
  if (o.requested !== undefined) {
    const e = byId(o.requested);
    if (e !== undefined) return { entry: e, notices };
    notices.push({ level: 'warning', key: 'msg.unknownCity', params: { id: o.requested, fallback: fallback.name } });
  }
  if (o.requested === undefined && o.defaultCity !== '') {
    const e = byId(o.defaultCity);
    if (e !== undefined) return { entry: e, notices };
  }
  if (!o.offline) {
    const online = entries.find((e) => e.online);
    if (online !== undefined) {
      const r = await o.probe(online);
      if (r.ok) return { entry: online, notices };
      notices.push({ level: 'info', key: 'msg.cityUnreachable', params: { name: online.name, reason: r.reason, fallback: fallback.name } });
    }
  }
  return { entry: fallback, notices };
}
