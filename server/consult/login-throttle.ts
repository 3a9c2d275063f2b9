import type { Queryable } from '../db/database.ts';

/**
 * Login attempts limited per account, on top of the per-address rate limit (issue 22): an
 * attacker with many addresses gets the first few guesses at an account, then one guess per
 * growing delay (1 s, 2 s, 4 s… up to 15 min) — every attempt counts, the right password
 * included, until a login succeeds, and an attempt made while the account is held back is refused
 * (429, `Retry-After`) without the password being checked.
 *
 * The real moderator is not locked out: a browser where the account logged in before (its signed
 * participant cookie, remembered 90 days) is not held back by the account's delay — only by the
 * per-address limit — so guessing from elsewhere never stops them in the browser they use. From
 * a new browser they wait at most `maxDelayMs` after the attacker's last attempt. A success
 * clears the account's count; a day without attempts forgets it.
 *
 * Counted in the database (table `login_throttle`, migration 003) with one atomic statement per
 * attempt, so concurrent attempts and several server processes cannot slip past the delay.
 * Unknown e-mails are counted the same way: the answers say nothing about which accounts exist.
 */

export interface LoginThrottleOptions {
  /** Attempts allowed with no delay since the last success. */
  freeAttempts: number;
  /** The delay after the first attempt past the free ones; doubled by each further attempt. */
  baseDelayMs: number;
  /** The longest delay. */
  maxDelayMs: number;
  /** An account with no attempt for this long starts again from zero. */
  forgetAfterMs: number;
  /** How long a browser where the account logged in stays known. */
  knownDeviceMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  freeAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 24 * 3600_000,
  knownDeviceMs: 90 * 86400_000,
};

/** The wait after the `n`-th attempt since the last success (0 while within the free ones). */
export function delayAfterAttempt(n: number, o: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE): number {
  if (n <= o.freeAttempts) return 0;
  return Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.min(40, n - o.freeAttempts - 1));
}

const delaySql = (n: string) => `(CASE WHEN ${n} > $2::int THEN least($4::float8, $3::float8 * power(2::float8, least(40, ${n} - $2::int - 1)::float8)) ELSE 0 END) * interval '1 millisecond'`;
const FORGOTTEN = `t.last_attempt_at < now() - $5::float8 * interval '1 millisecond'`;
const NEXT_ATTEMPTS = `CASE WHEN ${FORGOTTEN} THEN 1 ELSE t.attempts + 1 END`;

const RESERVE_SQL = `INSERT INTO login_throttle AS t (account, attempts, blocked_until, last_attempt_at)
  VALUES ($1, 1, now() + ${delaySql('1')}, now())
  ON CONFLICT (account) DO UPDATE SET
    attempts = ${NEXT_ATTEMPTS},
    blocked_until = now() + ${delaySql(`(${NEXT_ATTEMPTS})`)},
    last_attempt_at = now()
  WHERE t.blocked_until <= now() OR ${FORGOTTEN}
  RETURNING attempts`;

export type Reservation = { ok: true; attempts: number } | { ok: false; retryAfterS: number };

/** The login throttle of one database. */
export class LoginThrottle {
  private lastSweep = 0;
  constructor(
    private readonly db: Queryable,
    readonly o: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE,
  ) {}

  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    this.db.query("DELETE FROM login_throttle WHERE last_attempt_at < now() - $1::float8 * interval '1 millisecond'", [this.o.forgetAfterMs]).catch(() => undefined);
    this.db.query("DELETE FROM login_devices WHERE last_login_at < now() - $1::float8 * interval '1 millisecond'", [this.o.knownDeviceMs]).catch(() => undefined);
  }

  /** Whether the account logged in from this browser (participant token hash) lately. */
  async knownDevice(account: string, deviceHash: string): Promise<boolean> {
    const rows = await this.db.query("SELECT 1 FROM login_devices WHERE account = $1 AND device_hash = $2 AND last_login_at > now() - $3::float8 * interval '1 millisecond'", [account, deviceHash, this.o.knownDeviceMs]);
    return rows.length > 0;
  }

  /**
   * Counts an attempt at `account` if the account is not held back, and holds it back for the
   * delay this attempt earns (as if it failed: a success clears it). Otherwise says how long to wait.
   */
  async reserve(account: string): Promise<Reservation> {
    this.sweep();
    const rows = await this.db.query<{ attempts: number }>(RESERVE_SQL, [account, this.o.freeAttempts, this.o.baseDelayMs, this.o.maxDelayMs, this.o.forgetAfterMs]);
    if (rows.length > 0) return { ok: true, attempts: Number(rows[0]!.attempts) };
    const wait = await this.db.query<{ s: number }>('SELECT greatest(1, ceil(extract(epoch FROM (blocked_until - now()))))::int AS s FROM login_throttle WHERE account = $1', [account]);
    return { ok: false, retryAfterS: Number(wait[0]?.s ?? 1) };
  }

  /** A successful login: the account's count is cleared and this browser is known from now on. */
  async succeeded(account: string, deviceHash: string): Promise<void> {
    await this.db.query('DELETE FROM login_throttle WHERE account = $1', [account]);
    await this.db.query('INSERT INTO login_devices (account, device_hash, last_login_at) VALUES ($1, $2, now()) ON CONFLICT (account, device_hash) DO UPDATE SET last_login_at = now()', [account, deviceHash]);
  }
}
