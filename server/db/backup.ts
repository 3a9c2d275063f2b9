import type { Database, Queryable } from './database.ts';
import { loadMigrations, schemaVersion } from './migrate.ts';

/**
 * Backups as one JSON document (`npm run db:export` / `db:import`): every row of every
 * consultation table, read and written with the same SQL on PostgreSQL and PGlite, so a backup
 * also moves a database from one to the other. Moderator sessions are left out (they are
 * short-lived; moderators log in again). A backup holds password hashes, participants' token
 * hashes and the server's HMAC secret: keep it as safe as the database itself.
 */

export const BACKUP_FORMAT = 'jumeau-consultation-backup';
export const BACKUP_VERSION = 1;

interface Column {
  name: string;
  cast?: 'jsonb' | 'timestamptz' | 'uuid';
}

/** Tables in dependency order (parents first), with their columns. Names are constants. */
const TABLES: { name: string; order: string; columns: Column[] }[] = [
  { name: 'server_secrets', order: 'name', columns: [{ name: 'name' }, { name: 'value' }, { name: 'created_at', cast: 'timestamptz' }] },
  {
    name: 'consultations',
    order: 'id',
    columns: [
      { name: 'id' }, { name: 'city' }, { name: 'title' }, { name: 'description' }, { name: 'opens_at', cast: 'timestamptz' }, { name: 'closes_at', cast: 'timestamptz' },
      { name: 'scenario_id' }, { name: 'tour_id' }, { name: 'area_west' }, { name: 'area_south' }, { name: 'area_east' }, { name: 'area_north' },
      { name: 'camera', cast: 'jsonb' }, { name: 'categories', cast: 'jsonb' }, { name: 'sample' }, { name: 'created_at', cast: 'timestamptz' }, { name: 'updated_at', cast: 'timestamptz' },
    ],
  },
  {
    name: 'proposals',
    order: 'consultation_id, rank, id',
    columns: [{ name: 'id', cast: 'uuid' }, { name: 'consultation_id' }, { name: 'rank' }, { name: 'title' }, { name: 'description' }, { name: 'position', cast: 'jsonb' }, { name: 'created_at', cast: 'timestamptz' }],
  },
  { name: 'participants', order: 'id', columns: [{ name: 'id', cast: 'uuid' }, { name: 'token_hash' }, { name: 'created_at', cast: 'timestamptz' }, { name: 'last_seen_at', cast: 'timestamptz' }] },
  {
    name: 'moderators',
    order: 'email',
    columns: [{ name: 'id', cast: 'uuid' }, { name: 'email' }, { name: 'display_name' }, { name: 'role' }, { name: 'password_hash' }, { name: 'disabled_at', cast: 'timestamptz' }, { name: 'created_at', cast: 'timestamptz' }],
  },
  {
    name: 'contributions',
    order: 'created_at, id',
    columns: [
      { name: 'id', cast: 'uuid' }, { name: 'consultation_id' }, { name: 'participant_id', cast: 'uuid' }, { name: 'lon_deg' }, { name: 'lat_deg' }, { name: 'height_m' },
      { name: 'camera', cast: 'jsonb' }, { name: 'category' }, { name: 'body' }, { name: 'display_name' }, { name: 'status' }, { name: 'reject_reason' },
      { name: 'moderated_by', cast: 'uuid' }, { name: 'moderated_at', cast: 'timestamptz' }, { name: 'created_at', cast: 'timestamptz' },
    ],
  },
  {
    name: 'votes',
    order: 'proposal_id, participant_id',
    columns: [{ name: 'proposal_id', cast: 'uuid' }, { name: 'participant_id', cast: 'uuid' }, { name: 'stance' }, { name: 'created_at', cast: 'timestamptz' }, { name: 'updated_at', cast: 'timestamptz' }],
  },
  { name: 'audit_log', order: 'id', columns: [{ name: 'id' }, { name: 'at', cast: 'timestamptz' }, { name: 'actor' }, { name: 'action' }, { name: 'target' }, { name: 'detail', cast: 'jsonb' }] },
];

export interface Backup {
  format: typeof BACKUP_FORMAT;
  version: number;
  schemaVersion: number;
  exportedAt: string;
  tables: Record<string, Record<string, unknown>[]>;
}

/** Reads every table into a backup document. */
export async function exportDatabase(db: Database): Promise<Backup> {
  return db.tx(async (q) => {
    const tables: Record<string, Record<string, unknown>[]> = {};
    for (const t of TABLES) {
      const cols = t.columns.map((c) => c.name).join(', ');
      const rows = await q.query<Record<string, unknown>>(`SELECT ${cols} FROM ${t.name} ORDER BY ${t.order}`);
      tables[t.name] = rows.map((r) => Object.fromEntries(t.columns.map((c) => [c.name, r[c.name] instanceof Date ? (r[c.name] as Date).toISOString() : (r[c.name] ?? null)])));
    }
    return { format: BACKUP_FORMAT, version: BACKUP_VERSION, schemaVersion: await schemaVersion(q), exportedAt: new Date().toISOString(), tables };
  });
}

/** Row counts per table. */
export async function countRows(db: Queryable): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) out[t.name] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.name}`))[0]!.n;
  return out;
}

/**
 * The oldest schema whose backups still restore as they are: migrations 002 (rate-limit counters)
 * and 003 (login throttle) only add tables a backup does not hold. Raise it with a migration that
 * changes a backed-up table.
 */
export const OLDEST_COMPATIBLE_SCHEMA = 1;

/** Checks a parsed file before anything is written; throws naming what is wrong. */
export function checkBackup(data: unknown, expectedSchema = Math.max(0, ...loadMigrations().map((m) => m.version))): Backup {
  if (typeof data !== 'object' || data === null) throw new Error('not a JSON object');
  const b = data as Partial<Backup>;
  if (b.format !== BACKUP_FORMAT) throw new Error(`format: expected "${BACKUP_FORMAT}", found ${JSON.stringify(b.format)}`);
  if (b.version !== BACKUP_VERSION) throw new Error(`version: expected ${BACKUP_VERSION}, found ${JSON.stringify(b.version)}`);
  if (typeof b.schemaVersion !== 'number' || b.schemaVersion < OLDEST_COMPATIBLE_SCHEMA || b.schemaVersion > expectedSchema) {
    throw new Error(`schemaVersion: the backup is of schema ${JSON.stringify(b.schemaVersion)}, this server has schema ${expectedSchema} (it restores backups of schema ${OLDEST_COMPATIBLE_SCHEMA} to ${expectedSchema})`);
  }
  if (typeof b.tables !== 'object' || b.tables === null) throw new Error('tables: missing');
  for (const t of TABLES) {
    const rows = (b.tables as Record<string, unknown>)[t.name];
    if (!Array.isArray(rows)) throw new Error(`tables.${t.name}: missing or not an array`);
    rows.forEach((r, i) => {
      if (typeof r !== 'object' || r === null) throw new Error(`tables.${t.name}[${i}]: not an object`);
      for (const k of Object.keys(r)) if (!t.columns.some((c) => c.name === k)) throw new Error(`tables.${t.name}[${i}]: unknown column ${JSON.stringify(k)}`);
    });
  }
  for (const k of Object.keys(b.tables)) if (!TABLES.some((t) => t.name === k)) throw new Error(`tables.${k}: unknown table`);
  return b as Backup;
}

/**
 * Writes a backup into the database, in one transaction (all or nothing). The database must be
 * empty of consultation data unless `replace` is set, which deletes the current data first.
 */
export async function importDatabase(db: Database, backup: Backup, o: { replace?: boolean } = {}): Promise<Record<string, number>> {
  await db.tx(async (q) => {
    const existing = await countRows(q);
    const busy = Object.entries(existing).filter(([k, n]) => n > 0 && k !== 'server_secrets');
    if (busy.length > 0 && o.replace !== true) {
      throw new Error(`the database already holds data (${busy.map(([k, n]) => `${k}: ${n}`).join(', ')}); import into an empty database, or pass --replace to delete it first`);
    }
    await q.query('DELETE FROM moderator_sessions');
    for (const t of [...TABLES].reverse()) await q.query(`DELETE FROM ${t.name}`);
    for (const t of TABLES) {
      const rows = backup.tables[t.name] ?? [];
      const cols = t.columns.map((c) => c.name).join(', ');
      const values = t.columns.map((c, i) => `$${i + 1}${c.cast !== undefined ? `::${c.cast}` : ''}`).join(', ');
      const sql = `INSERT INTO ${t.name} (${cols}) VALUES (${values})`;
      for (const r of rows) {
        await q.query(
          sql,
          t.columns.map((c) => {
            const v = r[c.name] ?? null;
            return c.cast === 'jsonb' && v !== null ? JSON.stringify(v) : v;
          }),
        );
      }
    }
    await q.query("SELECT setval(pg_get_serial_sequence('audit_log', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM audit_log), false)");
  });
  return countRows(db);
}
