import type { AnySimulation } from '../core/simulation/types.ts';
import { FEATURE_LIST } from './features.ts';

/**
 * Every simulation of the app, from the feature list (each feature's manifest names its own).
 * Adding one is a contract, a kernel and a `worker.ts` binding in the feature's folder and a
 * line in its manifest; the conformance test runs over this list.
 */
export const SIMULATIONS: readonly AnySimulation[] = FEATURE_LIST.flatMap((f) => f.simulations ?? []);

/** The definition with this id, or null. */
export function findSimulation(id: string): AnySimulation | null {
  return SIMULATIONS.find((s) => s.id === id) ?? null;
}
