import type { KernelRun } from '../../core/simulation/kernel.ts';
import { occupancyAt, simulateParking, type Observation, type Park, type ParkingParams, type ParkingRun } from './parking-kernel.ts';

/**
 * Calibration of the parking-search day (parking-kernel.ts) on recorded occupancy: the error
 * between simulated and recorded occupancy, and the fit of subscribers and zone demand.
 */

/** Root-mean-square error between simulated and recorded occupancy, in occupancy points (0–100). */
export function occupancyRmse(run: ParkingRun, parks: readonly Park[], obs: readonly Observation[], sampleMin: number): number {
  if (obs.length === 0) return NaN;
  let s = 0;
  for (const o of obs) {
    const d = occupancyAt(run, parks, o.park, o.minute, sampleMin) - o.occupancy;
    s += d * d;
  }
  return 100 * Math.sqrt(s / obs.length);
}

export interface Calibration {
  parks: Park[];
  visitorsPerDay: number;
  rmse: number;
  iterations: number;
}

/**
 * Fits the subscribers of each car park (its lowest recorded occupancy, less a margin) and the
 * visitor demand of each zone (`weight`, visitors per day; multiplicative updates toward the
 * recorded visitor occupancy), keeping the iteration with the lowest RMSE.
 */
export function* calibrateParking(parks: readonly Park[], params: ParkingParams, obs: readonly Observation[], iterations = 8, roadM?: Float64Array): KernelRun<Calibration> {
  const n = parks.length;
  const minOcc = new Float64Array(n).fill(Infinity), meanOcc = new Float64Array(n), cnt = new Float64Array(n);
  for (const o of obs) {
    minOcc[o.park] = Math.min(minOcc[o.park]!, o.occupancy);
    meanOcc[o.park]! += o.occupancy;
    cnt[o.park]!++;
  }
  let cur: Park[] = parks.map((p, i) => ({
    ...p,
    subscribers: cnt[i]! > 0 ? Math.round(0.9 * minOcc[i]! * p.capacity) : p.subscribers,
    weight: cnt[i]! > 0 ? Math.max(1, 3 * (meanOcc[i]! / cnt[i]! - 0.9 * minOcc[i]!) * p.capacity) : p.weight,
  }));
  // Weights are visitors per day of each zone: their sum is the day's demand.
  const demand = (ps: readonly Park[]) => ps.reduce((s, p) => s + p.weight, 0);
  let bestParks = cur, bestRmse = Infinity, it = 0, bestVisitors = demand(cur);
  for (it = 0; it < iterations; it++) {
    const visitors = demand(cur);
    const run = yield* simulateParking(cur, { ...params, visitorsPerDay: visitors }, roadM);
    const rmse = occupancyRmse(run, cur, obs, params.sampleMin);
    if (rmse < bestRmse) {
      bestRmse = rmse;
      bestParks = cur;
      bestVisitors = visitors;
    }
    const simMean = new Float64Array(n);
    for (const o of obs) simMean[o.park]! += occupancyAt(run, cur, o.park, o.minute, params.sampleMin);
    cur = cur.map((p, i) => {
      if (cnt[i] === 0) return p;
      const target = meanOcc[i]! / cnt[i]! - p.subscribers / Math.max(1, p.capacity);
      const got = simMean[i]! / cnt[i]! - p.subscribers / Math.max(1, p.capacity);
      const ratio = got > 1e-3 ? Math.max(0.25, Math.min(4, target / got)) : 2;
      return { ...p, weight: Math.max(0.01, p.weight * Math.pow(Math.max(1e-3, ratio), 0.8)) };
    });
  }
  return { parks: bestParks, visitorsPerDay: Math.round(bestVisitors), rmse: bestRmse, iterations: it };
}
