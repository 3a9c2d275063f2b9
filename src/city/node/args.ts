import { parseArgs } from 'node:util';

/**
 * The one argument parser of Jumeau's command-line programs (`city`, `sim`, `demo`, `db:*`,
 * `bench`): Node's `util.parseArgs` (strict: an unknown option or a missing value is an error)
 * behind a small description of each command, from which `--help` and the usage lines are
 * printed. No dependency; Node-only (it lives in src/city/node so that server/ may use it too).
 *
 * A program describes itself once:
 *
 * ```ts
 * const spec: CliSpec = { command: 'npm run demo --', summary: 'Builds the demo city pack.',
 *   options: { seed: { type: 'string', value: 'N', description: 'random seed' } } };
 * const a = parseCliOrExit(spec, process.argv.slice(2));   // prints help and exits on --help
 * const seed = a.int('seed', { min: 0 }) ?? DEMO_SEED;
 * ```
 *
 * A spec with `commands` takes a command name first (`db migrate`, `city build …`); `--help`
 * after the name prints that command's help.
 */

/** One option: `--name VALUE` (`type: 'string'`) or `--name` (`type: 'boolean'`). */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** One-letter alias (`-o`). */
  short?: string;
  /** May be given more than once (the values come back in order). */
  multiple?: boolean;
  /** The value's placeholder in the help (`N`, `DIR`, `FILE`). */
  value?: string;
  description: string;
}

/** A command: its usage lines, options and, for a command with sub-commands, those. */
export interface CliSpec {
  /** How the user types it: `npm run sim --`, `npm run db:import --`. */
  command: string;
  /** One line: what it does. */
  summary: string;
  /** Usage lines after the command (`<simulation-id> --schema`); default `[options]`. */
  usage?: readonly string[];
  options?: Readonly<Record<string, OptionSpec>>;
  /** Whether plain arguments (files, ids) are taken; default false. */
  positionals?: boolean;
  /** Sub-commands, chosen by the first argument. */
  commands?: Readonly<Record<string, CliSpec>>;
  /** Lines printed after the options (examples, environment variables). */
  notes?: readonly string[];
}

/** A wrong command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly spec: CliSpec,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'print this help and exit' };

/** The values of a spec's options, typed from the spec: `--out DIR` → `out?: string`. */
export type OptionValues<O> = {
  [K in keyof O]?: O[K] extends { multiple: true } ? (O[K] extends { type: 'boolean' } ? boolean[] : string[]) : O[K] extends { type: 'boolean' } ? boolean : string;
};
type AnyValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
type ValuesOf<S extends CliSpec> = S extends { options: infer O } ? OptionValues<O> : AnyValues;

/** The parsed command line, with typed accessors that throw a `UsageError` on a bad value. */
export class ParsedArgs<V = AnyValues> {
  constructor(
    readonly spec: CliSpec,
    /** The sub-command chosen (`migrate`), or null for a command without sub-commands. */
    readonly command: string | null,
    /** The options given, typed from the spec when it is a literal (`as const` or inline). */
    readonly values: V,
    readonly positionals: string[],
  ) {}

  /** A string option's value (the last one when repeated). */
  string(name: string): string | undefined {
    const v = (this.values as AnyValues)[name];
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    return typeof last === 'string' ? last : undefined;
  }

  /** Every value of a repeatable string option. */
  strings(name: string): string[] {
    const v = (this.values as AnyValues)[name];
    if (v === undefined) return [];
    return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
  }

  /** Whether a boolean option was given. */
  flag(name: string): boolean {
    return (this.values as AnyValues)[name] === true;
  }

  /** A number option, checked (`--workers 4`); undefined when absent. */
  number(name: string, o: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
    const s = this.string(name);
    if (s === undefined) return undefined;
    const n = s.trim() === '' ? NaN : Number(s);
    const range = o.min !== undefined && o.max !== undefined ? ` from ${o.min} to ${o.max}` : o.min !== undefined ? ` ≥ ${o.min}` : o.max !== undefined ? ` ≤ ${o.max}` : '';
    if (!Number.isFinite(n) || (o.integer === true && !Number.isInteger(n)) || (o.min !== undefined && n < o.min) || (o.max !== undefined && n > o.max)) {
      throw new UsageError(`--${name} takes ${o.integer === true ? 'an integer' : 'a number'}${range}, got "${s}"`, this.spec);
    }
    return n;
  }

  /** An integer option (shorthand for `number(name, { integer: true, … })`). */
  int(name: string, o: { min?: number; max?: number } = {}): number | undefined {
    return this.number(name, { ...o, integer: true });
  }

  /** One of a fixed set of values (`--role admin|moderator`). */
  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const s = this.string(name);
    if (s === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(s)) throw new UsageError(`--${name} must be ${allowed.join(' or ')}, got "${s}"`, this.spec);
    return s as T;
  }

  /** A required positional argument (`file.json`). */
  positional(index: number, what: string): string {
    const p = this.positionals[index];
    if (p === undefined) throw new UsageError(`missing ${what}`, this.spec);
    return p;
  }
}

/** What `parseCli` found: the arguments, or a request for help (with the text to print). */
export type CliResult = { help: false; args: ParsedArgs } | { help: true; text: string };

/**
 * Parses `argv` (without `node` and the script) against `spec`. `--help`/`-h` anywhere (or `help`
 * as the command name) returns the help of the command it follows. Throws a `UsageError` naming
 * what is wrong: an unknown command or option, a missing value, an unexpected argument.
 */
export function parseCli(spec: CliSpec, argv: readonly string[]): CliResult {
  if (spec.commands !== undefined) {
    const commands = spec.commands;
    const find = (n: string | undefined) => (n !== undefined && Object.hasOwn(commands, n) ? commands[n] : undefined);
    const [name, ...rest] = argv;
    if (name === undefined) throw new UsageError('missing command', spec);
    if (name === '--help' || name === '-h' || name === 'help') {
      return { help: true, text: helpText(find(rest[0]) ?? spec) };
    }
    const sub = find(name);
    if (sub === undefined) throw new UsageError(`unknown command "${name}": use ${Object.keys(spec.commands).join(', ')}`, spec);
    const r = parseCli(sub, rest);
    return r.help ? r : { help: false, args: new ParsedArgs(sub, name, r.args.values, r.args.positionals) };
  }
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [k, o] of Object.entries({ ...spec.options, help: HELP })) {
    options[k] = { type: o.type, ...(o.short !== undefined ? { short: o.short } : {}), ...(o.multiple === true ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: spec.positionals === true, strict: true });
  } catch (e) {
    throw new UsageError(cleanMessage(e), spec);
  }
  if (parsed.values.help === true) return { help: true, text: helpText(spec) };
  return { help: false, args: new ParsedArgs(spec, null, parsed.values, parsed.positionals) };
}

/** Node's messages name the option and add a hint for `--`; keep the first sentence. */
function cleanMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split(/\. (?=To specify|Did you forget)/)[0]!.replace(/\.$/, '');
}

/** The help of a command: summary, usage lines, options (with `--help`), sub-commands, notes. */
export function helpText(spec: CliSpec): string {
  const lines = [spec.summary, ''];
  const usage = spec.commands !== undefined ? ['<command> [options]', '<command> --help'] : (spec.usage ?? ['[options]']);
  lines.push('Usage:', ...usage.map((u) => `  ${spec.command} ${u}`.trimEnd()));
  if (spec.commands !== undefined) {
    lines.push('', 'Commands:');
    const width = Math.max(...Object.keys(spec.commands).map((k) => k.length));
    for (const [k, c] of Object.entries(spec.commands)) lines.push(`  ${k.padEnd(width)}  ${c.summary}`);
    lines.push('', 'Options:', `  -h, --help  ${HELP.description} (after a command: that command's help)`);
  } else {
    const opts = Object.entries({ ...spec.options, help: HELP }).map(([k, o]) => [`${o.short !== undefined ? `-${o.short}, ` : ''}--${k}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`, o.description + (o.multiple === true ? ' (repeatable)' : '')] as const);
    const width = Math.max(...opts.map(([l]) => l.length));
    lines.push('', 'Options:', ...opts.map(([l, d]) => `  ${l.padEnd(width)}  ${d}`));
  }
  if (spec.notes !== undefined && spec.notes.length > 0) lines.push('', ...spec.notes);
  return lines.join('\n') + '\n';
}

/** The usage lines alone (printed after a usage error). */
export function usageText(spec: CliSpec): string {
  const usage = spec.commands !== undefined ? ['<command> [options]'] : (spec.usage ?? ['[options]']);
  return `usage: ${usage.map((u) => `${spec.command} ${u}`.trimEnd()).join('\n       ')}\n       ${spec.command} --help`;
}

/**
 * `parseCli` for a program's entry: prints the help on stdout and exits 0 on `--help`; prints the
 * error and the usage on stderr and exits 2 on a wrong command line.
 */
export function parseCliOrExit<const S extends CliSpec>(spec: S, argv: readonly string[]): ParsedArgs<ValuesOf<S>> {
  try {
    const r = parseCli(spec, argv);
    if (r.help) {
      process.stdout.write(r.text);
      process.exit(0);
    }
    return r.args as ParsedArgs<ValuesOf<S>>;
  } catch (e) {
    if (e instanceof UsageError) exitUsage(e);
    throw e;
  }
}

/** Prints a usage error (the message, then the usage of the command it concerns) and exits 2. */
export function exitUsage(e: UsageError): never {
  process.stderr.write(`${e.spec.command.replace(/ --$/, '')}: ${e.message}\n${usageText(e.spec)}\n`);
  process.exit(2);
}
