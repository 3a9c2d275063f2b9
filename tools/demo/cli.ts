import { buildDemoPack, DEMO_SEED } from '../../src/city/node/demo-pack.ts';

/** `npm run demo [-- --seed N] [--out DIR] [--open-data DIR | --no-open-data]`: builds the demo city pack. */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seedArg = arg('seed');
  const seed = seedArg !== undefined ? Number(seedArg) : DEMO_SEED;
  if (!Number.isInteger(seed)) {
    console.error(`npm run demo: --seed must be an integer, got "${seedArg}"`);
    process.exit(2);
  }
  const out = arg('out');
  const openData = process.argv.includes('--no-open-data') ? false : arg('open-data');
  buildDemoPack({ seed, ...(out !== undefined ? { outDir: out } : {}), ...(openData !== undefined ? { openData } : {}), log: (l) => console.log(`demo: ${l}`) }).catch((e: unknown) => {
    console.error(`npm run demo failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
