import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { packsDir } from './city/pack.ts';
import { buildDemoPack } from './demo/cli.ts';

/**
 * Before the end-to-end tests: build the demo pack if missing and the app if any source is
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

if (!existsSync(join(packsDir(), 'demo', 'city.json'))) await buildDemoPack({ log: (l) => console.log(`demo: ${l}`) });
const built = join(root, 'dist', 'index.html');
const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'workers')), newest(join(root, 'assets')), statSync(join(root, 'index.html')).mtimeMs, statSync(join(root, 'vite.config.ts')).mtimeMs);
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  console.log('Building the app for the end-to-end tests…');
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}
