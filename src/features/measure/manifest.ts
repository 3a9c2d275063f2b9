import type { FeatureManifest } from '../../app/manifest.ts';
import { measureMessages } from './messages.ts';

/** Distance, height and area measurements on the 3D city. */
export const measureManifest = {
  id: 'measure',
  messages: measureMessages,
} as const satisfies FeatureManifest;
