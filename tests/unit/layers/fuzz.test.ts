import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseParking } from '../../../src/layers/parking.ts';
import { readGeoJsonFeatures } from '../../../src/layers/parse/geojson.ts';
import { odsRecordsToFeatures, overpassToFeatures } from '../../../src/layers/parse/online.ts';
import { LayerParseError } from '../../../src/layers/types.ts';
import { forEachCsvRecord } from '../../../src/core/csv.ts';
import { GtfsError, parseGtfs } from '../../../src/layers/parse/gtfs.ts';

/** Parsers fuzzed with fast-check: hostile input is reported, never thrown as anything else. */

const coord = fc.oneof(fc.double({ min: -200, max: 200 }), fc.constantFrom(NaN, Infinity, null, '1.5', 0));
const position = fc.oneof(fc.tuple(coord, coord), fc.array(coord, { maxLength: 3 }), fc.constant(null));
const geometry = fc.oneof(
  fc.record({ type: fc.constant('Point'), coordinates: position }),
  fc.record({ type: fc.constant('LineString'), coordinates: fc.array(position, { maxLength: 5 }) }),
  fc.record({ type: fc.constant('Polygon'), coordinates: fc.array(fc.array(position, { maxLength: 6 }), { maxLength: 2 }) }),
  fc.record({ type: fc.constant('MultiPolygon'), coordinates: fc.array(fc.array(fc.array(position, { maxLength: 5 }), { maxLength: 2 }), { maxLength: 2 }) }),
  fc.record({ type: fc.string(), coordinates: fc.anything() }),
  fc.constant(null),
);
const feature = fc.oneof(fc.record({ type: fc.constant('Feature'), id: fc.oneof(fc.string(), fc.integer(), fc.constant(undefined)), properties: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.constant(null)), geometry }), fc.anything());

describe('GeoJSON reader (fuzzed)', () => {
  it('keeps only valid features, all in range, with unique ids; reports the others', () => {
    fc.assert(
      fc.property(fc.array(feature, { maxLength: 12 }), (features) => {
        const text = JSON.stringify({ type: 'FeatureCollection', features }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
        const r = readGeoJsonFeatures(new TextEncoder().encode(text), 'f.geojson', { numericFields: ['a'] });
        // Every feature is either kept or reported (once) with why.
        const rejected = r.issues.filter((i) => i.where.endsWith('(geometry)') || i.reason === 'not an object').length;
        expect(r.features.length + rejected).toBe(features.length);
        expect(new Set(r.features.map((f) => f.id)).size).toBe(r.features.length);
        for (const f of r.features) {
          const pts = f.geometry.type === 'point' ? [f.geometry.coordinates] : f.geometry.type === 'line' ? f.geometry.lines.flat() : f.geometry.polygons.flat(2);
          for (const [x, y] of pts) expect(Number.isFinite(x) && Number.isFinite(y) && Math.abs(x) <= 180 && Math.abs(y) <= 90).toBe(true);
          if (f.geometry.type === 'polygon') for (const ring of f.geometry.polygons.flat()) expect(ring.length).toBeGreaterThanOrEqual(3);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('any text: a FeatureCollection or a LayerParseError, nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        try {
          readGeoJsonFeatures(new TextEncoder().encode(text), 'f');
        } catch (e) {
          expect(e).toBeInstanceOf(LayerParseError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('online answers (ODS records, Overpass) of any shape convert or fail with a LayerParseError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        for (const fn of [() => odsRecordsToFeatures(a, 'geo', 'u'), () => overpassToFeatures(b, 'u'), () => odsRecordsToFeatures({ results: [a, b] }, 'geo', 'u'), () => overpassToFeatures({ elements: [a, b] }, 'u')]) {
          try {
            fn();
          } catch (e) {
            expect(e).toBeInstanceOf(LayerParseError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('CSV tokenizer (fuzzed)', () => {
  const cell = fc.string({ unit: fc.constantFrom('a', 'é', ',', '"', '\n', '\r\n', ' ', ';', '1') , maxLength: 8 });
  it('reads back any table written with RFC 4180 quoting, with CRLF or LF', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }).chain((n) => fc.array(fc.array(cell, { minLength: n, maxLength: n }), { minLength: 1, maxLength: 6 })), fc.boolean(), (rows, crlf) => {
        const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
        // Rows of one empty cell are skipped as blank lines by design: give them a value.
        const table = rows.map((r) => (r.length === 1 && r[0] === '' ? ['x'] : r));
        const text = table.map((r) => r.map(quote).join(',')).join(crlf ? '\r\n' : '\n');
        const back: string[][] = [];
        forEachCsvRecord(text, (f) => back.push(f), { delimiter: ',' });
        expect(back).toEqual(table);
      }),
      { numRuns: 300 },
    );
  });
});

describe('GTFS kernel (fuzzed)', () => {
  it('random bytes or random tables inside a zip: a feed or a GtfsError', () => {
    const table = fc.array(fc.array(fc.string({ maxLength: 6 }), { maxLength: 5 }), { maxLength: 5 }).map((rows) => rows.map((r) => r.join(',')).join('\n'));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), table, table, table, table, (raw, stops, routes, trips, times) => {
        for (const input of [raw, zipSync({ 'stops.txt': strToU8(`stop_id,stop_lat,stop_lon\n${stops}`), 'routes.txt': strToU8(`route_id\n${routes}`), 'trips.txt': strToU8(`route_id,trip_id\n${trips}`), 'stop_times.txt': strToU8(`trip_id,stop_id,stop_sequence\n${times}`) })]) {
          try {
            const feed = parseGtfs(input, 'f.zip');
            for (const s of feed.stops) expect(Number.isFinite(s.lat) && Number.isFinite(s.lon)).toBe(true);
          } catch (e) {
            expect(e).toBeInstanceOf(GtfsError);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('parking occupancy CSV (fuzzed)', () => {
  it('any rows: occupancy values stay within 0–1 or are NaN; bad rows are reported', async () => {
    const parks = new TextEncoder().encode(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 1, key: 'A', max: 100 }, geometry: { type: 'Point', coordinates: [0, 0] } }] }));
    const row = fc.tuple(fc.oneof(fc.constant('2026-10-06T10:20:43+02:00'), fc.string({ maxLength: 30 })), fc.constantFrom('1', '2', ''), fc.constantFrom('A', 'B'), fc.oneof(fc.integer({ min: -50, max: 200 }).map(String), fc.string({ maxLength: 4 })), fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), fc.string({ maxLength: 4 })));
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 10 }), async (rows) => {
        const csv = ['collected_at,id,key,free,max', ...rows.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(','))].join('\n');
        try {
          const r = await parseParking({ carParks: parks, occupancy: new TextEncoder().encode(csv) }, { names: {} });
          for (const v of Object.values(r.series?.values ?? {}).flat()) expect(Number.isNaN(v) || (v >= 0 && v <= 1)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(LayerParseError);
        }
      }),
      { numRuns: 100 },
    );
  });
});
