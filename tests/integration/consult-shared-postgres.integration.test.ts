import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../server/app.ts';
import { ADMIN, Client, TEST_LIMITS, TEST_SCRYPT } from './helpers/consult-client.ts';
import { startPostgres, type PostgresServer } from './helpers/postgres.ts';

/**
 * Two server instances on one PostgreSQL database, each with its own connection pool and its own
 * rate-limit store, behave as one: a client that alternates between them meets the limit after
 * the same number of requests as on one server, and a moderator session opened on one is valid
 * on the other. (The deployment smoke test, tools/deploy-smoke.ts, does the same with two node
 * processes.) Fails — never skips — without PostgreSQL.
 */
describe('two servers on one PostgreSQL database', () => {
  let server: PostgresServer;
  let admin: pg.Client;
  const schema = `jumeau_shared_${randomBytes(6).toString('hex')}`;
  let a: FastifyInstance;
  let b: FastifyInstance;
  let dir: string;

  beforeAll(async () => {
    server = startPostgres();
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    dir = mkdtempSync(join(tmpdir(), 'jumeau-shared-'));
    mkdirSync(join(dir, 'packs'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>test</title>');
    const make = () =>
      createServer({
        mode: 'prod',
        packsDir: join(dir, 'packs'),
        distDir: dir,
        rootDir: dir,
        consult: { db: { kind: 'postgresql', url: server.url, schema, poolSize: 4 }, bootstrapAdmin: ADMIN, scrypt: TEST_SCRYPT, limits: { ...TEST_LIMITS, contribute: { max: 4, timeWindowMs: 60_000 }, login: { max: 3, timeWindowMs: 60_000 } } },
      });
    a = await make();
    b = await make();
    await Promise.all([a.ready(), b.ready()]);
  }, 120_000);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin?.end();
    server?.stop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('counts a client’s requests on both servers against one limit', async () => {
    const onA = await new Client(a).hello();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const s = i % 2 === 0 ? a : b;
      const res = await s.inject({ method: 'POST', url: '/api/auth/login', headers: { cookie: onA.cookieHeader(), 'x-csrf-token': onA.csrf }, payload: { email: 'nobody@example.org', password: 'wrong password' } });
      statuses.push(res.statusCode);
    }
    // Three attempts allowed in all (two on A, one on B); the fourth, on B, is refused.
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Each server alone would still have allowed it: the count is in the database.
    const rows = await admin.query<{ hits: number }>(`SELECT hits FROM ${schema}.rate_limit_hits WHERE key LIKE 'POST /api/auth/login|%'`);
    expect(rows.rows.map((r) => r.hits)).toEqual([4]);
  });

  it('keeps a moderator session opened on one server valid on the other, and its logout too', async () => {
    // Other client addresses, so the login limit above does not apply.
    const onA = new Client(a);
    const me = await a.inject({ method: 'GET', url: '/api/me', remoteAddress: '10.0.0.7' });
    for (const line of ([] as string[]).concat(me.headers['set-cookie'] ?? [])) {
      const [pair] = line.split(';');
      const [k, v] = pair!.split('=');
      onA.cookies.set(k!.trim(), v!.trim());
    }
    onA.csrf = (me.json() as { csrfToken: string }).csrfToken;
    const login = await a.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.0.0.8', headers: { cookie: onA.cookieHeader(), 'x-csrf-token': onA.csrf }, payload: { email: ADMIN.email, password: ADMIN.password } });
    expect(login.statusCode).toBe(200);
    for (const line of ([] as string[]).concat(login.headers['set-cookie'] ?? [])) {
      const [pair] = line.split(';');
      const [k, v] = pair!.split('=');
      onA.cookies.set(k!.trim(), v!.trim());
    }
    const csrf = (login.json() as { csrfToken: string }).csrfToken;
    const queueOnB = await b.inject({ method: 'GET', url: '/api/moderation/contributions', remoteAddress: '10.0.0.8', headers: { cookie: onA.cookieHeader() } });
    expect(queueOnB.statusCode).toBe(200);
    const logoutOnB = await b.inject({ method: 'POST', url: '/api/auth/logout', remoteAddress: '10.0.0.8', headers: { cookie: onA.cookieHeader(), 'x-csrf-token': csrf } });
    expect(logoutOnB.statusCode).toBe(200);
    const queueOnA = await a.inject({ method: 'GET', url: '/api/moderation/contributions', remoteAddress: '10.0.0.8', headers: { cookie: onA.cookieHeader() } });
    expect(queueOnA.statusCode).toBe(401);
  });

  it('gives both servers the same readiness', async () => {
    for (const s of [a, b]) expect((await s.inject({ url: '/api/ready' })).json()).toEqual({ ok: true, database: 'postgresql' });
  });
});
