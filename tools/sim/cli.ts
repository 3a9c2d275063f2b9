import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { findSimulation, SIMULATIONS } from '../../src/app/simulations.ts';
import { runHeadless, toJson } from '../../workers/headless.ts';
import { exitUsage, parseCliOrExit, UsageError, type CliSpec } from '../../src/city/node/args.ts';

/**
 * `npm run sim -- list` · `npm run sim -- <id> --schema` · `npm run sim -- <id> --example`
 * · `npm run sim -- <id> --card` · `npm run sim -- <id> <input.json|-> [--workers N] [--summary]`
 * · `npm run sim -- --help` (arguments: src/city/node/args.ts)
 *
 * Runs a simulation headless with the same kernels as the browser and prints JSON on stdout
 * (progress on stderr). Typed arrays print as arrays, NaN as null. Paths in the input (the
 * tileset) are relative to the current folder (the project root under npm run). Exit code 0 on
 * success, 1 when the simulation returns an error (printed as { ok: false, error }), 2 on usage.
 */

const SPEC: CliSpec = {
  command: 'npm run sim --',
  summary: 'Runs a simulation headless with the browser\'s kernels and prints JSON on stdout (progress on stderr).',
  usage: ['list', '<simulation-id> --schema | --example | --card', '<simulation-id> <input.json|-> [--workers N] [--summary]'],
  positionals: true,
  options: {
    schema: { type: 'boolean', description: 'print the simulation\'s input JSON Schema' },
    example: { type: 'boolean', description: 'print an example input' },
    card: { type: 'boolean', description: 'print the method card (model, parameters, sources, limits)' },
    workers: { type: 'string', value: 'N', description: 'worker threads, 1 to 64 (default 1)' },
    summary: { type: 'boolean', description: 'replace per-cell arrays by their size in the output' },
  },
  notes: ['Exit code 0 on success, 1 when the simulation returns an error ({ ok: false, error }), 2 on usage.', 'Paths in the input are relative to the current folder.'],
};

function out(v: unknown): void {
  process.stdout.write(toJson(v, 2) + '\n');
}

/** Drops per-cell arrays (for a readable summary). */
function summary(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (ArrayBuffer.isView(x)) o[k] = `<${x.constructor.name} × ${(x as unknown as ArrayLike<number>).length}>`;
    else if (Array.isArray(x) && x.length > 20) o[k] = `<${x.length} items>`;
    else o[k] = typeof x === 'object' ? summary(x) : x;
  }
  return o;
}

async function main(argv: string[]): Promise<number> {
  const a = parseCliOrExit(SPEC, argv);
  const [id, arg, extra] = a.positionals;
  if (id === undefined) throw new UsageError('missing simulation id (or "list")', SPEC);
  if (id === 'list') {
    out(SIMULATIONS.map((s) => ({ id: s.id, version: s.version, title: s.title.en, needsCity: s.needsCity })));
    return 0;
  }
  const def = findSimulation(id);
  if (def === null) throw new UsageError(`unknown simulation "${id}"; known: ${SIMULATIONS.map((s) => s.id).join(', ')}`, SPEC);
  if (a.flag('schema')) {
    out(z.toJSONSchema(def.input, { io: 'input', unrepresentable: 'any' }));
    return 0;
  }
  if (a.flag('example')) {
    out(def.example);
    return 0;
  }
  if (a.flag('card')) {
    out(def.card);
    return 0;
  }
  if (arg === undefined) throw new UsageError('missing input file (or - for standard input)', SPEC);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`, SPEC);
  const workers = a.int('workers', { min: 1, max: 64 }) ?? 1;
  let text: string;
  try {
    text = arg === '-' ? await new Promise<string>((res, rej) => {
      let s = '';
      process.stdin.setEncoding('utf8');
      process.stdin.on('data', (c) => (s += c));
      process.stdin.on('end', () => res(s));
      process.stdin.on('error', rej);
    }) : await readFile(arg, 'utf8');
  } catch (e) {
    out({ ok: false, error: { code: 'invalid-input', message: `cannot read ${arg}: ${e instanceof Error ? e.message : String(e)}` } });
    return 1;
  }
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (e) {
    out({ ok: false, error: { code: 'invalid-input', message: `${arg} is not JSON: ${e instanceof Error ? e.message : String(e)}` } });
    return 1;
  }
  let last = 0;
  const r = await runHeadless(id, input, {
    workers,
    onProgress: (p) => {
      const now = Date.now();
      if (now - last < 500) return;
      last = now;
      process.stderr.write(`${id}: ${p.stage} ${Math.round((100 * p.done) / Math.max(1, p.total))}%\n`);
    },
  });
  if (!r.ok) {
    out({ ok: false, error: r.error });
    return 1;
  }
  process.stderr.write(`${id}: done in ${(r.ms / 1000).toFixed(2)} s\n`);
  out({ ok: true, simulation: id, version: def.version, ms: Math.round(r.ms), value: a.flag('summary') ? summary(r.value) : r.value });
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) exitUsage(e);
  throw e;
}
