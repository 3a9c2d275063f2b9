import { cityPackSchema, describeZodError, packIndexSchema, type CityPack } from '../core/schemas/city-pack.ts';
import { describeIssues, issuesOf, parseCityText, validateCity, type CityFile } from '../core/schemas/city.ts';
import { cityFromFile, cityFromPack, SHIPPED_CITY_FILES } from './cities.ts';
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
  key: 'msg.unknownCity' | 'msg.cityUnreachable' | 'msg.catalogFailed' | 'msg.packInvalid' | 'msg.cityInvalid';
  params: Record<string, string>;
}

export interface CatalogDeps {
  packsBaseUrl: string;
  fetchJson(url: string): Promise<unknown>;
  /**
   * City files to offer, as raw JSON with a name for messages (default: those shipped with the
   * app, src/config/cities/; the run-time configuration may give others).
   */
  cityFiles?: readonly { name: string; raw: unknown }[];
}

/** Reads a pack manifest (validated); rejects with the field named. */
async function readPackManifest(id: string, deps: CatalogDeps): Promise<CityPack> {
  const raw = await deps.fetchJson(`${deps.packsBaseUrl}${id}/city.json`);
  const parsed = cityPackSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`city.json: ${describeIssues(issuesOf(parsed.error))}`);
  if (parsed.data.id !== id) throw new Error(`city.json: id "${parsed.data.id}" does not match the folder "${id}"`);
  return parsed.data;
}

/** A catalog entry for a city file; its pack's manifest (when it names one) is read on load. */
export function cityFileEntry(file: CityFile, deps: CatalogDeps): CatalogEntry {
  return {
    id: file.id,
    name: file.names.fr,
    synthetic: file.synthetic,
    online: file.online,
    origin: 'builtin',
    async load() {
      if (file.pack === undefined) return cityFromFile(file, deps.packsBaseUrl, null);
      let pack: CityPack | null = null;
      try {
        pack = await readPackManifest(file.pack, deps);
      } catch (e) {
        // Without its manifest a city still opens when its file gives the extent (its tileset then
        // fails with a message naming it); otherwise the manifest's problem is the reason.
        if (file.bbox === undefined || file.home === undefined) throw e;
      }
      return cityFromFile(file, deps.packsBaseUrl, pack);
    },
  };
}

/**
 * Validates a city file fetched or read at run time: the entry, or a notice naming every
 * problem with its JSON path (the app shows it and keeps the other cities).
 */
export function cityFileNotice(where: string, raw: unknown): { file: CityFile } | { notice: Notice } {
  // A file that is not JSON comes as its text (server/config-route.ts): its syntax error is named.
  const r = typeof raw === 'string' ? parseCityText(raw) : validateCity(raw);
  if (r.ok) return { file: r.city };
  return { notice: { level: 'error', key: 'msg.cityInvalid', params: { id: where, reason: describeIssues(r.issues) } } };
}

/** Reads and validates a pack manifest; rejects with a readable reason. */
export async function loadPack(id: string, deps: CatalogDeps): Promise<CityConfig> {
  return cityFromPack(await readPackManifest(id, deps), `${deps.packsBaseUrl}${id}/`);
}

/**
 * The city files plus local packs. Never rejects: an unreadable index gives a notice. A pack
 * named by a city file is opened through that file; other packs open from their manifest.
 */
export async function loadCatalog(deps: CatalogDeps): Promise<{ entries: CatalogEntry[]; notices: Notice[] }> {
  const notices: Notice[] = [];
  const files: CityFile[] = [];
  for (const f of deps.cityFiles ?? SHIPPED_CITY_FILES) {
    const r = cityFileNotice(f.name, f.raw);
    if ('notice' in r) notices.push(r.notice);
    else if (files.some((x) => x.id === r.file.id)) notices.push({ level: 'error', key: 'msg.cityInvalid', params: { id: f.name, reason: `$.id: "${r.file.id}" is already the id of another city` } });
    else files.push(r.file);
  }
  const entries = files.map((f) => cityFileEntry(f, deps));
  const packsOfFiles = new Set(files.flatMap((f) => (f.pack !== undefined ? [f.pack] : [])));
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
    if (packsOfFiles.has(p.id)) continue;
    const entry: CatalogEntry = {
      id: p.id,
      name: p.name,
      synthetic: p.synthetic,
      online: false,
      origin: 'pack',
      load: () => loadPack(p.id, deps),
    };
    const at = entries.findIndex((e) => e.id === p.id);
    // A pack with the id of a city file that does not name it replaces that entry.
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
