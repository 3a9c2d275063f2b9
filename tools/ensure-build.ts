import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { packsDir } from '../src/city/node/pack.ts';
import { buildDemoPack } from '../src/city/node/demo-pack.ts';
import { sharedDataDir } from '../src/city/node/open-data.ts';

/**
 * Before the end-to-end tests: build the demo pack if missing (or made without the open-data
 * layers while ../shared/data is there) and the app if any source is
 * newer than the last build.
 */
const root = resolve(import.meta.dirname, '..');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const demoManifest = join(packsDir(), 'demo', 'city.json');
// Rebuild a demo pack made before the open-data layers (or without ../shared/data at the time).
const lacksOpenData = () => existsSync(sharedDataDir()) && (!readFileSync(demoManifest, 'utf8').includes('"layer": "parking"') || !existsSync(join(packsDir(), 'paris', 'city.json')));
if (!existsSync(demoManifest) || lacksOpenData()) await buildDemoPack({ log: (l) => console.log(`demo: ${l}`) });
const built = join(root, 'dist', 'index.html');
const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'workers')), newest(join(root, 'assets')), statSync(join(root, 'index.html')).mtimeMs, statSync(join(root, 'vite.config.ts')).mtimeMs);
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  console.log('Building the app for the end-to-end tests…');
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
