import type { FeatureManifest } from '../../app/manifest.ts';
import { buildingStatsSimulation } from './contract.ts';
import { buildingCountKpi, floorAreaKpi, footprintKpi, maxHeightKpi } from './indicators.ts';

/** The buildings of a study area as the simulations see them, and their scenario indicators. */
export const buildingsManifest = {
  id: 'buildings',
  simulations: [buildingStatsSimulation],
  indicators: [buildingCountKpi, footprintKpi, floorAreaKpi, maxHeightKpi],
  worker: () => import('./worker.ts'),
} as const satisfies FeatureManifest;
