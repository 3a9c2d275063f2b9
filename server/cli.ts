import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { hashPassword } from './consult/security.ts';
import { seedSample } from './consult/seed.ts';
import * as store from './consult/store.ts';
import { moderatorInputSchema, ROLES, type Role } from '../src/core/schemas/consultation.ts';
import { checkBackup, exportDatabase, importDatabase } from './db/backup.ts';
import { databaseConfigFromEnv, openDatabase, type Database } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { exitUsage, parseCliOrExit, UsageError, type CliSpec } from '../src/city/node/args.ts';

/**
 * Database commands (the database is `DATABASE_URL`, else PGlite in `JUMEAU_PGLITE_DIR` or
 * `.data/pglite`; a PGlite folder can be open in one process only, so stop the server first):
 *
 *   npm run db:migrate                                apply pending migrations
 *   npm run db:export -- [file.json]                  backup (default jumeau-backup-<time>.json; '-' = stdout)
 *   npm run db:import -- file.json [--replace]        restore into an empty database (or replace its data)
 *   npm run db:moderator -- --email E --name N [--role admin|moderator] [--reset-password]
 *                                                     create a moderator; password from $JUMEAU_MODERATOR_PASSWORD or stdin
 *   npm run db:seed                                   the sample consultation on the demo district (sample data)
 *   npm run db:<command> -- --help                    the command's help (arguments: src/city/node/args.ts)
 */

const root = resolve(import.meta.dirname, '..');

const DB_NOTES = ['The database is DATABASE_URL, else PGlite in JUMEAU_PGLITE_DIR or .data/pglite (stop the server first: a PGlite folder opens in one process only).'];
const SPEC: CliSpec = {
  command: 'jumeau-db',
  summary: 'Database commands of the consultation server (npm run db:<command>).',
  notes: DB_NOTES,
  commands: {
    migrate: { command: 'npm run db:migrate --', summary: 'apply pending migrations', usage: [''], notes: DB_NOTES },
    export: {
      command: 'npm run db:export --',
      summary: 'write a backup (JSON; it holds password and token hashes)',
      usage: ['[file.json | -]'],
      positionals: true,
      notes: ['Default file: jumeau-backup-<time>.json; - writes to standard output.', ...DB_NOTES],
    },
    import: {
      command: 'npm run db:import --',
      summary: 'restore a backup into an empty database (or replace its data)',
      usage: ['file.json [--replace]'],
      positionals: true,
      options: { replace: { type: 'boolean', description: 'replace the data already in the database' } },
      notes: DB_NOTES,
    },
    moderator: {
      command: 'npm run db:moderator --',
      summary: 'create a moderator, or change their password',
      usage: ['--email E [--name N] [--role admin|moderator] [--reset-password]'],
      options: {
        email: { type: 'string', value: 'E', description: 'their e-mail address (their login)' },
        name: { type: 'string', value: 'N', description: 'the name shown (default: the e-mail address before @)' },
        role: { type: 'string', value: 'ROLE', description: `${ROLES.join(' or ')} (default moderator)` },
        'reset-password': { type: 'boolean', description: 'change the password of an existing moderator (ends their sessions)' },
      },
      notes: ['The password comes from $JUMEAU_MODERATOR_PASSWORD, else standard input (at least 12 characters).', ...DB_NOTES],
    },
    seed: { command: 'npm run db:seed --', summary: 'add the sample consultation on the demo district (sample data)', usage: [''], notes: DB_NOTES },
  },
};

let command: string | null = null;

async function readPassword(): Promise<string> {
  const env = process.env.JUMEAU_MODERATOR_PASSWORD;
  if (env !== undefined && env !== '') return env;
  if (process.stdin.isTTY) process.stderr.write('Password (at least 12 characters), then Enter: ');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) {
    chunks.push(c as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (line === '') throw new Error('no password: set JUMEAU_MODERATOR_PASSWORD or type it on standard input');
  return line;
}

async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase(databaseConfigFromEnv(root));
  try {
    console.error(`database: ${db.description}`);
    await migrate(db);
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function main(): Promise<void> {
  const a = parseCliOrExit(SPEC, process.argv.slice(2));
  command = a.command;
  switch (command) {
    case 'migrate': {
      await withDb(async (db) => console.log('schema up to date', await db.query('SELECT version, name, applied_at FROM schema_migrations ORDER BY version')));
      return;
    }
    case 'export': {
      if (a.positionals.length > 1) throw new UsageError(`unexpected argument "${a.positionals[1]}"`, a.spec);
      const file = a.positionals[0] ?? `jumeau-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
      const backup = await withDb((db) => exportDatabase(db));
      const text = JSON.stringify(backup, null, 1) + '\n';
      if (file === '-') process.stdout.write(text);
      else {
        writeFileSync(file, text, { mode: 0o600 });
        const counts = Object.entries(backup.tables).map(([k, v]) => `${k} ${v.length}`).join(', ');
        console.log(`wrote ${file} (${counts}). It holds password and token hashes: keep it safe.`);
      }
      return;
    }
    case 'import': {
      const file = a.positional(0, 'the backup file');
      if (a.positionals.length > 1) throw new UsageError(`unexpected argument "${a.positionals[1]}"`, a.spec);
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}`);
      }
      let backup;
      try {
        backup = checkBackup(data);
      } catch (e) {
        throw new Error(`${file}: ${e instanceof Error ? e.message : String(e)}; nothing was imported`);
      }
      const counts = await withDb(async (db) => {
        const c = await importDatabase(db, backup, { replace: a.flag('replace') });
        await store.audit(db, 'system (npm run db:import)', 'import', file, { exportedAt: backup.exportedAt });
        return c;
      });
      console.log(`imported ${file}: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      return;
    }
    case 'moderator': {
      const email = a.string('email');
      const name = a.string('name');
      if (email === undefined) throw new UsageError('--email is required', a.spec);
      const role: Role = a.oneOf('role', ROLES) ?? 'moderator';
      const password = await readPassword();
      const reset = a.flag('reset-password');
      const parsed = moderatorInputSchema.safeParse({ email, displayName: name ?? email.split('@')[0], role, password });
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      await withDb(async (db) => {
        const hash = await hashPassword(password);
        if (reset) {
          if (!(await store.setModeratorPassword(db, email, hash))) throw new Error(`no moderator ${email}`);
          await store.audit(db, 'system (npm run db:moderator)', 'moderator.password', email.toLowerCase());
          console.log(`password changed for ${email}; their sessions are ended`);
          return;
        }
        const m = await store.createModerator(db, { email, displayName: parsed.data.displayName, role, passwordHash: hash });
        if (m === null) throw new Error(`a moderator ${email} already exists (use --reset-password to change the password)`);
        await store.audit(db, 'system (npm run db:moderator)', 'moderator.create', m.email, { role });
        console.log(`created ${role} ${m.email} (${m.id})`);
      });
      return;
    }
    case 'seed': {
      const r = await withDb((db) => seedSample(db));
      console.log(
        r.created
          ? `created the sample consultation "${r.id}" (SAMPLE DATA: ${r.proposals} proposals, ${r.votes} votes, ${r.published} published and ${r.pending} pending invented comments). Open ?city=demo&consult=${r.id}`
          : `the sample consultation "${r.id}" already exists; nothing changed`,
      );
      return;
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`, SPEC);
  }
}

main().catch((e: unknown) => {
  if (e instanceof UsageError) exitUsage(e);
  console.error(`db ${command ?? ''}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
