import type { FeatureManifest } from '../../app/manifest.ts';
import { consultBundle } from './messages.ts';

/** Public consultation: comments pinned in 3D, votes, moderation. */
export const consultManifest = {
  id: 'consult',
  messages: consultBundle,
} as const satisfies FeatureManifest;
