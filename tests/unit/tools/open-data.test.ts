import { describe, expect, it } from 'vitest';
import { LAYERS } from '../../../src/layers/catalog.ts';
import { addOpenDataLayers, samplesFor } from '../../../src/city/node/open-data.ts';

describe('open data for the offline packs', () => {
  it('lists every recorded sample of the catalog for its pack, each pack layer once', () => {
    const demo = samplesFor('demo'), paris = samplesFor('paris');
    expect(paris.map((s) => s.def.id).sort()).toEqual(['bike-share', 'districts', 'wifi']);
    expect(demo.length).toBeGreaterThanOrEqual(18);
    expect(new Set(demo.map((s) => s.input.packLayer)).size).toBe(demo.length);
    const withSamples = LAYERS.filter((d) => d.inputs.some((i) => (i.samples ?? []).length > 0)).length;
    expect(new Set([...demo, ...paris].map((s) => s.def.id)).size).toBe(withSamples);
  });

  it('names the missing file and the layer that needs it', async () => {
    await expect(addOpenDataLayers('/nonexistent-pack', 'demo', '/nonexistent-data')).rejects.toThrow(/\/nonexistent-data\/rennes\/parking\/citedia_car_parks_centre\.geojson: missing \(needed by the parking layer/);
  });
});
