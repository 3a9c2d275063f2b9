import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database, Queryable } from './database.ts';

/**
 * Numbered SQL migrations (`server/migrations/NNN_name.sql`), applied in order, each in its own
 * transaction, by the same runner for PostgreSQL and PGlite. `schema_migrations` records each
 * one with a SHA-256 of its text: a migration edited after it was applied stops the server with
 * a message (write a new migration instead).
 */

/**
 * `server/migrations`: beside this file's folder in the sources, and the same from the compiled
 * server (`dist-server/server/db/` → `dist-server/server/migrations`, copied by the build), with
 * the sources' folder as a fallback.
 */
export const MIGRATIONS_DIR = [join(import.meta.dirname, '..', 'migrations'), join(import.meta.dirname, '..', '..', '..', 'server', 'migrations')].find((d) => existsSync(d)) ?? join(import.meta.dirname, '..', 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
  sha256: string;
}

/** Reads the migrations folder; names must be `NNN_words.sql` with unique numbers. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const m = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (m === null) throw new Error(`migration file name ${file} does not match NNN_name.sql`);
    const sql = readFileSync(join(dir, file), 'utf8');
    const version = Number(m[1]);
    if (out.some((o) => o.version === version)) throw new Error(`two migrations numbered ${m[1]}`);
    out.push({ version, name: m[2]!, sql, sha256: createHash('sha256').update(sql).digest('hex') });
  }
  return out;
}

/** Applies the migrations not yet applied; returns the versions applied now. */
export async function migrate(db: Database, migrations = loadMigrations()): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    sha256 text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await db.tx(async (q) => {
      // Two servers starting together on one PostgreSQL: the second waits here, then skips.
      await q.exec('LOCK TABLE schema_migrations IN EXCLUSIVE MODE');
      const rows = await q.query<{ sha256: string }>('SELECT sha256 FROM schema_migrations WHERE version = $1', [m.version]);
      if (rows[0] !== undefined) {
        if (rows[0].sha256 !== m.sha256) {
          throw new Error(`migration ${String(m.version).padStart(3, '0')}_${m.name} was changed after it was applied; add a new migration instead`);
        }
        return false;
      }
      await q.exec(m.sql);
      await q.query('INSERT INTO schema_migrations (version, name, sha256) VALUES ($1, $2, $3)', [m.version, m.name, m.sha256]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}

/** The highest applied migration (0 when none). */
export async function schemaVersion(db: Queryable): Promise<number> {
  const rows = await db.query<{ v: number | null }>('SELECT max(version)::int AS v FROM schema_migrations');
  return rows[0]?.v ?? 0;
}
