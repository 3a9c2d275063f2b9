import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { sharedDataDir } from '../../src/city/node/open-data.ts';
import { parseUserVector } from '../../src/features/userdata/parse.ts';
import type { VectorFormat } from '../../src/layers/userdata-types.ts';
import { polygonsToShapefile } from '../../tests/unit/userdata/shapefile-from-geojson.ts';
import { buildUserCity } from '../../src/features/userdata/city-kernel.ts';
import { USERDATA_CITY_VERSION } from '../../src/features/userdata/city-contract.ts';
import type { BenchRow, BenchSuite } from '../types.ts';
import { meanMs } from '../timing.ts';

/**
 * "Bring your own data" parsers (the code the user-data worker runs) on real files from
 * ../shared/data: throughput per format in MB/s and features/s, and each parser's time relative
 * to a bare JSON.parse of the same GeoJSON (a ratio within one run, robust to a noisy machine).
 * The KML and shapefile inputs are the communes GeoJSON converted here (the geometry is real; the
 * files are generated, and labelled so). City models (CityGML, CityJSON) through the city
 * pipeline in the worker's kernel: build time, buildings/s and glb bytes per building.
 */

function kmlOf(features: ReturnType<typeof parseUserVector>['parsed']['features']): Uint8Array {
  const parts = ['<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'];
  for (const f of features) {
    if (f.geometry.type !== 'polygon') continue;
    const polys = f.geometry.polygons.map((p) => `<Polygon>${p.map((r, k) => `<${k === 0 ? 'outer' : 'inner'}BoundaryIs><LinearRing><coordinates>${[...r, r[0]!].map((q) => `${q[0]},${q[1]}`).join(' ')}</coordinates></LinearRing></${k === 0 ? 'outer' : 'inner'}BoundaryIs>`).join('')}</Polygon>`);
    parts.push(`<Placemark><name>${String(f.name ?? f.id).replace(/[<&]/g, '')}</name><MultiGeometry>${polys.join('')}</MultiGeometry></Placemark>`);
  }
  parts.push('</Document></kml>');
  return strToU8(parts.join(''));
}

/** `n` box buildings (10 × 8 m, 6–30 m tall, Solid LOD2 with semantics) in CC46 as CityJSON 2.0 (generated). */
function syntheticCityJson(n: number): Uint8Array {
  const vertices: number[][] = [];
  const objects: Record<string, unknown> = {};
  const side = Math.ceil(Math.sqrt(n));
  for (let i = 0; i < n; i++) {
    const x = (i % side) * 20, y = Math.floor(i / side) * 20, h = 6 + (i % 25);
    const b = vertices.length;
    for (const z of [0, h]) for (const [dx, dy] of [[0, 0], [10, 0], [10, 8], [0, 8]] as const) vertices.push([(x + dx) * 100, (y + dy) * 100, (170 + z) * 100]);
    const g = [b, b + 1, b + 2, b + 3], t = [b + 4, b + 5, b + 6, b + 7];
    const shell = [[[g[0], g[3], g[2], g[1]]], [[t[0], t[1], t[2], t[3]]], ...[0, 1, 2, 3].map((k) => [[g[k], g[(k + 1) % 4], t[(k + 1) % 4], t[k]]])];
    objects[`B${i}`] = { type: 'Building', attributes: { measuredHeight: h, yearOfConstruction: 1900 + (i % 120) }, geometry: [{ type: 'Solid', lod: '2.2', boundaries: [shell], semantics: { surfaces: [{ type: 'GroundSurface' }, { type: 'RoofSurface' }, { type: 'WallSurface' }], values: [[0, 1, 2, 2, 2, 2]] } }] };
  }
  return strToU8(JSON.stringify({ type: 'CityJSON', version: '2.0', transform: { scale: [0.01, 0.01, 0.01], translate: [1843000, 5175000, 0] }, metadata: { referenceSystem: 'https://www.opengis.net/def/crs/EPSG/0/3946' }, CityObjects: objects, vertices }));
}

async function timeAsync(fn: () => Promise<unknown>, minMs = 400): Promise<number> {
  await fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs || n < 2) {
    await fn();
    n++;
  }
  return (performance.now() - t0) / n;
}

export const userdataSuite: BenchSuite = {
  name: 'userdata',
  description: 'parsers of user files (GeoJSON, CSV, KML, shapefile) on real data: MB/s, features/s, × JSON.parse; city models (CityGML, CityJSON) built into glb',
  async run(ctx) {
    const data = sharedDataDir();
    const geojson = new Uint8Array(readFileSync(join(data, 'rennes/admin/communes_ille_et_vilaine_mastersigat.geojson')));
    const stops = unzipSync(new Uint8Array(readFileSync(join(data, 'rennes/transit/star_gtfs_2012-06-18.zip'))), { filter: (f) => f.name === 'stops.txt' })['stops.txt']!;
    const parsed = parseUserVector('geojson', geojson, 'communes.geojson');
    const kml = kmlOf(parsed.parsed.features);
    const shp = polygonsToShapefile(parsed.parsed.features);
    const shpZip = zipSync({ 'c.shp': shp.shp, 'c.dbf': shp.dbf, 'c.prj': strToU8(shp.prj) });
    const text = new TextDecoder().decode(geojson);
    const baseMs = meanMs(() => JSON.parse(text), 400);
    const rows: BenchRow[] = [{ suite: 'userdata', metric: 'JSON.parse of the communes GeoJSON (baseline)', value: Number(baseMs.toFixed(1)), unit: 'ms', note: `${(geojson.length / 1048576).toFixed(2)} MB` }];
    const cases: [string, VectorFormat, Uint8Array, string][] = [
      ['communes GeoJSON (3.7 MB, real)', 'geojson', geojson, 'communes.geojson'],
      ['STAR stops.txt as CSV (real)', 'csv', stops, 'stops.txt'],
      ['communes as KML (generated from the real GeoJSON)', 'kml', kml, 'communes.kml'],
      ['communes as zipped shapefile (generated from the real GeoJSON)', 'shapefile', shpZip, 'communes.zip'],
    ];
    for (const [label, format, bytes, name] of cases) {
      let features = 0;
      const ms = meanMs(() => (features = parseUserVector(format, bytes, name).parsed.features.length), 400);
      const mb = bytes.length / 1048576;
      ctx.log(`${label}: ${features} features, ${mb.toFixed(2)} MB, ${ms.toFixed(1)} ms`);
      rows.push(
        { suite: 'userdata', metric: `${label}: parse`, value: Number(ms.toFixed(1)), unit: 'ms', note: `${features} features, ${mb.toFixed(2)} MB` },
        { suite: 'userdata', metric: `${label}: throughput`, value: Number((mb / (ms / 1000)).toFixed(1)), unit: 'MB/s' },
        { suite: 'userdata', metric: `${label}: features`, value: Math.round(features / (ms / 1000)), unit: 'features/s' },
        { suite: 'userdata', metric: `${label}: × JSON.parse of the GeoJSON`, value: Number((ms / baseMs).toFixed(2)), unit: '×' },
      );
    }
    // City models through the pipeline in the worker's kernel: the real Lyon CityGML file, and
    // generated CityJSON boxes (labelled generated) for a per-building rate.
    const cityCases: [string, Uint8Array, 'citygml' | 'cityjson', string | undefined][] = [
      ['Lyon 1er CityGML, 1 LOD2 building (real)', new Uint8Array(readFileSync(join(data, 'lyon/citygml/LYON_1ER_BATI_2015_small_house.gml'))), 'citygml', 'EPSG:3946'],
      ['2,000 box buildings as CityJSON (generated)', syntheticCityJson(2000), 'cityjson', undefined],
    ];
    for (const [label, bytes, format, crs] of cityCases) {
      let buildings = 0, glbBytes = 0;
      const ms = await timeAsync(async () => {
        const r = await buildUserCity({ version: USERDATA_CITY_VERSION, name: label, bytes, format, ...(crs !== undefined ? { crs } : {}) });
        if (!r.ok) throw new Error(r.error.reason);
        buildings = r.result.report.buildings;
        glbBytes = r.result.glb.length;
      });
      ctx.log(`${label}: ${buildings} buildings, ${ms.toFixed(1)} ms, glb ${glbBytes} B`);
      rows.push(
        { suite: 'userdata', metric: `${label}: build (read, clean, glb)`, value: Number(ms.toFixed(1)), unit: 'ms', note: `${buildings} buildings, ${(bytes.length / 1048576).toFixed(2)} MB in` },
        { suite: 'userdata', metric: `${label}: buildings`, value: Math.round(buildings / (ms / 1000)), unit: 'buildings/s' },
        { suite: 'userdata', metric: `${label}: glb per building`, value: Math.round(glbBytes / buildings), unit: 'B' },
        { suite: 'userdata', metric: `${label}: × JSON.parse of the GeoJSON`, value: Number((ms / baseMs).toFixed(2)), unit: '×' },
      );
    }
    return rows;
  },
};
