import { DBFLoader, SHPLoader } from '@loaders.gl/shapefile';
import { strFromU8, unzipSync } from 'fflate';
import { toWgs84 } from '../../city/crs.ts';
import { pushIssue } from '../../layers/parse/geojson.ts';
import { LayerParseError, type LayerFeature, type LayerGeometry, type ParsedLayer, type ParseIssue, type Position, type PropertyValue } from '../../layers/types.ts';
import { USER_LIMITS } from '../../layers/userdata-types.ts';

/**
 * Zip archives (KMZ, zipped shapefiles) with entry-count and size limits checked before
 * inflating (zip bombs), and zipped ESRI shapefiles read with loaders.gl (@loaders.gl/shapefile:
 * .shp points, multipoints, polylines, polygons with Z/M variants; .dbf attributes), with the .prj
 * projection (WGS84, Lambert-93, CC zones, Web Mercator) and the errors named here. Pure.
 */

/** Unzips the entries whose names pass `want`, within the limits; throws a LayerParseError naming the archive. */
export function unzipLimited(bytes: Uint8Array, where: string, want: (name: string) => boolean): Record<string, Uint8Array> {
  let count = 0, total = 0;
  try {
    return unzipSync(bytes, {
      filter(f) {
        if (++count > USER_LIMITS.maxZipEntries) throw new LayerParseError(where, `more than ${USER_LIMITS.maxZipEntries} entries in the archive`);
        if (!want(f.name)) return false;
        total += f.originalSize;
        if (total > USER_LIMITS.maxUnzippedBytes) throw new LayerParseError(where, `unpacks to more than ${Math.round(USER_LIMITS.maxUnzippedBytes / 1048576)} MB`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof LayerParseError) throw e;
    throw new LayerParseError(where, `damaged zip archive (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** The CRS of a .prj (WKT), as `EPSG:n`, or null when unknown. */
export function crsOfPrj(wkt: string): string | null {
  const w = wkt.replace(/\s+/g, ' ');
  const auth = /AUTHORITY\s*\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]\s*\]\s*$/.exec(w);
  if (auth !== null) return `EPSG:${auth[1]}`;
  if (/^GEOGCS/i.test(w.trim())) return 'EPSG:4326';
  if (/Lambert[_ -]?93|RGF93[_ ]Lambert/i.test(w)) return 'EPSG:2154';
  const cc = /CC(4[2-9]|50)\b/.exec(w);
  if (cc !== null) return `EPSG:${3900 + Number(cc[1])}`;
  if (/Pseudo[_ -]Mercator|Web[_ ]Mercator|Popular_Visualisation/i.test(w)) return 'EPSG:3857';
  return null;
}

/** loaders.gl's binary geometry of one .shp record (the parts this reader uses). */
interface ShpBinaryGeometry {
  type: 'Point' | 'LineString' | 'Polygon';
  positions: { value: Float64Array; size: number };
  pathIndices?: { value: Int32Array };
  primitivePolygonIndices?: { value: Int32Array };
  polygonIndices?: { value: Uint32Array };
}

const SHP_HEADER = 100;

/**
 * Decodes one record with loaders.gl's SHPLoader: the file's header (with the record's shape type)
 * and the record alone, so that a damaged record costs only itself (SHPLoader skips records it
 * cannot frame without saying so, and would shift every later record against its attributes).
 */
function decodeRecord(header: Uint8Array, record: Uint8Array, type: number): ShpBinaryGeometry | string {
  const one = new Uint8Array(SHP_HEADER + 8 + record.length);
  one.set(header);
  const dv = new DataView(one.buffer);
  dv.setInt32(24, (SHP_HEADER + 8 + record.length) / 2, false);
  dv.setInt32(32, type, true);
  dv.setInt32(SHP_HEADER, 1, false);
  dv.setInt32(SHP_HEADER + 4, record.length / 2, false);
  one.set(record, SHP_HEADER + 8);
  const r = SHPLoader.parseSync!(one.buffer, { shp: { _maxDimensions: 2 } }) as { geometries: (ShpBinaryGeometry | null)[]; error?: string };
  const g = r.geometries[0];
  if (g === undefined || g === null) return r.error ?? 'unreadable record';
  return g;
}

/** Reads the geometries of a .shp (null where a record has none or cannot be read, with an issue). */
export function readShp(b: Uint8Array, where: string, transform: (x: number, y: number) => Position | null, issues: ParseIssue[]): (LayerGeometry | null)[] {
  if (b.length < SHP_HEADER) throw new LayerParseError(where, 'shorter than a shapefile header (100 bytes)');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getInt32(0, false) !== 9994) throw new LayerParseError(where, 'not a shapefile (file code is not 9994)');
  const header = b.subarray(0, SHP_HEADER);
  const out: (LayerGeometry | null)[] = [];
  let p = SHP_HEADER;
  while (p + 8 <= b.length) {
    const rec = out.length;
    const len = dv.getInt32(p + 4, false) * 2;
    const start = p + 8;
    p = start + len;
    if (len < 4 || p > b.length) {
      pushIssue(issues, { where: `${where} record ${rec}`, reason: `record length ${len} runs past the end of the file` });
      break;
    }
    if (out.length >= USER_LIMITS.maxFeatures) throw new LayerParseError(where, `more than ${USER_LIMITS.maxFeatures} records`);
    const type = dv.getInt32(start, true);
    const bad = (reason: string) => {
      pushIssue(issues, { where: `${where} record ${rec}`, reason });
      out.push(null);
    };
    if (type === 0) {
      out.push(null);
      continue;
    }
    if (![1, 3, 5, 8, 11, 13, 15, 18, 21, 23, 25, 28].includes(type)) {
      bad(`unsupported shape type ${type}`);
      continue;
    }
    let g: ShpBinaryGeometry | string;
    try {
      g = decodeRecord(header, b.subarray(start, p), type);
    } catch (e) {
      g = e instanceof Error ? e.message : String(e);
    }
    if (typeof g === 'string') {
      bad(`truncated or inconsistent record (${g})`);
      continue;
    }
    const xy = g.positions.value, size = g.positions.size;
    const n = Math.floor(xy.length / size);
    /** Points from..to (exclusive), transformed, consecutive duplicates dropped; null when one is outside the CRS area. */
    const part = (from: number, to: number): Position[] | null => {
      if (!(from >= 0 && to <= n && from < to)) return null;
      const line: Position[] = [];
      for (let i = from; i < to; i++) {
        const q = transform(xy[i * size]!, xy[i * size + 1]!);
        if (q === null) return null;
        const last = line[line.length - 1];
        if (last === undefined || last[0] !== q[0] || last[1] !== q[1]) line.push(q);
      }
      return line;
    };
    if (g.type === 'Point') {
      const q = n > 0 ? part(0, 1) : null;
      if (q === null || q.length === 0) bad(type === 8 || type === 18 || type === 28 ? 'multipoint without a readable point' : 'point outside the CRS area or truncated');
      else out.push({ type: 'point', coordinates: q[0]! });
      continue;
    }
    const bounds = g.type === 'LineString' ? g.pathIndices?.value : g.primitivePolygonIndices?.value;
    if (bounds === undefined || bounds.length < 2 || bounds[bounds.length - 1] !== n) {
      bad('inconsistent part/point counts');
      continue;
    }
    const parts: Position[][] = [];
    let failed = false;
    for (let k = 0; k + 1 < bounds.length && !failed; k++) {
      const line = part(bounds[k]!, bounds[k + 1]!);
      if (line === null) failed = true;
      else parts.push(line);
    }
    if (failed) {
      bad('a point outside the CRS area, or bad part offsets');
      continue;
    }
    if (g.type === 'LineString') {
      const lines = parts.filter((l) => l.length >= 2);
      if (lines.length === 0) bad('a polyline with fewer than 2 distinct points');
      else out.push({ type: 'line', lines });
      continue;
    }
    // Polygons: loaders.gl marks where each outer ring (clockwise in the file) starts; holes follow their outer ring.
    const outerStarts = new Set(g.polygonIndices?.value ?? []);
    const polygons: Position[][][] = [];
    parts.forEach((ring, k) => {
      const r = openRing(ring);
      if (r.length < 3) return;
      if (outerStarts.has(bounds[k]!) || polygons.length === 0) polygons.push([r]);
      else polygons[polygons.length - 1]!.push(r);
    });
    if (polygons.length === 0) bad('a polygon without a ring of 3 distinct points');
    else out.push({ type: 'polygon', polygons });
  }
  return out;
}

function openRing(r: Position[]): Position[] {
  const a = r[0], b = r[r.length - 1];
  if (r.length > 3 && a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1]) return r.slice(0, -1);
  return r;
}

/** Reads the records of a .dbf (dBASE) with loaders.gl's DBFLoader: text, numbers, dates (as YYYY-MM-DD), logicals. */
export function readDbf(b: Uint8Array, where: string, encoding: 'utf8' | 'latin1', issues?: ParseIssue[]): Record<string, PropertyValue>[] {
  if (b.length < 33) throw new LayerParseError(where, 'shorter than a dBASE header');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const count = dv.getUint32(4, true), headerLen = dv.getUint16(8, true), recLen = dv.getUint16(10, true);
  if (headerLen + count * recLen > b.length) throw new LayerParseError(where, `record ${Math.max(0, Math.floor((b.length - headerLen) / Math.max(1, recLen)))} runs past the end of the file`);
  let table: { rows?: Record<string, unknown>[]; error?: string };
  try {
    table = DBFLoader.parseSync!(b.slice().buffer, { dbf: { encoding: encoding === 'utf8' ? 'utf-8' : 'latin1', shape: 'table' } }) as typeof table;
  } catch (e) {
    table = { error: e instanceof Error ? e.message : String(e) };
  }
  const rows = table.rows;
  if (!Array.isArray(rows) || rows.length < count) {
    // A field type loaders.gl does not read (memo, integer…): the shapes still open, without attributes.
    const reason = `not a readable dBASE file (${table.error ?? `${rows?.length ?? 0} of ${count} records read`})`;
    if (issues === undefined) throw new LayerParseError(where, reason);
    pushIssue(issues, { where, reason: `${reason}: features have no attributes` });
    return [];
  }
  // The field types, for dates (loaders.gl gives them as UTC milliseconds).
  const dates = new Set<string>();
  for (let q = 32; q + 32 <= headerLen && b[q] !== 0x0d; q += 32) {
    const raw = b.subarray(q, q + 11);
    const end = raw.indexOf(0);
    if (b[q + 11] === 0x44 /* D */) dates.add(strFromU8(end < 0 ? raw : raw.subarray(0, end), encoding === 'latin1'));
  }
  return rows.map((r) => {
    const row: Record<string, PropertyValue> = {};
    for (const [k, v] of Object.entries(r)) {
      const name = k.trim();
      if (dates.has(k)) row[name] = typeof v === 'number' && Number.isFinite(v) ? new Date(v).toISOString().slice(0, 10) : null;
      else if (typeof v === 'number') row[name] = Number.isFinite(v) ? v : null;
      else if (typeof v === 'boolean' || typeof v === 'string') row[name] = v;
      else row[name] = v === null || v === undefined ? (dates.has(k) ? null : '') : String(v);
    }
    return row;
  });
}

/** Reads a zipped shapefile (the first .shp, with the .dbf, .prj and .cpg of the same name). */
export function readShapefileZip(bytes: Uint8Array, where: string): { parsed: ParsedLayer; crs: string } {
  const files = unzipLimited(bytes, where, (n) => /\.(shp|dbf|prj|cpg)$/i.test(n) && !n.startsWith('__MACOSX'));
  const shpName = Object.keys(files).find((n) => /\.shp$/i.test(n));
  if (shpName === undefined) throw new LayerParseError(where, 'no .shp in the archive');
  const base = shpName.slice(0, -4);
  const get = (e: string) => Object.entries(files).find(([n]) => n.toLowerCase() === `${base}.${e}`.toLowerCase())?.[1];
  const prj = get('prj');
  const declared = prj !== undefined ? crsOfPrj(strFromU8(prj, true)) : null;
  const issues: ParseIssue[] = [];
  if (prj === undefined) pushIssue(issues, { where: `${where} ${base}.prj`, reason: 'missing: coordinates taken as WGS84 degrees' });
  else if (declared === null) throw new LayerParseError(`${where} ${base}.prj`, 'unsupported projection (supported: WGS84, Lambert-93, CC42–CC50, Web Mercator)');
  const crsName = declared ?? 'EPSG:4326';
  let t;
  try {
    t = toWgs84(crsName);
  } catch (e) {
    throw new LayerParseError(`${where} ${base}.prj`, e instanceof Error ? e.message : String(e));
  }
  const tr = t;
  const transform = (x: number, y: number): Position | null => {
    const [lon, lat] = tr.forward(x, y);
    return Number.isFinite(lon) && Number.isFinite(lat) && tr.inArea(lon, lat) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? [lon, lat] : null;
  };
  const geoms = readShp(files[shpName]!, `${where} ${shpName}`, transform, issues);
  const dbf = get('dbf');
  const cpg = get('cpg');
  const encoding = cpg !== undefined && /8859|1252|latin/i.test(strFromU8(cpg, true)) ? 'latin1' : 'utf8';
  const rows = dbf !== undefined ? readDbf(dbf, `${where} ${base}.dbf`, encoding, issues) : [];
  if (dbf === undefined) pushIssue(issues, { where: `${where} ${base}.dbf`, reason: 'missing: features have no attributes' });
  else if (rows.length !== geoms.length) pushIssue(issues, { where: `${where} ${base}.dbf`, reason: `${rows.length} records for ${geoms.length} shapes` });
  const features: LayerFeature[] = [];
  const nameKey = rows[0] !== undefined ? Object.keys(rows[0]).find((k) => /^(nom|name|libelle|label)$/i.test(k)) : undefined;
  geoms.forEach((g, i) => {
    if (g === null) return;
    const properties = rows[i] ?? {};
    const nm = nameKey !== undefined ? properties[nameKey] : undefined;
    features.push({ id: String(i), name: typeof nm === 'string' && nm !== '' ? nm : null, geometry: g, properties });
  });
  return { parsed: { features, issues }, crs: tr.crs.code };
}
