import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { helpText, parseCli, UsageError, type CliSpec } from '../../../src/city/node/args.ts';

const run = promisify(execFile);

const demo: CliSpec = {
  command: 'npm run demo --',
  summary: 'Builds the demo pack.',
  options: { seed: { type: 'string', value: 'N', description: 'seed' }, 'no-open-data': { type: 'boolean', description: 'no layers' } },
};
const db: CliSpec = {
  command: 'jumeau-db',
  summary: 'Database commands.',
  commands: {
    migrate: { command: 'npm run db:migrate --', summary: 'apply migrations', usage: [''] },
    import: { command: 'npm run db:import --', summary: 'restore', usage: ['file.json [--replace]'], positionals: true, options: { replace: { type: 'boolean', description: 'replace' } } },
  },
};

function args(spec: CliSpec, argv: string[]) {
  const r = parseCli(spec, argv);
  if (r.help) throw new Error('help');
  return r.args;
}

describe('the command-line parser (src/city/node/args.ts)', () => {
  it('parses options and checks numbers', () => {
    const a = args(demo, ['--seed', '42', '--no-open-data']);
    expect(a.int('seed')).toBe(42);
    expect(a.flag('no-open-data')).toBe(true);
    expect(() => args(demo, ['--seed', '4.5']).int('seed')).toThrow(/--seed takes an integer, got "4.5"/);
    expect(() => args(demo, ['--seed', 'x']).int('seed', { min: 0 })).toThrow(UsageError);
  });
  it('refuses unknown options, missing values and unexpected arguments, naming them', () => {
    expect(() => parseCli(demo, ['--sed', '1'])).toThrow(/Unknown option '--sed'/);
    expect(() => parseCli(demo, ['--seed'])).toThrow(/--seed/);
    expect(() => parseCli(demo, ['extra'])).toThrow(/extra/);
  });
  it('answers --help and -h anywhere, for a command and for each sub-command', () => {
    for (const argv of [['--help'], ['-h'], ['--seed', '3', '--help']]) {
      const r = parseCli(demo, argv);
      expect(r.help).toBe(true);
      if (r.help) expect(r.text).toContain('Usage:\n  npm run demo -- [options]');
    }
    const top = parseCli(db, ['--help']);
    expect(top.help && top.text).toMatch(/Commands:\n {2}migrate {2}apply migrations\n {2}import {3}restore/);
    const sub = parseCli(db, ['import', '--help']);
    expect(sub.help && sub.text).toContain('npm run db:import -- file.json [--replace]');
    expect(sub.help && sub.text).toContain('--replace');
    const named = parseCli(db, ['help', 'migrate']);
    expect(named.help && named.text).toContain('npm run db:migrate --');
  });
  it('chooses the sub-command and refuses an unknown one with the list', () => {
    const a = args(db, ['import', 'b.json', '--replace']);
    expect(a.command).toBe('import');
    expect(a.positional(0, 'the file')).toBe('b.json');
    expect(a.flag('replace')).toBe(true);
    expect(() => parseCli(db, ['nope'])).toThrow(/unknown command "nope": use migrate, import/);
    expect(() => parseCli(db, [])).toThrow(/missing command/);
    expect(() => parseCli(db, ['constructor'])).toThrow(/unknown command "constructor"/);
    expect(() => args(db, ['import']).positional(0, 'the backup file')).toThrow(/missing the backup file/);
  });
  it('lists every option with its value and --help in the help text', () => {
    expect(helpText(demo)).toMatch(/--seed N\s+seed\n\s+--no-open-data\s+no layers\n\s+-h, --help\s+print this help/);
  });
});

describe('every command-line program answers --help with its usage', () => {
  // Each starts tsx and loads its program (bench loads every suite first: the slowest).
  const programs: [string, string[], RegExp][] = [
    ['tools/city/cli.ts', ['--help'], /Commands:\n {2}build /],
    ['tools/city/cli.ts', ['build', '--help'], /npm run city -- build <input…> --out DIR[\s\S]*--partition k\/n/],
    ['tools/sim/cli.ts', ['--help'], /npm run sim -- <simulation-id> --schema/],
    ['tools/demo/cli.ts', ['--help'], /npm run demo -- \[--seed N\]/],
    ['server/cli.ts', ['--help'], /Commands:\n {2}migrate/],
    ['server/cli.ts', ['import', '--help'], /npm run db:import -- file.json \[--replace\]/],
    ['bench/run.ts', ['--help'], /--only LIST/],
  ];
  it.each(programs)('%s %s', async (file, argv, expected) => {
    const r = await run(process.execPath, ['--import', 'tsx', file, ...argv], { cwd: process.cwd() });
    expect(r.stdout).toMatch(expected);
    expect(r.stdout).toContain('-h, --help');
  }, 120_000);
  it('a wrong command line exits 2 with the error and the usage on stderr', async () => {
    const e = await run(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'moderator', '--emial', 'a@b.c']).catch((x: { code: number; stderr: string }) => x);
    expect((e as { code: number }).code).toBe(2);
    expect((e as { stderr: string }).stderr).toMatch(/npm run db:moderator: Unknown option '--emial'[\s\S]*usage: npm run db:moderator -- --email E/);
  }, 60_000);
});
