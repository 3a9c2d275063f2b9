import type { FeatureManifest } from '../../app/manifest.ts';
import { sunHoursSimulation } from './contract.ts';
import { sunLostKpi, sunMeanKpi, sunShadedAreaKpi } from './indicators.ts';
import { simMessages } from './messages.ts';
import { sunPositionSimulation } from './position-contract.ts';

/** Sun position and sun hours on ground, roofs and facades. */
export const sunManifest = {
  id: 'sun',
  simulations: [sunPositionSimulation, sunHoursSimulation],
  indicators: [sunLostKpi, sunShadedAreaKpi, sunMeanKpi],
  messages: simMessages,
  worker: () => import('./worker.ts'),
} as const satisfies FeatureManifest;
