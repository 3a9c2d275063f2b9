import { describe, expect, it } from 'vitest';
import { CSV_CRS_CHOICES, USER_LIMITS } from '../../../../src/layers/userdata-types.ts';
import { checkedUrl, cityCentre, failureReason, fileLimit, guessFileFormat, LOCAL_TILES_REASON, rowOf, scenarioItemOf, sourceOf, urlItem, type StoredItem, type UserItem } from '../../../../src/features/userdata/item.ts';
import { USER_PALETTE } from '../../../../src/features/userdata/style.ts';

const stored = (o: Partial<StoredItem> = {}): StoredItem => ({
  id: 'i1',
  cityId: 'rennes',
  name: 'places.geojson',
  format: 'geojson',
  source: { kind: 'file', bytes: new Uint8Array([1, 2]) },
  licence: '',
  publisher: '',
  options: {},
  styleField: null,
  addedAtMs: Date.UTC(2024, 4, 17, 12),
  order: 1,
  ...o,
});
const item = (o: Partial<UserItem> = {}, st: Partial<StoredItem> = {}): UserItem => ({
  stored: stored(st),
  persistent: true,
  status: { kind: 'loading', percent: null },
  shown: true,
  opacity: 1,
  vector: null,
  fields: [],
  rule: null,
  wmsLayers: [],
  wmts: null,
  city: null,
  colour: 2,
  fresh: true,
  ...o,
});
const labels = { all: 'All', other: 'Other' };

describe('userdata items: what is added', () => {
  it('names URL items by their last path part, services with their host', () => {
    expect(urlItem('https://data.fr/a/places%20v2.geojson?x=1', 'auto')).toEqual({ name: 'places v2.geojson', format: 'geojson' });
    expect(urlItem('https://data.fr/d/points.csv', 'auto')).toEqual({ name: 'points.csv', format: 'csv' });
    expect(urlItem('https://wxs.ign.fr/geoserver/wms?service=WMS', 'auto')).toEqual({ name: 'wms (wxs.ign.fr)', format: 'wms' });
    expect(urlItem('https://t.fr/{z}/{x}/{y}.png', 'auto')).toEqual({ name: '{y}.png (t.fr)', format: 'xyz' });
    expect(urlItem('https://host.fr/', 'tileset')).toEqual({ name: 'https://host.fr/ (host.fr)', format: 'tileset' });
  });

  it('reads http(s) addresses only, plain http from the page\'s own server only', () => {
    const page = { href: 'http://127.0.0.1:4412/?city=demo', host: '127.0.0.1:4412' };
    expect(checkedUrl('/packs/demo/x.geojson', page)).toBe('http://127.0.0.1:4412/packs/demo/x.geojson');
    expect(checkedUrl('https://data.fr/x.csv', page)).toBe('https://data.fr/x.csv');
    expect(() => checkedUrl('http://data.fr/x.csv', page)).toThrow(/plain http from another server/);
    expect(() => checkedUrl('ftp://data.fr/x.csv', page)).toThrow('only http and https addresses are read');
    expect(() => checkedUrl('javascript:alert(1)', page)).toThrow('only http and https addresses are read');
  });

  it('limits files by kind and guesses the format from the name', () => {
    expect(fileLimit('m.GLB')).toBe(USER_LIMITS.maxModelBytes);
    expect(fileLimit('x.bin', 'glb')).toBe(USER_LIMITS.maxModelBytes);
    expect(fileLimit('lyon.gml')).toBe(USER_LIMITS.maxCityBytes);
    expect(fileLimit('a.city.json')).toBe(USER_LIMITS.maxCityBytes);
    expect(fileLimit('a.json', 'cityjson')).toBe(USER_LIMITS.maxCityBytes);
    expect(fileLimit('a.json')).toBe(USER_LIMITS.maxVectorBytes);
    expect(['a.TSV', 'b.txt', 'c.kmz', 'd.zip', 'e.citygml', 'f.xml', 'g.json', 'h', 'https://x/y.gpx?z=1'].map(guessFileFormat)).toEqual(['csv', 'csv', 'kmz', 'shapefile', 'citygml', 'citygml', 'geojson', 'geojson', 'gpx']);
  });

  it('names where a failure is unless it is the item itself', () => {
    expect(failureReason('a.zip', '', 'bad')).toBe('bad');
    expect(failureReason('a.zip', 'a.zip', 'bad')).toBe('bad');
    expect(failureReason('a.zip', 'a.zip/b.shp', 'bad')).toBe('a.zip/b.shp: bad');
    expect(cityCentre({ config: { id: 'x', bbox: [0, 40, 2, 42] } })).toEqual({ lonDeg: 1, latDeg: 41, heightM: 0 });
  });
});

describe('userdata items: rows, sources, scenario form', () => {
  it('gives a vector item its own colour in the legend until it is coloured by an attribute', () => {
    const vector = { format: 'csv' as const, parsed: { features: [], issues: [] }, fields: [], geometryTypes: ['point' as const], csv: { columns: ['E', 'N'], coordinates: { xField: 'E', yField: 'N', crs: 'EPSG:2154' }, detected: true } };
    const r = rowOf(item({ vector, fields: [{ name: 'n', kind: 'numeric', values: [], distinct: 5, min: 0, max: 4 }, { name: 'id', kind: 'text', values: [], distinct: 1000, min: null, max: null }] }), labels);
    expect(r.legend).toEqual([{ color: USER_PALETTE[2], text: 'All' }]);
    expect(r.styleFields).toEqual(['n']);
    expect(r.csv).toEqual({ columns: ['E', 'N'], x: 'E', y: 'N', crs: 'EPSG:2154', crsChoices: CSV_CRS_CHOICES });
    expect(r.wms).toBeUndefined();
    expect(r.placeable).toBe(false);
    expect(rowOf(item(), labels).legend).toEqual([]);
  });

  it('shows a WMS item\'s layers and a ready model\'s placement', () => {
    const wms = rowOf(item({ wmsLayers: [{ name: 'A', title: 'a' }] }, { format: 'wms', source: { kind: 'url', url: 'https://w/wms', layers: 'A' } }), labels);
    expect(wms.wms).toEqual({ layers: [{ name: 'A', title: 'a' }], chosen: 'A' });
    const placement = { lonDeg: 1, latDeg: 2, heightM: 3, headingDeg: 4, scale: 5 };
    const glb = rowOf(item({ status: { kind: 'ready', summary: '', issues: [] } }, { format: 'glb', placement }), labels);
    expect(glb.placeable).toBe(true);
    expect(glb.placement).toEqual(placement);
  });

  it('lets the CRS of a city model be chosen when the file declares none', () => {
    const asked = rowOf(item({ city: { report: null, needsCrs: true } }, { format: 'citygml', options: { city: { crs: 'EPSG:3948' } } }), labels);
    expect(asked.city).toEqual({ crs: 'EPSG:3948', crsEditable: true, crsChoices: CSV_CRS_CHOICES });
    const report = { buildings: 3, rejectedCount: 0, rejected: [], warnings: [], crs: 'EPSG:2154', crsDeclared: true };
    const declared = rowOf(item({ city: { report: report as never, needsCrs: false } }, { format: 'citygml' }), labels);
    expect(declared.city).toMatchObject({ crs: 'EPSG:2154', crsEditable: false });
  });

  it('lists an item in the sources panel with what the user said, or what stands for it', () => {
    const unknown = { userSupplied: 'user', unknownLicence: 'unknown' };
    expect(sourceOf(item(), unknown)).toEqual({ role: 'layer', attribution: { title: 'places.geojson', publisher: 'user', licence: 'unknown', date: '2024-05-17', status: 'recorded', origin: 'places.geojson' }, shown: false });
    const url = sourceOf(item({ status: { kind: 'error', reason: 'HTTP 404' } }, { licence: 'ODbL', publisher: 'Rennes', source: { kind: 'url', url: 'https://d/x.csv' } }), unknown);
    expect(url).toMatchObject({ attribution: { publisher: 'Rennes', licence: 'ODbL', origin: 'https://d/x.csv' }, shown: false, reason: 'HTTP 404' });
    expect(sourceOf(item({ status: { kind: 'ready', summary: '', issues: [] } }), unknown).shown).toBe(true);
  });

  it('carries files and URLs in a scenario, and names local tilesets as left out', () => {
    const st = stored({ options: { csv: { crs: 'EPSG:2154' } }, placement: { lonDeg: 1, latDeg: 2, heightM: 3, headingDeg: 4, scale: 5 } });
    const s = scenarioItemOf(st);
    expect(s).toEqual({ name: 'places.geojson', format: 'geojson', licence: '', publisher: '', styleField: null, options: { csv: { crs: 'EPSG:2154' } }, placement: st.placement, source: { kind: 'file', bytes: st.source.kind === 'file' ? st.source.bytes : null } });
    // Copies: editing the scenario's item leaves the stored one alone.
    (s as { options: StoredItem['options'] }).options.csv!.crs = 'EPSG:4326';
    expect(st.options.csv!.crs).toBe('EPSG:2154');
    expect(scenarioItemOf(stored({ source: { kind: 'url', url: 'https://w/wms' } }))).toMatchObject({ source: { kind: 'url', url: 'https://w/wms' } });
    expect(scenarioItemOf(stored({ name: 'city.3tz', format: 'tileset', source: { kind: 'archive', blob: new Blob([]) } }))).toEqual({ name: 'city.3tz', format: 'tileset', reason: LOCAL_TILES_REASON });
  });
});
