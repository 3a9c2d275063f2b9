import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLengthM, readGroundAltitude, readId, readYear, resolveHeight } from '../../../src/city/attributes.ts';
import { crsInfo, parseCrsName, SUPPORTED_CRS, toWgs84 } from '../../../src/city/crs.ts';

describe('lengths and heights', () => {
  it('reads numbers and "12 m"-style strings', () => {
    const ok = (v: unknown) => {
      const p = parseLengthM(v, 'h');
      return p.ok ? p.value : p.reason;
    };
    expect(ok(12)).toBe(12);
    expect(ok('12')).toBe(12);
    expect(ok('12 m')).toBe(12);
    expect(ok(' 12.5m ')).toBe(12.5);
    expect(ok('12,5 m')).toBe(12.5);
    expect(ok('12 mètres')).toBe(12);
    expect(ok('40 ft')).toBeCloseTo(12.192, 6);
    expect(ok("40'")).toBeCloseTo(12.192, 6);
    expect(ok('1200 cm')).toBe(12);
    expect(ok('12 km')).toBe('h: unknown unit "km" in "12 km"');
    expect(ok('12;15')).toBe('h: "12;15" is not a length');
    expect(ok('douze')).toBe('h: "douze" is not a length');
    expect(ok(Infinity)).toMatch(/not a finite number/);
    expect(ok({})).toMatch(/not a number or a length \(an object\)/);
    expect(ok(true)).toMatch(/not a number or a length \(boolean true\)/);
  });

  it('never throws, and every refusal names the field (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double(), fc.jsonValue(), fc.stringMatching(/^\s*-?\d{0,4}([.,]\d{0,3})?\s*[a-zé']{0,7}$/)), (v) => {
        const p = parseLengthM(v, 'HAUTEUR');
        if (p.ok) expect(Number.isFinite(p.value)).toBe(true);
        else expect(p.reason.startsWith('HAUTEUR: ')).toBe(true);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('HAUTEUR', 'hauteur', 'height', 'building:levels', 'NB_ETAGES', 'x'), fc.oneof(fc.string(), fc.double(), fc.constant(null))), (props) => {
        const r = resolveHeight(props);
        if (r.ok) {
          expect(r.value.heightM).toBeGreaterThan(0);
          expect(r.value.heightM).toBeLessThanOrEqual(1000);
        } else expect(r.reason.length).toBeGreaterThan(5);
      }),
      { numRuns: 3000 },
    );
  });

  it('follows the height rules: --height, known attributes, storeys, flagged default; refuses bad values', () => {
    const h = (props: Record<string, unknown>, rules = {}) => {
      const r = resolveHeight(props, rules);
      return r.ok ? [r.value.heightM, r.value.heightSource, r.value.field] : r.reason;
    };
    expect(h({ HAUTEUR: 9.2 })).toEqual([9.2, 'attribute', 'HAUTEUR']);
    expect(h({ hauteur: '12 m', HAUTEUR: null })).toEqual([12, 'attribute', 'hauteur']);
    expect(h({ height: '15', 'building:levels': '3' })).toEqual([15, 'attribute', 'height']);
    expect(h({ 'building:levels': '4' })).toEqual([12, 'levels', 'building:levels']);
    expect(h({ NB_ETAGES: 2 }, { storeyHeightM: 3.5 })).toEqual([7, 'levels', 'NB_ETAGES']);
    expect(h({})).toEqual([10, 'default', null]);
    expect(h({}, { defaultHeightM: 6 })).toEqual([6, 'default', null]);
    expect(h({ HAUTEUR: '' })).toEqual([10, 'default', null]);
    expect(h({ HAUTEUR: -9999 })).toEqual([10, 'default', null]); // a no-data sentinel
    expect(h({ H: 20, HAUTEUR: 5 }, { heightAttribute: 'H' })).toEqual([20, 'attribute', 'H']);
    expect(h({ HAUTEUR: 5 }, { heightAttribute: 'H' })).toEqual([10, 'default', null]); // --height replaces the list
    expect(h({ HAUTEUR: -3 })).toBe('HAUTEUR: negative height -3 m');
    expect(h({ HAUTEUR: 0 })).toBe('HAUTEUR: height 0 m');
    expect(h({ HAUTEUR: 1500 })).toBe('HAUTEUR: absurd height 1500 m (more than 1000 m)');
    expect(h({ HAUTEUR: 1500 }, { maxHeightM: 2000 })).toEqual([1500, 'attribute', 'HAUTEUR']);
    expect(h({ 'building:levels': 'many' })).toBe('building:levels: "many" is not a number of storeys');
    expect(h({ 'building:levels': 400 })).toBe('building:levels: "400" is not a number of storeys');
  });

  it('reads ids, years and ground altitudes', () => {
    expect(readId({ ID: 'B1' }, 7)).toBe('B1');
    expect(readId({ cleabs: 'BATIMENT1' }, null)).toBe('BATIMENT1');
    expect(readId({}, 7)).toBe('7');
    expect(readId({ ID: 'B1' }, 7, 'ref')).toBeNull();
    expect(readId({ ref: 42 }, 7, 'ref')).toBe('42');
    expect(readYear({ DATE_APP: '1800-01-01' })).toBe(1800);
    expect(readYear({ start_date: '1920' })).toBe(1920);
    expect(readYear({ yearBuilt: 2999 })).toBeNull();
    expect(readGroundAltitude({ Z_MIN_SOL: 166.7 })).toBe(166.7);
    expect(readGroundAltitude({ altitude_minimale_sol: -9999 })).toBeNull();
  });
});

describe('coordinate reference systems', () => {
  it('reads CRS names in their usual spellings', () => {
    expect(parseCrsName('EPSG:2154')).toBe('EPSG:2154');
    expect(parseCrsName('epsg:3946')).toBe('EPSG:3946');
    expect(parseCrsName('3948')).toBe('EPSG:3948');
    expect(parseCrsName('urn:ogc:def:crs:EPSG::3946')).toBe('EPSG:3946');
    expect(parseCrsName('urn:ogc:def:crs:EPSG:6.3:2154')).toBe('EPSG:2154');
    expect(parseCrsName('http://www.opengis.net/def/crs/EPSG/0/2154')).toBe('EPSG:2154');
    expect(parseCrsName('urn:ogc:def:crs:OGC:1.3:CRS84')).toBe('EPSG:4326');
    expect(parseCrsName('urn:ogc:def:crs,crs:EPSG::3946,crs:EPSG::5621')).toBe('EPSG:3946');
    expect(parseCrsName('Lambert 93')).toBeNull();
    expect(() => crsInfo('EPSG:27572')).toThrow(/unsupported CRS "EPSG:27572": supported are EPSG:4326, .*EPSG:2154, EPSG:3942, .*EPSG:3950/);
    expect(SUPPORTED_CRS.map((c) => c.code)).toEqual(expect.arrayContaining(['EPSG:4326', 'EPSG:2154', ...[42, 43, 44, 45, 46, 47, 48, 49, 50].map((n) => `EPSG:39${n}`)]));
  });

  it('transforms to WGS84 like PROJ (reference points)', () => {
    // Projection origins: (x0, y0) is (lon0, lat0) by definition.
    expect(toWgs84('EPSG:2154').forward(700000, 6600000)).toEqual([expect.closeTo(3, 9), expect.closeTo(46.5, 9)]);
    for (let n = 42; n <= 50; n++) {
      const [lon, lat] = toWgs84(`EPSG:${3900 + n}`).forward(1700000, (n - 41) * 1_000_000 + 200_000);
      expect(lon).toBeCloseTo(3, 9);
      expect(lat).toBeCloseTo(n, 9);
    }
    // A Lyon building corner: EPSG:3946 in the BD TOPO file, and its GDAL (PROJ) reprojection
    // rounded to 7 decimals in the WGS84 copy of the same file.
    const [lon, lat] = toWgs84('EPSG:3946').forward(1841205.541376449, 5176065.184761938);
    expect(lon).toBeCloseTo(4.8156659, 7);
    expect(lat).toBeCloseTo(45.7701604, 7);
    // Metro station Sainte-Anne, Rennes, as STAR / Rennes Métropole publish it in both CC48
    // (x_cc48, y_cc48) and WGS84 (geometry) — rennes/transit/metro_stations.geojson.
    const [l2, p2] = toWgs84('EPSG:3948').forward(1351775.34, 7223331.03);
    expect(Math.abs(l2 - -1.67994990367) * 74_000).toBeLessThan(0.01);
    expect(Math.abs(p2 - 48.1147558451) * 111_000).toBeLessThan(0.01);
  });

  it('knows each CRS area of use, to catch wrong CRSs and swapped axes', () => {
    const cc46 = toWgs84('EPSG:3946');
    const [lon, lat] = cc46.forward(1841205, 5176065);
    expect(cc46.inArea(lon, lat)).toBe(true);
    const [lon2, lat2] = cc46.forward(5176065, 1841205); // swapped axes
    expect(cc46.inArea(lon2, lat2)).toBe(false);
    expect(toWgs84('EPSG:2154').forward(NaN, 0)).toEqual([NaN, NaN]);
  });
});
