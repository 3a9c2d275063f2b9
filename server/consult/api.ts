import { createHash } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  CATEGORIES,
  MODERATION_STATES,
  auditEntrySchema,
  consultationIdSchema,
  consultationInputSchema,
  consultationListSchema,
  consultationPatchSchema,
  consultationSchema,
  contributionInputSchema,
  contributionListSchema,
  meSchema,
  moderationInputSchema,
  moderationListSchema,
  moderatedContributionSchema,
  moderatorInputSchema,
  moderatorSchema,
  loginInputSchema,
  LIMITS,
  participationSchema,
  proposalInputSchema,
  proposalSchema,
  summarySchema,
  uuidSchema,
  voteInputSchema,
  voteResultSchema,
  type Moderator,
} from '../../src/core/schemas/consultation.ts';
import type { Database } from '../db/database.ts';
import { toCsv, toGeoJson } from './export.ts';
import { DEFAULT_LOGIN_THROTTLE, LoginThrottle, type LoginThrottleOptions } from './login-throttle.ts';
import { postgresRateStore } from './rate-store.ts';
import { ApiFailure, createRegistry, type Access } from './routes.ts';
import {
  DEFAULT_SCRYPT,
  checkCsrf,
  checkParticipant,
  csrfToken,
  dummyPasswordHash,
  hashPassword,
  hashToken,
  isToken,
  issueParticipant,
  loadSecret,
  newToken,
  verifyPassword,
  type ScryptParams,
} from './security.ts';
import * as store from './store.ts';
import { checkDisplayName } from './text-policy.ts';

/**
 * The consultation HTTP API (a Fastify plugin, registered under /api/ by server/app.ts).
 * See README "Public consultation" for the security model; `GET /api/openapi.json` describes
 * every route. Registered in its own encapsulated scope: its cookie parser, rate limiter and
 * error handler apply to these routes only.
 */

export const PARTICIPANT_COOKIE = 'jumeau_participant';
export const SESSION_COOKIE = 'jumeau_session';

export interface Limit {
  max: number;
  timeWindowMs: number;
}

/**
 * Per-IP request limits. Counted in PostgreSQL when the database is PostgreSQL (so every server
 * process on that database counts together, see rate-store.ts), in this process's memory on PGlite.
 */
export interface RateLimits {
  /** Public reads (consultations, comments, summary, exports). */
  read: Limit;
  /** GET /api/me (issues participant cookies). */
  me: Limit;
  /** New comments. */
  contribute: Limit;
  /** Votes (set or remove). */
  vote: Limit;
  /** Login attempts. */
  login: Limit;
  /** Moderator and administrator actions. */
  moderate: Limit;
}

export const DEFAULT_LIMITS: RateLimits = {
  read: { max: 600, timeWindowMs: 60_000 },
  me: { max: 120, timeWindowMs: 60_000 },
  contribute: { max: 20, timeWindowMs: 10 * 60_000 },
  vote: { max: 120, timeWindowMs: 60_000 },
  login: { max: 10, timeWindowMs: 15 * 60_000 },
  moderate: { max: 600, timeWindowMs: 60_000 },
};

export interface ConsultApiOptions {
  db: Database;
  limits?: Partial<RateLimits>;
  /** Password hashing cost (tests lower it). */
  scrypt?: ScryptParams;
  /** Moderator session lifetime, default 12 h. */
  sessionTtlMs?: number;
  /** How long public reads are served from memory (writes of this process clear it at once). Default 1000 ms; 0 disables. */
  readCacheMs?: number;
  /** Secure cookies: 'auto' (when the request came over HTTPS), or always/never. */
  secureCookies?: boolean | 'auto';
  /** Creates this administrator at start when the database has no moderator at all. */
  bootstrapAdmin?: { email: string; password: string; displayName: string } | null;
  /**
   * Where rate-limit counters live: 'database' (shared by every process on the database) or
   * 'memory' (this process only). Default: 'database' on PostgreSQL, 'memory' on PGlite.
   */
  rateLimitStore?: 'database' | 'memory';
  /** Path of the API's cookies: `/api/` by default, `<base path>api/` when the app is served under a sub-path. */
  cookiePath?: string;
  /**
   * Login attempts limited per account (see login-throttle.ts); `false` turns it off (the
   * benchmark's "before" only).
   */
  loginThrottle?: Partial<LoginThrottleOptions> | false;
  /**
   * Origins (`https://carto.ville.example`) allowed to send changes. Default: the request's own
   * host (the `Host` header, or `X-Forwarded-Host` from a trusted proxy). See `JUMEAU_PUBLIC_ORIGIN`.
   */
  allowedOrigins?: string[];
}

/**
 * Whether a request's `Origin` header names the site itself: one of `allowed` when given, else
 * the same host (and port) as the request. A request without `Origin` passes (non-browser clients;
 * the CSRF token still applies); `Origin: null` and anything unparsable do not.
 */
export function originAllowed(origin: string | undefined, requestHost: string, allowed: readonly string[] | undefined): boolean {
  if (origin === undefined) return true;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  if (o.origin === 'null' || (o.protocol !== 'http:' && o.protocol !== 'https:')) return false;
  if (allowed !== undefined && allowed.length > 0) return allowed.some((a) => URL.canParse(a) && new URL(a).origin === o.origin);
  try {
    return new URL(`${o.protocol}//${requestHost}`).host === o.host;
  } catch {
    return false;
  }
}

/** Public reads, kept in memory for a short time; concurrent misses share one query. */
class ReadCache {
  private entries = new Map<string, { at: number; body: Buffer; etag: string }>();
  private loading = new Map<string, Promise<{ body: Buffer; etag: string }>>();
  /** Bumped by every invalidation: a load that started before one is not kept. */
  private generation = 0;
  constructor(private readonly ttlMs: number) {}

  /** The answer as UTF-8 bytes (encoded once, not on every request) and its ETag. */
  async get(key: string, load: () => Promise<unknown>): Promise<{ body: Buffer; etag: string }> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit !== undefined && now - hit.at < this.ttlMs) return hit;
    const pending = this.loading.get(key);
    if (pending !== undefined) return pending;
    const generation = this.generation;
    const p = (async () => {
      const body = Buffer.from(JSON.stringify(await load()), 'utf8');
      const etag = `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;
      if (this.ttlMs > 0 && generation === this.generation) this.entries.set(key, { at: now, body, etag });
      return { body, etag };
    })();
    this.loading.set(key, p);
    try {
      return await p;
    } finally {
      if (this.loading.get(key) === p) this.loading.delete(key);
    }
  }

  /** Forgets the list and everything about one consultation. */
  invalidate(consultationId: string | null): void {
    this.generation++;
    // A read in flight may have started before the write: later callers must not join it.
    for (const k of [...this.loading.keys()]) if (k === 'list' || consultationId === null || k.startsWith(`c:${consultationId}:`)) this.loading.delete(k);
    for (const k of [...this.entries.keys()]) {
      if (k === 'list' || consultationId === null || k.startsWith(`c:${consultationId}:`)) this.entries.delete(k);
    }
  }
}

const rl = (l: Limit, groupId: string): RateLimitOptions => ({ max: l.max, timeWindow: l.timeWindowMs, groupId });

const idParams = z.strictObject({ id: consultationIdSchema });
const proposalParams = z.strictObject({ id: consultationIdSchema, proposalId: uuidSchema });
const contributionParams = z.strictObject({ contributionId: uuidSchema });
const limitQuery = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max, { message: `must be at most ${max}` }).default(dflt);

function describeModerator(m: Moderator): string {
  return `${m.role} ${m.email} (${m.id})`;
}

/** The Fastify plugin. */
export async function consultationApi(app: FastifyInstance, o: ConsultApiOptions): Promise<void> {
  const db = o.db;
  const limits: RateLimits = { ...DEFAULT_LIMITS, ...o.limits };
  const scryptParams = o.scrypt ?? DEFAULT_SCRYPT;
  const sessionTtlMs = o.sessionTtlMs ?? 12 * 3600_000;
  const cache = new ReadCache(o.readCacheMs ?? 1000);
  const secret = await loadSecret(db);
  const throttle = o.loginThrottle === false ? null : new LoginThrottle(db, { ...DEFAULT_LOGIN_THROTTLE, ...o.loginThrottle });

  if (o.bootstrapAdmin !== undefined && o.bootstrapAdmin !== null && (await store.countModerators(db)) === 0) {
    const b = o.bootstrapAdmin;
    const parsed = moderatorInputSchema.safeParse({ email: b.email, displayName: b.displayName, role: 'admin', password: b.password });
    if (!parsed.success) throw new Error(`bootstrap administrator refused: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const name = checkDisplayName(b.displayName, { resident: false });
    if (!name.ok) throw new Error(`bootstrap administrator refused: displayName: ${name.reason}`);
    const m = await store.createModerator(db, { email: b.email, displayName: b.displayName, role: 'admin', passwordHash: await hashPassword(b.password, scryptParams) });
    if (m !== null) await store.audit(db, 'system (bootstrap from the environment)', 'moderator.create', m.email, { role: 'admin' });
  }

  await app.register(fastifyCookie);
  const sharedLimits = (o.rateLimitStore ?? (db.kind === 'postgresql' ? 'database' : 'memory')) === 'database';
  await app.register(fastifyRateLimit, {
    global: false,
    cache: 20_000,
    // A counter the database cannot update lets the request through: the route then answers
    // with its own database error if the database is really down.
    ...(sharedLimits ? { store: postgresRateStore(db) as never, skipOnError: true } : {}),
    errorResponseBuilder: (_req, ctx) => {
      const e = new ApiFailure(429, 'rate-limited', `too many requests: at most ${ctx.max} per ${Math.round(ctx.ttl / 1000) > 0 ? ctx.after : 'window'}; retry in ${ctx.after}`);
      return e;
    },
  });

  const cookiePath = o.cookiePath ?? '/api/';
  const cookieBase = (req: FastifyRequest) => ({ path: cookiePath, httpOnly: true, secure: o.secureCookies === 'auto' || o.secureCookies === undefined ? req.protocol === 'https' : o.secureCookies });

  // Per-request authentication results (no decoration of Fastify's types).
  const participants = new WeakMap<FastifyRequest, string>();
  const moderators = new WeakMap<FastifyRequest, Moderator | null>();

  const header = (req: FastifyRequest, name: string): string | undefined => {
    const v = req.headers[name];
    return typeof v === 'string' ? v : undefined;
  };

  async function currentModerator(req: FastifyRequest): Promise<Moderator | null> {
    if (moderators.has(req)) return moderators.get(req) ?? null;
    const sc = req.cookies[SESSION_COOKIE];
    const m = isToken(sc) ? await store.sessionModerator(db, hashToken(sc)) : null;
    moderators.set(req, m);
    return m;
  }

  async function guard(req: FastifyRequest, _reply: FastifyReply, access: Access, method: string): Promise<void> {
    const changing = method !== 'GET';
    if (changing && header(req, 'sec-fetch-site') === 'cross-site') throw new ApiFailure(403, 'cross-site', 'requests from another site cannot change anything');
    if (changing && !originAllowed(header(req, 'origin'), req.host, o.allowedOrigins)) {
      throw new ApiFailure(403, 'cross-site', `header origin: ${JSON.stringify(header(req, 'origin'))} is not this site; requests from another site cannot change anything`, [{ field: 'header.origin', reason: 'not this site' }]);
    }
    const pc = req.cookies[PARTICIPANT_COOKIE];
    if (changing || access === 'participant') {
      const p = checkParticipant(secret, pc);
      if (!p.ok) {
        throw new ApiFailure(401, 'participant-cookie', `cookie ${PARTICIPANT_COOKIE}: ${p.reason === 'missing' ? 'missing' : p.reason === 'malformed' ? 'malformed' : 'not issued by this server'}; call GET /api/me to get one (cookies must be enabled)`, [
          { field: `cookie.${PARTICIPANT_COOKIE}`, reason: p.reason },
        ]);
      }
      participants.set(req, p.token);
    }
    if (changing && !checkCsrf(secret, header(req, 'x-csrf-token'), pc!, req.cookies[SESSION_COOKIE])) {
      throw new ApiFailure(403, 'csrf', 'header x-csrf-token: missing or not valid for this session; get a fresh token from GET /api/me', [{ field: 'header.x-csrf-token', reason: 'missing or not valid for this session' }]);
    }
    if (access === 'moderator' || access === 'admin') {
      const m = await currentModerator(req);
      if (m === null) throw new ApiFailure(401, 'not-logged-in', 'this needs a moderator session: log in with POST /api/auth/login');
      if (access === 'admin' && m.role !== 'admin') throw new ApiFailure(403, 'forbidden', 'this needs the admin role');
    }
  }

  const participantId = (req: FastifyRequest) => store.ensureParticipant(db, hashToken(participants.get(req)!));
  const notFound = (id: string) => new ApiFailure(404, 'not-found', `params.id: consultation ${JSON.stringify(id)} does not exist`, [{ field: 'params.id', reason: 'no such consultation' }]);

  /** The rules a write must respect, or the error saying why it cannot happen. */
  async function openConsultation(id: string) {
    const rules = await store.consultationRules(db, id);
    if (rules === null) throw notFound(id);
    if (rules.status !== 'open') {
      throw new ApiFailure(409, 'consultation-closed', rules.status === 'upcoming' ? `consultation ${id} is not open yet (it opens at ${rules.opensAt}): it accepts no comments or votes` : `consultation ${id} closed at ${rules.closesAt}: it accepts no more comments or votes`);
    }
    return rules;
  }

  const sendCached = async (req: FastifyRequest, reply: FastifyReply, key: string, load: () => Promise<unknown>) => {
    const { body, etag } = await cache.get(key, load);
    reply.header('etag', etag).header('cache-control', 'no-cache').type('application/json; charset=utf-8');
    if (header(req, 'if-none-match') === etag) return reply.code(304).send();
    return reply.send(body);
  };

  const meFor = async (req: FastifyRequest, participantCookie: string, sessionCookie: string | undefined, moderator: Moderator | null) => ({
    csrfToken: csrfToken(secret, participantCookie, sessionCookie),
    moderator,
  });

  app.setErrorHandler((error: FastifyError | ApiFailure, req, reply) => {
    if (error instanceof ApiFailure) {
      return reply.code(error.statusCode).send({ error: error.code, message: error.message, ...(error.issues !== undefined ? { issues: error.issues } : {}) });
    }
    const code = (error as FastifyError).code;
    const status = (error as FastifyError).statusCode ?? 500;
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send({ error: 'unsupported-media-type', message: `body: send JSON (content-type: application/json), not ${header(req, 'content-type') ?? 'nothing'}` });
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: 'too-large', message: 'body: too large for this request' });
    if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return reply.code(400).send({ error: 'invalid-request', message: 'body: empty, expected a JSON object', issues: [{ field: 'body', reason: 'empty' }] });
    if (error instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (status === 400 && /JSON/i.test(error.message))) {
      return reply.code(400).send({ error: 'invalid-request', message: `body: not valid JSON (${error.message})`, issues: [{ field: 'body', reason: 'not valid JSON' }] });
    }
    if (status >= 400 && status < 500) return reply.code(status).send({ error: 'bad-request', message: error.message });
    req.log.error(error);
    console.error(`consultation API error on ${req.method} ${req.url}:`, error);
    return reply.code(500).send({ error: 'server-error', message: 'the server failed to answer this request; nothing was changed unless said otherwise' });
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    if (reply.getHeader('cache-control') === undefined) reply.header('cache-control', 'no-store');
    return payload;
  });

  const r = createRegistry(app, guard);
  const read = rl(limits.read, 'read');
  const BODY_LIMIT = 64 * 1024;

  // ---- Who am I -------------------------------------------------------------------------------
  r.add({ method: 'GET', url: '/api/me', operationId: 'getMe', summary: 'Participant cookie (set when missing or invalid), CSRF token, and the moderator if logged in', tag: 'session', access: 'public', rateLimit: rl(limits.me, 'me'), responses: { 200: { description: 'The CSRF token to send in x-csrf-token, and the moderator', schema: meSchema } } }, async ({ req, reply }) => {
    let pc = req.cookies[PARTICIPANT_COOKIE];
    if (!checkParticipant(secret, pc).ok) {
      pc = issueParticipant(secret);
      reply.setCookie(PARTICIPANT_COOKIE, pc, { ...cookieBase(req), sameSite: 'lax', maxAge: 400 * 86400 });
    }
    let sc = req.cookies[SESSION_COOKIE];
    const m = await currentModerator(req);
    if (m === null && sc !== undefined) {
      reply.clearCookie(SESSION_COOKIE, { path: cookiePath });
      sc = undefined;
    }
    return meFor(req, pc!, sc, m);
  });

  // ---- Moderator login -------------------------------------------------------------------------
  r.add({ method: 'POST', url: '/api/auth/login', operationId: 'login', summary: 'Moderator login: sets the session cookie and returns a new CSRF token', tag: 'session', access: 'public', body: loginInputSchema, bodyLimit: 4096, rateLimit: rl(limits.login, 'login'), responses: { 200: { description: 'Logged in', schema: meSchema }, 401: { description: 'Wrong e-mail or password' } } }, async ({ req, reply, body }) => {
    const account = body.email.toLowerCase();
    const device = hashToken(participants.get(req)!);
    if (throttle !== null && !(await throttle.knownDevice(account, device))) {
      const r = await throttle.reserve(account);
      if (!r.ok) {
        reply.header('retry-after', String(r.retryAfterS));
        throw new ApiFailure(429, 'rate-limited', `too many failed logins for this account: retry in ${r.retryAfterS} s (from a browser where this account logged in before, logging in works at once)`);
      }
    }
    const m = await store.findModeratorByEmail(db, body.email);
    const ok = await verifyPassword(body.password, m?.passwordHash ?? (await dummyPasswordHash(scryptParams)));
    if (m === null || !ok || m.disabled) {
      await store.audit(db, `anonymous from ${req.ip}`, 'login.failed', account);
      throw new ApiFailure(401, 'login-failed', 'wrong e-mail or password');
    }
    await throttle?.succeeded(account, device);
    const old = req.cookies[SESSION_COOKIE];
    if (isToken(old)) await store.deleteSession(db, hashToken(old));
    const token = newToken();
    await store.createSession(db, hashToken(token), m.id, sessionTtlMs);
    reply.setCookie(SESSION_COOKIE, token, { ...cookieBase(req), sameSite: 'strict', maxAge: Math.floor(sessionTtlMs / 1000) });
    const moderator: Moderator = { id: m.id, email: m.email, displayName: m.displayName, role: m.role };
    await store.audit(db, describeModerator(moderator), 'login', null, { ip: req.ip });
    return meFor(req, req.cookies[PARTICIPANT_COOKIE]!, token, moderator);
  });

  r.add({ method: 'POST', url: '/api/auth/logout', operationId: 'logout', summary: 'Ends the moderator session', tag: 'session', access: 'moderator', rateLimit: rl(limits.moderate, 'moderate'), responses: { 200: { description: 'Logged out; a new CSRF token', schema: meSchema } } }, async ({ req, reply }) => {
    const m = (await currentModerator(req))!;
    await store.deleteSession(db, hashToken(req.cookies[SESSION_COOKIE]!));
    reply.clearCookie(SESSION_COOKIE, { path: cookiePath });
    await store.audit(db, describeModerator(m), 'logout', null);
    return meFor(req, req.cookies[PARTICIPANT_COOKIE]!, undefined, null);
  });

  // ---- Consultations ---------------------------------------------------------------------------
  r.add({ method: 'GET', url: '/api/consultations', operationId: 'listConsultations', summary: 'Every consultation with its status', tag: 'consultations', access: 'public', rateLimit: read, responses: { 200: { description: 'Consultations, newest first', schema: consultationListSchema }, 304: { description: 'Not modified (ETag)' } } }, async ({ req, reply }) =>
    sendCached(req, reply, 'list', async () => ({ consultations: await store.listConsultations(db) })),
  );

  r.add({ method: 'GET', url: '/api/consultations/:id', operationId: 'getConsultation', summary: 'A consultation with its proposals and their votes', tag: 'consultations', access: 'public', params: idParams, rateLimit: read, responses: { 200: { description: 'The consultation', schema: consultationSchema }, 304: { description: 'Not modified (ETag)' }, 404: { description: 'No such consultation' } } }, async ({ req, reply, params }) => {
    return sendCached(req, reply, `c:${params.id}:detail`, async () => {
      const c = await store.getConsultation(db, params.id);
      if (c === null) throw notFound(params.id);
      return c;
    });
  });

  r.add({ method: 'POST', url: '/api/consultations', operationId: 'createConsultation', summary: 'Creates a consultation (admin)', tag: 'admin', access: 'admin', body: consultationInputSchema, bodyLimit: BODY_LIMIT, rateLimit: rl(limits.moderate, 'moderate'), responses: { 201: { description: 'Created', schema: consultationSchema }, 409: { description: 'The id is taken' } } }, async ({ req, reply, body }) => {
    const m = (await currentModerator(req))!;
    if (!(await store.createConsultation(db, body))) throw new ApiFailure(409, 'exists', `body.id: a consultation ${JSON.stringify(body.id)} already exists`, [{ field: 'body.id', reason: 'taken' }]);
    await store.audit(db, describeModerator(m), 'consultation.create', body.id, { title: body.title, opensAt: body.opensAt, closesAt: body.closesAt, scenarioId: body.scenarioId, tourId: body.tourId });
    cache.invalidate(body.id);
    reply.code(201);
    return store.getConsultation(db, body.id);
  });

  r.add({ method: 'PATCH', url: '/api/consultations/:id', operationId: 'updateConsultation', summary: 'Changes a consultation: texts, dates (e.g. closing it early), links, camera (admin)', tag: 'admin', access: 'admin', params: idParams, body: consultationPatchSchema, bodyLimit: BODY_LIMIT, rateLimit: rl(limits.moderate, 'moderate'), responses: { 200: { description: 'Changed', schema: consultationSchema }, 404: { description: 'No such consultation' } } }, async ({ req, params, body }) => {
    const m = (await currentModerator(req))!;
    const res = await store.patchConsultation(db, params.id, body);
    if (res === 'not-found') throw notFound(params.id);
    if (res === 'dates') throw new ApiFailure(400, 'invalid-request', 'body.closesAt: must be after opensAt', [{ field: 'body.closesAt', reason: 'must be after opensAt' }]);
    await store.audit(db, describeModerator(m), 'consultation.update', params.id, body);
    cache.invalidate(params.id);
    return store.getConsultation(db, params.id);
  });

  r.add({ method: 'POST', url: '/api/consultations/:id/proposals', operationId: 'addProposal', summary: 'Adds a proposal residents can support or oppose (admin)', tag: 'admin', access: 'admin', params: idParams, body: proposalInputSchema, bodyLimit: BODY_LIMIT, rateLimit: rl(limits.moderate, 'moderate'), responses: { 201: { description: 'Created', schema: proposalSchema }, 404: { description: 'No such consultation' }, 409: { description: 'Too many proposals' } } }, async ({ req, reply, params, body }) => {
    const m = (await currentModerator(req))!;
    if ((await store.consultationRules(db, params.id)) === null) throw notFound(params.id);
    const p = await store.addProposal(db, params.id, body, LIMITS.proposals);
    if (p === null) throw new ApiFailure(409, 'too-many', `a consultation has at most ${LIMITS.proposals} proposals`);
    await store.audit(db, describeModerator(m), 'proposal.create', `${params.id}/${p.id}`, { title: p.title });
    cache.invalidate(params.id);
    reply.code(201);
    return p;
  });

  // ---- Comments ----------------------------------------------------------------------------------
  const listQuery = z.strictObject({ category: z.enum(CATEGORIES, { message: `must be one of ${CATEGORIES.join(', ')}` }).optional(), limit: limitQuery(5000, 5000) });
  r.add({ method: 'GET', url: '/api/consultations/:id/contributions', operationId: 'listContributions', summary: 'Published comments, newest first (optionally of one category)', tag: 'contributions', access: 'public', params: idParams, query: listQuery, rateLimit: read, responses: { 200: { description: 'Published comments and their total', schema: contributionListSchema }, 304: { description: 'Not modified (ETag)' }, 404: { description: 'No such consultation' } } }, async ({ req, reply, params, query }) =>
    sendCached(req, reply, `c:${params.id}:list:${query.category ?? '*'}:${query.limit}`, async () => {
      if ((await store.consultationRules(db, params.id)) === null) throw notFound(params.id);
      return store.listPublished(db, params.id, query.category ?? null, query.limit);
    }),
  );

  r.add({ method: 'POST', url: '/api/consultations/:id/contributions', operationId: 'addContribution', summary: 'Leaves a comment pinned to a place (published after moderation)', tag: 'contributions', access: 'participant', params: idParams, body: contributionInputSchema, bodyLimit: BODY_LIMIT, rateLimit: rl(limits.contribute, 'contribute'), responses: { 201: { description: 'Stored, pending moderation', schema: z.object({ id: uuidSchema, status: z.literal('pending'), createdAt: z.string() }) }, 404: { description: 'No such consultation' }, 409: { description: 'The consultation is not open' } } }, async ({ req, reply, params, body }) => {
    const rules = await openConsultation(params.id);
    if (!rules.categories.includes(body.category)) {
      throw new ApiFailure(400, 'invalid-request', `body.category: not a category of this consultation (one of ${rules.categories.join(', ')})`, [{ field: 'body.category', reason: 'not a category of this consultation' }]);
    }
    const a = rules.area, p = body.position;
    if (p.lonDeg < a.west || p.lonDeg > a.east || p.latDeg < a.south || p.latDeg > a.north) {
      throw new ApiFailure(400, 'invalid-request', `body.position: outside the consultation's area (longitude ${a.west} to ${a.east}, latitude ${a.south} to ${a.north})`, [{ field: 'body.position', reason: "outside the consultation's area" }]);
    }
    const name = checkDisplayName(body.displayName, { resident: true });
    if (!name.ok) throw new ApiFailure(400, 'invalid-request', `body.displayName: ${name.reason}`, [{ field: 'body.displayName', reason: name.reason }]);
    const stored = await store.addContribution(db, params.id, hashToken(participants.get(req)!), { ...body, displayName: name.value });
    if (stored === null) throw new ApiFailure(409, 'consultation-closed', `consultation ${params.id} is not open: it accepts no more comments`);
    cache.invalidate(params.id);
    reply.code(201);
    return { id: stored.id, status: 'pending', createdAt: stored.createdAt };
  });

  r.add({ method: 'GET', url: '/api/consultations/:id/participation', operationId: 'getParticipation', summary: "The caller's votes and comments (with their moderation state)", tag: 'contributions', access: 'participant', params: idParams, rateLimit: read, responses: { 200: { description: 'Votes by proposal id, and comments', schema: participationSchema }, 404: { description: 'No such consultation' } } }, async ({ req, params }) => {
    if ((await store.consultationRules(db, params.id)) === null) throw notFound(params.id);
    return store.participation(db, params.id, await store.findParticipant(db, hashToken(participants.get(req)!)));
  });

  // ---- Votes -----------------------------------------------------------------------------------------
  const voteRoute = async (req: FastifyRequest, params: { id: string; proposalId: string }, stance: 'support' | 'oppose' | null) => {
    await openConsultation(params.id);
    if (!(await store.proposalExists(db, params.id, params.proposalId))) {
      throw new ApiFailure(404, 'not-found', `params.proposalId: no proposal ${params.proposalId} in consultation ${params.id}`, [{ field: 'params.proposalId', reason: 'no such proposal in this consultation' }]);
    }
    const res = await store.setVote(db, params.id, params.proposalId, await participantId(req), stance);
    if (res === null) throw new ApiFailure(409, 'consultation-closed', `consultation ${params.id} is not open: it accepts no more votes`);
    cache.invalidate(params.id);
    return { proposalId: params.proposalId, ...res };
  };
  r.add({ method: 'PUT', url: '/api/consultations/:id/proposals/:proposalId/vote', operationId: 'vote', summary: 'Supports or opposes a proposal (one vote per participant: a new vote replaces the old)', tag: 'votes', access: 'participant', params: proposalParams, body: voteInputSchema, bodyLimit: 1024, rateLimit: rl(limits.vote, 'vote'), responses: { 200: { description: 'The vote and the new totals', schema: voteResultSchema }, 404: { description: 'No such consultation or proposal' }, 409: { description: 'The consultation is not open' } } }, async ({ req, params, body }) => voteRoute(req, params, body.stance));
  r.add({ method: 'DELETE', url: '/api/consultations/:id/proposals/:proposalId/vote', operationId: 'unvote', summary: "Withdraws the caller's vote", tag: 'votes', access: 'participant', params: proposalParams, rateLimit: rl(limits.vote, 'vote'), responses: { 200: { description: 'No vote, and the new totals', schema: voteResultSchema }, 404: { description: 'No such consultation or proposal' }, 409: { description: 'The consultation is not open' } } }, async ({ req, params }) => voteRoute(req, params, null));

  // ---- Summary and exports -----------------------------------------------------------------------
  r.add({ method: 'GET', url: '/api/consultations/:id/summary', operationId: 'getSummary', summary: 'Counts for the charts: comments by state and category, votes, participants', tag: 'contributions', access: 'public', params: idParams, rateLimit: read, responses: { 200: { description: 'The counts', schema: summarySchema }, 304: { description: 'Not modified (ETag)' }, 404: { description: 'No such consultation' } } }, async ({ req, reply, params }) =>
    sendCached(req, reply, `c:${params.id}:summary`, async () => {
      const s = await store.summary(db, params.id);
      if (s === null) throw notFound(params.id);
      return s;
    }),
  );

  const exportQuery = z.strictObject({ status: z.enum(['published', 'all'], { message: 'must be "published" or "all"' }).default('published') });
  const exportRoute = async (req: FastifyRequest, reply: FastifyReply, id: string, status: 'published' | 'all', format: 'csv' | 'geojson') => {
    const c = await store.getConsultation(db, id);
    if (c === null) throw notFound(id);
    const all = status === 'all';
    if (all) {
      const m = await currentModerator(req);
      if (m === null) throw new ApiFailure(401, 'not-logged-in', 'query.status: "all" (pending and rejected comments too) needs a moderator session');
      await store.audit(db, describeModerator(m), 'export', id, { format, status });
    }
    const rows = await store.exportRows(db, id, all);
    const name = `${id}-${all ? 'all' : 'published'}.${format}`;
    reply.header('content-disposition', `attachment; filename="${name}"`);
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(toCsv(rows));
    return reply.type('application/geo+json; charset=utf-8').send(JSON.stringify(toGeoJson(c, rows, status)));
  };
  r.add({ method: 'GET', url: '/api/consultations/:id/export.csv', operationId: 'exportCsv', summary: 'Comments as CSV (published; status=all for moderators)', tag: 'exports', access: 'public', params: idParams, query: exportQuery, rateLimit: read, responses: { 200: { description: 'CSV, UTF-8 with BOM', contentType: 'text/csv' }, 404: { description: 'No such consultation' } } }, async ({ req, reply, params, query }) => exportRoute(req, reply, params.id, query.status, 'csv'));
  r.add({ method: 'GET', url: '/api/consultations/:id/export.geojson', operationId: 'exportGeoJson', summary: 'Comments as GeoJSON 3D points (published; status=all for moderators)', tag: 'exports', access: 'public', params: idParams, query: exportQuery, rateLimit: read, responses: { 200: { description: 'GeoJSON FeatureCollection', contentType: 'application/geo+json' }, 404: { description: 'No such consultation' } } }, async ({ req, reply, params, query }) => exportRoute(req, reply, params.id, query.status, 'geojson'));

  // ---- Moderation --------------------------------------------------------------------------------------
  const queueQuery = z.strictObject({
    consultation: consultationIdSchema.optional(),
    status: z.enum([...MODERATION_STATES, 'all'], { message: 'must be pending, published, rejected or all' }).default('pending'),
    limit: limitQuery(1000, 200),
  });
  r.add({ method: 'GET', url: '/api/moderation/contributions', operationId: 'moderationQueue', summary: 'Comments by moderation state, oldest first (the queue: status=pending)', tag: 'moderation', access: 'moderator', query: queueQuery, rateLimit: rl(limits.moderate, 'moderate'), responses: { 200: { description: 'Comments', schema: moderationListSchema } } }, async ({ query }) =>
    store.listForModeration(db, { consultationId: query.consultation ?? null, status: query.status, limit: query.limit }),
  );

  r.add({ method: 'POST', url: '/api/moderation/contributions/:contributionId', operationId: 'moderate', summary: 'Publishes a comment, or rejects it with a reason', tag: 'moderation', access: 'moderator', params: contributionParams, body: moderationInputSchema, bodyLimit: 4096, rateLimit: rl(limits.moderate, 'moderate'), responses: { 200: { description: 'The new state', schema: moderatedContributionSchema.pick({ id: true, status: true, rejectReason: true }).extend({ before: z.enum(MODERATION_STATES) }) }, 404: { description: 'No such comment' } } }, async ({ req, params, body }) => {
    const m = (await currentModerator(req))!;
    const res = await db.tx(async (q) => {
      const out = await store.moderate(q, params.contributionId, m.id, body);
      if (out !== null) await store.audit(q, describeModerator(m), body.action === 'publish' ? 'contribution.publish' : 'contribution.reject', params.contributionId, { consultation: out.consultationId, before: out.before, ...(body.action === 'reject' ? { reason: body.reason } : {}) });
      return out;
    });
    if (res === null) throw new ApiFailure(404, 'not-found', `params.contributionId: no comment ${params.contributionId}`, [{ field: 'params.contributionId', reason: 'no such comment' }]);
    cache.invalidate(res.consultationId);
    return { id: params.contributionId, status: body.action === 'publish' ? 'published' : 'rejected', rejectReason: body.action === 'reject' ? body.reason : null, before: res.before };
  });

  // ---- Administration --------------------------------------------------------------------------------
  r.add({ method: 'POST', url: '/api/moderators', operationId: 'createModerator', summary: 'Creates a moderator or administrator (admin)', tag: 'admin', access: 'admin', body: moderatorInputSchema, bodyLimit: 4096, rateLimit: rl(limits.moderate, 'moderate'), responses: { 201: { description: 'Created', schema: moderatorSchema }, 409: { description: 'The e-mail is taken' } } }, async ({ req, reply, body }) => {
    const admin = (await currentModerator(req))!;
    const name = checkDisplayName(body.displayName, { resident: false });
    if (!name.ok) throw new ApiFailure(400, 'invalid-request', `body.displayName: ${name.reason}`, [{ field: 'body.displayName', reason: name.reason }]);
    const m = await store.createModerator(db, { email: body.email, displayName: name.value, role: body.role, passwordHash: await hashPassword(body.password, scryptParams) });
    if (m === null) throw new ApiFailure(409, 'exists', 'body.email: a moderator with this e-mail already exists', [{ field: 'body.email', reason: 'taken' }]);
    await store.audit(db, describeModerator(admin), 'moderator.create', m.email, { role: m.role });
    reply.code(201);
    return m;
  });

  r.add({ method: 'GET', url: '/api/audit', operationId: 'auditLog', summary: 'The audit log, newest first (admin)', tag: 'admin', access: 'admin', query: z.strictObject({ limit: limitQuery(1000, 100) }), rateLimit: rl(limits.moderate, 'moderate'), responses: { 200: { description: 'Entries', schema: z.object({ entries: z.array(auditEntrySchema) }) } } }, async ({ query }) => ({
    entries: await store.listAudit(db, query.limit),
  }));

  // ---- The description of all this ------------------------------------------------------------------
  let doc: string | null = null;
  app.get('/api/openapi.json', { config: { rateLimit: read } }, async (_req, reply) => {
    doc ??= JSON.stringify(
      r.openapi({
        title: 'Jumeau public consultation API',
        version: '1.0.0',
        description:
          'Residents leave comments pinned to places in 3D and vote on proposals; moderators publish or reject comments. Every change needs the participant cookie (GET /api/me) and the x-csrf-token header. Errors are {error, message, issues?} naming each field and the reason.',
      }),
    );
    return reply.type('application/json; charset=utf-8').header('cache-control', 'no-cache').send(doc);
  });
}
