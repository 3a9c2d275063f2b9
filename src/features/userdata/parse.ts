import { readGeoJsonFeatures } from '../../layers/parse/geojson.ts';
import { LayerParseError, type LayerGeometry, type ParsedLayer } from '../../layers/types.ts';
import { readCsvPoints } from './csv.ts';
import { readShapefileZip, unzipLimited } from './shapefile.ts';
import { summariseFields } from './fields.ts';
import { USER_LIMITS, type UserParseOptions, type UserVectorResult, type VectorFormat } from '../../layers/userdata-types.ts';
import { readGpx, readKml } from './xml.ts';

/**
 * One entry point for every vector format a user brings: bytes → features (the open-data
 * layers' feature model, so they draw, pick and search the same way), attribute summaries for
 * styling, and what was detected. Throws a LayerParseError naming the file and the reason when
 * nothing can be read; skips bad features with issues otherwise. Pure.
 */
export function parseUserVector(format: VectorFormat, bytes: Uint8Array, where: string, options: UserParseOptions = {}): UserVectorResult {
  if (bytes.length > USER_LIMITS.maxVectorBytes) throw new LayerParseError(where, `${Math.round(bytes.length / 1048576)} MB, more than the limit of ${Math.round(USER_LIMITS.maxVectorBytes / 1048576)} MB`);
  let parsed: ParsedLayer;
  let extra: Pick<UserVectorResult, 'csv' | 'crs'> = {};
  switch (format) {
    case 'geojson':
      parsed = readGeoJsonFeatures(bytes, where, { nameFields: ['name', 'nom', 'NAME', 'NOM', 'title', 'libelle', 'label'] });
      break;
    case 'csv': {
      const r = readCsvPoints(bytes, where, options.csv);
      parsed = r.parsed;
      extra = { csv: { columns: r.columns, coordinates: r.coordinates, detected: r.detected }, crs: r.coordinates.crs };
      break;
    }
    case 'gpx':
      parsed = readGpx(bytes, where);
      break;
    case 'kml':
      parsed = readKml(bytes, where);
      break;
    case 'kmz': {
      const files = unzipLimited(bytes, where, (n) => /\.kml$/i.test(n));
      const names = Object.keys(files).sort((a, b) => (a.toLowerCase() === 'doc.kml' ? -1 : b.toLowerCase() === 'doc.kml' ? 1 : a.localeCompare(b)));
      if (names.length === 0) throw new LayerParseError(where, 'no .kml in the archive');
      parsed = readKml(files[names[0]!]!, `${where} ${names[0]!}`);
      break;
    }
    case 'shapefile': {
      const r = readShapefileZip(bytes, where);
      parsed = r.parsed;
      extra = { crs: r.crs };
      break;
    }
  }
  if (parsed.features.length === 0) {
    const first = parsed.issues[0];
    throw new LayerParseError(where, `no feature could be read${first !== undefined ? ` (first problem: ${first.where}: ${first.reason})` : ''}`);
  }
  const geometryTypes = [...new Set(parsed.features.map((f) => f.geometry.type))] as LayerGeometry['type'][];
  return { format, parsed, fields: summariseFields(parsed.features), geometryTypes, ...extra };
}

