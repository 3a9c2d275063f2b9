import { FEATURE_LIST } from '../src/app/features.ts';
import type { SimulationImpl } from '../src/city/analysis/env.ts';

export type { CityRequest, KernelEnv, LoadedCity, SimulationImpl } from '../src/city/analysis/env.ts';

/**
 * The worker side of every simulation, from the feature list: each feature's manifest names a
 * lazy `worker()` module whose `bindings` map its simulation ids to kernels. Loaded on the first
 * run (in a worker or the headless runner), so the page never loads kernel code.
 */
let dispatch: Promise<ReadonlyMap<string, SimulationImpl>> | null = null;

export function implementations(): Promise<ReadonlyMap<string, SimulationImpl>> {
  dispatch ??= (async () => {
    const out = new Map<string, SimulationImpl>();
    for (const f of FEATURE_LIST) {
      if (f.worker === undefined) continue;
      const { bindings } = await f.worker();
      for (const [id, impl] of Object.entries(bindings)) {
        if (out.has(id)) throw new Error(`simulation ${id} is bound twice (feature ${f.id})`);
        out.set(id, impl);
      }
    }
    return out;
  })();
  return dispatch;
}

/** The implementation of a simulation, or undefined when no feature binds it. */
export async function implementationOf(id: string): Promise<SimulationImpl | undefined> {
  return (await implementations()).get(id);
}
