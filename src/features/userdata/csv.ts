import { toWgs84 } from '../../city/crs.ts';
import { readCsvObjects } from '../../core/csv.ts';
import { decodeUtf8, pushIssue } from '../../layers/parse/geojson.ts';
import { LayerParseError, type LayerFeature, type ParsedLayer, type ParseIssue, type PropertyValue } from '../../layers/types.ts';
import { USER_LIMITS, type CsvCoordinates } from '../../layers/userdata-types.ts';

/**
 * CSV with coordinates: which columns hold them (by name, then by values), in which CRS (by the
 * range of the values: degrees, Lambert-93, the CC zones, Web Mercator), or as the user chose.
 * One point per row; a row whose coordinates cannot be read is skipped with an issue naming its
 * line. Pure.
 */

const norm = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');

const X_NAMES = ['lon', 'lng', 'long', 'longitude', 'longitude_wgs84', 'lon_wgs84', 'x', 'x_wgs84', 'coord_x', 'coordx', 'xcoord', 'x_l93', 'x_lambert93', 'easting', 'geo_point_lon', 'stop_lon'];
const Y_NAMES = ['lat', 'latitude', 'latitude_wgs84', 'lat_wgs84', 'y', 'y_wgs84', 'coord_y', 'coordy', 'ycoord', 'y_l93', 'y_lambert93', 'northing', 'geo_point_lat', 'stop_lat'];
const BOTH_NAMES = ['geo_point_2d', 'geo_point', 'geopoint', 'coordinates', 'coordonnees', 'coords', 'wkt', 'geometry', 'geom', 'the_geom', 'point', 'position'];

/** A number as written in a CSV ("48.11", "48,11", " -1.68 "), or null. */
export function csvNumber(s: string | undefined): number | null {
  if (s === undefined) return null;
  const t = s.trim().replace(',', '.');
  if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Both coordinates from one cell: "48.11, -1.68" (lat, lon, as Opendatasoft writes) or WKT "POINT (x y)". */
export function pairOf(s: string | undefined): [number, number] | null {
  if (s === undefined) return null;
  const wkt = /^\s*POINT\s*Z?\s*\(\s*([-+\d.eE]+)\s+([-+\d.eE]+)/i.exec(s);
  if (wkt !== null) {
    const x = Number(wkt[1]), y = Number(wkt[2]);
    return Number.isFinite(x) && Number.isFinite(y) ? [x, y] : null;
  }
  const m = /^\s*\[?\s*([-+]?\d+(?:\.\d+)?)\s*[,;\s]\s*([-+]?\d+(?:\.\d+)?)\s*\]?\s*$/.exec(s);
  if (m === null) return null;
  // "lat, lon": the Opendatasoft geo_point_2d order.
  return [Number(m[2]), Number(m[1])];
}

/** The CRS that the coordinate values fit (sampled pairs x, y), or null. */
export function guessCrs(samples: readonly (readonly [number, number])[]): string | null {
  if (samples.length === 0) return null;
  const all = (f: (x: number, y: number) => boolean) => samples.every(([x, y]) => f(x, y));
  if (all((x, y) => Math.abs(x) <= 180 && Math.abs(y) <= 90)) return 'EPSG:4326';
  if (all((x, y) => x >= 0 && x <= 1_300_000 && y >= 6_000_000 && y <= 7_200_000)) return 'EPSG:2154';
  if (all((x) => x >= 1_000_000 && x <= 2_400_000)) {
    const zones = new Set(samples.map(([, y]) => Math.round((y - 200_000) / 1_000_000) + 41));
    if (zones.size === 1) {
      const z = [...zones][0]!;
      if (z >= 42 && z <= 50) return `EPSG:${3900 + z}`;
    }
  }
  if (all((x, y) => Math.abs(x) <= 20_037_509 && Math.abs(y) <= 20_037_509)) return 'EPSG:3857';
  return null;
}

/** Detects the coordinate columns and CRS of a table; null when no column looks like coordinates. */
export function detectCoordinates(header: readonly string[], rows: readonly Record<string, string>[]): CsvCoordinates | null {
  const byNorm = new Map(header.map((h) => [norm(h), h]));
  const find = (names: readonly string[]) => {
    for (const n of names) {
      const h = byNorm.get(n);
      if (h !== undefined) return h;
    }
    return null;
  };
  const sample = rows.slice(0, 200);
  let x = find(X_NAMES), y = find(Y_NAMES);
  if (x !== null && y !== null) {
    const pairs = sample.map((r) => [csvNumber(r[x!]), csvNumber(r[y!])] as const).filter((p): p is [number, number] => p[0] !== null && p[1] !== null);
    const crs = guessCrs(pairs);
    if (pairs.length > 0 && crs !== null) return { xField: x, yField: y, crs };
    if (pairs.length > 0) return { xField: x, yField: y, crs: 'EPSG:4326' };
  }
  const both = find(BOTH_NAMES) ?? header.find((h) => sample.length > 0 && sample.every((r) => r[h] === '' || pairOf(r[h]) !== null) && sample.some((r) => pairOf(r[h]) !== null)) ?? null;
  if (both !== null) {
    const pairs = sample.map((r) => pairOf(r[both])).filter((p): p is [number, number] => p !== null);
    if (pairs.length > 0) return { xField: both, yField: null, crs: guessCrs(pairs) ?? 'EPSG:4326' };
  }
  // Names did not say: two numeric columns whose values fit a CRS, in header order.
  const numeric = header.filter((h) => sample.length > 0 && sample.every((r) => csvNumber(r[h]) !== null));
  for (let i = 0; i < numeric.length; i++) {
    for (let j = 0; j < numeric.length; j++) {
      if (i === j) continue;
      x = numeric[i]!;
      y = numeric[j]!;
      const pairs = sample.map((r) => [csvNumber(r[x!])!, csvNumber(r[y!])!] as const);
      const crs = guessCrs(pairs);
      // Degrees need the longitude first to be within ±180 and the latitude within ±90; prefer x as the longitude column when both fit.
      if (crs !== null) return { xField: x, yField: y, crs };
    }
  }
  return null;
}

/** Reads a CSV into point features; coordinates as given in `chosen`, else detected. */
export function readCsvPoints(bytes: Uint8Array, where: string, chosen: Partial<CsvCoordinates> = {}): { parsed: ParsedLayer; columns: string[]; coordinates: CsvCoordinates; detected: boolean } {
  const issues: ParseIssue[] = [];
  const text = decodeUtf8(bytes);
  if (text.includes('\u0000')) throw new LayerParseError(where, 'binary data, not CSV text');
  const table = readCsvObjects(text, (line, reason) => pushIssue(issues, { where: `${where} line ${line}`, reason }));
  if (table.header.length < 2 || table.header.every((h) => h === '')) throw new LayerParseError(where, 'no header line with at least two columns');
  if (table.rows.length > USER_LIMITS.maxFeatures) throw new LayerParseError(where, `${table.rows.length} rows, more than the limit of ${USER_LIMITS.maxFeatures}`);
  const values = table.rows.map((r) => r.values);
  const detected = detectCoordinates(table.header, values);
  const xField = chosen.xField ?? detected?.xField;
  if (xField === undefined) throw new LayerParseError(where, `no coordinate columns found among ${table.header.slice(0, 12).join(', ')}: choose them`);
  if (!table.header.includes(xField)) throw new LayerParseError(where, `no column "${xField}"`);
  const yField = chosen.yField !== undefined ? chosen.yField : chosen.xField !== undefined ? (detected?.xField === chosen.xField ? detected.yField : null) : detected!.yField;
  if (yField !== null && !table.header.includes(yField)) throw new LayerParseError(where, `no column "${yField}"`);
  const crsName = chosen.crs ?? detected?.crs ?? 'EPSG:4326';
  let transform;
  try {
    transform = toWgs84(crsName);
  } catch (e) {
    throw new LayerParseError(where, e instanceof Error ? e.message : String(e));
  }
  const coordinates: CsvCoordinates = { xField, yField, crs: transform.crs.code };
  // Columns whose every non-empty value is a number become numbers (for styling by value).
  const numericCols = new Set(table.header.filter((h) => values.some((r) => (r[h] ?? '').trim() !== '') && values.every((r) => (r[h] ?? '').trim() === '' || csvNumber(r[h]) !== null)));
  const features: LayerFeature[] = [];
  const nameCol = table.header.find((h) => /^(nom|name|libelle|label|title|titre)$/i.test(norm(h))) ?? null;
  for (const { line, values: r } of table.rows) {
    let xy: [number, number] | null;
    if (yField === null) xy = pairOf(r[xField]);
    else {
      const x = csvNumber(r[xField]), y = csvNumber(r[yField]);
      xy = x !== null && y !== null ? [x, y] : null;
    }
    if (xy === null) {
      pushIssue(issues, { where: `${where} line ${line}`, reason: `no readable coordinates in ${yField === null ? `"${xField}"` : `"${xField}", "${yField}"`}` });
      continue;
    }
    const [lon, lat] = transform.forward(xy[0], xy[1]);
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || !transform.inArea(lon, lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
      pushIssue(issues, { where: `${where} line ${line}`, reason: `coordinates ${xy[0]}, ${xy[1]} are outside ${transform.crs.code}'s area (wrong columns or CRS?)` });
      continue;
    }
    const properties: Record<string, PropertyValue> = {};
    for (const h of table.header) {
      if (h === '') continue;
      const v = r[h] ?? '';
      properties[h.slice(0, 200)] = numericCols.has(h) ? csvNumber(v) : v.length > 4000 ? `${v.slice(0, 4000)}…` : v;
    }
    const name = nameCol !== null && (r[nameCol] ?? '').trim() !== '' ? r[nameCol]!.trim() : null;
    features.push({ id: String(line), name, geometry: { type: 'point', coordinates: [lon, lat] }, properties });
  }
  return { parsed: { features, issues }, columns: table.header, coordinates, detected: chosen.xField === undefined && chosen.crs === undefined };
}
