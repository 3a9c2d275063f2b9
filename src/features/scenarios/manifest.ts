import type { FeatureManifest } from '../../app/manifest.ts';
import { scenarioMessages } from './messages.ts';

/** The planners' workbench: scenarios, edits, indicators, comparison, report. */
export const scenariosManifest = {
  id: 'scenarios',
  messages: scenarioMessages,
} as const satisfies FeatureManifest;
