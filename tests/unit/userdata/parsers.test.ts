import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { SUPPORTED_CRS } from '../../../src/city/crs.ts';
import { LayerParseError } from '../../../src/layers/types.ts';
import { readWmsCapabilities, wmsCapabilitiesUrl } from '../../../src/features/userdata/capabilities.ts';
import { detectCoordinates, guessCrs, pairOf } from '../../../src/features/userdata/csv.ts';
import { detectFormat } from '../../../src/features/userdata/formats.ts';
import { parseUserVector } from '../../../src/features/userdata/parse.ts';
import { crsOfPrj } from '../../../src/features/userdata/shapefile.ts';
import { legendEntries, styleable, userColorRule } from '../../../src/features/userdata/style.ts';
import { CSV_CRS_CHOICES, type VECTOR_FORMATS } from '../../../src/layers/userdata-types.ts';
import { parseUserFile, USERDATA_PARSE_VERSION } from '../../../src/features/userdata/parse-kernel.ts';
import { urlKindOf } from '../../../src/features/userdata/item.ts';
import { writeDbf, writeShp, type TestShape } from './shapefile-writer.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/userdata/${name}`, import.meta.url)));
const text = (s: string) => strToU8(s);

const L93_PRJ = 'PROJCS["RGF93_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",44.0],PARAMETER["Standard_Parallel_2",49.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]';

function shapefileZip(withPrj = true): Uint8Array {
  const shp = writeShp([
    { type: 5, parts: [[[351900, 6789300], [351900, 6789400], [352000, 6789400], [352000, 6789300], [351900, 6789300]], [[351920, 6789320], [351980, 6789320], [351980, 6789380], [351920, 6789380], [351920, 6789320]]] },
    { type: 5, parts: [[[352100, 6789300], [352100, 6789350], [352150, 6789350], [352100, 6789300]]] },
  ]);
  const dbf = writeDbf([{ name: 'NOM', type: 'C', len: 20 }, { name: 'HAUTEUR', type: 'N', len: 8 }], [['Îlot Nord', 18], ['Îlot Sud', 27.5]]);
  return zipSync({ 'parcelles/ilots.shp': shp, 'parcelles/ilots.dbf': dbf, ...(withPrj ? { 'parcelles/ilots.prj': text(L93_PRJ) } : {}), 'parcelles/ilots.cpg': text('UTF-8') });
}

describe('format detection', () => {
  it('recognises each format by its bytes, whatever the extension', () => {
    expect(detectFormat('a.bin', fixture('places.geojson'))).toEqual({ ok: true, format: 'geojson' });
    expect(detectFormat('a.txt', fixture('walk.gpx'))).toEqual({ ok: true, format: 'gpx' });
    expect(detectFormat('x', fixture('projects.kml'))).toEqual({ ok: true, format: 'kml' });
    expect(detectFormat('x.zip', shapefileZip())).toEqual({ ok: true, format: 'shapefile' });
    expect(detectFormat('x.kmz', zipSync({ 'doc.kml': fixture('projects.kml') }))).toEqual({ ok: true, format: 'kmz' });
    expect(detectFormat('m.glb', new Uint8Array([0x67, 0x6c, 0x54, 0x46, 2, 0, 0, 0]))).toEqual({ ok: true, format: 'glb' });
    expect(detectFormat('s.csv', fixture('survey-wgs84.csv'))).toEqual({ ok: true, format: 'csv' });
  });
  it('names the reason for files it does not read', () => {
    const r = (n: string, b: Uint8Array) => (detectFormat(n, b) as { reason: string }).reason;
    expect(r('e.geojson', new Uint8Array())).toMatch(/empty/);
    expect(r('m.glb', text('not a model'))).toMatch(/glTF/);
    expect(r('t.json', text('{"asset":{"version":"1.1"},"root":{}}'))).toMatch(/tileset.*URL/);
    expect(r('c.jsonl', text('{"type":"CityJSONFeature","id":"a"}'))).toMatch(/CityJSON Lines/);
    expect(r('p.pdf', text('%PDF-1.4'))).toMatch(/unknown format "\.pdf"/);
    expect(r('a.zip', zipSync({ 'readme.txt': text('hi') }))).toMatch(/neither a \.kml nor a \.shp/);
  });
});

describe('GeoJSON', () => {
  it('reads points, lines and polygons with their attributes', () => {
    const r = parseUserVector('geojson', fixture('places.geojson'), 'places.geojson');
    expect(r.parsed.features).toHaveLength(4);
    expect(r.geometryTypes.sort()).toEqual(['line', 'point', 'polygon']);
    expect(r.parsed.features[0]!.name).toBe('Parlement de Bretagne');
    const visitors = r.fields.find((f) => f.name === 'visitors')!;
    expect(visitors).toMatchObject({ kind: 'numeric', min: 0, max: 120000 });
    expect(r.fields.find((f) => f.name === 'kind')).toMatchObject({ kind: 'text', distinct: 4 });
  });
  it('names the file and the reason when it is not GeoJSON', () => {
    expect(() => parseUserVector('geojson', text('{"type":"FeatureCollection","features":[{"type":"Feat'), 'bad.geojson')).toThrow(/bad\.geojson: not valid JSON/);
    expect(() => parseUserVector('geojson', text('{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null}]}'), 'nogeom.geojson')).toThrow(/no feature could be read.*no geometry/);
  });
});

describe('CSV', () => {
  it('detects latitude/longitude columns with decimal commas and skips rows without position', () => {
    const r = parseUserVector('csv', fixture('survey-wgs84.csv'), 'survey.csv');
    expect(r.csv!.coordinates).toEqual({ xField: 'longitude', yField: 'latitude', crs: 'EPSG:4326' });
    expect(r.parsed.features).toHaveLength(3);
    expect(r.parsed.features[0]!.geometry).toEqual({ type: 'point', coordinates: [-1.6794, 48.1098] });
    expect(r.parsed.features[0]!.name).toBe('Arrêt République');
    expect(r.parsed.issues[0]!.where).toBe('survey.csv line 4');
    expect(r.fields.find((f) => f.name === 'note')).toMatchObject({ kind: 'numeric', min: 3, max: 5 });
  });
  it('detects Lambert-93 from the values and reprojects', () => {
    const r = parseUserVector('csv', fixture('survey-l93.csv'), 'l93.csv');
    expect(r.csv!.coordinates.crs).toBe('EPSG:2154');
    const [lon, lat] = (r.parsed.features[0]!.geometry as unknown as { coordinates: [number, number] }).coordinates;
    expect(lon).toBeCloseTo(-1.6795, 2);
    expect(lat).toBeCloseTo(48.111, 2);
  });
  it('reads a single "lat, lon" column and WKT points', () => {
    const r = parseUserVector('csv', fixture('geo-point.csv'), 'wifi.csv');
    expect(r.csv!.coordinates).toMatchObject({ xField: 'geo_point_2d', yField: null });
    expect(r.parsed.features[0]!.geometry).toEqual({ type: 'point', coordinates: [-1.6777, 48.1101] });
    expect(pairOf('POINT (2.35 48.85)')).toEqual([2.35, 48.85]);
  });
  it('follows the columns and CRS the user chose, and says when they do not fit', () => {
    const chosen = parseUserVector('csv', fixture('survey-l93.csv'), 'l93.csv', { csv: { xField: 'x', yField: 'y', crs: 'EPSG:3857' } });
    expect(chosen.csv!.coordinates.crs).toBe('EPSG:3857');
    expect((chosen.parsed.features[0]!.geometry as unknown as { coordinates: [number, number] }).coordinates[0]).toBeCloseTo(3.1616, 3);
    expect(() => parseUserVector('csv', fixture('survey-wgs84.csv'), 's.csv', { csv: { xField: 'latitude', yField: 'longitude', crs: 'EPSG:2154' } })).toThrow(/s\.csv line 2: coordinates 48\.1098, -1\.6794 are outside EPSG:2154's area/);
    expect(() => parseUserVector('csv', fixture('survey-wgs84.csv'), 's.csv', { csv: { xField: 'nope' } })).toThrow(/no column "nope"/);
  });
  it('explains when no coordinates can be found', () => {
    expect(() => parseUserVector('csv', text('a,b\nfoo,bar\n'), 'nocoords.csv')).toThrow(/nocoords\.csv: no coordinate columns found among a, b/);
    expect(() => parseUserVector('csv', new Uint8Array([0, 1, 2, 3, 10, 0]), 'bin.csv')).toThrow(/binary/);
  });
  it('guesses CRSs from value ranges', () => {
    expect(guessCrs([[-1.68, 48.11]])).toBe('EPSG:4326');
    expect(guessCrs([[351950, 6789360]])).toBe('EPSG:2154');
    expect(guessCrs([[1351950, 7221000]])).toBe('EPSG:3948');
    expect(guessCrs([[-187000, 6128000]])).toBe('EPSG:3857');
    expect(detectCoordinates(['a', 'b'], [{ a: 'x', b: 'y' }])).toBeNull();
  });
  it('offers the CRSs the pipeline supports', () => {
    expect([...CSV_CRS_CHOICES].sort()).toEqual(SUPPORTED_CRS.map((c) => c.code).sort());
  });
});

describe('GPX and KML', () => {
  it('reads GPX waypoints and tracks, skipping a broken waypoint with its index', () => {
    const r = parseUserVector('gpx', fixture('walk.gpx'), 'walk.gpx');
    expect(r.parsed.features.map((f) => f.geometry.type)).toEqual(['point', 'line']);
    expect(r.parsed.features[1]).toMatchObject({ name: 'Balade', properties: { kind: 'track', points: 3, minEleM: 40, maxEleM: 47 } });
    expect(r.parsed.issues[0]).toMatchObject({ where: 'walk.gpx waypoint 1' });
  });
  it('reads KML placemarks: points with extended data, polygons with holes, multi-geometries', () => {
    const r = parseUserVector('kml', fixture('projects.kml'), 'projects.kml');
    expect(r.parsed.features.map((f) => f.name)).toEqual(['Tour', 'Parc', 'Piste']);
    expect(r.parsed.features[0]!.properties.hauteur).toBe('45');
    const parc = r.parsed.features[1]!.geometry as { type: 'polygon'; polygons: unknown[][][] };
    expect(parc.polygons[0]).toHaveLength(2);
    expect((r.parsed.features[2]!.geometry as { lines: unknown[] }).lines).toHaveLength(2);
    expect(r.parsed.issues[0]!.where).toMatch(/placemark 3 "Vide"/);
  });
  it('reads the KML inside a KMZ', () => {
    const r = parseUserVector('kmz', zipSync({ 'doc.kml': fixture('projects.kml'), 'files/icon.png': new Uint8Array(10) }), 'p.kmz');
    expect(r.parsed.features).toHaveLength(3);
  });
  it('reports malformed XML with its position, and depth bombs', () => {
    expect(() => parseUserVector('kml', text('<kml><Placemark><name>x</Placemark></kml>'), 'broken.kml')).toThrow(/broken\.kml: malformed XML.*1:/);
    expect(() => parseUserVector('gpx', text(`<gpx>${'<a>'.repeat(500)}`), 'deep.gpx')).toThrow(/deep\.gpx: XML nested deeper than 200/);
  });
});

describe('shapefile', () => {
  it('reads a zipped Lambert-93 shapefile with holes and attributes', () => {
    const r = parseUserVector('shapefile', shapefileZip(), 'ilots.zip');
    expect(r.crs).toBe('EPSG:2154');
    expect(r.parsed.features).toHaveLength(2);
    const g = r.parsed.features[0]!.geometry as { type: 'polygon'; polygons: [number, number][][][] };
    expect(g.type).toBe('polygon');
    expect(g.polygons).toHaveLength(1);
    expect(g.polygons[0]).toHaveLength(2);
    expect(g.polygons[0]![0]).toHaveLength(4);
    expect(g.polygons[0]![0]![0]![0]).toBeCloseTo(-1.6795, 2);
    expect(r.parsed.features[0]!.properties).toEqual({ NOM: 'Îlot Nord', HAUTEUR: 18 });
    expect(r.parsed.features[1]!.name).toBe('Îlot Sud');
  });
  it('keeps attributes with their shapes across a null shape, and reads dates (loaders.gl decodes the records)', () => {
    const sq = (x: number): TestShape => ({ type: 5, parts: [[[x, 48.1], [x, 48.2], [x + 0.1, 48.2], [x + 0.1, 48.1], [x, 48.1]]] });
    const two = writeShp([sq(-1.7), sq(-1.5)]);
    // A null shape (type 0) between the two records.
    const firstLen = new DataView(two.buffer).getInt32(104, false) * 2 + 8;
    const nul = new Uint8Array(12);
    new DataView(nul.buffer).setInt32(0, 2, false);
    new DataView(nul.buffer).setInt32(4, 2, false);
    const shp = new Uint8Array(two.length + 12);
    shp.set(two.subarray(0, 100 + firstLen));
    shp.set(nul, 100 + firstLen);
    shp.set(two.subarray(100 + firstLen), 112 + firstLen);
    const dbf = writeDbf([{ name: 'NOM', type: 'C', len: 10 }], [['ouest'], ['vide'], ['est']]);
    const r = parseUserVector('shapefile', zipSync({ 'a.shp': shp, 'a.dbf': dbf }), 'nul.zip');
    expect(r.parsed.features.map((f) => [f.id, f.properties.NOM])).toEqual([['0', 'ouest'], ['2', 'est']]);
  });
  it('refuses projected coordinates without a .prj by naming the records', () => {
    expect(() => parseUserVector('shapefile', shapefileZip(false), 'noprj.zip')).toThrow(/noprj\.zip: no feature could be read/);
  });
  it('names the projection of common .prj files', () => {
    expect(crsOfPrj(L93_PRJ)).toBe('EPSG:2154');
    expect(crsOfPrj('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]]')).toBe('EPSG:4326');
    expect(crsOfPrj('PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS[]]')).toBe('EPSG:3857');
  });
  it('refuses zip bombs and damaged archives with the archive named', () => {
    const many: Record<string, Uint8Array> = {};
    for (let i = 0; i < 2100; i++) many[`f${i}.shp`] = new Uint8Array(1);
    expect(() => parseUserVector('shapefile', zipSync(many), 'many.zip')).toThrow(/many\.zip: more than 2000 entries/);
    const z = shapefileZip();
    expect(() => parseUserVector('shapefile', z.slice(0, z.length - 40), 'cut.zip')).toThrow(/cut\.zip/);
  });
});

describe('WMS capabilities and URLs', () => {
  it('lists named layers', () => {
    expect(readWmsCapabilities(fixture('wms-capabilities.xml'), 'caps')).toEqual([{ name: 'ortho', title: 'Orthophoto' }, { name: 'cadastre', title: 'Cadastre' }]);
    expect(() => readWmsCapabilities(text('<ServiceExceptionReport><ServiceException>bad</ServiceException></ServiceExceptionReport>'), 'svc')).toThrow(/svc: service exception: bad/);
    expect(() => readWmsCapabilities(text('<html><body>404</body></html>'), 'svc')).toThrow(/not WMS capabilities/);
    expect(wmsCapabilitiesUrl('https://x.fr/wms?map=a&request=GetMap')).toBe('https://x.fr/wms?map=a&SERVICE=WMS&REQUEST=GetCapabilities');
  });
  it('tells URL kinds apart', () => {
    expect(urlKindOf('https://t.fr/{z}/{x}/{y}.png', 'auto')).toBe('xyz');
    expect(urlKindOf('https://t.fr/geoserver/wms?service=WMS', 'auto')).toBe('wms');
    expect(urlKindOf('http://127.0.0.1/packs/demo/tileset.json', 'auto')).toBe('tileset');
    expect(urlKindOf('https://t.fr/data.csv', 'auto')).toBe('data');
    expect(urlKindOf('https://t.fr/data.json', 'tileset')).toBe('tileset');
    expect(urlKindOf('https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetCapabilities', 'auto')).toBe('wmts');
    expect(urlKindOf('https://t.fr/1.0.0/WMTSCapabilities.xml', 'auto')).toBe('wmts');
    expect(urlKindOf('https://t.fr/geoserver/gwc/service/wmts', 'auto')).toBe('wmts');
    expect(urlKindOf('https://t.fr/lyon.gml', 'auto')).toBe('data');
  });
});

describe('styles', () => {
  it('colours by classes or by a gradient, and the legend lists the same colours', () => {
    const r = parseUserVector('geojson', fixture('places.geojson'), 'p');
    const kind = r.fields.find((f) => f.name === 'kind')!;
    const rule = userColorRule([1, 2, 3], kind);
    expect(rule.kind).toBe('category');
    const legend = legendEntries(rule, 'all', 'other');
    expect(legend.map((l) => l.text)).toEqual(['heritage', 'project', 'square', 'street', 'other']);
    const grad = userColorRule([1, 2, 3], r.fields.find((f) => f.name === 'visitors')!);
    expect(grad.kind).toBe('gradient');
    expect(legendEntries(grad, 'a', 'o')[0]!.text).toBe('0');
    expect(styleable(r.fields.find((f) => f.name === 'name')!)).toBe(true);
  });
});

describe('the worker kernel', () => {
  it('answers errors as data naming the file', () => {
    const r = parseUserFile({ version: USERDATA_PARSE_VERSION, name: 'broken.geojson', bytes: text('{"type":"FeatureCollection","features":[') });
    expect(r).toMatchObject({ ok: false, error: { where: 'broken.geojson' } });
    expect(parseUserFile({ version: USERDATA_PARSE_VERSION, name: 'm.glb', bytes: new Uint8Array([0x67, 0x6c, 0x54, 0x46]) })).toMatchObject({ ok: true, kind: 'other', format: 'glb' });
    expect(parseUserFile({ version: 99 as never, name: 'x', bytes: new Uint8Array(1) })).toMatchObject({ ok: false });
  });

  it('never throws on arbitrary bytes under any name (fuzz)', () => {
    const names = ['f.geojson', 'f.csv', 'f.gpx', 'f.kml', 'f.kmz', 'f.zip', 'f.glb', 'f', 'f.json'];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.uint8Array({ maxLength: 400 }), (name, bytes) => {
        const r = parseUserFile({ version: USERDATA_PARSE_VERSION, name, bytes });
        if (!r.ok) expect(r.error.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });

  it('each vector parser fails only with a LayerParseError on mutated valid files (fuzz)', () => {
    const seeds: [(typeof VECTOR_FORMATS)[number], Uint8Array][] = [
      ['geojson', fixture('places.geojson')], ['csv', fixture('survey-wgs84.csv')], ['csv', fixture('survey-l93.csv')], ['gpx', fixture('walk.gpx')], ['kml', fixture('projects.kml')], ['shapefile', shapefileZip()],
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: seeds.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), (k, edits, cut) => {
        const [format, seed] = seeds[k]!;
        const b = seed.slice(0, seed.length - (cut % 20));
        for (const [at, v] of edits) b[at % b.length] = v;
        try {
          const r = parseUserVector(format, b, `fuzz.${format}`);
          for (const f of r.parsed.features) {
            if (f.geometry.type === 'point') expect(Math.abs(f.geometry.coordinates[1])).toBeLessThanOrEqual(90);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(LayerParseError);
          expect((e as LayerParseError).where).toMatch(/fuzz/);
        }
      }),
      { numRuns: 500 },
    );
  });
});
