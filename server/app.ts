import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { consultationApi, type ConsultApiOptions } from './consult/api.ts';
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
  logger?: boolean;
  /**
   * The consultation API: its database (an open one, or a configuration to open and close with
   * the server) and options. Default: from the environment (see `consultOptionsFromEnv`).
   */
  consult?: Omit<ConsultApiOptions, 'db'> & { db: Database | DatabaseConfig };
}

/**
 * Consultation settings from the environment: `DATABASE_URL` (PostgreSQL) or PGlite in
 * `JUMEAU_PGLITE_DIR` (default `.data/pglite`); `JUMEAU_ADMIN_EMAIL` / `JUMEAU_ADMIN_PASSWORD`
 * (/ `JUMEAU_ADMIN_NAME`) create a first administrator when there is no moderator at all;
 * `JUMEAU_SECURE_COOKIES=1` marks cookies Secure even behind a proxy that speaks plain HTTP.
 */
export function consultOptionsFromEnv(rootDir: string, env: NodeJS.ProcessEnv = process.env): Omit<ConsultApiOptions, 'db'> & { db: DatabaseConfig } {
  const email = env.JUMEAU_ADMIN_EMAIL?.trim();
  const password = env.JUMEAU_ADMIN_PASSWORD;
  return {
    db: databaseConfigFromEnv(rootDir, env),
    bootstrapAdmin: email !== undefined && email !== '' && password !== undefined && password !== '' ? { email, password, displayName: env.JUMEAU_ADMIN_NAME?.trim() || 'Administrator' } : null,
    secureCookies: env.JUMEAU_SECURE_COOKIES === '1' ? true : 'auto',
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
 * Reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are trusted (client addresses for
 * the rate limits, HTTPS for Secure cookies): `$JUMEAU_TRUST_PROXY` = `1` for any, or a
 * comma-separated list of addresses or CIDR ranges. Default: none.
 */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv = process.env): boolean | string[] {
  const v = env.JUMEAU_TRUST_PROXY?.trim();
  if (v === undefined || v === '' || v === '0') return false;
  return v === '1' ? true : v.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

export async function createServer(o: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: o.logger ?? false, bodyLimit: 1024 * 1024, trustProxy: trustProxyFromEnv() });
  const csp = contentSecurityPolicy(o.mode);
  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    reply.header('content-security-policy', csp);
    return payload;
  });

  const consult = o.consult ?? consultOptionsFromEnv(o.rootDir);
  const ownDb = !('query' in consult.db);
  const db = 'query' in consult.db ? consult.db : await openDatabase(consult.db);
  try {
    await migrate(db);
    await app.register(consultationApi, { ...consult, db });
  } catch (e) {
    if (ownDb) await db.close();
    throw e;
  }
  if (ownDb) app.addHook('onClose', async () => db.close());

  app.get('/api/health', async () => ({ ok: true, mode: o.mode, database: db.kind }));

  await app.register(fastifyStatic, {
    root: resolve(o.packsDir),
    prefix: '/packs/',
    decorateReply: false,
    index: false,
    list: false,
    cacheControl: true,
    maxAge: 0,
    setHeaders: (res, path) => {
      if (path.endsWith('.glb')) res.header('content-type', 'model/gltf-binary');
    },
  });

  if (o.mode === 'prod') {
    if (!existsSync(join(o.distDir, 'index.html'))) throw new Error(`no built app in ${o.distDir}: run "npm run build" first`);
    await app.register(fastifyStatic, { root: resolve(o.distDir), prefix: '/', decorateReply: true, index: 'index.html', wildcard: true });
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/packs/')) return reply.sendFile('index.html');
      return reply.code(404).send({ error: 'not found', path: req.url });
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
