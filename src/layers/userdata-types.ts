import type { LayerGeometry, ParsedLayer, PropertyValue } from './types.ts';

/**
 * Data the user brings (issue 13): files dropped or picked, and URLs. Everything in this folder
 * is pure (no DOM, no Cesium, no fetching): format detection, the parsers of vector formats and
 * the styles of user layers. It runs in the user-data worker, in Node tests and in the bench.
 */

/** Vector formats: parsed here into layer features and drawn like the open-data layers. */
export const VECTOR_FORMATS = ['geojson', 'csv', 'gpx', 'kml', 'kmz', 'shapefile'] as const;
export type VectorFormat = (typeof VECTOR_FORMATS)[number];

/** Every kind of item a user can add. */
export type UserFormat =
  | VectorFormat
  /** A glTF 2.0 binary model, placed at a point. */
  | 'glb'
  /** A 3D Tiles tileset (1.0 or 1.1), opened by URL. */
  | 'tileset'
  /** City models (buildings), built into a glb by the city pipeline in the worker. */
  | 'citygml'
  | 'cityjson'
  /** Imagery services: OGC WMS, OGC WMTS, XYZ tile templates. */
  | 'wms'
  | 'wmts'
  | 'xyz';

/** Limits against huge or hostile inputs (bytes, entries, depth, counts). */
export const USER_LIMITS = {
  /** Largest vector file read, bytes. */
  maxVectorBytes: 150 * 1024 * 1024,
  /** Largest glTF model, bytes. */
  maxModelBytes: 200 * 1024 * 1024,
  /** Largest total of the files unpacked from one zip (KMZ, shapefile), bytes. */
  maxUnzippedBytes: 300 * 1024 * 1024,
  /** Most entries of a zip. */
  maxZipEntries: 2000,
  /** Deepest XML nesting accepted (GPX, KML). */
  maxXmlDepth: 200,
  /** Most features in one file. */
  maxFeatures: 500_000,
  /** Most items a user can add to one city. */
  maxItems: 40,
  /** Largest CityGML or CityJSON file, bytes. */
  maxCityBytes: 120 * 1024 * 1024,
  /** Most buildings in one CityGML or CityJSON file. */
  maxCityBuildings: 50_000,
  /** Largest capabilities document or tileset.json read, bytes. */
  maxDocumentBytes: 20 * 1024 * 1024,
} as const;

/** CRSs a user can choose for a CSV (those of src/city/crs.ts; a test keeps them equal). */
export const CSV_CRS_CHOICES: readonly string[] = ['EPSG:4326', 'EPSG:4171', 'EPSG:4258', 'EPSG:2154', ...[42, 43, 44, 45, 46, 47, 48, 49, 50].map((n) => `EPSG:${3900 + n}`), 'EPSG:3857'];

/** How a CSV's coordinates are read: columns and CRS (detected, or chosen by the user). */
export interface CsvCoordinates {
  /** Longitude / easting column, or the single column holding both ("lat, lon" or WKT POINT). */
  xField: string;
  /** Latitude / northing column; null when `xField` holds both. */
  yField: string | null;
  /** `EPSG:n` of the coordinates. */
  crs: string;
}

/** Options of a parse that the user can change (CSV columns and CRS). */
export interface UserParseOptions {
  csv?: Partial<CsvCoordinates>;
  /** CRS of a CityGML or CityJSON file that declares none (`EPSG:n`, chosen on the row). */
  city?: { crs?: string };
}

/** An attribute of the features, summarised for styling and the legend. */
export interface FieldSummary {
  name: string;
  /** numeric when every non-empty value is a number. */
  kind: 'numeric' | 'text';
  /** Distinct values (text), at most 13 listed; `distinct` counts up to 1000. */
  values: string[];
  distinct: number;
  min: number | null;
  max: number | null;
}

/** A vector file parsed: features, issues, attribute summaries, and how a CSV was read. */
export interface UserVectorResult {
  format: VectorFormat;
  parsed: ParsedLayer;
  fields: FieldSummary[];
  geometryTypes: LayerGeometry['type'][];
  /** The CSV's header and the coordinates used (detected or chosen). */
  csv?: { columns: string[]; coordinates: CsvCoordinates; detected: boolean };
  /** The file's own CRS statement when there was one (shapefile .prj, …). */
  crs?: string;
}

export type { PropertyValue };
