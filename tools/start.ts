import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../server/main.ts';
import { packsDir } from '../src/city/node/pack.ts';
import { buildDemoPack } from '../src/city/node/demo-pack.ts';

/**
 * `npm start`: builds the demo city when it is missing, then serves the app and its API
 * (development server) and prints the URL.
 */

const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Jumeau needs Node.js 20.19 or newer (this is ${process.versions.node}).`);
  process.exit(1);
}

if (!existsSync(join(packsDir(), 'demo', 'city.json'))) {
  console.log('Building the demo city (first start)…');
  await buildDemoPack({ log: (l) => console.log(`  ${l}`) });
}
const port = Number(process.env.PORT ?? 5173);
const url = await startServer('dev', port, process.env.HOST ?? '127.0.0.1');
console.log(`\nJumeau is running at ${url}\nOpen it in a browser. Stop with Ctrl+C.\n`);
