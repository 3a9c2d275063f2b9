import type { Queryable } from '../db/database.ts';

/**
 * A store for `@fastify/rate-limit` that keeps its counters in PostgreSQL (table
 * `rate_limit_hits`, migration 002), so that several server processes on one database count
 * together: a client that spreads its requests over two processes meets the same limit as with
 * one. Each counter is a fixed window, as the plugin's in-memory store: the first request opens
 * a window of `timeWindow` ms, later ones add to it until it ends. One `INSERT … ON CONFLICT`
 * per request, atomic under concurrency. Windows that ended are deleted now and then.
 *
 * The key is the one the plugin makes (client address and group) prefixed with the route, so
 * each route keeps its own counter as with the in-memory store.
 */

type Callback = (err: Error | null, res?: { current: number; ttl: number }) => void;

const INCR_SQL = `INSERT INTO rate_limit_hits AS r (key, hits, resets_at)
  VALUES ($1, 1, now() + $2 * interval '1 millisecond')
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN r.resets_at <= now() THEN 1 ELSE r.hits + 1 END,
    resets_at = CASE WHEN r.resets_at <= now() THEN now() + $2 * interval '1 millisecond' ELSE r.resets_at END
  RETURNING hits AS current, greatest(0, ceil(extract(epoch FROM (resets_at - now())) * 1000))::int AS ttl`;

const READ_SQL = `SELECT hits AS current, greatest(0, ceil(extract(epoch FROM (resets_at - now())) * 1000))::int AS ttl
  FROM rate_limit_hits WHERE key = $1 AND resets_at > now()`;

/** How often (at most) one process deletes ended windows. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Makes the store class the plugin's `store` option takes (it calls `new Store(options)` and
 * then `child(routeOptions)` for each route).
 */
export function postgresRateStore(db: Queryable): new (options: unknown) => unknown {
  let lastSweep = Date.now();
  const sweep = () => {
    const now = Date.now();
    if (now - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now;
    db.query('DELETE FROM rate_limit_hits WHERE resets_at < now()').catch(() => undefined);
  };

  class PostgresRateStore {
    constructor(
      _options?: unknown,
      private readonly prefix = '',
    ) {}

    incr(key: string, cb: Callback, timeWindow: number): void {
      sweep();
      db.query<{ current: number; ttl: number }>(INCR_SQL, [this.prefix + key, Math.max(1, Math.trunc(timeWindow))]).then(
        (rows) => cb(null, { current: Number(rows[0]?.current ?? 1), ttl: Number(rows[0]?.ttl ?? timeWindow) }),
        (e: unknown) => cb(e instanceof Error ? e : new Error(String(e))),
      );
    }

    read(key: string, cb: Callback): void {
      db.query<{ current: number; ttl: number }>(READ_SQL, [this.prefix + key]).then(
        (rows) => cb(null, { current: Number(rows[0]?.current ?? 0), ttl: Number(rows[0]?.ttl ?? 0) }),
        (e: unknown) => cb(e instanceof Error ? e : new Error(String(e))),
      );
    }

    child(routeOptions: { routeInfo?: { method?: string | string[]; url?: string } }): PostgresRateStore {
      const r = routeOptions.routeInfo;
      const method = Array.isArray(r?.method) ? r.method.join(',') : (r?.method ?? '');
      return new PostgresRateStore(undefined, r?.url !== undefined ? `${method} ${r.url}|` : '');
    }
  }
  return PostgresRateStore;
}
