import type { Tour } from './model.ts';
import { validateTour } from './schema.ts';

/**
 * Tours saved in this browser, per city (`localStorage` key `jumeau.tours.<cityId>`). Reading is
 * total: an unreadable store or an invalid tour is reported and set aside under
 * `jumeau.tours.<cityId>.unreadable` (never overwritten), so nothing a user made is lost.
 */

/** The part of the Web Storage API the store uses (tests pass a Map-backed one). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface LoadedTours {
  tours: Tour[];
  /** What could not be read, with the reason (already set aside). */
  problems: string[];
}

export const storeKey = (cityId: string) => `jumeau.tours.${cityId}`;
const asideKey = (cityId: string) => `${storeKey(cityId)}.unreadable`;

function setAside(storage: KeyValueStorage, cityId: string, raw: unknown): void {
  try {
    const prev = storage.getItem(asideKey(cityId));
    const list: unknown[] = prev !== null ? (JSON.parse(prev) as unknown[]) : [];
    list.push(raw);
    storage.setItem(asideKey(cityId), JSON.stringify(list));
  } catch {
    storage.setItem(`${asideKey(cityId)}.${Date.now()}`, typeof raw === 'string' ? raw : JSON.stringify(raw));
  }
}

/** Reads the tours of a city. */
export function loadTours(storage: KeyValueStorage, cityId: string): LoadedTours {
  const problems: string[] = [];
  let raw: string | null;
  try {
    raw = storage.getItem(storeKey(cityId));
  } catch (e) {
    return { tours: [], problems: [`browser storage: ${e instanceof Error ? e.message : String(e)}`] };
  }
  if (raw === null) return { tours: [], problems };
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    setAside(storage, cityId, raw);
    storage.setItem(storeKey(cityId), JSON.stringify({ version: 1, tours: [] }));
    return { tours: [], problems: [`saved tours of ${cityId}: not JSON (kept aside under ${asideKey(cityId)})`] };
  }
  const list = typeof doc === 'object' && doc !== null && Array.isArray((doc as { tours?: unknown }).tours) ? (doc as { tours: unknown[] }).tours : null;
  if (list === null) {
    setAside(storage, cityId, doc);
    storage.setItem(storeKey(cityId), JSON.stringify({ version: 1, tours: [] }));
    return { tours: [], problems: [`saved tours of ${cityId}: no "tours" list (kept aside under ${asideKey(cityId)})`] };
  }
  const tours: Tour[] = [];
  let dropped = false;
  list.forEach((t, i) => {
    const r = validateTour(t, `saved tour ${i + 1} of ${cityId}`);
    if (r.ok) tours.push(r.tour);
    else {
      problems.push(`${r.error} (kept aside under ${asideKey(cityId)})`);
      setAside(storage, cityId, t);
      dropped = true;
    }
  });
  if (dropped) storage.setItem(storeKey(cityId), JSON.stringify({ version: 1, tours }));
  return { tours, problems };
}

/** Writes the tours of a city (samples are not stored). Throws the storage's error (quota). */
export function saveTours(storage: KeyValueStorage, cityId: string, tours: readonly Tour[]): void {
  storage.setItem(storeKey(cityId), JSON.stringify({ version: 1, tours: tours.filter((t) => t.sample !== true) }));
}
