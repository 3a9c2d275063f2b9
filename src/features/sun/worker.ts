import { areaBbox } from '../../core/simulation/schemas.ts';
import { cityFacts, startWithCity, type WorkerBindings } from '../../city/analysis/env.ts';
import { planSunHours, type SunHoursInput } from './contract.ts';
import { sunHoursKernel } from './kernel.ts';
import type { SunPositionInput } from './position-contract.ts';
import { sunPositionKernel } from './position-kernel.ts';

/** The sun simulations bound to their kernels (worker side; see city/analysis/env.ts). */
export const bindings: WorkerBindings = {
  'sun-position': { start: (input) => Promise.resolve(sunPositionKernel(input as SunPositionInput)) },
  'sun-hours': {
    start(raw, env) {
      const input = raw as SunHoursInput;
      return startWithCity(env, input, { bboxDeg: areaBbox(input.area), reachM: input.horizonM }, (city) => sunHoursKernel(planSunHours(input, city.frame), city.geometry), (part, city) => {
        // The ids of the buildings this part refers to.
        const used = new Set<number>();
        for (const b of part.cellBuilding) if (b >= 0) used.add(b);
        for (const b of part.facades.building) used.add(b);
        const ids: [number, string][] = [...used].sort((a, b) => a - b).map((b) => [b, city.geometry.buildingIds[b] ?? String(b)]);
        return { ...part, ...cityFacts(city), ids };
      });
    },
  },
};
