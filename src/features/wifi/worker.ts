import { areaBbox } from '../../core/simulation/schemas.ts';
import { cityFacts, startWithCity, type WorkerBindings } from '../../city/analysis/env.ts';
import { planWifi, type WifiCoverageInput } from './contract.ts';
import { wifiCoverageKernel } from './kernel.ts';

/** The wifi simulation bound to its kernel (worker side; see city/analysis/env.ts). */
export const bindings: WorkerBindings = {
  'wifi-coverage': {
    start(raw, env) {
      const input = raw as WifiCoverageInput;
      return startWithCity(env, input, { bboxDeg: areaBbox(input.area), reachM: input.maxRangeM }, (city) => wifiCoverageKernel(planWifi(input, city.frame), city.geometry), (part, city) => ({ ...part, ...cityFacts(city) }));
    },
  },
};
