import type { WorkerBindings } from '../../city/analysis/env.ts';
import { zoneOffsetMinutes } from '../../core/time.ts';
import type { ParkingSearchInput, ParkingSearchOutput, ParkingSummary } from './parking-contract.ts';
import type { WalkIsochronesInput, WalkIsochronesOutput } from './walk-contract.ts';
import { multiSourceDijkstra } from './dijkstra.ts';
import { KernelError, type KernelRun } from '../../core/simulation/kernel.ts';
import { carParks, occupancyObservations, pointsFromGeoJson, populationCells, streetLinesFromGeoJson } from './data.ts';
import { DAY_STEPS, simulateParking, type Observation, type Park, type ParkingParams, type ParkingRun } from './parking-kernel.ts';
import { calibrateParking, occupancyRmse } from './calibration-kernel.ts';
import { buildStreetGraph, DRIVE, indexNodes, type StreetGraph } from './street-graph.ts';
import { walkIsochronesKernel, type WalkPlan } from './walk-kernel.ts';

/**
 * The worker side of the mobility simulations: reads the open-data files the input names (through
 * the runtime's fetch, cached), builds the street graph once per file (cached), and returns the
 * kernels' runs.
 */

export interface MobilityEnv {
  /** The bytes of a file or URL (cached by the runtime). */
  bytes(url: string): Promise<Uint8Array>;
}

const graphs = new Map<string, Promise<{ graph: StreetGraph; skipped: number }>>();

/** The street graph of a file, built once and kept (at most 3 files). */
export function streetGraph(env: MobilityEnv, url: string, snapM: number): Promise<{ graph: StreetGraph; skipped: number }> {
  const key = `${url}|${snapM}`;
  let p = graphs.get(key);
  if (p === undefined) {
    p = env.bytes(url).then((b) => {
      const { lines, skipped } = streetLinesFromGeoJson(b, url);
      return { graph: buildStreetGraph(lines, snapM), skipped };
    });
    p.catch(() => graphs.delete(key));
    graphs.set(key, p);
    while (graphs.size > 3) graphs.delete(graphs.keys().next().value!);
  }
  return p;
}

/** Starts `walk-isochrones`. */
export async function startWalk(input: WalkIsochronesInput, env: MobilityEnv): Promise<KernelRun<WalkIsochronesOutput>> {
  const { graph, skipped } = await streetGraph(env, input.streets, input.snapM);
  const notes: string[] = [];
  if (skipped > 0) notes.push(`${skipped} lines without a usable highway tag skipped`);
  const amenities: WalkPlan['amenities'] = [];
  for (const a of input.amenities) amenities.push({ id: a.id, points: pointsFromGeoJson(await env.bytes(a.url), a.url) });
  const origins = 'point' in input.origin ? { lon: Float64Array.of(input.origin.point[0]), lat: Float64Array.of(input.origin.point[1]) } : amenities.find((a) => a.id === (input.origin as { amenity: string }).amenity)!.points;
  let population: WalkPlan['population'] = null;
  if (input.population !== undefined) {
    const p = populationCells(
      await env.bytes(input.population),
      input.population,
      input.districts !== undefined ? await env.bytes(input.districts) : null,
      input.districts ?? '',
      input.priorityAreas !== undefined ? await env.bytes(input.priorityAreas) : null,
      input.priorityAreas ?? '',
    );
    if (p.skipped > 0) notes.push(`${p.skipped} population cells without a resident count skipped`);
    population = p;
  }
  const scenario = input.scenario !== undefined ? { id: input.scenario.id, baseType: input.scenario.baseType, added: pointsFromGeoJson(await env.bytes(input.scenario.url), input.scenario.url) } : null;
  const plan: WalkPlan = {
    graph,
    speedMps: input.speedMps,
    bandsS: input.bandsMin.map((m) => m * 60),
    origins,
    maxSnapM: input.maxSnapM,
    cellM: input.cellM,
    spreadM: input.spreadM,
    kpiS: input.kpiMin * 60,
    population,
    amenities,
    scenario,
  };
  return (function* () {
    const out = yield* walkIsochronesKernel(plan);
    return { ...out, notes };
  })();
}

/** The default hourly arrival profile of visitors to a city centre on a weekday (relative). */
export const VISITOR_PROFILE = [0, 0, 0, 0, 0, 0.2, 0.6, 2, 5, 8, 9, 8, 7, 7, 8, 7, 6, 5, 4, 3, 2.5, 1.5, 0.5, 0.2];

/** Driving distances between car parks along the drive graph (Infinity where no route). */
export function roadMatrix(graph: StreetGraph, parks: readonly Park[]): Float64Array {
  const n = parks.length;
  const idx = indexNodes(graph);
  const snaps = parks.map((p) => idx.nearest(p.lon, p.lat, DRIVE, 500));
  const m = new Float64Array(n * n).fill(Infinity);
  for (let a = 0; a < n; a++) {
    const sa = snaps[a];
    if (sa === null || sa === undefined) continue;
    const d = multiSourceDijkstra(graph, [sa.node], [sa.distanceM], DRIVE).distM;
    for (let b = 0; b < n; b++) {
      const sb = snaps[b];
      m[a * n + b] = a === b ? 0 : sb === null || sb === undefined ? Infinity : d[sb.node]! + sb.distanceM;
    }
  }
  return m;
}

function summarise(run: ParkingRun, sampleMin: number): ParkingSummary {
  const samples = DAY_STEPS / sampleMin;
  const counts = new Uint32Array(samples * 4);
  for (let k = 0; k < samples; k++) {
    const t = (k + 1) * sampleMin - 1;
    counts.set([run.arrived[t]!, run.parked[t]!, run.cruising[t]!, run.gaveUp[t]!], 4 * k);
  }
  return {
    visitors: run.visitors,
    parkedInParks: run.parkedInParks,
    parkedOnStreet: run.parkedOnStreet,
    gaveUp: run.gaveUpTotal,
    cruisedDrivers: run.cruisedDrivers,
    meanCruiseS: run.meanCruiseS,
    meanWalkM: run.meanWalkM,
    extraKm: run.extraKm,
    co2Kg: run.co2Kg,
    occupancy: run.occupancy,
    counts,
  };
}

/** Starts `parking-search`: calibrate on the record, then today and the scenario. */
export async function startParking(input: ParkingSearchInput, env: MobilityEnv): Promise<KernelRun<ParkingSearchOutput>> {
  const notes: string[] = [];
  const existing = carParks(await env.bytes(input.parks), input.parks);
  const pr = input.parkAndRide !== undefined ? carParks(await env.bytes(input.parkAndRide), input.parkAndRide, { defaultPriceEurH: 0, accessM: input.parkAndRideAccessM }) : [];
  let obs: Observation[] = [];
  let date: string | null = null;
  if (input.occupancy !== undefined) {
    const o = occupancyObservations(await env.bytes(input.occupancy), input.occupancy, existing, (ms) => zoneOffsetMinutes(ms, input.timeZone));
    obs = o.obs;
    date = o.date;
    if (o.skipped > 0) notes.push(`${o.skipped} occupancy rows skipped (unknown car park or bad values)`);
  }
  const sc = input.scenario;
  for (const id of [...(sc?.closed ?? []), ...Object.keys(sc?.capacity ?? {}), ...Object.keys(sc?.price ?? {})]) {
    if (!existing.some((p) => p.id === id)) throw new KernelError('unknown-park', `scenario: no car park with id "${id}"`, 'scenario');
  }
  const added = (sc?.added ?? []).map((a) => ({ ...a, subscribers: 0, weight: 0, closed: false }));
  // One list for both runs: today has the planned and added car parks closed.
  const all = [...existing.map((p) => ({ ...p, kind: 'existing' as const })), ...pr.map((p) => ({ ...p, id: `pr-${p.id}`, weight: 0, kind: 'park-and-ride' as const })), ...added.map((p) => ({ ...p, kind: 'added' as const }))];
  if (all.length > 64) throw new KernelError('too-many', `${all.length} car parks, at most 64`, 'parks');
  let roadM: Float64Array | undefined;
  if (input.streets !== undefined) {
    const { graph } = await streetGraph(env, input.streets, 1);
    roadM = roadMatrix(graph, all);
  }
  const params: ParkingParams = {
    seed: input.seed,
    visitorsPerDay: 0,
    arrivalProfile: VISITOR_PROFILE,
    meanStayH: input.meanStayH,
    informedShare: input.informedShare,
    walkCostPerM: 0.01,
    priceCostPerEur: 1,
    zoneRadiusM: 300,
    streetSpacesPerZone: input.streetSpacesPerZone,
    streetSearchS: 240,
    cruiseSpeedMps: 5.5,
    detour: 1.4,
    walkDetour: 1.3,
    maxSearchS: input.maxSearchMin * 60,
    co2GPerKm: 120,
    sampleMin: 10,
  };
  return (function* (): KernelRun<ParkingSearchOutput> {
    const today: Park[] = all.map((p) => ({ ...p, closed: p.kind !== 'existing', weight: p.kind === 'existing' ? Math.max(1, 3 * p.capacity * 0.3) : 0 }));
    let parks = today;
    let visitors = input.visitorsPerDay ?? today.reduce((s, p) => s + p.weight, 0);
    let calibration: ParkingSearchOutput['calibration'] = null;
    if (obs.length > 0 && input.calibrationIterations > 0) {
      const first = yield* simulateParking(today, { ...params, visitorsPerDay: visitors }, roadM);
      const rmseBefore = occupancyRmse(first, today, obs, params.sampleMin);
      const cal = yield* calibrateParking(today, params, obs, input.calibrationIterations, roadM);
      parks = cal.parks;
      if (input.visitorsPerDay === undefined) visitors = cal.visitorsPerDay;
      calibration = { rmse: cal.rmse, rmseBefore, observations: obs, date, iterations: cal.iterations };
    }
    const base = yield* simulateParking(parks, { ...params, visitorsPerDay: visitors }, roadM);
    if (calibration !== null && input.visitorsPerDay === undefined) calibration.rmse = occupancyRmse(base, parks, obs, params.sampleMin);
    let scenario: ParkingSummary | null = null;
    let scenarioRun: ParkingRun | null = null;
    const edited = parks.map((p, i) => {
      const kind = all[i]!.kind;
      const open = kind === 'existing' ? !(sc?.closed ?? []).includes(p.id) : kind === 'added' || (kind === 'park-and-ride' && sc?.parkAndRide === true);
      return { ...p, closed: !open, capacity: sc?.capacity[p.id] ?? p.capacity, priceEurH: sc?.price[p.id] ?? p.priceEurH };
    });
    if (sc !== undefined) {
      scenarioRun = yield* simulateParking(edited, { ...params, visitorsPerDay: visitors }, roadM);
      scenario = summarise(scenarioRun, params.sampleMin);
    }
    return {
      parks: parks.map((p, i) => ({
        id: p.id,
        name: all[i]!.name,
        lon: p.lon,
        lat: p.lat,
        capacity: all[i]!.kind === 'existing' ? p.capacity : 0,
        scenarioCapacity: edited[i]!.closed ? 0 : edited[i]!.capacity,
        priceEurH: p.priceEurH,
        scenarioPriceEurH: edited[i]!.priceEurH,
        subscribers: p.subscribers,
        visitorsPerDay: Math.round(p.weight),
        kind: all[i]!.kind,
        closed: edited[i]!.closed,
      })),
      sampleMin: params.sampleMin,
      baseline: summarise(base, params.sampleMin),
      scenario,
      calibration,
      visitorsPerDay: Math.round(visitors),
      agentSteps: base.agentSteps + (scenarioRun?.agentSteps ?? 0),
      roadDistances: roadM !== undefined,
      notes,
    };
  })();
}

/** The mobility simulations bound to their kernels (worker side; see city/analysis/env.ts). */
export const bindings: WorkerBindings = {
  'walk-isochrones': { start: (input, env) => startWalk(input as WalkIsochronesInput, env) },
  'parking-search': { start: (input, env) => startParking(input as ParkingSearchInput, env) },
};
