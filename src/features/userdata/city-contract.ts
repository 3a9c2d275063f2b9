import type { FieldSummary } from '../../layers/userdata-types.ts';
import type { Rejection } from '../../city/records.ts';

/**
 * The contract of the user-data worker's city-model kernel (userdata-city.ts), in a module of its
 * own so that the page imports it without the pipeline (gltf-transform, proj4, saxes).
 */

export const USERDATA_CITY_VERSION = 1;

export type CityFormat = 'citygml' | 'cityjson';

export interface UserCityRequest {
  version: typeof USERDATA_CITY_VERSION;
  /** File name or URL, for messages. */
  name: string;
  bytes: Uint8Array;
  format: CityFormat;
  /** CRS chosen by the user for a file that declares none (`EPSG:n`). */
  crs?: string;
}

/** The build report shown on the item's row. */
export interface UserCityReport {
  buildings: number;
  /** The first rejections (at most {@link MAX_LISTED_REJECTIONS}). */
  rejected: Rejection[];
  rejectedCount: number;
  warnings: string[];
  /** CRS the file was read in. */
  crs: string;
  /** Whether the file declared it (else the user chose it). */
  crsDeclared: boolean;
}

export interface UserCityResult {
  format: CityFormat;
  /** The buildings as one glb (metadata per building). */
  glb: Uint8Array;
  /** A 3D Tiles 1.1 tileset with one tile whose content is `content.glb`. */
  tileset: { asset: { version: '1.1'; generator: string }; geometricError: number; root: { boundingVolume: { region: number[] }; geometricError: number; refine: 'ADD'; transform: number[]; content: { uri: string } } };
  report: UserCityReport;
  /** Attributes of the buildings, for colouring. */
  fields: FieldSummary[];
  buildMs: number;
}

export type UserCityResponse =
  | { ok: true; version: typeof USERDATA_CITY_VERSION; result: UserCityResult }
  /** `needsCrs`: the file declares no CRS and none was given — ask the user. */
  | { ok: false; version: typeof USERDATA_CITY_VERSION; error: { where: string; reason: string }; needsCrs?: boolean };

