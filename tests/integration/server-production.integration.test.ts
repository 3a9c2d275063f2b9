import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, IMMUTABLE } from '../../server/app.ts';
import { openDatabase, type Database } from '../../server/db/database.ts';

/**
 * The production server's HTTP behaviour on a small fake build: compression (precompressed files
 * and on the fly), cache headers, ETags of pack files, request ids, health and readiness, the
 * sub-path, and a shutdown that lets requests in flight finish.
 */

const BIG_JS = `export const data = ${JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ i, name: `item ${i}` })))};\n`;

function fakeBuild(): { dist: string; packs: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'jumeau-prod-'));
  const dist = join(root, 'dist');
  const packs = join(root, 'packs');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  mkdirSync(join(dist, 'cesium'), { recursive: true });
  mkdirSync(join(packs, 'demo', 'tiles'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), `<!doctype html><title>Jumeau</title><script type="module" src="/assets/main-abc123.js"></script>${' '.repeat(2000)}`);
  writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(dist, 'assets', 'main-abc123.js'), BIG_JS);
  // A precompressed variant, as tools/precompress.ts writes: marked so the test sees which one was sent.
  writeFileSync(join(dist, 'assets', 'main-abc123.js.br'), brotliCompressSync(Buffer.from(`${BIG_JS}//precompressed\n`)));
  writeFileSync(join(dist, 'cesium', 'Widgets.css'), `.cesium { color: red; }\n`.repeat(200));
  writeFileSync(join(packs, 'demo', 'tiles', '0.glb'), Buffer.alloc(4096, 7));
  writeFileSync(join(packs, 'demo', 'city.json'), JSON.stringify({ id: 'demo', pad: 'x'.repeat(3000) }));
  return { dist, packs, root };
}

describe('production server', () => {
  let db: Database;
  let app: FastifyInstance;
  let build: ReturnType<typeof fakeBuild>;

  beforeAll(async () => {
    build = fakeBuild();
    db = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
    app = await createServer({ mode: 'prod', packsDir: build.packs, distDir: build.dist, rootDir: build.root, consult: { db } });
    await app.ready();
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
    rmSync(build.root, { recursive: true, force: true });
  });

  it('sends hashed assets precompressed with brotli and cached for a year', async () => {
    const res = await app.inject({ url: '/assets/main-abc123.js', headers: { 'accept-encoding': 'br, gzip' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['cache-control']).toBe(IMMUTABLE);
    expect(String(res.headers.vary)).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(res.rawPayload).toString()).toContain('//precompressed');
  });

  it('compresses on the fly with gzip when brotli is not accepted, and sends plain bytes to who accepts neither', async () => {
    const gz = await app.inject({ url: '/assets/main-abc123.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(BIG_JS);
    expect(gz.rawPayload.length).toBeLessThan(BIG_JS.length / 3);
    const plain = await app.inject({ url: '/assets/main-abc123.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(BIG_JS);
  });

  it('revalidates index.html, the service worker, the SPA fallback and Cesium files (no-cache)', async () => {
    for (const url of ['/', '/index.html', '/sw.js', '/some/deep/link', '/cesium/Widgets.css']) {
      const res = await app.inject({ url, headers: { 'accept-encoding': 'br' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
    const css = await app.inject({ url: '/cesium/Widgets.css', headers: { 'accept-encoding': 'br' } });
    expect(css.headers['content-encoding']).toBe('br');
  });

  it('gives pack files an ETag and answers 304 when it still matches', async () => {
    const res = await app.inject({ url: '/packs/demo/tiles/0.glb' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('model/gltf-binary');
    expect(res.headers['cache-control']).toBe('no-cache');
    const etag = String(res.headers.etag);
    expect(etag).toMatch(/^(W\/)?".+"$/);
    const again = await app.inject({ url: '/packs/demo/tiles/0.glb', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    const json = await app.inject({ url: '/packs/demo/city.json', headers: { 'accept-encoding': 'br' } });
    expect(json.headers['content-encoding']).toBe('br');
  });

  it('does not inflate compressed request bodies (responses only are compressed)', { timeout: 60_000 }, async () => {
    const s = await createServer({ mode: 'prod', packsDir: build.packs, distDir: build.dist, rootDir: build.root, consult: { db } });
    s.post('/echo', async (req) => req.body);
    try {
      const plain = await s.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{"a":1}' });
      expect(plain.json()).toEqual({ a: 1 });
      const zipped = await s.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, payload: gzipSync('{"a":1}') });
      expect(zipped.statusCode).toBe(400);
    } finally {
      await s.close();
    }
  });

  it('keeps a request id from the proxy or makes one, and sends it back', async () => {
    const given = await app.inject({ url: '/api/health', headers: { 'x-request-id': 'proxy-42' } });
    expect(given.headers['x-request-id']).toBe('proxy-42');
    const made = await app.inject({ url: '/api/health' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const odd = await app.inject({ url: '/api/health', headers: { 'x-request-id': 'two words\u2028' } });
    expect(odd.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('says alive on /api/health and ready on /api/ready while the database answers', async () => {
    const health = await app.inject({ url: '/api/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ ok: true, mode: 'prod' });
    expect(health.headers['cache-control']).toBe('no-store');
    const ready = await app.inject({ url: '/api/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ok: true, database: 'pglite' });
  });

  it('says not ready (503) when the database does not answer, while health stays ok', { timeout: 60_000 }, async () => {
    const broken: Database = { ...db, query: async () => Promise.reject(new Error('connection refused')) };
    const other = await createServer({ mode: 'prod', packsDir: build.packs, distDir: build.dist, rootDir: build.root, consult: { db: broken } }).catch((e: unknown) => e);
    // Migrations need the database: a server cannot even start without one; check readiness on a
    // started server whose database then fails instead.
    expect(other).toBeInstanceOf(Error);
    const flaky = { ...db, up: true, query: async <T>(sql: string, params?: readonly unknown[]) => (flaky.up ? db.query<T>(sql, params) : Promise.reject(new Error('connection refused'))) } as Database & { up: boolean };
    const s = await createServer({ mode: 'prod', packsDir: build.packs, distDir: build.dist, rootDir: build.root, consult: { db: flaky } });
    try {
      expect((await s.inject({ url: '/api/ready' })).statusCode).toBe(200);
      flaky.up = false;
      const down = await s.inject({ url: '/api/ready' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ ok: false, reason: 'the database does not answer' });
      expect((await s.inject({ url: '/api/health' })).statusCode).toBe(200);
      flaky.up = true;
      expect((await s.inject({ url: '/api/ready' })).statusCode).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('finishes requests in flight when closed, refuses new connections, then closes the database', async () => {
    const s = await createServer({ mode: 'prod', packsDir: build.packs, distDir: build.dist, rootDir: build.root, consult: { db: { kind: 'pglite', dataDir: 'memory://' } } });
    const events: string[] = [];
    let started: () => void = () => undefined;
    const inFlight = new Promise<void>((r) => (started = r));
    s.get('/api/test-slow', async () => {
      started();
      await new Promise((r) => setTimeout(r, 400));
      events.push('slow answered');
      return { done: true };
    });
    // Registered after the server's own (which closes the database): runs when the server closes.
    s.addHook('onClose', async () => {
      events.push('closed');
    });
    await s.listen({ port: 0, host: '127.0.0.1' });
    const port = (s.server.address() as { port: number }).port;
    const slow = fetch(`http://127.0.0.1:${port}/api/test-slow`).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown }));
    await inFlight;
    const closing = s.close();
    await new Promise((r) => setTimeout(r, 50));
    // No new connection once closing started.
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
    expect(await slow).toEqual({ status: 200, body: { done: true } });
    await closing;
    expect(events).toEqual(['slow answered', 'closed']);
  }, 120_000);

  it('serves everything under a sub-path when configured, and sends the root there', { timeout: 60_000 }, async () => {
    const s = await createServer({ mode: 'prod', packsDir: build.packs, distDir: build.dist, rootDir: build.root, consult: { db }, basePath: '/jumeau/' });
    try {
      const index = await s.inject({ url: '/jumeau/' });
      expect(index.statusCode).toBe(200);
      expect(index.body).toContain('<title>Jumeau</title>');
      expect((await s.inject({ url: '/jumeau/assets/main-abc123.js' })).headers['cache-control']).toBe(IMMUTABLE);
      expect((await s.inject({ url: '/jumeau/api/health' })).json()).toMatchObject({ ok: true });
      expect((await s.inject({ url: '/jumeau/packs/demo/tiles/0.glb' })).statusCode).toBe(200);
      const me = await s.inject({ url: '/jumeau/api/me' });
      expect(String(me.headers['set-cookie'])).toMatch(/Path=\/jumeau\/api\//);
      const root = await s.inject({ url: '/' });
      expect(root.statusCode).toBe(302);
      expect(root.headers.location).toBe('/jumeau/');
      const bare = await s.inject({ url: '/jumeau?city=demo' });
      expect(bare.statusCode).toBe(302);
      expect(bare.headers.location).toBe('/jumeau/?city=demo');
      expect((await s.inject({ url: '/api/health' })).statusCode).toBe(404);
      expect((await s.inject({ url: '/jumeaux/' })).statusCode).toBe(404);
    } finally {
      await s.close();
    }
  });
});
