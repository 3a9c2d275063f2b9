import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBusNetwork } from '../../../src/layers/bus-network.ts';
import { parseParking } from '../../../src/layers/parking.ts';
import { normaliseGeometry, readGeoJsonFeatures } from '../../../src/layers/parse/geojson.ts';
import { parseStreets } from '../../../src/layers/streets.ts';
import { parseTravelTimes } from '../../../src/layers/trambus-times.ts';
import { LayerParseError } from '../../../src/layers/types.ts';
import { hotspotsFromFeatures, wifiLayer } from '../../../src/layers/wifi.ts';
import { parseGtfs } from '../../../src/layers/parse/gtfs.ts';
import { miniGtfs } from '../../fixtures/layers/gtfs.ts';

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'layers');
const bytes = (name: string) => new Uint8Array(readFileSync(join(FIX, name)));
const u8 = (s: string) => new TextEncoder().encode(s);

describe('GeoJSON reading', () => {
  it('normalises geometries and explains why one is rejected', () => {
    expect(normaliseGeometry({ type: 'Point', coordinates: [2, 48] })).toEqual({ type: 'point', coordinates: [2, 48] });
    expect(normaliseGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] })).toEqual({ type: 'polygon', polygons: [[[[0, 0], [1, 0], [1, 1]]]] });
    expect(normaliseGeometry({ type: 'LineString', coordinates: [[0, 0], [0, 0]] })).toMatch(/at least 2 distinct/);
    expect(normaliseGeometry({ type: 'Point', coordinates: [0, 91] })).toMatch(/invalid point/);
    expect(normaliseGeometry({ type: 'GeometryCollection', geometries: [] })).toMatch(/unsupported geometry type "GeometryCollection"/);
    expect(normaliseGeometry(null)).toBe('no geometry');
  });

  it('rejects a file that is not a FeatureCollection, naming the file', () => {
    expect(() => readGeoJsonFeatures(u8('{"type":"Topology"}'), 'x.geojson')).toThrow(new LayerParseError('x.geojson', 'a layer file must be a GeoJSON FeatureCollection, not "Topology"'));
    expect(() => readGeoJsonFeatures(u8('{"type":'), 'y.geojson')).toThrow(/y\.geojson: not valid JSON/);
    expect(() => readGeoJsonFeatures(u8('[1,2]'), 'z.geojson')).toThrow(LayerParseError);
  });

  it('keeps every property, converts declared numbers, and makes ids unique', () => {
    const r = readGeoJsonFeatures(u8(JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { id: 'a', n: '7.0', arr: ['35238'], s: 'None' }, geometry: { type: 'Point', coordinates: [1, 2] } },
      { type: 'Feature', properties: { id: 'a', n: 'twelve' }, geometry: { type: 'Point', coordinates: [1, 2] } },
    ] })), 'f', { idFields: ['id'], numericFields: ['n', 's'] });
    expect(r.features.map((f) => f.id)).toEqual(['a', 'a#1']);
    expect(r.features[0]!.properties).toEqual({ id: 'a', n: 7, arr: '["35238"]', s: null });
    expect(r.features[1]!.properties.n).toBeNull();
    expect(r.issues).toEqual([{ where: 'f feature 1 field "n"', reason: 'not a number: "twelve"' }]);
  });
});

describe('parking parser', () => {
  it('joins the snapshots on id (or name) and reports every bad row with its line', async () => {
    const r = await parseParking({ carParks: bytes('car-parks.geojson'), occupancy: bytes('occupancy.csv') }, { names: { carParks: 'parks.geojson', occupancy: 'occ.csv' } });
    expect(r.features.map((f) => f.name)).toEqual(['Arsenal', 'Lices', 'Chézy-Dinan']);
    expect(r.features[1]!.properties.max).toBe(397);
    const s = r.series!;
    expect(s.timesMs.map((t) => new Date(t).toISOString())).toEqual(['2026-10-06T08:20:00.000Z', '2026-10-06T14:20:00.000Z', '2026-10-06T19:25:00.000Z']);
    expect(s.values['74']).toEqual([1 - 134 / 566, 1 - 207 / 566, 1 - 404 / 566]);
    // Lices at 16:20 is matched by name (empty id); at 21:25 its count is not a number.
    expect(s.values['5066']!.slice(0, 2)).toEqual([1 - 158 / 397, 1 - 147 / 397]);
    expect(Number.isNaN(s.values['5066']![2])).toBe(true);
    expect(s.values['2']!.every(Number.isNaN)).toBe(true);
    const where = r.issues.map((i) => i.where);
    expect(where).toContain('parks.geojson feature 3 (geometry)');
    expect(where).toContain('parks.geojson car park 2');
    expect(where).toContain('occ.csv line 7 (free, max)');
    expect(where).toContain('occ.csv line 8');
    expect(r.issues.find((i) => i.where === 'occ.csv line 9 (collected_at)')?.reason).toMatch(/not an ISO 8601 time/);
  });

  it('reads a live answer (free and max in the features) as one reading at the fetch time', async () => {
    const live = JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { key: 'Arsenal', free: 100, max: 400 }, geometry: { type: 'Point', coordinates: [-1.68, 48.1] } }] });
    const r = await parseParking({ carParks: u8(live) }, { names: {}, fetchedAtMs: 1_000_000, timeZone: 'Europe/Paris' });
    expect(r.series).toEqual({ quantity: 'occupancy', timesMs: [1_000_000], values: { Arsenal: [0.75] }, timeZone: 'Europe/Paris' });
  });

  it('fails the layer when the CSV lacks a required column', async () => {
    await expect(parseParking({ carParks: bytes('car-parks.geojson'), occupancy: u8('when,id,free\n1,2,3\n') }, { names: { occupancy: 'occ.csv' } })).rejects.toThrow(/occ\.csv: missing columns collected_at, max/);
  });
});

describe('GTFS kernel', () => {
  it('reads stops, routes and one line per route and direction through the longest trip', () => {
    const feed = parseGtfs(miniGtfs(), 'mini.zip');
    expect(feed.version).toBe('Horaires d\'été, test');
    expect(feed.stops.map((s) => s.id)).toEqual(['A', 'B', 'C', 'P']);
    expect(feed.stops.find((s) => s.id === 'A')).toMatchObject({ name: 'République', routes: ['1', 'a'], passages: 3 });
    const r1 = feed.routes.find((r) => r.routeId === '0001' && r.directionId === '0')!;
    expect(r1).toMatchObject({ tripId: 't1', trips: 2, stopCount: 3, color: '#90c01b', headsign: '1 | Villejean' });
    expect(r1.path).toEqual([[-1.672, 48.103], [-1.68, 48.11], [-1.704, 48.121]]);
    expect(feed.routes.find((r) => r.routeId === 'a')!.color).toBe('');
    expect(feed.issues.map((i) => i.where)).toEqual(expect.arrayContaining(['stops.txt line 5 (stop D)', 'trips.txt line 6']));
  });

  it('names the missing file or column', () => {
    expect(() => parseGtfs(miniGtfs({ 'stop_times.txt': null }), 'mini.zip')).toThrow(/mini\.zip: stop_times\.txt is missing from the feed/);
    expect(() => parseGtfs(miniGtfs({ 'stops.txt': 'stop_id,stop_name\n1,x\n' }), 'mini.zip')).toThrow(/stops\.txt: missing columns stop_lat, stop_lon/);
    expect(() => parseGtfs(u8('not a zip'), 'x.zip')).toThrow(/x\.zip: not a zip archive/);
    expect(() => parseGtfs(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), 'x.zip')).toThrow(/x\.zip: cannot unzip/);
  });

  it('refuses files larger than the limits (zip bombs)', () => {
    expect(() => parseGtfs(miniGtfs(), 'mini.zip', { maxFileBytes: 100, maxTotalBytes: 1e9 })).toThrow(/bytes uncompressed, more than the limit of 100/);
  });

  it('becomes the bus network layer: route lines and stop points (stations left out)', () => {
    const r = parseBusNetwork({ feed: miniGtfs() }, { names: { feed: 'mini.zip' } });
    expect(r.features.filter((f) => f.properties.kind === 'route').map((f) => f.id)).toEqual(['route:0001:0', 'route:0001:1', 'route:a:0']);
    expect(r.features.filter((f) => f.properties.kind === 'stop').map((f) => f.name)).toEqual(['République', 'Gares', 'Villejean, Université']);
    expect(r.issues[0]!.reason).toMatch(/feed "Horaires d'été, test" by Keolis Rennes, valid 20120709–20120902/);
    expect(() => parseBusNetwork({ feed: u8('x') }, { names: { feed: 'bad.zip' } })).toThrow(new LayerParseError('bad.zip', 'not a zip archive (a GTFS feed is a zip)'));
  });
});

describe('other parsers', () => {
  it('travel times: a line per pair with the minutes saved; bad geometry and times reported', () => {
    const r = parseTravelTimes({ times: bytes('travel-times.geojson') }, { names: { times: 'tt.geojson' } });
    expect(r.features).toHaveLength(2);
    expect(r.features[0]).toMatchObject({ id: '1', name: 'T1 République → Grand Quartier : 31 → 23 min', properties: { gain_min: 8 } });
    expect(r.features[1]!.properties.gain_min).toBeNull();
    expect(r.issues.map((i) => i.where)).toEqual(['tt.geojson feature 1 (temps_actuel, temps_futur)', 'tt.geojson feature 2 (geometry)']);
  });

  it('streets: lines and tagged nodes kept, untagged nodes counted, bad geometry reported', () => {
    const r = parseStreets({ ways: bytes('streets.geojson') }, { names: { ways: 'osm.geojson' } });
    expect(r.features.map((f) => f.name ?? f.properties.highway)).toEqual(['Boulevard de la Liberté', 'crossing']);
    expect(r.features[0]!.geometry).toEqual({ type: 'line', lines: [[[-1.68, 48.1], [-1.67, 48.1]]] });
    expect(r.issues.map((i) => i.where)).toEqual(['osm.geojson feature 3 (geometry)', 'osm.geojson feature 4 (geometry)', 'osm.geojson']);
    expect(r.issues[2]!.reason).toBe('1 nodes or areas without a highway tag not drawn');
  });

  it('wifi: the hotspot model used by the simulation and scenarios', () => {
    const r = wifiLayer.parse({ hotspots: u8(JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { idpw: 'PW1', nom_site: 'Mairie', nombre_de_borne_wifi: '3', etat2: 'Opérationnel' }, geometry: { type: 'Point', coordinates: [2.35, 48.85] } },
      { type: 'Feature', properties: { idpw: 'PW2', nom_site: 'Parc', etat2: 'Fermé pour travaux' }, geometry: { type: 'Point', coordinates: [2.3, 48.8] } },
    ] })) }, { names: {} });
    expect(hotspotsFromFeatures(r.features)).toEqual([
      { id: 'PW1', name: 'Mairie', lonDeg: 2.35, latDeg: 48.85, heightM: null, accessPoints: 3, status: 'Opérationnel', inService: true, origin: 'open-data' },
      { id: 'PW2', name: 'Parc', lonDeg: 2.3, latDeg: 48.8, heightM: null, accessPoints: null, status: 'Fermé pour travaux', inService: false, origin: 'open-data' },
    ]);
  });
});
