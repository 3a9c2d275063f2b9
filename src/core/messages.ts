/**
 * A message bundle: French and English texts for one feature. The English half must have exactly
 * the keys of the French half (a type error otherwise); a test checks placeholders match.
 */
export interface Bundle<K extends string> {
  readonly fr: Readonly<Record<K, string>>;
  readonly en: Readonly<Record<K, string>>;
}

export function bundle<const F extends Record<string, string>>(fr: F, en: { readonly [K in keyof F]: string }): Bundle<keyof F & string> {
  return { fr, en: en as Readonly<Record<keyof F & string, string>> };
}

/** The keys of a bundle. */
export type KeysOf<B> = B extends Bundle<infer K> ? K : never;
