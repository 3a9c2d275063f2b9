import { createHash, createHmac, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Queryable } from '../db/database.ts';

/**
 * Tokens, CSRF and passwords.
 *
 * - A **participant** is a browser holding a random token in an httpOnly cookie. The cookie is
 *   `<token>.<mac>`: the server signs the tokens it issues (HMAC-SHA256 with a secret kept in the
 *   database), so a client cannot make up participants; the database keeps only the token's
 *   SHA-256, so a copy of the database cannot act as anyone.
 * - A **moderator session** is a random token in another httpOnly cookie; the database keeps its
 *   SHA-256 and an expiry.
 * - **CSRF**: every request that changes something carries `x-csrf-token`, an HMAC of the
 *   participant cookie and the session cookie (if any) under the server secret. A page of
 *   another site can neither read it (the API sends no CORS headers) nor send the header
 *   cross-site without a preflight the server never grants. The token changes with the cookies:
 *   after a logout or with another browser's cookies, an old token is refused.
 * - **Passwords**: scrypt (N = 2^16, r = 8, p = 1, 64 MiB, 32-byte salt), stored as
 *   `scrypt$N$r$p$salt$hash` so parameters can be raised later without breaking old hashes.
 */

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const SIGNED_RE = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/;

/** 32 random bytes, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 of a token, hex: what the database keeps. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function mac(secret: Buffer, label: string, value: string): string {
  return createHmac('sha256', secret).update(label).update('\0').update(value).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A new participant cookie value. */
export function issueParticipant(secret: Buffer): string {
  const token = newToken();
  return `${token}.${mac(secret, 'participant', token)}`;
}

export type ParticipantCheck = { ok: true; token: string } | { ok: false; reason: 'missing' | 'malformed' | 'bad signature' };

/** Checks a participant cookie: well-formed and signed by this server. */
export function checkParticipant(secret: Buffer, cookie: string | undefined): ParticipantCheck {
  if (cookie === undefined || cookie === '') return { ok: false, reason: 'missing' };
  const m = SIGNED_RE.exec(cookie);
  if (m === null) return { ok: false, reason: 'malformed' };
  if (!safeEqual(m[2]!, mac(secret, 'participant', m[1]!))) return { ok: false, reason: 'bad signature' };
  return { ok: true, token: m[1]! };
}

/** Whether a moderator session cookie has the shape of a token (before looking it up). */
export function isToken(value: string | undefined): value is string {
  return value !== undefined && TOKEN_RE.test(value);
}

/** The CSRF token for a pair of cookies. */
export function csrfToken(secret: Buffer, participantCookie: string, sessionCookie: string | undefined): string {
  return mac(secret, 'csrf', `${participantCookie}|${sessionCookie ?? ''}`);
}

/** Whether a request's CSRF header matches its cookies (constant time). */
export function checkCsrf(secret: Buffer, header: string | undefined, participantCookie: string, sessionCookie: string | undefined): boolean {
  return header !== undefined && safeEqual(header, csrfToken(secret, participantCookie, sessionCookie));
}

/** The server secret (created on first use, kept in the database so restarts keep cookies valid). */
export async function loadSecret(db: Queryable): Promise<Buffer> {
  await db.query("INSERT INTO server_secrets (name, value) VALUES ('hmac', $1) ON CONFLICT (name) DO NOTHING", [randomBytes(32).toString('base64url')]);
  const rows = await db.query<{ value: string }>("SELECT value FROM server_secrets WHERE name = 'hmac'");
  const v = rows[0]?.value;
  if (v === undefined) throw new Error('server secret missing after insert');
  return Buffer.from(v, 'base64url');
}

// ---- Passwords -----------------------------------------------------------------------------

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 16, r: 8, p: 1 };
const KEY_BYTES = 64;

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFKC'), salt, KEY_BYTES, options, (e, key) => (e ? reject(e) : resolve(key))));
}

/** Hashes a password with scrypt and a random salt. */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(32);
  const key = await scrypt(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Checks a password against a stored hash (constant-time comparison). False for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (m === null) return false;
  const params = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.N < 2 || params.N > 2 ** 20 || (params.N & (params.N - 1)) !== 0 || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16) return false;
  const expected = Buffer.from(m[5]!, 'base64url');
  const key = await scrypt(password, Buffer.from(m[4]!, 'base64url'), params);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash of a random password, checked against when the e-mail is unknown (same work, same time). */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(params: ScryptParams): Promise<string> {
  dummyHash ??= hashPassword(newToken(), params);
  return dummyHash;
}
