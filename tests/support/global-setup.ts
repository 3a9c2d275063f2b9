import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packsDir } from '../../src/city/node/pack.ts';
import { buildDemoPack } from '../../src/city/node/demo-pack.ts';

/**
 * Before the unit and integration tests: the demo pack (packs/demo, with the open-data layers
 * from ../shared/data) that some tests read in place, built once when a fresh clone has none.
 */
export default async function setup(): Promise<void> {
  if (!existsSync(join(packsDir(), 'demo', 'city.json'))) await buildDemoPack({ log: (l) => console.log(`demo: ${l}`) });
}
