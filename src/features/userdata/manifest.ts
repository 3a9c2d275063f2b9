import type { FeatureManifest } from '../../app/manifest.ts';
import { userdataBundle } from './messages.ts';

/** My data: files and services the user brings. */
export const userdataManifest = {
  id: 'userdata',
  messages: userdataBundle,
} as const satisfies FeatureManifest;
