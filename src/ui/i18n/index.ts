import type { Lang } from '../../core/url-state.ts';
import type { KeysOf } from './bundle.ts';
import { BUNDLES } from './bundles.ts';

/**
 * Message catalogs and the current language. French is the default. `t()` fills `{name}`
 * placeholders with the given values (as text: callers put the result in `textContent`).
 */

/** Every message key of every bundle. */
export type MessageKey = KeysOf<(typeof BUNDLES)[number]>;

const catalogs: Record<Lang, Record<MessageKey, string>> = {
  fr: Object.assign({}, ...BUNDLES.map((b) => b.fr)) as Record<MessageKey, string>,
  en: Object.assign({}, ...BUNDLES.map((b) => b.en)) as Record<MessageKey, string>,
};

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
  const template = catalogs[current][key];
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
