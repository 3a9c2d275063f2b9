import { strFromU8, unzipSync } from 'fflate';
import { toWgs84 } from '../../city/crs.ts';
import { pushIssue } from '../../layers/parse/geojson.ts';
import { LayerParseError, type LayerFeature, type LayerGeometry, type ParsedLayer, type ParseIssue, type Position, type PropertyValue } from '../../layers/types.ts';
import { USER_LIMITS } from '../../layers/userdata-types.ts';

/**
 * Zip archives (KMZ, zipped shapefiles) with entry-count and size limits checked before
 * inflating (zip bombs), and the ESRI shapefile reader: .shp (points, multipoints, polylines,
 * polygons, with Z/M variants), .dbf attributes, .prj projection (WGS84, Lambert-93, CC zones,
 * Web Mercator). Pure.
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

function ringArea(r: readonly Position[]): number {
  let a = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) a += (r[j]![0] - r[i]![0]) * (r[j]![1] + r[i]![1]);
  return a / 2;
}

/** Reads the geometries of a .shp (null where a record has none or cannot be read, with an issue). */
export function readShp(b: Uint8Array, where: string, transform: (x: number, y: number) => Position | null, issues: ParseIssue[]): (LayerGeometry | null)[] {
  if (b.length < 100) throw new LayerParseError(where, 'shorter than a shapefile header (100 bytes)');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getInt32(0, false) !== 9994) throw new LayerParseError(where, 'not a shapefile (file code is not 9994)');
  const out: (LayerGeometry | null)[] = [];
  let p = 100;
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
    const pt = (o: number): Position | null => (o + 16 <= p ? transform(dv.getFloat64(o, true), dv.getFloat64(o + 8, true)) : null);
    const bad = (reason: string) => {
      pushIssue(issues, { where: `${where} record ${rec}`, reason });
      out.push(null);
    };
    if (type === 0) {
      out.push(null);
      continue;
    }
    if (type === 1 || type === 11 || type === 21) {
      const q = pt(start + 4);
      if (q === null) bad('point outside the CRS area or truncated');
      else out.push({ type: 'point', coordinates: q });
      continue;
    }
    if (type === 8 || type === 18 || type === 28) {
      const n = len >= 40 ? dv.getInt32(start + 36, true) : 0;
      const q = n > 0 ? pt(start + 40) : null;
      if (q === null) bad('multipoint without a readable point');
      else out.push({ type: 'point', coordinates: q });
      continue;
    }
    if (type === 3 || type === 13 || type === 23 || type === 5 || type === 15 || type === 25) {
      if (len < 44) {
        bad('truncated record');
        continue;
      }
      const nParts = dv.getInt32(start + 36, true), nPoints = dv.getInt32(start + 40, true);
      const partsAt = start + 44, pointsAt = partsAt + 4 * nParts;
      if (nParts < 1 || nPoints < 1 || nParts > nPoints || pointsAt + 16 * nPoints > p) {
        bad(`inconsistent part/point counts (${nParts}, ${nPoints})`);
        continue;
      }
      const parts: Position[][] = [];
      let failed = false;
      for (let k = 0; k < nParts && !failed; k++) {
        const from = dv.getInt32(partsAt + 4 * k, true), to = k + 1 < nParts ? dv.getInt32(partsAt + 4 * (k + 1), true) : nPoints;
        if (from < 0 || to > nPoints || from >= to) {
          failed = true;
          break;
        }
        const line: Position[] = [];
        for (let i = from; i < to; i++) {
          const q = pt(pointsAt + 16 * i);
          if (q === null) {
            failed = true;
            break;
          }
          const last = line[line.length - 1];
          if (last === undefined || last[0] !== q[0] || last[1] !== q[1]) line.push(q);
        }
        parts.push(line);
      }
      if (failed) {
        bad('a point outside the CRS area, or bad part offsets');
        continue;
      }
      if (type === 3 || type === 13 || type === 23) {
        const lines = parts.filter((l) => l.length >= 2);
        if (lines.length === 0) bad('a polyline with fewer than 2 distinct points');
        else out.push({ type: 'line', lines });
        continue;
      }
      // Polygons: outer rings clockwise, holes anticlockwise (each hole after its outer ring).
      const polygons: Position[][][] = [];
      for (const part of parts) {
        const r = openRing(part);
        if (r.length < 3) continue;
        const clockwise = ringArea(r) < 0;
        if (clockwise || polygons.length === 0) polygons.push([r]);
        else polygons[polygons.length - 1]!.push(r);
      }
      if (polygons.length === 0) bad('a polygon without a ring of 3 distinct points');
      else out.push({ type: 'polygon', polygons });
      continue;
    }
    bad(`unsupported shape type ${type}`);
  }
  return out;
}

function openRing(r: Position[]): Position[] {
  const a = r[0], b = r[r.length - 1];
  if (r.length > 3 && a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1]) return r.slice(0, -1);
  return r;
}

/** Reads the records of a .dbf (dBASE III): text, numbers, dates, logicals. */
export function readDbf(b: Uint8Array, where: string, encoding: 'utf8' | 'latin1'): Record<string, PropertyValue>[] {
  if (b.length < 33) throw new LayerParseError(where, 'shorter than a dBASE header');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const count = dv.getUint32(4, true), headerLen = dv.getUint16(8, true), recLen = dv.getUint16(10, true);
  const fields: { name: string; type: string; len: number }[] = [];
  for (let p = 32; p + 32 <= headerLen && b[p] !== 0x0d; p += 32) {
    const raw = b.subarray(p, p + 11);
    const end = raw.indexOf(0);
    fields.push({ name: strFromU8(end < 0 ? raw : raw.subarray(0, end), true).trim(), type: String.fromCharCode(b[p + 11]!), len: b[p + 16]! });
  }
  const decode = (s: Uint8Array) => {
    if (encoding === 'latin1') return strFromU8(s, true);
    try {
      return strFromU8(s);
    } catch {
      return strFromU8(s, true);
    }
  };
  const rows: Record<string, PropertyValue>[] = [];
  for (let i = 0; i < count; i++) {
    const start = headerLen + i * recLen;
    if (start + recLen > b.length) throw new LayerParseError(where, `record ${i} runs past the end of the file`);
    const row: Record<string, PropertyValue> = {};
    let q = start + 1;
    for (const f of fields) {
      const s = decode(b.subarray(q, q + f.len)).trim();
      q += f.len;
      if (f.type === 'N' || f.type === 'F') row[f.name] = s === '' || !Number.isFinite(Number(s)) ? null : Number(s);
      else if (f.type === 'L') row[f.name] = /^[YyTt]$/.test(s) ? true : /^[NnFf]$/.test(s) ? false : null;
      else if (f.type === 'D' && /^\d{8}$/.test(s)) row[f.name] = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
      else row[f.name] = s;
    }
    rows.push(row);
  }
  return rows;
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
  const rows = dbf !== undefined ? readDbf(dbf, `${where} ${base}.dbf`, encoding) : [];
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
