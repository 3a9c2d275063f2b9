import type { ScenarioEffect } from '../../scenarios/model.ts';

/**
 * Inputs of the mobility simulations built from a city pack's files, shared by the mobility
 * feature (src/features/mobility/feature.ts) and the scenario comparison (src/features/mobility/indicators.ts), so
 * both run the same study. Pure: file URLs in, plain input objects out.
 */

/** Pack layer files by layer id, as absolute URLs (or paths, headless). */
export type PackFiles = Readonly<Record<string, string>>;

/** The files of a city pack's layers (those with a `layer` id), resolved against the pack URL. */
export function packFiles(packUrl: string | undefined, layers: readonly { layer?: string; file: string }[] | undefined, base: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (packUrl === undefined) return out;
  const root = new URL(packUrl, base);
  for (const l of layers ?? []) if (l.layer !== undefined) out[l.layer] = new URL(l.file, root).href;
  return out;
}

export interface ParkingScenarioInput {
  closed: string[];
  capacity: Record<string, number>;
  price: Record<string, number>;
  parkAndRide: boolean;
  added: { id: string; name: string; lon: number; lat: number; capacity: number; priceEurH: number }[];
}

/** One-hour price of an added car park whose edit sets none, euros (the city-centre median order). */
export const ADDED_PARK_PRICE_EUR_H = 1.5;

/** Most car parks a parking scenario may add (the simulation's schema). */
export const MAX_ADDED_PARKS = 20;

/** A car park id as the simulation knows it: edits name them `layer:id`. */
export function carParkKey(ref: string): string {
  const i = ref.lastIndexOf(':');
  return i >= 0 ? ref.slice(i + 1) : ref;
}

/** Parking-search scenario of a scenario's car-park edits; null when they change nothing. */
export function parkingScenarioOf(carParks: ScenarioEffect['carParks']): ParkingScenarioInput | null {
  const closed = [...carParks.closed.keys()].map(carParkKey);
  const capacity: Record<string, number> = {}, price: Record<string, number> = {};
  for (const [ref, e] of carParks.changed) {
    const id = carParkKey(ref);
    if (e.capacity !== undefined) capacity[id] = e.capacity;
    if (e.pricePerHourEur !== undefined) price[id] = e.pricePerHourEur;
  }
  if (carParks.added.length > MAX_ADDED_PARKS) throw new Error(`${carParks.added.length} car parks added, the parking simulation takes at most ${MAX_ADDED_PARKS}`);
  const added = carParks.added.map((e) => ({ id: e.id.slice(0, 100), name: (e.label ?? 'New car park').slice(0, 200) || 'New car park', lon: e.lonDeg, lat: e.latDeg, capacity: e.capacity, priceEurH: e.pricePerHourEur ?? ADDED_PARK_PRICE_EUR_H }));
  if (closed.length === 0 && Object.keys(capacity).length === 0 && Object.keys(price).length === 0 && added.length === 0) return null;
  return { closed, capacity, price, parkAndRide: false, added };
}

/** Input of `parking-search` from the pack's files; throws when the city has no car parks. */
export function parkingInput(files: PackFiles, o: { seed?: number; scenario?: ParkingScenarioInput | null } = {}): Record<string, unknown> {
  if (files.parking === undefined) throw new Error('this city’s pack has no car parks layer (parking)');
  return {
    parks: files.parking,
    ...(files['parking-occupancy'] !== undefined ? { occupancy: files['parking-occupancy'] } : {}),
    ...(files['trambus-park-and-ride'] !== undefined ? { parkAndRide: files['trambus-park-and-ride'] } : {}),
    ...(files['osm-streets'] !== undefined ? { streets: files['osm-streets'] } : {}),
    seed: o.seed ?? 1,
    ...(o.scenario !== undefined && o.scenario !== null ? { scenario: o.scenario } : {}),
  };
}

/** Amenity types of the walking study and the pack layer each comes from. */
export const AMENITY_LAYERS: readonly { id: string; layer: string }[] = [
  { id: 'metro-stations', layer: 'metro-stations' },
  { id: 'bike-share', layer: 'bike-share' },
  { id: 'park-and-ride', layer: 'trambus-park-and-ride' },
  { id: 'trambus-stops', layer: 'trambus-stops' },
  { id: 'parks', layer: 'demo-squares' },
];

/** The amenity type counted as public transport by the comparison table. */
export const TRANSIT_AMENITY = 'metro-stations';

/**
 * Input of `walk-isochrones` from the pack's files: origins the amenities of one type (or a
 * point), indicators for each type the pack has. Throws without streets.
 */
export function walkInput(files: PackFiles, o: { origin: { point: [number, number] } | { amenity: string }; amenities?: readonly string[]; withTrambus?: boolean; kpiMin?: number }): Record<string, unknown> {
  if (files['osm-streets'] === undefined) throw new Error('this city’s pack has no street graph (osm-streets)');
  const wanted = o.amenities ?? AMENITY_LAYERS.map((a) => a.id);
  const amenities = AMENITY_LAYERS.filter((a) => files[a.layer] !== undefined && wanted.includes(a.id)).map((a) => ({ id: a.id, url: files[a.layer]! }));
  return {
    streets: files['osm-streets'],
    origin: o.origin,
    amenities,
    ...(files['population-grid'] !== undefined ? { population: files['population-grid'] } : {}),
    ...(files.districts !== undefined ? { districts: files.districts } : {}),
    ...(files['priority-areas'] !== undefined ? { priorityAreas: files['priority-areas'] } : {}),
    ...(o.withTrambus === true && files['trambus-stops'] !== undefined ? { scenario: { id: 'metro-and-trambus', baseType: 'metro-stations', url: files['trambus-stops'] } } : {}),
    ...(o.kpiMin !== undefined ? { kpiMin: o.kpiMin } : {}),
  };
}
