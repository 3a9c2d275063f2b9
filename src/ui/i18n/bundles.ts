import { bundle } from './bundle.ts';
import { consultBundle } from './consult.ts';
import { en } from './en.ts';
import { fr } from './fr.ts';
import { layersBundle } from './layers.ts';
import { mobilityBundle } from './mobility.ts';
import { measureMessages } from './measure.ts';
import { scenarioMessages } from './scenario.ts';
import { simMessages } from './sim.ts';
import { wifiMessages } from './wifi.ts';
import { toursBundle } from './tours.ts';
import { userdataBundle } from './userdata.ts';

/**
 * Every message bundle of the app. A feature adds its own file (`src/ui/i18n/<feature>.ts`
 * exporting `bundle({...fr}, {...en})`) and one line here; keys are prefixed with the feature
 * name (`layers.`, `sim.`, …) so bundles never collide (a test checks it).
 */
export const BUNDLES = [bundle(fr, en), layersBundle, simMessages, consultBundle, mobilityBundle, scenarioMessages, measureMessages, toursBundle, userdataBundle, wifiMessages] as const;
