import type { ParkingSearchOutput, ParkingSummary } from '../../../../src/features/mobility/parking-contract.ts';
import type { WalkIsochronesOutput } from '../../../../src/features/mobility/walk-contract.ts';
import type { WalkParams } from '../../../../src/features/mobility/walk-controller.ts';

/** Small mobility results and pack files shared by the controller tests. */

export const FILES = {
  'osm-streets': 'https://x/streets.geojson',
  'population-grid': 'https://x/pop.csv',
  'metro-stations': 'https://x/metro.geojson',
  'trambus-stops': 'https://x/trambus.geojson',
  'bike-share': 'https://x/bikes.geojson',
  parking: 'https://x/parks.geojson',
};

export const WALK: WalkParams = { origin: 'metro-stations', speedMps: 1.4, bandsMin: [5, 10, 15], scenario: false };

/** A walking result: two streets (bands 0 and 7), a 2 × 2 raster with one cell reached. */
export function walkOutput(): WalkIsochronesOutput {
  return {
    graph: { nodes: 3, edges: 2, mainNodes: 3 },
    origins: { snapped: 2, unsnapped: 1 },
    nodeTimeS: new Float32Array(3),
    edgeCoords: Float64Array.of(-1.7, 48.1, -1.69, 48.12, -1.69, 48.12, -1.66, 48.11),
    edgeBand: Uint8Array.of(0, 7),
    area: { frame: { lonDeg: -1.68, latDeg: 48.11, heightM: 0 }, grid: { x0: 0, y0: 0, cellM: 20, cols: 2, rows: 2 }, band: Uint8Array.of(255, 1, 255, 255) },
    bandsS: [300, 600],
    bandLengthM: [100, 200],
    settled: 3,
    kpis: [{ type: 'metro-stations', points: 2, residents: 1000, within: 600, share: 0.6, qpvShare: 0.4, elsewhereShare: 0.65, districts: [] }],
    scenario: null,
    notes: [],
  };
}

const summary = (occupancy: number[], over: Partial<ParkingSummary> = {}): ParkingSummary => ({
  visitors: 100, parkedInParks: 90, parkedOnStreet: 5, gaveUp: 5, cruisedDrivers: 10, meanCruiseS: 60, meanWalkM: 200, extraKm: 3, co2Kg: 0.5,
  occupancy: Float32Array.from(occupancy), counts: new Uint32Array(0), ...over,
});

/**
 * A parking day sampled every 720 min (two samples) over three car parks: A (100 spaces), B
 * (50, closed in the scenario) and a park-and-ride. Occupancy rows are [A, B, P+R] per sample.
 */
export function parkOutput(withScenario: boolean): ParkingSearchOutput {
  const park = (id: string, capacity: number, kind: 'existing' | 'park-and-ride', closed = false) => ({ id, name: id.toUpperCase(), lon: -1.68, lat: 48.11, capacity, scenarioCapacity: closed ? 0 : capacity, priceEurH: 2, scenarioPriceEurH: 2, subscribers: 0, visitorsPerDay: 10, kind, closed });
  return {
    parks: [park('a', 100, 'existing'), park('b', 50, 'existing', withScenario), park('pr', 200, 'park-and-ride')],
    sampleMin: 720,
    baseline: summary([50, 25, 0, 96, 40, 0]),
    scenario: withScenario ? summary([80, 0, 20, 99, 0, 30], { meanCruiseS: 120 }) : null,
    calibration: { rmse: 4, rmseBefore: 9, observations: [{ park: 0, minute: 600, occupancy: 0.5 }], date: '2024-03-05', iterations: 3 },
    visitorsPerDay: 100,
    agentSteps: 1000,
    roadDistances: false,
    notes: [],
  };
}
