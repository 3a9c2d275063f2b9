import type { FeatureManifest } from '../../app/manifest.ts';
import { parkingCruiseKpi, transitAccessKpi } from './indicators.ts';
import { mobilityBundle } from './messages.ts';
import { parkingSearchSimulation } from './parking-contract.ts';
import { walkIsochronesSimulation } from './walk-contract.ts';

/** Walking isochrones, 15-minute accessibility and the parking search model. */
export const mobilityManifest = {
  id: 'mobility',
  simulations: [walkIsochronesSimulation, parkingSearchSimulation],
  indicators: [parkingCruiseKpi, transitAccessKpi],
  messages: mobilityBundle,
  worker: () => import('./worker.ts'),
} as const satisfies FeatureManifest;
