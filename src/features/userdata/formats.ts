import { decodeUtf8 } from '../../layers/parse/geojson.ts';
import type { UserFormat } from '../../layers/userdata-types.ts';

/**
 * Which kind of data a file is: by its first bytes (glTF binary magic, zip, JSON members, XML root
 * element), then by its extension. Pure; never throws.
 */

export type Detection = { ok: true; format: UserFormat } | { ok: false; reason: string };

const ext = (name: string): string => {
  const base = name.split(/[?#]/)[0]!.split('/').pop() ?? '';
  const i = base.lastIndexOf('.');
  return i < 0 ? '' : base.slice(i + 1).toLowerCase();
};

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isGlb = (b: Uint8Array) => b.length >= 4 && b[0] === 0x67 && b[1] === 0x6c && b[2] === 0x54 && b[3] === 0x46;

/** Names of the entries of a zip, read from its central directory (no decompression). */
export function zipEntryNames(b: Uint8Array, max = 5000): string[] | null {
  // End of central directory: signature 0x06054b50 in the last 64 KiB + 22 bytes.
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = b.length - 22; i >= Math.max(0, b.length - 65557); i--) {
    if (dv.getUint32(i, true) !== 0x06054b50) continue;
    const count = dv.getUint16(i + 10, true);
    let p = dv.getUint32(i + 16, true);
    const names: string[] = [];
    for (let k = 0; k < count && k < max; k++) {
      if (p + 46 > b.length || dv.getUint32(p, true) !== 0x02014b50) return null;
      const n = dv.getUint16(p + 28, true), x = dv.getUint16(p + 30, true), c = dv.getUint16(p + 32, true);
      if (p + 46 + n > b.length) return null;
      names.push(decodeUtf8(b.subarray(p + 46, p + 46 + n)));
      p += 46 + n + x + c;
    }
    return names;
  }
  return null;
}

/** The format of a file from its name and bytes, or the reason it is not one Jumeau reads. */
export function detectFormat(name: string, bytes: Uint8Array): Detection {
  const e = ext(name);
  if (bytes.length === 0) return { ok: false, reason: 'the file is empty' };
  if (isGlb(bytes)) return { ok: true, format: 'glb' };
  if (e === 'glb') return { ok: false, reason: 'not a glTF binary (no "glTF" magic at the start)' };
  if (isZip(bytes)) {
    const names = zipEntryNames(bytes);
    if (names === null) return { ok: false, reason: 'a damaged zip (no readable central directory)' };
    const lower = names.map((n) => n.toLowerCase());
    if (lower.some((n) => n.endsWith('.kml'))) return { ok: true, format: 'kmz' };
    if (lower.some((n) => n.endsWith('.shp'))) return { ok: true, format: 'shapefile' };
    if (lower.some((n) => n.endsWith('tileset.json'))) return { ok: false, reason: 'a zip holding a 3D Tiles tileset: name it .3tz to open it as a 3D Tiles archive' };
    return { ok: false, reason: `a zip holding neither a .kml nor a .shp (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})` };
  }
  if (e === 'kmz' || e === 'zip' || e === '3tz') return { ok: false, reason: `not a zip archive, as a .${e} should be` };
  const head = decodeUtf8(bytes.subarray(0, 4096)).trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    if (/"type"\s*:\s*"CityJSON"/.test(head) || e === 'city' || (e === 'json' && /"CityObjects"\s*:/.test(head))) return { ok: true, format: 'cityjson' };
    if (/"type"\s*:\s*"CityJSONFeature"/.test(head)) return { ok: false, reason: 'CityJSON Lines (CityJSONFeature): join the features into one CityJSON file' };
    if (/"type"\s*:\s*"(FeatureCollection|Feature)"/.test(head) || e === 'geojson') return { ok: true, format: 'geojson' };
    if (/"asset"\s*:/.test(head) && /"root"\s*:/.test(decodeUtf8(bytes.subarray(0, 65536)))) return { ok: false, reason: 'a 3D Tiles tileset.json: its tiles are beside it, so open it by URL' };
    if (/"asset"\s*:/.test(head) || e === 'gltf') return { ok: false, reason: 'a glTF JSON file: drop or pick it as .gltf together with its resources (or its folder)' };
    if (e === 'json') return { ok: true, format: 'geojson' };
    return { ok: false, reason: 'JSON that is neither GeoJSON nor a tileset' };
  }
  if (head.startsWith('<')) {
    if (/<gpx[\s>]/.test(head)) return { ok: true, format: 'gpx' };
    if (/<kml[\s>]/.test(head)) return { ok: true, format: 'kml' };
    if (/<([\w-]+:)?CityModel[\s>]/.test(head) || ((e === 'gml' || e === 'citygml') && /citygml/i.test(head))) return { ok: true, format: 'citygml' };
    if (e === 'gpx') return { ok: true, format: 'gpx' };
    if (e === 'kml') return { ok: true, format: 'kml' };
    return { ok: false, reason: 'XML that is neither GPX, KML nor CityGML' };
  }
  if (e === 'csv' || e === 'tsv' || e === 'txt') return { ok: true, format: 'csv' };
  if (e === 'geojson' || e === 'json') return { ok: true, format: 'geojson' };
  if (e === 'gpx' || e === 'kml') return { ok: true, format: e };
  if (e === 'shp' || e === 'dbf') return { ok: false, reason: 'a lone shapefile part: zip the .shp, .dbf, .shx and .prj together' };
  return { ok: false, reason: `unknown format${e !== '' ? ` ".${e}"` : ''}: Jumeau reads GeoJSON, CSV, GPX, KML/KMZ, zipped shapefiles, CityGML, CityJSON and GLB models` };
}
