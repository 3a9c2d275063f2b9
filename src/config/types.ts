import type { Attribution } from '../core/schemas/attribution.ts';
import type { CameraState } from '../core/url-state.ts';

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

/** An online basemap; the offline NaturalEarthII imagery shipped with Cesium is always under it. */
export type BasemapSource =
  | {
      kind: 'wmts';
      url: string;
      layer: string;
      style: string;
      format: string;
      tileMatrixSetID: string;
      /** Prefix of tile matrix ids (e.g. "EPSG:3857:"), followed by the level number. */
      tileMatrixPrefix: string;
      maximumLevel: number;
      /** [west, south, east, north] degrees covered by the service. */
      extentDeg: readonly [number, number, number, number];
      attribution: Attribution;
    }
  | {
      kind: 'osm';
      url: string;
      maximumLevel: number;
      attribution: Attribution;
    };

/** A city of the catalog: data only (DESIGN.md: "a city is data"). */
export interface CityConfig {
  id: string;
  name: string;
  description?: string;
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
  basemap?: BasemapSource;
  /** Base URL of the pack folder, for pack cities (layers are read from it). */
  packUrl?: string;
  /** Layer files shipped with the pack (read by the layers issue). */
  packLayers?: readonly { id: string; title: string; file: string; format: string; layer?: string; attribution: Attribution }[];
}
