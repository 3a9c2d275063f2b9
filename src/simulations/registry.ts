import { parkingSearchSimulation } from './parking-search.ts';
import { buildingStatsSimulation } from './building-stats.ts';
import { sunHoursSimulation } from './sun-hours.ts';
import { sunPositionSimulation } from './sun-position.ts';
import type { AnySimulation } from './types.ts';
import { wifiCoverageSimulation } from './wifi-coverage.ts';
import { walkIsochronesSimulation } from './walk-isochrones.ts';

/**
 * Every simulation of the app. Adding one is a definition file here, a kernel in
 * `workers/kernels/`, one line below and one line in `workers/simulations.ts`; the conformance
 * test runs over this list.
 */
export const SIMULATIONS: readonly AnySimulation[] = [sunPositionSimulation, sunHoursSimulation, walkIsochronesSimulation, parkingSearchSimulation, buildingStatsSimulation, wifiCoverageSimulation];

/** The definition with this id, or null. */
export function findSimulation(id: string): AnySimulation | null {
  return SIMULATIONS.find((s) => s.id === id) ?? null;
}
