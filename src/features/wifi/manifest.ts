import type { FeatureManifest } from '../../app/manifest.ts';
import { wifiCoverageSimulation } from './contract.ts';
import { wifiResidentsKpi } from './indicators.ts';
import { wifiMessages } from './messages.ts';

/** Wifi coverage at street level and on facades, access points and the hotspot planner. */
export const wifiManifest = {
  id: 'wifi',
  simulations: [wifiCoverageSimulation],
  indicators: [wifiResidentsKpi],
  messages: wifiMessages,
  worker: () => import('./worker.ts'),
} as const satisfies FeatureManifest;
