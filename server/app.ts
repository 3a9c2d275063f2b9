import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';

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
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'SAMEORIGIN',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

export async function createServer(o: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: o.logger ?? false, bodyLimit: 1024 * 1024 });
  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    return payload;
  });

  app.get('/api/health', async () => ({ ok: true, mode: o.mode }));

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
