import { describe, expect, it } from 'vitest';
import { genericLayerSchema, validateCity } from '../../../src/core/schemas/city.ts';
import { genericLayer } from '../../../src/layers/generic.ts';
import { THEMES } from '../../../src/layers/types.ts';
import { LAYER_THEMES } from '../../../src/core/schemas/city.ts';

const ATTR = { title: 'Zones', publisher: 'Ville de Lyon', licence: 'Licence Ouverte 2.0', date: '2024', status: 'recorded' } as const;
const u8 = (s: string) => new TextEncoder().encode(s);
const GEOJSON = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { nom: 'Nord', zone: 'A', hauteur: 12 }, geometry: { type: 'Polygon', coordinates: [[[4.83, 45.76], [4.84, 45.76], [4.84, 45.77], [4.83, 45.76]]] } },
    { type: 'Feature', properties: { nom: 'Puits', zone: 'B', hauteur: 'x' }, geometry: { type: 'Point', coordinates: [4.835, 45.765] } },
  ],
});

describe('generic layers of a city file (src/layers/generic.ts)', () => {
  it('themes are those of the layer panel', () => {
    expect([...LAYER_THEMES]).toEqual([...THEMES]);
  });

  it('turns a GeoJSON pack file styled by classes into a layer definition with its texts, legend and attribution', async () => {
    const spec = genericLayerSchema.parse({
      kind: 'geojson', id: 'zones', names: { fr: 'Zones', en: 'Zones (en)' }, theme: 'districts', file: 'layers/zones.geojson', attribution: ATTR,
      style: { colour: { kind: 'classes', property: 'zone', classes: [{ value: 'A', colour: '#ff0000', label: { fr: 'Zone A', en: 'Area A' } }, { value: 'B', colour: '#00ff00' }] } },
      properties: ['zone', 'nom'], nameProperty: 'nom', defaultOn: true,
    });
    const { def, messages, packLayer } = genericLayer(spec, '/packs/lyon/');
    expect(def).toMatchObject({ id: 'zones', theme: 'districts', prefer: 'pack', defaultOn: true, keyProperties: ['zone', 'nom'], inputs: [{ name: 'data', packLayer: 'zones', format: 'geojson' }], online: [] });
    expect(packLayer).toEqual({ id: 'zones', title: 'Zones', file: '/packs/lyon/layers/zones.geojson', format: 'geojson', layer: 'zones', attribution: ATTR });
    expect(messages.en[def.title]).toBe('Zones (en)');
    const fill = def.variants[0].symbols.find((s) => s.kind === 'fill')!;
    expect(fill.kind === 'fill' && fill.color.kind === 'category' ? fill.color.classes.map((c) => [c.value, c.color, messages.fr[c.label!]]) : null).toEqual([['A', [255, 0, 0], 'Zone A'], ['B', [0, 255, 0], 'B']]);
    const parsed = await def.parse({ data: u8(GEOJSON) }, { names: { data: 'zones.geojson' } });
    expect(parsed.features.map((f) => [f.name, f.geometry.type])).toEqual([['Nord', 'polygon'], ['Puits', 'point']]);
  });

  it('reads CSV with coordinates, extrudes by a property, and names bad rows', async () => {
    const spec = genericLayerSchema.parse({
      kind: 'csv', id: 'kiosques', names: { fr: 'Kiosques', en: 'Kiosks' }, file: 'k.csv', lonProperty: 'x', latProperty: 'y', attribution: ATTR,
      style: { colour: { kind: 'gradient', property: 'h', unit: 'm', stops: [{ value: 0, colour: '#000000' }, { value: 10, colour: '#ffffff' }] }, extrusion: { property: 'h', metresPerUnit: 2 } },
    });
    const { def } = genericLayer(spec, '/packs/lyon/');
    expect(def.variants[0].symbols.map((s) => s.kind)).toEqual(['point', 'line', 'extrusion']);
    const parsed = await def.parse({ data: u8('id,x,y,h\nk1,4.83,45.76,3\nk2,abc,45.76,1\n') }, { names: { data: 'k.csv' } });
    expect(parsed.features).toEqual([{ id: 'k1', name: null, geometry: { type: 'point', coordinates: [4.83, 45.76] }, properties: { id: 'k1', x: 4.83, y: 45.76, h: 3 } }]);
    expect(parsed.issues[0]!.where).toBe('k.csv line 3 (x, y)');
  });

  it('reads WFS, OGC API Features and WMTS services', () => {
    const base = { names: { fr: 'N', en: 'N' }, attribution: ATTR, style: { colour: { kind: 'single', colour: '#123456' } } };
    const wfs = genericLayer(genericLayerSchema.parse({ ...base, kind: 'wfs', id: 'w', url: 'https://example.org/wfs', typeName: 'ns:t' }), undefined).def;
    expect(wfs.online).toMatchObject([{ kind: 'wfs', typeName: 'ns:t', pageSize: 1000, maxFeatures: 10000 }]);
    const ogc = genericLayer(genericLayerSchema.parse({ ...base, kind: 'ogc-features', id: 'o', url: 'https://example.org/ogc/', collection: 'parcs' }), undefined).def;
    expect(ogc.online).toMatchObject([{ kind: 'geojson', url: 'https://example.org/ogc/collections/parcs/items?f=json&limit=5000&bbox={west},{south},{east},{north}' }]);
    expect(ogc.prefer).toBe('online');
    const wmts = genericLayer(genericLayerSchema.parse({ kind: 'wmts', id: 'p', names: base.names, attribution: ATTR, url: 'https://example.org/wmts', layer: 'plan', tileMatrixSetID: 'PM', opacity: 0.5 }), undefined).def;
    expect(wmts.variants[0].symbols).toEqual([{ kind: 'imagery', alpha: 0.5 }]);
  });

  it('validates generic layers in a city file with JSON paths', () => {
    const r = validateCity({
      format: 'jumeau-city', version: 1, id: 'x', names: { fr: 'X', en: 'X' }, timeZone: 'UTC', home: { lonDeg: 0, latDeg: 0, heightM: 100, headingDeg: 0, pitchDeg: -30 }, bbox: [0, 0, 1, 1], buildings: null,
      layers: [
        { kind: 'geojson', id: 'parking', names: { fr: 'P', en: 'P' }, url: 'https://e.org/a.geojson', attribution: ATTR, style: { colour: { kind: 'single', colour: 'red' } } },
        { kind: 'geojson', id: 'b', names: { fr: 'P', en: 'P' }, attribution: ATTR, style: { colour: { kind: 'single', colour: '#ff0000' } } },
      ],
    });
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual(['$.layers[0].id', '$.layers[0].style.colour.colour', '$.layers[1].url']);
  });
});
