import type { FeatureManifest } from '../../app/manifest.ts';
import { layersBundle } from '../../layers/messages.ts';

/** The open-data layers: panel, search, selection, time slider. */
export const layersManifest = {
  id: 'layers',
  messages: layersBundle,
} as const satisfies FeatureManifest;
