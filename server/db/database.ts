import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * A thin layer over the two drivers the consultation server runs on: PostgreSQL (`pg`, through
 * `DATABASE_URL`) and PGlite (PostgreSQL compiled to WebAssembly, in a data folder, so that
 * `npm start` needs no installed server). Both run the same SQL: parameterised statements only
 * (`$1`, `$2`, …), and the same migrations (`server/migrations/*.sql`).
 *
 * Type conventions that hold for both drivers: counts are cast to `int` in SQL (PGlite and pg
 * disagree on `bigint`), `timestamptz` comes back as a `Date`, `jsonb` as a parsed value, and
 * hashes are stored as hex `text` (no `bytea`).
 */

export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgresql';
  /** Where the data lives, for logs and `/api/health` (never a password). */
  readonly description: string;
  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  tx<T>(fn: (q: Queryable & { exec(sql: string): Promise<void> }) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters (migrations only). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseConfig =
  | { kind: 'postgresql'; url: string; /** Schema for every connection (tests isolate runs with it). */ schema?: string; poolSize?: number }
  | { kind: 'pglite'; /** A folder, or 'memory://' for a database that lives only in memory. */ dataDir: string };

/** Default PGlite folder: `.data/pglite` in the project (ignored by git). */
export function defaultPgliteDir(rootDir: string): string {
  return join(rootDir, '.data', 'pglite');
}

/**
 * The database the environment asks for: PostgreSQL when `DATABASE_URL` is set and not empty,
 * else PGlite in `JUMEAU_PGLITE_DIR` (default `.data/pglite`; `memory://` keeps it in memory).
 */
export function databaseConfigFromEnv(rootDir: string, env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  const url = env.DATABASE_URL?.trim();
  if (url !== undefined && url !== '') return { kind: 'postgresql', url };
  const dir = env.JUMEAU_PGLITE_DIR?.trim();
  return { kind: 'pglite', dataDir: dir !== undefined && dir !== '' ? dir : defaultPgliteDir(rootDir) };
}

/** Opens a database. Throws with a readable reason when it cannot be reached or opened. */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.kind === 'postgresql' ? openPostgres(config) : openPglite(config.dataDir);
}

/** A PostgreSQL URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

async function openPostgres(config: Extract<DatabaseConfig, { kind: 'postgresql' }>): Promise<Database> {
  const pg = (await import('pg')).default;
  if (config.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(config.schema)) throw new Error(`invalid schema name ${JSON.stringify(config.schema)}`);
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    ...(config.schema !== undefined ? { options: `-c search_path=${config.schema}` } : {}),
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener
  // that would crash the process. The next query gets a fresh connection.
  pool.on('error', (e) => console.error(`PostgreSQL connection error: ${e.message}`));
  const where = redactUrl(config.url);
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new Error(`cannot connect to PostgreSQL at ${where}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const run = async <T>(client: { query: (sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }> }, sql: string, params?: readonly unknown[]) =>
    (await client.query(sql, params === undefined ? undefined : [...params])).rows as T[];
  return {
    kind: 'postgresql',
    description: `PostgreSQL at ${where}${config.schema !== undefined ? ` (schema ${config.schema})` : ''}`,
    query: (sql, params) => run(pool, sql, params),
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn({
          query: (sql, params) => run(client, sql, params),
          exec: async (sql) => {
            await client.query(sql);
          },
        });
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      } finally {
        client.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    },
  };
}

/**
 * PGlite holds its folder in one process only: two processes opening it would corrupt it. A lock
 * file with the owner's pid refuses a second opener with a clear message; a lock left by a
 * process that no longer runs is taken over.
 */
function lockDataDir(dir: string): () => void {
  const lock = join(dir, 'jumeau.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(lock, 'utf8').trim());
      let alive = false;
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (err) {
          alive = (err as NodeJS.ErrnoException).code === 'EPERM';
        }
      }
      if (alive || pid === process.pid) {
        throw new Error(
          `the database folder ${dir} is in use by process ${pid} (a running server or command): stop it first, or use PostgreSQL (DATABASE_URL) to share a database between processes. If process ${pid} is not a Jumeau server or command, delete ${lock}`,
        );
      }
      rmSync(lock, { force: true });
    }
  }
  throw new Error(`cannot lock the database folder ${dir}`);
}

async function openPglite(dataDir: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const memory = dataDir === 'memory://';
  let unlock = () => undefined as void;
  let where = 'memory';
  if (!memory) {
    where = resolve(dataDir);
    mkdirSync(where, { recursive: true });
    unlock = lockDataDir(where);
  }
  let db: InstanceType<typeof PGlite>;
  try {
    db = await PGlite.create(memory ? undefined : where);
  } catch (e) {
    unlock();
    throw new Error(`cannot open the PGlite database in ${where}: ${e instanceof Error ? e.message : String(e)}`);
  }
  let closed = false;
  return {
    kind: 'pglite',
    description: memory ? 'PGlite in memory' : `PGlite in ${where}`,
    async query<T>(sql: string, params?: readonly unknown[]) {
      return (await db.query<T>(sql, params === undefined ? [] : [...params])).rows;
    },
    tx(fn) {
      return db.transaction(async (t) =>
        fn({
          query: async <T>(sql: string, params?: readonly unknown[]) => (await t.query<T>(sql, params === undefined ? [] : [...params])).rows,
          exec: async (sql) => {
            await t.exec(sql);
          },
        }),
      );
    },
    async exec(sql) {
      await db.exec(sql);
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await db.close();
      } finally {
        unlock();
      }
    },
  };
}
