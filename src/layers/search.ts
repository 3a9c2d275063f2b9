import type { LayerFeature } from './types.ts';

/**
 * Finding features by name across the loaded layers (pure): case- and accent-insensitive, words
 * in any order; names that start with the query rank first, then word starts, then anywhere.
 */

export interface SearchEntry {
  layerId: string;
  featureIndex: number;
  name: string;
}

export interface SearchHit extends SearchEntry {
  score: number;
}

/** Lower case, no accents, punctuation as spaces, single spaces. */
export function normaliseName(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

export interface SearchIndex {
  search(query: string, limit?: number): SearchHit[];
  readonly size: number;
}

/** Builds an index over named features of several layers. */
export function buildSearchIndex(layers: readonly { layerId: string; features: readonly LayerFeature[] }[]): SearchIndex {
  const entries: (SearchEntry & { norm: string; words: string[] })[] = [];
  for (const l of layers) {
    l.features.forEach((f, i) => {
      if (f.name === null || f.name.trim() === '') return;
      const norm = normaliseName(f.name);
      if (norm === '') return;
      entries.push({ layerId: l.layerId, featureIndex: i, name: f.name, norm, words: norm.split(' ') });
    });
  }
  return {
    size: entries.length,
    search(query, limit = 20) {
      const q = normaliseName(query);
      if (q === '') return [];
      const terms = q.split(' ');
      const hits: SearchHit[] = [];
      for (const e of entries) {
        if (!terms.every((t) => e.norm.includes(t))) continue;
        let score = 0;
        if (e.norm === q) score += 100;
        if (e.norm.startsWith(q)) score += 50;
        for (const t of terms) if (e.words.some((w) => w.startsWith(t))) score += 10;
        score -= e.norm.length / 100;
        hits.push({ layerId: e.layerId, featureIndex: e.featureIndex, name: e.name, score });
      }
      hits.sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
      // One hit per identical name and layer (a route in two directions, a stop on both sides).
      const seen = new Set<string>();
      return hits.filter((h) => {
        const k = `${h.layerId}\u0000${normaliseName(h.name)}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      }).slice(0, limit);
    },
  };
}
