import { describe, expect, it } from 'vitest';
import { catalogs, setLang, t, tValue } from '../../../src/ui/i18n/index.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  it('have the same keys, no empty messages and the same placeholders in every language', () => {
    const fr = catalogs.fr, en = catalogs.en;
    expect(Object.keys(en).sort()).toEqual(Object.keys(fr).sort());
    for (const key of Object.keys(fr) as (keyof typeof fr)[]) {
      expect(fr[key].trim(), key).not.toBe('');
      expect(en[key].trim(), key).not.toBe('');
      expect(placeholders(en[key]), key).toEqual(placeholders(fr[key]));
    }
  });
  it('fills placeholders and switches language', () => {
    setLang('fr');
    expect(t('app.loading', { name: 'Rennes' })).toBe('Chargement de Rennes…');
    setLang('en');
    expect(t('app.loading', { name: 'Rennes' })).toBe('Loading Rennes…');
    expect(tValue('residential')).toBe('residential');
    expect(tValue('unknown-value')).toBe('unknown-value');
    setLang('fr');
    expect(tValue('residential')).toBe('résidentiel');
  });
});

describe('message bundles', () => {
  it('never define the same key twice across bundles, and every bundle is complete in both languages', async () => {
    const { BUNDLES } = await import('../../../src/ui/i18n/index.ts');
    const seen = new Map<string, number>();
    BUNDLES.forEach((b, i) => {
      expect(Object.keys(b.en).sort(), `bundle ${i}`).toEqual(Object.keys(b.fr).sort());
      for (const k of Object.keys(b.fr)) {
        expect(seen.has(k), `key ${k} in bundles ${seen.get(k)} and ${i}`).toBe(false);
        seen.set(k, i);
      }
    });
  });
});
