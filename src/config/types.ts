import type { Attribution } from '../core/schemas/attribution.ts';
import type { CameraState } from '../core/url-state.ts';
import type { CityBasemap, CityLayer } from '../core/schemas/city.ts';

/** The 3D Tiles tileset of a city's buildings. */
export interface BuildingsSource {
  /** URL of tileset.json. */
  url: string;
  /**
   * Feature properties that may hold the height in metres, tried in order; the style and the
   * info panel use the first one a feature has.
   */
  heightProperties: readonly string[];
  /** Feature properties that may hold the building id, tried in order. */
  idProperties: readonly string[];
  /** Screen-space error target in pixels (Cesium's default is 16). */
  maximumScreenSpaceError?: number;
  attribution: Attribution;
}

/** Quantized-mesh terrain. Absent: the WGS84 ellipsoid. */
export interface TerrainSource {
  url: string;
  attribution: Attribution;
}

/**
 * A basemap the user can choose (the offline NaturalEarthII imagery shipped with Cesium is always
 * under it): a city file's `basemaps` entry (src/config/city-schema.ts).
 */
export type BasemapSource = CityBasemap;

/** A city of the catalog: data only (DESIGN.md: "a city is data"). */
export interface CityConfig {
  id: string;
  /** The name in the current default language (French), as menus show it. */
  name: string;
  /** The name in each language. */
  names: { fr: string; en: string };
  description?: string;
  /** IANA time zone: the sun, the time panel and recorded series use it. */
  timeZone: string;
  /** Generated data: the UI labels the whole city "synthetic". */
  synthetic: boolean;
  /** Needs the network (probed at start-up with a short timeout). */
  online: boolean;
  /** Where the entry comes from. */
  origin: 'builtin' | 'pack';
  home: CameraState;
  /** [west, south, east, north], degrees. */
  bbox: readonly [number, number, number, number];
  buildings?: BuildingsSource;
  terrain?: TerrainSource;
  /** Basemaps the user switches between; the first is shown first (empty: the offline imagery only). */
  basemaps: readonly BasemapSource[];
  /**
   * The layers the city file lists: named display kinds and generic layers (absent: every
   * display kind with data for the city).
   */
  layers?: readonly CityLayer[];
  /** Base URL of the pack folder, for pack cities (layers are read from it). */
  packUrl?: string;
  /** Layer files shipped with the pack (read by the layers issue). */
  packLayers?: readonly { id: string; title: string; file: string; format: string; layer?: string; attribution: Attribution }[];
}
