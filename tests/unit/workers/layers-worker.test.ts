import '@vitest/web-worker';
import * as Comlink from 'comlink';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAYER_PARSE_VERSION, type LayerParseApi } from '../../../src/layers/parse/kernel.ts';
import { miniGtfs } from '../../fixtures/layers/gtfs.ts';

/** The layers worker through its comlink adapter (the same path the app takes). */
describe('layers worker', () => {
  it('parses a GTFS zip and a GeoJSON file, and answers errors as data', async () => {
    const worker = new Worker(new URL('../../../workers/layers.worker.ts', import.meta.url), { type: 'module' });
    const api = Comlink.wrap<LayerParseApi>(worker);
    try {
      const feed = miniGtfs();
      const r = await api.parseLayer(Comlink.transfer({ version: LAYER_PARSE_VERSION, layerId: 'bus-network', inputs: { feed }, names: { feed: 'mini.zip' } }, [feed.buffer as ArrayBuffer]));
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.parsed.features.filter((f) => f.properties.kind === 'stop')).toHaveLength(3);
      const parks = new Uint8Array(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'layers', 'car-parks.geojson')));
      const p = await api.parseLayer({ version: LAYER_PARSE_VERSION, layerId: 'parking', inputs: { carParks: parks }, names: { carParks: 'p.geojson' } });
      expect(p.ok && p.parsed.features.length).toBe(3);
      const bad = await api.parseLayer({ version: LAYER_PARSE_VERSION, layerId: 'wifi', inputs: { hotspots: new TextEncoder().encode('<html>') }, names: { hotspots: 'https://example.org/wifi' } });
      expect(bad).toMatchObject({ ok: false, error: { where: 'https://example.org/wifi', reason: expect.stringMatching(/^not valid JSON/) } });
    } finally {
      api[Comlink.releaseProxy]();
      worker.terminate();
    }
  });
});
