import { planLayer } from '../layers/resolve.ts';
import type { LayerDefinition, LayerFeature } from '../layers/types.ts';
import { createWorkerParser, loadLayer, memoryCache, type LayerParser } from './layers.ts';
import type { CityConfig } from '../config/types.ts';

/** What a layer's data needs of an open city: its configuration. */
export interface CityWithConfig {
  readonly config: CityConfig;
}

/**
 * A layer's features for a city, from its pack or its open-data service as the layer's source
 * plan says (the wifi feature and the scenario comparison load the same data this way). Null
 * when the city has no source for it; rejects with the source and reason when loading fails.
 * Results are kept per layer until `clear()` (call it when the city changes).
 */
export function createLayerData(offline: () => boolean): { features(city: CityWithConfig, def: LayerDefinition): Promise<LayerFeature[] | null>; clear(): void; sourceOf(id: string): string; dispose(): void } {
  let parser: LayerParser | null = null;
  const cache = new Map<string, Promise<LayerFeature[] | null>>();
  const sources = new Map<string, string>();
  return {
    features(c, def) {
      let p = cache.get(def.id);
      if (p === undefined) {
        const plan = planLayer(def, { bbox: c.config.bbox, packLayers: c.config.packLayers ?? [] }, offline());
        if (plan.kind === 'unavailable') p = Promise.resolve(null);
        else {
          parser ??= createWorkerParser();
          p = loadLayer(def, plan, { parser, cache: memoryCache(), bbox: c.config.bbox, now: () => Date.now() }).then((r) => {
            if (!r.ok) throw new Error(`${r.where}: ${r.reason}`);
            if (r.kind !== 'features') return null;
            sources.set(def.id, r.provenance.map((s) => s.attribution.publisher).join(', '));
            return r.parsed.features;
          });
        }
        cache.set(def.id, p);
      }
      return p;
    },
    clear() {
      cache.clear();
      sources.clear();
    },
    sourceOf: (id) => sources.get(id) ?? '',
    dispose() {
      cache.clear();
      parser?.dispose();
      parser = null;
    },
  };
}
