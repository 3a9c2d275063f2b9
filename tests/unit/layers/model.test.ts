import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LAYERS } from '../../../src/layers/catalog.ts';
import { OCCUPANCY_RULE } from '../../../src/layers/palette.ts';
import { parkingLayer } from '../../../src/layers/parking.ts';
import { planLayer } from '../../../src/layers/resolve.ts';
import { buildSearchIndex, normaliseName } from '../../../src/layers/search.ts';
import { colorOf, gradientColor, legendItems, parseHexColor, sizeOf } from '../../../src/layers/style.ts';
import { sampleAt, sampleSeries } from '../../../src/layers/time-series.ts';
import type { LayerFeature } from '../../../src/layers/types.ts';
import { formatClock, parseClock, parseLayersParam, serializeLayersParam } from '../../../src/layers/url.ts';
import { wifiLayer } from '../../../src/layers/wifi.ts';
import { populationGridLayer } from '../../../src/layers/population-grid.ts';
import { parkAndRideLayer } from '../../../src/layers/park-and-ride.ts';

const H = 3_600_000;

describe('time series sampling (the parking time slider)', () => {
  const times = [10 * H, 16 * H, 21 * H];
  const values = [0.2, 0.8, 0.5];
  it('is exact at a snapshot, interpolated between two, and clamped with a flag outside', () => {
    expect(sampleAt(times, values, 16 * H + 30_000)).toEqual({ value: 0.8, mode: 'exact', fromMs: 16 * H });
    expect(sampleAt(times, values, 18 * H)).toEqual({ value: 0.8 + (2 / 5) * (0.5 - 0.8), mode: 'interpolated', fromMs: 16 * H, toMs: 21 * H });
    expect(sampleAt(times, values, 8 * H)).toEqual({ value: 0.2, mode: 'before-first', fromMs: 10 * H });
    expect(sampleAt(times, values, 23 * H)).toEqual({ value: 0.5, mode: 'after-last', fromMs: 21 * H });
    expect(sampleAt(times, [NaN, NaN, NaN], 12 * H).mode).toBe('none');
  });
  it('skips missing snapshots and stays between its neighbours (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(NaN)), { minLength: 3, maxLength: 3 }), fc.integer({ min: 0, max: 24 * H }), (v, t) => {
        const s = sampleAt(times, v, t);
        const finite = v.filter(Number.isFinite);
        if (finite.length === 0) {
          expect(s.mode).toBe('none');
          return;
        }
        expect(s.value).toBeGreaterThanOrEqual(Math.min(...finite) - 1e-12);
        expect(s.value).toBeLessThanOrEqual(Math.max(...finite) + 1e-12);
      }),
    );
  });
  it('a whole layer reports its worst mode', () => {
    const r = sampleSeries({ quantity: 'occupancy', timesMs: times, values: { a: values, b: [NaN, 0.5, 0.6] }, timeZone: 'Europe/Paris' }, 12 * H);
    expect(r.mode).toBe('before-first');
    expect(r.values.get('b')?.mode).toBe('before-first');
  });
});

describe('style and legend', () => {
  it('colours by category, steps, gradient and data colour', () => {
    expect(colorOf({ kind: 'category', field: 'l', classes: [{ value: 'a', color: [1, 2, 3] }], other: [9, 9, 9] }, { l: 'a' })).toEqual([1, 2, 3]);
    expect(colorOf({ kind: 'category', field: 'l', classes: [{ value: '1', color: [1, 2, 3] }], other: [9, 9, 9] }, { l: 1 })).toEqual([1, 2, 3]);
    expect(colorOf(populationGridLayer.variants[0].symbols[0]!.color as never, { ind_c: 700 })).toEqual([37, 52, 148]);
    expect(colorOf(populationGridLayer.variants[0].symbols[0]!.color as never, { ind_c: 'x' })).toEqual([150, 150, 150]);
    expect(colorOf({ kind: 'data', field: 'c', fallback: [0, 0, 0], label: 'layers.bus.routeColour' }, { c: '#6f2282' })).toEqual([111, 34, 130]);
    expect(parseHexColor('90C01B')).toEqual([144, 192, 27]);
    expect(parseHexColor('red')).toBeNull();
  });
  it('the occupancy gradient goes green → red and uses the computed value over the data', () => {
    const rule = OCCUPANCY_RULE as Extract<typeof OCCUPANCY_RULE, { kind: 'gradient' }>;
    expect(gradientColor(rule, 0)).toEqual([46, 160, 67]);
    expect(gradientColor(rule, 1)).toEqual([214, 39, 40]);
    expect(gradientColor(rule, null)).toEqual([150, 150, 150]);
    expect(colorOf(OCCUPANCY_RULE, { occupancy: 0 }, { occupancy: 1 })).toEqual([214, 39, 40]);
  });
  it('point sizes grow with the value (area) and stay within bounds', () => {
    const rule = { field: 'n', min: 0, max: 100, minPx: 4, maxPx: 20, unit: '' };
    fc.assert(fc.property(fc.double({ min: -50, max: 150, noNaN: true }), fc.double({ min: -50, max: 150, noNaN: true }), (a, b) => {
      const sa = sizeOf(rule, { n: a }), sb = sizeOf(rule, { n: b });
      expect(sa).toBeGreaterThanOrEqual(4);
      expect(sa).toBeLessThanOrEqual(20);
      if (a <= b) expect(sa).toBeLessThanOrEqual(sb);
    }));
  });
  it('legends come from the drawing rules', () => {
    const wifi = legendItems(wifiLayer);
    expect(wifi.filter((i) => i.kind === 'swatch')).toHaveLength(5);
    expect(wifi.some((i) => i.kind === 'size')).toBe(true);
    expect(wifi.some((i) => i.kind === 'note' && i.key === 'layers.legend.cluster')).toBe(true);
    expect(legendItems(populationGridLayer, 'extruded').some((i) => i.kind === 'note' && i.key === 'layers.legend.extrusion')).toBe(true);
    expect(legendItems(parkingLayer)[0]).toMatchObject({ kind: 'gradient', min: 0, max: 1, scale: 100, unit: '%' });
  });
});

describe('URL state of the layers', () => {
  it('round-trips any set of layers, opacities and displays (property)', () => {
    const entry = fc.constantFrom(...LAYERS).chain((d) => fc.record({ id: fc.constant(d.id), opacity: fc.integer({ min: 0, max: 100 }).map((n) => n / 100), variant: fc.constantFrom(...d.variants.map((v) => v.id)) }));
    fc.assert(fc.property(fc.uniqueArray(entry, { selector: (e) => e.id, maxLength: 8 }), (entries) => {
      const back = parseLayersParam(serializeLayersParam(entries));
      expect(back.issues).toEqual([]);
      expect(back.entries).toEqual(entries);
    }));
  });
  it('reports unknown layers and bad values, keeps the rest', () => {
    const r = parseLayersParam('parking:50,nope,population-grid:200,population-grid,wifi::pyramid');
    expect(r.entries).toEqual([{ id: 'parking', opacity: 0.5, variant: 'gauges' }, { id: 'population-grid', opacity: 1, variant: 'choropleth' }, { id: 'wifi', opacity: 1, variant: 'points' }]);
    expect(r.issues.map((i) => i.reason)).toEqual(['unknown layer', 'opacity must be 0–100', 'unknown display "pyramid"']);
    expect(serializeLayersParam([{ id: 'population-grid', opacity: 1, variant: 'extruded' }])).toBe('population-grid::extruded');
  });
  it('reads and writes the time as HH:MM', () => {
    expect(parseClock('08:00')).toBe(480);
    expect(parseClock('24:00')).toBeNull();
    expect(parseClock('8h')).toBeNull();
    fc.assert(fc.property(fc.integer({ min: 0, max: 1439 }), (m) => {
      expect(parseClock(formatClock(m))).toBe(m);
    }));
  });
});

describe('search', () => {
  const f = (name: string | null): LayerFeature => ({ id: name ?? 'x', name, geometry: { type: 'point', coordinates: [0, 0] }, properties: {} });
  const index = buildSearchIndex([
    { layerId: 'metro-stations', features: [f('République'), f('Gares'), f('Sainte-Anne')] },
    { layerId: 'streets', features: [f('Rue de la République'), f(null), f('Place Sainte-Anne'), f('Place Sainte-Anne')] },
  ]);
  it('ignores case and accents, ranks names starting with the query first, one hit per name and layer', () => {
    expect(normaliseName('  Rue  de l’Église ')).toBe('rue de l eglise');
    expect(index.search('republique').map((h) => h.name)).toEqual(['République', 'Rue de la République']);
    expect(index.search('anne sainte').map((h) => `${h.layerId}:${h.name}`)).toEqual(['metro-stations:Sainte-Anne', 'streets:Place Sainte-Anne']);
    expect(index.search('')).toEqual([]);
    expect(index.search('zzz')).toEqual([]);
    expect(index.size).toBe(6);
  });
});

describe('where a layer comes from, per city', () => {
  const rennes = { bbox: [-1.75, 48.07, -1.62, 48.16] as const, packLayers: [] };
  const demo = { bbox: rennes.bbox, packLayers: [{ id: 'parking', title: 'p', file: 'packs/demo/layers/parking.geojson', format: 'geojson', layer: 'parking', attribution: parkingLayer.inputs[0]!.samples![0]!.attribution }] };
  const paris = { bbox: [2.22, 48.81, 2.47, 48.9] as const, packLayers: [] };
  it('prefers live data for parking online, the pack offline; says why a layer is unavailable', () => {
    expect(planLayer(parkingLayer, demo, false)).toMatchObject({ kind: 'online', source: { kind: 'ods-records' }, fallback: { kind: 'pack' } });
    expect(planLayer(parkingLayer, demo, true)).toMatchObject({ kind: 'pack', files: [{ input: { name: 'carParks' } }] });
    expect(planLayer(parkingLayer, rennes, true)).toEqual({ kind: 'unavailable', reason: 'offline' });
    expect(planLayer(parkingLayer, paris, false)).toEqual({ kind: 'unavailable', reason: 'no-source' });
    expect(planLayer(parkAndRideLayer, rennes, false)).toMatchObject({ kind: 'online', fallback: null });
  });
  it('wifi: the Paris service for Paris, OpenStreetMap for any other city', () => {
    expect(planLayer(wifiLayer, paris, false)).toMatchObject({ kind: 'online', source: { kind: 'geojson' } });
    expect(planLayer(wifiLayer, rennes, false)).toMatchObject({ kind: 'online', source: { kind: 'overpass' } });
  });
});
