import type { Lang } from '../../core/url-state.ts';
import type { Bundle } from '../../core/messages.ts';

/**
 * Message catalogs and the current language. French is the default. `t()` fills `{name}`
 * placeholders with the given values (as text: callers put the result in `textContent`).
 */

/**
 * Every message key: the catalogue (src/app/messages.ts) adds the keys of every bundle to this
 * interface by declaration merging, so ui/ needs to import no feature to type `t()`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MessageCatalog {}
export type MessageKey = keyof MessageCatalog & string;

const catalogs: Record<Lang, Record<MessageKey, string>> = { fr: {} as Record<MessageKey, string>, en: {} as Record<MessageKey, string> };
/** The bundles registered, in order (a test checks they never share a key). */
const BUNDLES: Bundle<string>[] = [];

/** Adds message bundles to the catalogue (src/app/messages.ts registers every feature's). */
export function registerMessages(bundles: readonly Bundle<string>[]): void {
  for (const b of bundles) {
    if (BUNDLES.includes(b)) continue;
    BUNDLES.push(b);
    Object.assign(catalogs.fr, b.fr);
    Object.assign(catalogs.en, b.en);
  }
}

let current: Lang = 'fr';
const listeners = new Set<(lang: Lang) => void>();

/** The current language. */
export function getLang(): Lang {
  return current;
}

/** Changes the language and notifies listeners (panels re-render their text). */
export function setLang(lang: Lang): void {
  if (lang === current) return;
  current = lang;
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  for (const l of listeners) l(lang);
}

/** Calls `fn` whenever the language changes; returns the unsubscribe function. */
export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Translates a key, filling placeholders. Unknown placeholders are left as written. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = catalogs[current][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Translation of a value when the catalog has one (`value.<v>`), else the value itself. */
export function tValue(value: string): string {
  const key = `value.${value}` as MessageKey;
  return key in catalogs[current] ? t(key) : value;
}

/** Formats a number for the current language. */
export function formatNumber(value: number, maximumFractionDigits = 1): string {
  return new Intl.NumberFormat(current === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits }).format(value);
}

export { catalogs, BUNDLES };
