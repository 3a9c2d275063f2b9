import type { FeatureManifest } from '../../app/manifest.ts';
import { toursBundle } from './messages.ts';

/** Project tours for elected officials: author, play, present. */
export const toursManifest = {
  id: 'tours',
  messages: toursBundle,
} as const satisfies FeatureManifest;
