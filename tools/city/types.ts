/**
 * Records flowing through the city pipeline (tools/city) and the demo generator.
 */

/** How a building's height was obtained. */
export const HEIGHT_SOURCES = ['attribute', 'levels', 'default', 'synthetic', 'geometry'] as const;
export type HeightSource = (typeof HEIGHT_SOURCES)[number];

/** A footprint polygon in WGS84 degrees: flat open rings `[lon0, lat0, lon1, lat1, …]`. */
export interface PolygonDeg {
  outer: number[];
  holes: number[][];
}

/** A cleaned, validated building ready to extrude and tile. */
export interface BuildingRecord {
  /** Stable id (from the source, or generated). */
  id: string;
  /** One or more footprint polygons (a MultiPolygon gives several). */
  polygons: PolygonDeg[];
  /** Ellipsoid height of the base, metres. */
  baseM: number;
  /** Height above the base, metres (> 0). */
  heightM: number;
  heightSource: HeightSource;
  floors: number | null;
  use: string | null;
  yearBuilt: number | null;
  /** Short name of the source dataset (e.g. "BD TOPO 2019"). */
  source: string;
}

/** Quick geometric summary of a building used by the tiler. */
export interface BuildingSummary {
  /** Index in the input array. */
  index: number;
  centroidLon: number;
  centroidLat: number;
  west: number;
  south: number;
  east: number;
  north: number;
  minH: number;
  maxH: number;
  /** Screen-space importance, metres: max(height, footprint diagonal). */
  importanceM: number;
}
