import { buildingsManifest } from '../features/buildings/manifest.ts';
import { consultManifest } from '../features/consult/manifest.ts';
import { layersManifest } from '../features/layers/manifest.ts';
import { measureManifest } from '../features/measure/manifest.ts';
import { mobilityManifest } from '../features/mobility/manifest.ts';
import { scenariosManifest } from '../features/scenarios/manifest.ts';
import { sunManifest } from '../features/sun/manifest.ts';
import { toursManifest } from '../features/tours/manifest.ts';
import { userdataManifest } from '../features/userdata/manifest.ts';
import { wifiManifest } from '../features/wifi/manifest.ts';
import type { FeatureManifest } from './manifest.ts';

/**
 * THE list of features, in install order. Everything else is built from it: the simulation
 * registry (app/simulations.ts), the indicator registry (app/indicators.ts), the message
 * catalogue (app/messages.ts), the worker dispatch (workers/simulations.ts) and the installed
 * features (app/install.ts finds each one's `src/features/<id>/feature.ts`).
 *
 * Adding a feature: a folder `src/features/<id>/` with `manifest.ts` and `feature.ts`, and one
 * line here. This module is pure (manifests only), so workers and the command line import it.
 */
export const FEATURES = [layersManifest, sunManifest, consultManifest, mobilityManifest, scenariosManifest, measureManifest, toursManifest, userdataManifest, buildingsManifest, wifiManifest] as const satisfies readonly FeatureManifest[];

/** The list, typed loosely (for code that does not need each manifest's literal types). */
export const FEATURE_LIST: readonly FeatureManifest[] = FEATURES;
