import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createServer, type ServerOptions } from '../../../server/app.ts';
import type { ConsultApiOptions } from '../../../server/consult/api.ts';
import type { Database } from '../../../server/db/database.ts';

/** Test helpers: a server on a given database, and a browser-like client that keeps cookies. */

let fakeDist: string | null = null;
function dist(): string {
  if (fakeDist === null) {
    fakeDist = mkdtempSync(join(tmpdir(), 'jumeau-dist-'));
    writeFileSync(join(fakeDist, 'index.html'), '<!doctype html><title>test</title>');
    mkdirSync(join(fakeDist, 'packs'));
  }
  return fakeDist;
}

export const ADMIN = { email: 'admin@example.org', password: 'correct horse battery staple', displayName: 'Admin' };
/** Cheap scrypt for tests (the default cost is tested separately). */
export const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };

/** Every client of a test comes from 127.0.0.1: limits high enough for a suite (one test lowers them). */
const HIGH = { max: 1_000_000, timeWindowMs: 60_000 };
export const TEST_LIMITS = { read: HIGH, me: HIGH, contribute: HIGH, vote: HIGH, login: HIGH, moderate: HIGH };

/** The fake build's folder (index.html, and packs/ inside it). */
export function fakeDistDir(): string {
  return dist();
}

export async function makeServer(db: Database, o: Partial<Omit<ConsultApiOptions, 'db'>> = {}, server: Pick<ServerOptions, 'notFoundLimit'> = {}): Promise<FastifyInstance> {
  const d = dist();
  const app = await createServer({ mode: 'prod', packsDir: join(d, 'packs'), distDir: d, rootDir: d, ...server, consult: { db, bootstrapAdmin: ADMIN, scrypt: TEST_SCRYPT, rateLimitStore: 'memory', ...o, limits: { ...TEST_LIMITS, ...o.limits } } });
  await app.ready();
  return app;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A browser: keeps cookies as Set-Cookie says, sends the CSRF token it was given. */
export class Client {
  readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(private readonly app: FastifyInstance) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async req(method: Method, url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size > 0 && h.cookie === undefined) h.cookie = this.cookieHeader();
    if (method !== 'GET' && this.csrf !== '' && h['x-csrf-token'] === undefined) h['x-csrf-token'] = this.csrf;
    const res = await this.app.inject({ method, url, headers: h, ...(payload !== undefined ? { payload: payload as string | object } : {}) });
    const set = res.headers['set-cookie'];
    for (const line of set === undefined ? [] : Array.isArray(set) ? set : [set]) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** GET /api/me: the participant cookie and a CSRF token. */
  async hello(): Promise<this> {
    const res = await this.req('GET', '/api/me');
    if (res.statusCode !== 200) throw new Error(`GET /api/me: ${res.statusCode} ${res.body}`);
    this.csrf = (res.json() as { csrfToken: string }).csrfToken;
    return this;
  }

  async login(email = ADMIN.email, password = ADMIN.password): Promise<LightMyRequestResponse> {
    if (this.csrf === '') await this.hello();
    const res = await this.req('POST', '/api/auth/login', { email, password });
    if (res.statusCode === 200) this.csrf = (res.json() as { csrfToken: string }).csrfToken;
    return res;
  }
}

/** A consultation body open from a year ago for a year (or as given). */
export function consultationBody(id: string, o: { opensAt?: string; closesAt?: string; categories?: string[] } = {}) {
  const now = Date.now();
  return {
    id,
    city: 'demo',
    title: `Consultation ${id}`,
    description: 'Test consultation',
    opensAt: o.opensAt ?? new Date(now - 365 * 86400_000).toISOString(),
    closesAt: o.closesAt ?? new Date(now + 365 * 86400_000).toISOString(),
    area: { west: -1.7, south: 48.1, east: -1.66, north: 48.12 },
    scenarioId: 'scenario:place-2030',
    tourId: 'tour-place',
    ...(o.categories !== undefined ? { categories: o.categories } : {}),
  };
}

export const HERE = { lonDeg: -1.68, latDeg: 48.11, heightM: 14.5 };

export function comment(text: string, displayName = 'Camille', category = 'greenery') {
  return { position: HERE, camera: { lonDeg: -1.68, latDeg: 48.1, heightM: 400, headingDeg: 10, pitchDeg: -35, rollDeg: 0 }, category, text, displayName };
}
