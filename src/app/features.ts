import { consultFeature } from './consult.ts';
import type { Feature } from './context.ts';
import { layersFeature } from './layers.ts';
import { mobilityFeature } from './mobility.ts';
import { measureFeature } from './measure.ts';
import { scenariosFeature } from './scenarios.ts';
import { simulationsFeature } from './simulations.ts';
import { wifiFeature } from './wifi.ts';
import { toursFeature } from './tours.ts';
import { userdataFeature } from './userdata.ts';

/**
 * The features installed at start-up, in order. Adding a feature is adding a file in
 * `src/app/` that exports a `Feature`, and one line here.
 */
export const FEATURES: readonly Feature[] = [layersFeature, simulationsFeature, consultFeature, mobilityFeature, scenariosFeature, measureFeature, toursFeature, userdataFeature, wifiFeature];
