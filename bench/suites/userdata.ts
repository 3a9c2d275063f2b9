import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { sharedDataDir } from '../../tools/demo/open-data.ts';
import { parseUserVector } from '../../src/userdata/parse.ts';
import type { VectorFormat } from '../../src/userdata/types.ts';
import { polygonsToShapefile } from '../../tests/unit/userdata/shapefile-from-geojson.ts';
import type { BenchRow, BenchSuite } from '../types.ts';
import { meanMs } from '../timing.ts';

/**
 * "Bring your own data" parsers (the code the user-data worker runs) on real files from
 * ../shared/data: throughput per format in MB/s and features/s, and each parser's time relative
 * to a bare JSON.parse of the same GeoJSON (a ratio within one run, robust to a noisy machine).
 * The KML and shapefile inputs are the communes GeoJSON converted here (the geometry is real; the
 * files are generated, and labelled so).
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

export const userdataSuite: BenchSuite = {
  name: 'userdata',
  description: 'parsers of user files (GeoJSON, CSV, KML, shapefile) on real data: MB/s, features/s, × JSON.parse',
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
    return rows;
  },
};
