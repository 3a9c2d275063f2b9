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

/** Kinds of LOD2 surfaces (CityGML thematic surfaces). */
export type SurfaceKind = 'roof' | 'wall' | 'ground' | 'other';

/**
 * CityGML thematic surfaces (bldg:RoofSurface…), which CityJSON's semantic surface types reuse,
 * to the kinds the pipeline tells apart.
 */
export const SEMANTIC_SURFACES: Readonly<Record<string, SurfaceKind>> = {
  RoofSurface: 'roof',
  WallSurface: 'wall',
  GroundSurface: 'ground',
  ClosureSurface: 'other',
  OuterCeilingSurface: 'other',
  OuterFloorSurface: 'other',
};

/**
 * A planar polygon of a LOD2 building (CityGML), kept as it is instead of extruded: rings of
 * `[lon, lat, h]` triples (degrees, ellipsoid metres after the base rule), the first ring outer.
 */
export interface Surface3D {
  kind: SurfaceKind;
  rings: number[][];
  /** Texture coordinates per ring, `[u, v]` per vertex in glTF's convention (v down), or null. */
  uvs: number[][] | null;
  /** Key of the texture in the build's texture table, or null. */
  texture: string | null;
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
  /** Ground altitude in the source's vertical datum (e.g. NGF-IGN69), metres, when known. */
  groundAltitudeM?: number | null;
  /**
   * LOD2 surfaces (CityGML): when present they are the building's geometry and `polygons` is
   * its footprint (ground surfaces, possibly empty) used for tiling only.
   */
  surfaces?: Surface3D[];
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
