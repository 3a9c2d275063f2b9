import type { Attribution } from '../core/schemas/attribution.ts';
import type { CityLayer } from '../core/schemas/city.ts';
import type { Bbox, LayerDefinition, OnlineSource, PackInput } from './types.ts';

/**
 * Where a layer's data comes from for a given city (pure): the pack's files, an online service,
 * or nothing (with the reason). The loader follows the plan; the panel shows it.
 */

export interface PackLayerRef {
  id: string;
  title: string;
  file: string;
  format: string;
  layer?: string;
  attribution: Attribution;
}

export interface CityForLayers {
  bbox: Bbox;
  packLayers: readonly PackLayerRef[];
  /** The city's IANA time zone (recorded series are shown in it). */
  timeZone?: string;
  /**
   * The layers its city file lists (display kinds, i.e. layer definition ids, and generic
   * layers), with their default state; absent: every display kind with data for the city.
   */
  layers?: readonly CityLayer[];
  /** Definitions of the city's generic layers (src/layers/generic.ts), offered for this city only. */
  extraLayers?: readonly LayerDefinition[];
}

/** The id of a layer of a city file. */
export const cityLayerId = (l: CityLayer): string => ('display' in l ? l.display : l.id);

/** Whether a city offers a layer (its city file lists it, or lists none). */
export function offers(city: CityForLayers, id: string): boolean {
  return city.layers === undefined || city.layers.some((l) => cityLayerId(l) === id);
}

export interface PackPlan {
  kind: 'pack';
  files: { input: PackInput; file: PackLayerRef }[];
}

export interface OnlinePlan {
  kind: 'online';
  source: OnlineSource;
  /** Pack files for the other inputs (e.g. none) and for falling back when the service fails. */
  fallback: PackPlan | null;
}

export type SourcePlan = PackPlan | OnlinePlan | { kind: 'unavailable'; reason: 'offline' | 'no-source' };

function intersects(a: Bbox, b: Bbox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** The pack plan when every required input has a file in the pack. */
export function packPlan(def: LayerDefinition, city: CityForLayers): PackPlan | null {
  const files: PackPlan['files'] = [];
  for (const input of def.inputs) {
    const file = city.packLayers.find((l) => l.layer === input.packLayer);
    if (file !== undefined) files.push({ input, file });
    else if (input.optional !== true) return null;
  }
  return def.inputs.length > 0 ? { kind: 'pack', files } : null;
}

/** Online sources covering the city, in order. */
export function onlineSources(def: LayerDefinition, city: CityForLayers): OnlineSource[] {
  return def.online.filter((s) => s.coverage === undefined || intersects(s.coverage, city.bbox));
}

/** Chooses the source of a layer for a city. */
export function planLayer(def: LayerDefinition, city: CityForLayers, offline: boolean): SourcePlan {
  const pack = packPlan(def, city);
  const online = offline ? [] : onlineSources(def, city);
  if (online.length > 0 && (pack === null || def.prefer === 'online')) return { kind: 'online', source: online[0]!, fallback: pack };
  if (pack !== null) return pack;
  const anyOnline = onlineSources(def, city).length > 0;
  return { kind: 'unavailable', reason: offline && anyOnline ? 'offline' : 'no-source' };
}
