import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../src/city/node/open-data.ts';
import { detectFormat } from '../../src/features/userdata/formats.ts';
import { parseUserVector } from '../../src/features/userdata/parse.ts';
import { polygonsToShapefile } from '../unit/userdata/shapefile-from-geojson.ts';
import { buildUserCity } from '../../src/features/userdata/city-kernel.ts';
import { USERDATA_CITY_VERSION } from '../../src/features/userdata/city-contract.ts';

/**
 * "Bring your own data" parsers on real open data from ../shared/data, read in place: a large
 * GeoJSON, the STAR GTFS stops as a CSV a planner would export, and the Rennes sub-districts
 * carried through a shapefile. Fails when ../shared/data is missing.
 */
const DATA = sharedDataDir();
// Rennes Métropole and its surroundings (the STAR network reaches beyond the city).
const RENNES = [-2.2, 47.8, -1.3, 48.4] as const;

describe('user data on ../shared/data', () => {
  it('has the data', () => {
    expect(existsSync(DATA), `${DATA} is missing`).toBe(true);
  });

  it('reads the Ille-et-Vilaine communes GeoJSON (3.7 MB) with every polygon', () => {
    const file = join(DATA, 'rennes/admin/communes_ille_et_vilaine_mastersigat.geojson');
    const bytes = new Uint8Array(readFileSync(file));
    expect(detectFormat(file, bytes)).toEqual({ ok: true, format: 'geojson' });
    const r = parseUserVector('geojson', bytes, 'communes.geojson');
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { features: unknown[] };
    expect(r.parsed.features.length + r.parsed.issues.filter((i) => i.where !== '…').length).toBe(raw.features.length);
    expect(r.parsed.features.length).toBeGreaterThan(300);
    expect(r.geometryTypes).toEqual(['polygon']);
  });

  it('reads the GTFS stops as a CSV: stop_lat/stop_lon detected, every stop in Rennes', () => {
    const zip = unzipSync(new Uint8Array(readFileSync(join(DATA, 'rennes/transit/star_gtfs_2012-06-18.zip'))), { filter: (f) => f.name === 'stops.txt' });
    const bytes = zip['stops.txt']!;
    const rows = new TextDecoder().decode(bytes).trim().split('\n').length - 1;
    const r = parseUserVector('csv', bytes, 'stops.txt');
    expect(r.csv!.coordinates).toEqual({ xField: 'stop_lon', yField: 'stop_lat', crs: 'EPSG:4326' });
    expect(r.parsed.features.length).toBe(rows);
    for (const f of r.parsed.features) {
      const [lon, lat] = (f.geometry as { coordinates: readonly [number, number] }).coordinates;
      expect(lon).toBeGreaterThan(RENNES[0]);
      expect(lon).toBeLessThan(RENNES[2]);
      expect(lat).toBeGreaterThan(RENNES[1]);
      expect(lat).toBeLessThan(RENNES[3]);
    }
  });

  it('carries the Rennes sub-districts through a zipped shapefile and back, vertex for vertex', () => {
    const src = parseUserVector('geojson', new Uint8Array(readFileSync(join(DATA, 'rennes/admin/rennes_sous_quartiers.geojson'))), 'sq.geojson');
    const shp = polygonsToShapefile(src.parsed.features);
    const zip = zipSync({ 'sq.shp': shp.shp, 'sq.dbf': shp.dbf, 'sq.prj': strToU8(shp.prj) });
    const r = parseUserVector('shapefile', zip, 'sq.zip');
    expect(r.parsed.features.length).toBe(shp.count);
    const polys = src.parsed.features.filter((f) => f.geometry.type === 'polygon');
    polys.forEach((f, i) => {
      const a = f.geometry as { polygons: (readonly [number, number])[][][] };
      const b = r.parsed.features[i]!.geometry as { polygons: (readonly [number, number])[][][] };
      expect(b.polygons.length).toBe(a.polygons.length);
      const ringA = a.polygons[0]![0]!, ringB = b.polygons[0]![0]!;
      expect(ringB.length).toBe(ringA.length);
      const setA = new Set(ringA.map((p) => p.join(',')));
      expect(ringB.every((p) => setA.has(p.join(',')))).toBe(true);
    });
  });

  it('builds the Lyon CityGML file in the user-data kernel: CRS asked, then one LOD2 building in Lyon 1er', async () => {
    const file = join(DATA, 'lyon/citygml/LYON_1ER_BATI_2015_small_house.gml');
    const bytes = new Uint8Array(readFileSync(file));
    expect(detectFormat(file, bytes)).toEqual({ ok: true, format: 'citygml' });
    const req = { version: USERDATA_CITY_VERSION, name: 'LYON_1ER.gml', bytes, format: 'citygml' } as const;
    expect(await buildUserCity(req)).toMatchObject({ ok: false, needsCrs: true });
    const r = await buildUserCity({ ...req, crs: 'EPSG:3946' });
    if (!r.ok) throw new Error(r.error.reason);
    expect(r.result.report).toMatchObject({ buildings: 1, rejectedCount: 0, crs: 'EPSG:3946', crsDeclared: false });
    expect(r.result.fields.find((f) => f.name === 'id')!.values).toEqual(['BU_69381AB133']);
    // measuredHeight 10.384 m in the file.
    expect(r.result.fields.find((f) => f.name === 'heightM')).toMatchObject({ min: 10.38, max: 10.38 });
    const [w, s, e, n] = r.result.tileset.root.boundingVolume.region.map((x) => (x * 180) / Math.PI);
    // Lyon 1er arrondissement: about 4.82–4.84° E, 45.76–45.78° N.
    expect(w).toBeGreaterThan(4.81);
    expect(e).toBeLessThan(4.85);
    expect(s).toBeGreaterThan(45.75);
    expect(n).toBeLessThan(45.78);
    expect(r.result.report.warnings.some((x) => /textures .* are not drawn/.test(x))).toBe(true);
  });
});
