import { buildDemoPack, DEMO_SEED } from '../../src/city/node/demo-pack.ts';
import { exitUsage, parseCliOrExit, UsageError, type CliSpec } from '../../src/city/node/args.ts';

/** `npm run demo [-- --seed N] [--out DIR] [--open-data DIR | --no-open-data]`: builds the demo city pack. */
const SPEC: CliSpec = {
  command: 'npm run demo --',
  summary: 'Builds the demo city pack (synthetic district, byte-identical for a given seed) into packs/demo.',
  usage: ['[--seed N] [--out DIR] [--open-data DIR | --no-open-data]'],
  options: {
    seed: { type: 'string', value: 'N', description: `random seed, an integer (default ${DEMO_SEED})` },
    out: { type: 'string', value: 'DIR', description: 'output folder (default packs/demo)' },
    'open-data': { type: 'string', value: 'DIR', description: 'the recorded open data to add as layers (default ../shared/data)' },
    'no-open-data': { type: 'boolean', description: 'leave the open-data layers out' },
  },
};

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const a = parseCliOrExit(SPEC, process.argv.slice(2));
    const seed = a.int('seed') ?? DEMO_SEED;
    const out = a.string('out');
    if (a.flag('no-open-data') && a.string('open-data') !== undefined) throw new UsageError('--open-data and --no-open-data exclude each other', SPEC);
    const openData = a.flag('no-open-data') ? false : a.string('open-data');
    buildDemoPack({ seed, ...(out !== undefined ? { outDir: out } : {}), ...(openData !== undefined ? { openData } : {}), log: (l) => console.log(`demo: ${l}`) }).catch((e: unknown) => {
      console.error(`npm run demo failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    });
  } catch (e) {
    if (e instanceof UsageError) exitUsage(e);
    throw e;
  }
}
