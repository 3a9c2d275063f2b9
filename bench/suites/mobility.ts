import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDataDir } from '../../src/city/node/open-data.ts';
import { multiSourceDijkstra } from '../../src/features/mobility/dijkstra.ts';
import { runToEnd } from '../../src/core/simulation/kernel.ts';
import { carParks, occupancyObservations } from '../../src/features/mobility/data.ts';
import { simulateParking, type ParkingParams } from '../../src/features/mobility/parking-kernel.ts';
import { calibrateParking } from '../../src/features/mobility/calibration-kernel.ts';
import { streetLinesFromGeoJson } from '../../src/features/mobility/data.ts';
import { buildStreetGraph, indexNodes, WALK, type StreetLines } from '../../src/features/mobility/street-graph.ts';
import { walkIsochronesKernel, type WalkPlan } from '../../src/features/mobility/walk-kernel.ts';
import { VISITOR_PROFILE } from '../../src/features/mobility/worker.ts';
import type { BenchRow, BenchSuite } from '../types.ts';

/**
 * Mobility: one 15-minute isochrone on a 500,000-edge synthetic street grid and on Rennes (OSM
 * named streets), the graph builds, and the parking search's agent-steps per second in one
 * thread (the kernel a worker runs, driven straight through).
 */

const SUITE = 'mobility';
const LAT = 48.11, LON = -1.68;

/** A jittered grid of side × side vertices, 60 m apart, as row and column polylines (synthetic). */
function gridLines(side: number): StreetLines {
  const dLon = 60 / (111_195 * Math.cos((LAT * Math.PI) / 180)), dLat = 60 / 111_195;
  const coords: number[] = [];
  const starts = [0];
  const jitter = (i: number, j: number) => (((i * 73_856_093) ^ (j * 19_349_663)) % 1000) / 1000 * 0.2;
  const p = (i: number, j: number) => [LON + (i + jitter(i, j)) * dLon, LAT + (j + jitter(j, i)) * dLat];
  for (let j = 0; j < side; j++) {
    for (let i = 0; i < side; i++) coords.push(...p(i, j));
    starts.push(coords.length / 2);
  }
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) coords.push(...p(i, j));
    starts.push(coords.length / 2);
  }
  return { coords: Float64Array.from(coords), starts: Uint32Array.from(starts), flags: new Uint8Array(starts.length - 1).fill(WALK) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time<T>(fn: () => T, runs: number): { ms: number; value: T } {
  const ms: number[] = [];
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = fn();
    ms.push(performance.now() - t0);
  }
  return { ms: median(ms), value };
}

export const mobilitySuite: BenchSuite = {
  name: SUITE,
  description: 'walking isochrones (500k-edge synthetic grid, Rennes) and parking-search agent-steps per second',
  async run(ctx) {
    const rows: BenchRow[] = [];
    // Synthetic grid.
    const side = 501;
    const lines = gridLines(side);
    const built = time(() => buildStreetGraph(lines, 1), 1);
    const g = built.value;
    rows.push({ suite: SUITE, metric: 'synthetic grid: edges', value: g.edgeA.length, unit: 'edges', note: `${g.nodeCount.toLocaleString('en-US')} nodes, 60 m apart (synthetic)` });
    rows.push({ suite: SUITE, metric: 'synthetic grid: graph build', value: built.ms, unit: 'ms' });
    const centre = Math.floor(side / 2) * side + Math.floor(side / 2);
    const iso = time(() => multiSourceDijkstra(g, [centre], null, WALK, 15 * 60 * 1.4), 7);
    rows.push({ suite: SUITE, metric: 'synthetic grid: 15-min isochrone (Dijkstra)', value: iso.ms, unit: 'ms', goal: '≤ 50 ms', note: `${iso.value.settled.toLocaleString('en-US')} nodes settled` });
    const full = time(() => multiSourceDijkstra(g, [centre], null, WALK), 3);
    rows.push({ suite: SUITE, metric: 'synthetic grid: whole-graph Dijkstra', value: full.ms, unit: 'ms', note: `${full.value.settled.toLocaleString('en-US')} nodes settled` });
    const lonC = g.lon[centre]!, latC = g.lat[centre]!;
    const plan: WalkPlan = { graph: g, speedMps: 1.4, bandsS: [300, 600, 900], origins: { lon: Float64Array.of(lonC), lat: Float64Array.of(latC) }, maxSnapM: 300, cellM: 20, spreadM: 60, kpiS: 900, population: null, amenities: [], scenario: null };
    const kernel = time(() => runToEnd(walkIsochronesKernel(plan)), 3);
    rows.push({ suite: SUITE, metric: 'synthetic grid: isochrone kernel (streets + area)', value: kernel.ms, unit: 'ms', note: `${kernel.value.edgeBand.length.toLocaleString('en-US')} edges drawn; the component and node index are built on the first run and kept` });
    ctx.log(`synthetic: build ${built.ms.toFixed(0)} ms, isochrone ${iso.ms.toFixed(1)} ms, full ${full.ms.toFixed(0)} ms, kernel ${kernel.ms.toFixed(0)} ms`);

    // Rennes.
    const data = sharedDataDir();
    const streets = new Uint8Array(readFileSync(join(data, 'rennes/streets/osm_highways_rennes_2014.geojson')));
    const rb = time(() => buildStreetGraph(streetLinesFromGeoJson(streets, 'streets').lines, 1), 3);
    const rg = rb.value;
    rows.push({ suite: SUITE, metric: 'Rennes: graph build (parse + snap)', value: rb.ms, unit: 'ms', note: `${rg.nodeCount.toLocaleString('en-US')} nodes, ${rg.edgeA.length.toLocaleString('en-US')} edges` });
    const rep = indexNodes(rg).nearest(-1.6797, 48.1098, WALK, 300)!;
    const riso = time(() => multiSourceDijkstra(rg, [rep.node], [rep.distanceM], WALK, 15 * 60 * 1.4), 7);
    rows.push({ suite: SUITE, metric: 'Rennes: 15-min isochrone from République (Dijkstra)', value: riso.ms, unit: 'ms', goal: '≤ 50 ms', note: `${riso.value.settled.toLocaleString('en-US')} nodes settled` });
    const rk = time(() => runToEnd(walkIsochronesKernel({ ...plan, graph: rg, origins: { lon: Float64Array.of(-1.6797), lat: Float64Array.of(48.1098) } })), 3);
    rows.push({ suite: SUITE, metric: 'Rennes: isochrone kernel (streets + area)', value: rk.ms, unit: 'ms' });

    // Parking search: agent-steps per second in one thread.
    const parks = carParks(new Uint8Array(readFileSync(join(data, 'rennes/parking/citedia_car_parks_centre.geojson'))), 'parks');
    const obs = occupancyObservations(new Uint8Array(readFileSync(join(data, 'rennes/parking/citedia_occupancy_sample_2026-10-06.csv'))), 'occ', parks, () => 120).obs;
    const params: ParkingParams = { seed: 1, visitorsPerDay: 0, arrivalProfile: VISITOR_PROFILE, meanStayH: 2.5, informedShare: 0.5, walkCostPerM: 0.01, priceCostPerEur: 1, zoneRadiusM: 300, streetSpacesPerZone: 60, streetSearchS: 240, cruiseSpeedMps: 5.5, detour: 1.4, walkDetour: 1.3, maxSearchS: 1200, co2GPerKm: 120, sampleMin: 10 };
    const cal = runToEnd(calibrateParking(parks, params, obs, 10));
    rows.push({ suite: SUITE, metric: 'parking: calibrated RMSE (Citédia, 60 records)', value: cal.rmse, unit: 'points', note: `${cal.visitorsPerDay} visitors/day` });
    for (const scale of [1, 10]) {
      // Scaled demand on proportionally larger car parks (a stress test of the same model).
      const ps = cal.parks.map((p) => ({ ...p, capacity: p.capacity * scale, subscribers: p.subscribers * scale }));
      const r = time(() => runToEnd(simulateParking(ps, { ...params, visitorsPerDay: cal.visitorsPerDay * scale })), 3);
      rows.push({ suite: SUITE, metric: `parking: agent-steps per second (${scale}× Rennes demand)`, value: r.value.agentSteps / (r.ms / 1000), unit: 'steps/s', goal: '≥ 100,000', note: `${r.value.agentSteps.toLocaleString('en-US')} agent-steps in ${r.ms.toFixed(0)} ms` });
    }
    return rows;
  },
};
