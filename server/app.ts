import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import fastifyCompress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { configFromEnv, configRoute } from './config-route.ts';
import { consultationApi, type ConsultApiOptions } from './consult/api.ts';
import { ApiFailure } from './consult/routes.ts';
import { fieldsWithInvalidUtf8, isValidUtf8, jsonTooDeep, MAX_JSON_DEPTH } from './http/body-guard.ts';
import { fastifyTrustProxy, parseTrustProxy, type TrustProxy } from './http/proxy.ts';
import { databaseConfigFromEnv, openDatabase, type Database, type DatabaseConfig } from './db/database.ts';
import { migrate } from './db/migrate.ts';

/**
 * The HTTP server: the app (Vite middleware in development, the built files in production),
 * the city packs folder under /packs/, and the JSON API under /api/.
 */

export interface ServerOptions {
  mode: 'dev' | 'prod';
  /** Folder of city packs. */
  packsDir: string;
  /** Built app (production). */
  distDir: string;
  /** Project root (development: where Vite finds index.html). */
  rootDir: string;
  /**
   * Structured logs (pino, one JSON line per event, an access line per request with its id):
   * false (default: silent, as in tests), true (level info) or a level. See `logLevelFromEnv`.
   */
  logger?: boolean | { level: string };
  /**
   * Production only: the sub-path the app is served under, with slashes at both ends
   * (`/jumeau/`); default `/`. See `basePathFromEnv`.
   */
  basePath?: string;
  /**
   * The consultation API: its database (an open one, or a configuration to open and close with
   * the server) and options. Default: from the environment (see `consultOptionsFromEnv`).
   */
  consult?: Omit<ConsultApiOptions, 'db'> & { db: Database | DatabaseConfig };
  /** Trusted reverse proxies (see `parseTrustProxy`). Default: from `$JUMEAU_TRUST_PROXY`. */
  trustProxy?: TrustProxy;
  /**
   * Requests per client address to unknown paths (any method under `api/`, any but GET and HEAD
   * elsewhere), per window. Default 120 per minute.
   */
  notFoundLimit?: { max: number; timeWindowMs: number };
}

/**
 * `$JUMEAU_PUBLIC_ORIGIN`: the site's public origins (`https://carto.ville.example`, comma-separated),
 * the only ones allowed to send changes; unset: the request's own host. Throws on a value that is
 * not an http(s) origin.
 */
export function publicOrigins(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const v = env.JUMEAU_PUBLIC_ORIGIN?.trim();
  if (v === undefined || v === '') return undefined;
  return v.split(',').map((x) => x.trim()).filter((x) => x !== '').map((x) => {
    const u = URL.canParse(x) ? new URL(x) : null;
    if (u === null || (u.protocol !== 'https:' && u.protocol !== 'http:') || u.origin !== x.replace(/\/$/, '')) throw new Error(`JUMEAU_PUBLIC_ORIGIN: ${JSON.stringify(x)} is not an origin such as https://carto.ville.example (scheme, host, optional port; no path)`);
    return u.origin;
  });
}

/**
 * Consultation settings from the environment: `DATABASE_URL` (PostgreSQL) or PGlite in
 * `JUMEAU_PGLITE_DIR` (default `.data/pglite`); `JUMEAU_ADMIN_EMAIL` / `JUMEAU_ADMIN_PASSWORD`
 * (/ `JUMEAU_ADMIN_NAME`) create a first administrator when there is no moderator at all;
 * `JUMEAU_SECURE_COOKIES=1` marks cookies Secure even behind a proxy that speaks plain HTTP;
 * `JUMEAU_PUBLIC_ORIGIN` names the origins allowed to send changes.
 */
export function consultOptionsFromEnv(rootDir: string, env: NodeJS.ProcessEnv = process.env): Omit<ConsultApiOptions, 'db'> & { db: DatabaseConfig } {
  const email = env.JUMEAU_ADMIN_EMAIL?.trim();
  const password = env.JUMEAU_ADMIN_PASSWORD;
  return {
    db: databaseConfigFromEnv(rootDir, env),
    bootstrapAdmin: email !== undefined && email !== '' && password !== undefined && password !== '' ? { email, password, displayName: env.JUMEAU_ADMIN_NAME?.trim() || 'Administrator' } : null,
    secureCookies: env.JUMEAU_SECURE_COOKIES === '1' ? true : 'auto',
    ...(publicOrigins(env) !== undefined ? { allowedOrigins: publicOrigins(env)! } : {}),
  };
}

/**
 * Content-Security-Policy of the app. No inline script and no eval: scripts come from this origin
 * only. What Cesium needs beyond that: its workers (same-origin files, `blob:` for the ones it builds
 * from strings), WebAssembly compilation for its decoders (`'wasm-unsafe-eval'`, which allows wasm
 * but not JavaScript eval), and inline `style` attributes it sets on widgets. Data may come from any
 * HTTPS host (online city sources, files and URLs users open), never from plain HTTP elsewhere.
 * Development adds Vite's hot-reload WebSocket and the `<style>` tags it injects for CSS.
 */
export function contentSecurityPolicy(mode: 'dev' | 'prod'): string {
  const connect = ["'self'", 'https:', 'blob:', 'data:', ...(mode === 'dev' ? ['ws:', 'wss:'] : [])];
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    "child-src 'self' blob:",
    `connect-src ${connect.join(' ')}`,
    "img-src 'self' https: data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'SAMEORIGIN',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/**
 * Reverse proxies whose `X-Forwarded-For` / `-Proto` / `-Host` are believed (client addresses
 * for the rate limits, HTTPS for Secure cookies and HSTS, the site for the Origin check):
 * `$JUMEAU_TRUST_PROXY` = the proxies' addresses or CIDR ranges (comma-separated), or a hop count
 * (`1`: one proxy in front). Default: none. Trusting every hop is refused (see server/http/proxy.ts).
 */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv = process.env): TrustProxy {
  return parseTrustProxy(env.JUMEAU_TRUST_PROXY);
}

/** `Strict-Transport-Security` sent on answers to requests known to have come over HTTPS. */
export const HSTS = 'max-age=31536000';

/**
 * Whether a URL path names a dotfile or dot-folder (`/packs/.git/config`, `/.env`, `/%2e%2e/`):
 * a segment starting with a dot, once percent-decoded. `/.well-known/` is not one.
 */
export function hasDotSegment(url: string): boolean {
  const q = url.search(/[?#]/);
  const path = q < 0 ? url : url.slice(0, q);
  if (!/\.|%2e/i.test(path)) return false;
  for (const raw of path.split('/')) {
    let seg = raw;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      // Malformed escapes: judged as written.
    }
    if (seg.startsWith('.') && seg !== '.well-known') return true;
    if (seg.includes('/') && seg.split('/').some((x) => x.startsWith('.'))) return true;
  }
  return false;
}

/** A fixed-window counter per key, in memory, bounded in size (for the not-found handler). */
export class WindowCounter {
  private readonly hits = new Map<string, { n: number; resetsAt: number }>();
  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxKeys = 50_000,
  ) {}
  /** Counts one hit; the seconds to wait when over the limit, else 0. */
  hit(key: string, now = Date.now()): number {
    let e = this.hits.get(key);
    if (e === undefined || e.resetsAt <= now) {
      if (this.hits.size >= this.maxKeys) {
        for (const [k, v] of this.hits) if (v.resetsAt <= now) this.hits.delete(k);
        if (this.hits.size >= this.maxKeys) this.hits.clear();
      }
      e = { n: 0, resetsAt: now + this.windowMs };
      this.hits.set(key, e);
    }
    e.n++;
    return e.n > this.max ? Math.max(1, Math.ceil((e.resetsAt - now) / 1000)) : 0;
  }
}

/**
 * The sub-path the app is served under, from `$JUMEAU_BASE_PATH` (`jumeau`, `/jumeau` and
 * `/jumeau/` all give `/jumeau/`); `/` when unset. The app must be built with the same value
 * (vite.config.ts reads the same variable). Throws on characters a URL path cannot carry as is.
 */
export function basePathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.JUMEAU_BASE_PATH?.trim() ?? '';
  const parts = v.split('/').filter((x) => x !== '');
  for (const p of parts) if (!/^[A-Za-z0-9._~-]+$/.test(p) || p === '.' || p === '..') throw new Error(`JUMEAU_BASE_PATH: ${JSON.stringify(v)} is not a plain URL path (letters, digits, . _ ~ - between slashes)`);
  return parts.length === 0 ? '/' : `/${parts.join('/')}/`;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The log level from `$JUMEAU_LOG_LEVEL` (fatal, error, warn, info, debug, trace or silent);
 * default `info` in production, `warn` in development (Vite's own output is enough there).
 */
export function logLevelFromEnv(mode: 'dev' | 'prod', env: NodeJS.ProcessEnv = process.env): string {
  const v = env.JUMEAU_LOG_LEVEL?.trim().toLowerCase();
  if (v === undefined || v === '') return mode === 'prod' ? 'info' : 'warn';
  if (!LOG_LEVELS.includes(v)) throw new Error(`JUMEAU_LOG_LEVEL: ${JSON.stringify(v)} is not one of ${LOG_LEVELS.join(', ')}`);
  return v;
}

/** One year: what a file whose name changes with its content can be cached for. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * `Cache-Control` of a file of the built app, by its path inside the build folder: files under
 * `assets/` carry a hash of their content in their name (Vite), so browsers and CDNs keep them a
 * year without asking again; everything else (`index.html`, `sw.js`, Cesium's files under
 * `cesium/` whose names stay the same from one version to the next) is revalidated on each use
 * (`no-cache`: a 304 with the ETag when unchanged).
 */
export function cacheControlFor(pathInBuild: string): string {
  const p = pathInBuild.split(sep).join('/').replace(/^\/+/, '');
  return p.startsWith('assets/') ? IMMUTABLE : 'no-cache';
}

/** The longest a readiness check waits for the database. */
const READY_TIMEOUT_MS = 3000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]);
}

/** Files that gain from compression: text, JSON, JavaScript, WebAssembly, SVG, glTF. */
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|geo\+json|xml|wasm|manifest\+json|vnd\.geo\+json)|image\/svg\+xml|model\/gltf)/;

/**
 * The HTTP server. In production: the built app under the base path (precompressed `.br`/`.gz`
 * files when the build made them, compressed on the fly otherwise), the packs folder under
 * `packs/` (ETags, revalidated), the API under `api/`; `api/health` says the process answers,
 * `api/ready` that the database answers too (503 otherwise, and while shutting down). Closing
 * the server (`app.close()`) stops accepting connections, lets the requests in flight finish,
 * then closes the database.
 */
export async function createServer(o: ServerOptions): Promise<FastifyInstance> {
  const base = o.mode === 'prod' ? (o.basePath ?? '/') : '/';
  if (!base.startsWith('/') || !base.endsWith('/')) throw new Error(`basePath ${JSON.stringify(base)} must start and end with "/"`);
  const OUTSIDE = '/.outside-base-path';
  const level = o.logger === undefined || o.logger === false ? 'silent' : o.logger === true ? 'info' : o.logger.level;
  const app = Fastify({
    logger: level === 'silent' ? false : { level },
    // One access line per request (below), not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // A request id from the proxy in front (X-Request-Id: up to 128 letters, digits and . _ : -)
    // is kept, else one is made; it is in every log line of the request and sent back.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    trustProxy: fastifyTrustProxy(o.trustProxy ?? trustProxyFromEnv()),
    // Under a sub-path, the routes below see the path without it; anything outside it is not found.
    ...(base !== '/'
      ? {
          rewriteUrl: (req: { url?: string }) => {
            const url = req.url ?? '/';
            return url.startsWith(base) ? url.slice(base.length - 1) : `${OUTSIDE}${url}`;
          },
        }
      : {}),
  });
  const csp = contentSecurityPolicy(o.mode);
  // Closing (app.close(), on SIGTERM): the server accepts no new connection, /api/ready says 503,
  // and the answers to requests in flight close their connection so the close can complete.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  // Dotfiles and dot-folders (`.git`, `.env`…) are never served, wherever they are: refused
  // before routing, static files and the app's page alike. (Development: packs and the API only;
  // Vite serves its own `/node_modules/.vite/` and applies its own `server.fs.deny`.)
  app.addHook('onRequest', async (req, reply) => {
    if ((o.mode === 'prod' || /^\/(packs|api)\//.test(req.url)) && hasDotSegment(req.originalUrl)) return reply.code(404).header('cache-control', 'no-store').send({ error: 'not found', path: req.originalUrl });
  });
  // JSON bodies, for every route: checked on their bytes before parsing (nesting deeper than
  // MAX_JSON_DEPTH and bytes that are not UTF-8 refused with a 400 naming the field), and not
  // parsed at all for paths no route answers. Prototype poisoning is refused as by Fastify.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    if (req.is404) return done(null, undefined);
    const bytes = body as Buffer;
    if (jsonTooDeep(bytes, MAX_JSON_DEPTH)) {
      return done(new ApiFailure(400, 'invalid-request', `body: nested deeper than ${MAX_JSON_DEPTH} levels`, [{ field: 'body', reason: `nested deeper than ${MAX_JSON_DEPTH} levels` }]), undefined);
    }
    if (!isValidUtf8(bytes)) {
      const fields = fieldsWithInvalidUtf8(bytes);
      return done(new ApiFailure(400, 'invalid-request', fields.map((f) => `${f}: not valid UTF-8`).join('; '), fields.map((f) => ({ field: f, reason: 'not valid UTF-8' }))), undefined);
    }
    parseJson(req, bytes.toString('utf8'), done);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    // HSTS only when HTTPS is known: direct TLS, or X-Forwarded-Proto from a trusted proxy.
    if (req.protocol === 'https') reply.header('strict-transport-security', HSTS);
    reply.header('content-security-policy', csp);
    reply.header('x-request-id', req.id);
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    const length = reply.getHeader('content-length');
    req.log.info(
      {
        method: req.method,
        url: req.originalUrl,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ...(length !== undefined ? { bytes: Number(length) } : {}),
        ...(reply.getHeader('content-encoding') !== undefined ? { encoding: String(reply.getHeader('content-encoding')) } : {}),
        ip: req.ip,
      },
      'request',
    );
  });

  // Compression of what is not precompressed (API answers, pack files, a build made without
  // precompression): brotli at a quality cheap enough per request, else gzip. Answers under 1 KiB
  // (such as GET /api/me and its CSRF token) are sent as they are.
  // Responses only: request bodies are taken as sent, as before (the plugin would otherwise
  // inflate compressed bodies; set here before it reads the option).
  app.addHook('onRoute', (route) => {
    route.decompress ??= false;
  });
  await app.register(fastifyCompress, { global: true, encodings: ['br', 'gzip'], threshold: 1024, customTypes: COMPRESSIBLE });

  const consult = o.consult ?? consultOptionsFromEnv(o.rootDir);
  const ownDb = !('query' in consult.db);
  const db = 'query' in consult.db ? consult.db : await openDatabase(consult.db);
  try {
    await migrate(db);
    await app.register(consultationApi, { cookiePath: `${base}api/`, ...consult, db });
  } catch (e) {
    if (ownDb) await db.close();
    throw e;
  }
  if (ownDb) app.addHook('onClose', async () => db.close());
  // Runtime configuration (default city, packs URL, city files), read at each request (issue 18).
  await app.register(configRoute, configFromEnv());

  app.get('/api/health', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
    return { ok: true, mode: o.mode, database: db.kind };
  });
  app.get('/api/ready', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    if (closing) return reply.code(503).send({ ok: false, database: db.kind, reason: 'shutting down' });
    try {
      await withTimeout(db.query('SELECT 1'), READY_TIMEOUT_MS, 'database');
      return { ok: true, database: db.kind };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      req.log.warn({ err: reason }, 'not ready: the database does not answer');
      return reply.code(503).send({ ok: false, database: db.kind, reason: 'the database does not answer' });
    }
  });

  await app.register(fastifyStatic, {
    root: resolve(o.packsDir),
    prefix: '/packs/',
    decorateReply: false,
    index: false,
    list: false,
    // Pack files keep their names when a pack is rebuilt: revalidated on each use (ETag → 304).
    cacheControl: false,
    etag: true,
    setHeaders: (res, path) => {
      res.header('cache-control', 'no-cache');
      if (path.endsWith('.glb')) res.header('content-type', 'model/gltf-binary');
    },
  });

  if (o.mode === 'prod') {
    const dist = resolve(o.distDir);
    if (!existsSync(join(dist, 'index.html'))) throw new Error(`no built app in ${o.distDir}: run "npm run build" first`);
    await app.register(fastifyStatic, {
      root: dist,
      prefix: '/',
      decorateReply: true,
      index: 'index.html',
      wildcard: true,
      // index.html.br, *.js.gz…: written by the build (tools/precompress.ts); used when present.
      preCompressed: true,
      cacheControl: false,
      etag: true,
      setHeaders: (res, path) => {
        res.header('cache-control', cacheControlFor(relative(dist, path.replace(/\.(br|gz)$/, ''))));
      },
    });
    const notFoundLimit = o.notFoundLimit ?? { max: 120, timeWindowMs: 60_000 };
    const notFoundCounter = new WindowCounter(notFoundLimit.max, notFoundLimit.timeWindowMs);
    app.setNotFoundHandler((req, reply) => {
      // Cheap answers (the body is not parsed), and a limit per client address on what is not a
      // plain read of a file or page (GET/HEAD outside the API are as cheap as the static files).
      const limited = (req.method !== 'GET' && req.method !== 'HEAD') || req.url.startsWith('/api/');
      const wait = limited ? notFoundCounter.hit(req.ip) : 0;
      if (wait > 0) {
        return reply.code(429).header('retry-after', String(wait)).header('cache-control', 'no-store').send({ error: 'rate-limited', message: `too many requests for unknown paths: at most ${notFoundLimit.max} per ${Math.round(notFoundLimit.timeWindowMs / 1000)} s; retry in ${wait} s` });
      }
      if (req.url.startsWith(OUTSIDE)) {
        // Outside the base path: the root and the base path without its last slash send to the app
        // (with the query), anything else is not ours.
        const m = /^([^?]*)(\?.*)?$/.exec(req.originalUrl);
        if (req.method === 'GET' && (m?.[1] === '/' || m?.[1] === base.slice(0, -1))) return reply.redirect(`${base}${m?.[2] ?? ''}`, 302);
        return reply.code(404).send({ error: 'not found', path: req.originalUrl, message: `the app is served under ${base}` });
      }
      if (req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/packs/')) {
        return reply.header('cache-control', 'no-cache').sendFile('index.html');
      }
      return reply.code(404).send({ error: 'not found', path: req.originalUrl });
    });
  } else {
    const { createServer: createVite } = await import('vite');
    const middie = (await import('@fastify/middie')).default;
    await app.register(middie);
    const vite = await createVite({ root: o.rootDir, server: { middlewareMode: true, hmr: { server: app.server } }, appType: 'spa' });
    app.use((req, res, next) => {
      const url = req.url ?? '';
      if (url.startsWith('/api/') || url.startsWith('/packs/')) return next();
      vite.middlewares(req, res, next);
    });
    app.addHook('onClose', async () => {
      await vite.close();
    });
  }
  return app;
}
