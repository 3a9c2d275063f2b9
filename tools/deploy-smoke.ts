import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startPostgres, type PostgresServer } from '../tests/integration/helpers/postgres.ts';

/**
 * Deployment smoke test (CI, `.ci/run`; or `npm run smoke:deploy`): deploys this working tree as a
 * city would, and checks what a production server must do.
 *
 * 1. A fresh copy of the repository (the files git tracks or would track, as they are now) in a
 *    temporary folder; `npm ci`, `npm run build`, then `npm ci --omit=dev` (no tsx, no Vite, no
 *    TypeScript left).
 * 2. A throwaway PostgreSQL cluster (initdb, Unix socket only; DATABASE_URL is not used, as this
 *    test stops and restarts the server).
 * 3. Two server processes started with `node dist-server/server/main.js --prod` on that database,
 *    then checks: brotli and gzip, cache headers of index.html / sw.js / hashed assets, ETag and
 *    304 of a pack file, JSON access logs with request ids, /api/health and /api/ready, a rate
 *    limit reached across both processes, readiness failing while PostgreSQL is stopped and
 *    recovering when it is back, and a clean exit on SIGTERM.
 *
 * Prints the first view's bytes (index.html and the assets it loads) raw, brotli and gzip.
 * Exits 1 with the failed check's name. The npm cache (~/.npm) is reused: nothing is downloaded
 * when CI's own `npm ci` ran before. JUMEAU_SMOKE_KEEP=1 keeps the temporary folder.
 */

const repo = resolve(import.meta.dirname, '..');
const t0 = Date.now();
const log = (m: string) => console.log(`[deploy-smoke ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}`);
const failures: string[] = [];
function check(name: string, ok: boolean, detail = ''): void {
  if (ok) log(`ok   ${name}`);
  else {
    failures.push(name);
    log(`FAIL ${name}${detail ? `: ${detail}` : ''}`);
  }
}

function sh(cmd: string, args: string[], cwd: string): void {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

/** The files git tracks or would track (not ignored), as they are in the working tree. */
function copyRepo(to: string): number {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ls-files failed: ${r.stderr}`);
  let n = 0;
  for (const f of r.stdout.split('\0')) {
    if (f === '') continue;
    const from = join(repo, f);
    if (!existsSync(from) || !statSync(from).isFile()) continue;
    mkdirSync(dirname(join(to, f)), { recursive: true });
    copyFileSync(from, join(to, f));
    n++;
  }
  return n;
}

interface Res {
  status: number;
  headers: Headers;
  body: Buffer;
}
/** A GET through node:http (fetch() would decode the body: the raw bytes are wanted here). */
function get(url: string, init: { headers?: Record<string, string>; encoding?: string } = {}): Promise<Res> {
  return new Promise((resolveRes, reject) => {
    const req = httpGet(url, { headers: { ...init.headers, 'accept-encoding': init.encoding ?? 'identity' }, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolveRes({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timed out`)));
    req.on('error', reject);
  });
}

function decode(r: Res): Buffer {
  const enc = r.headers.get('content-encoding');
  return enc === 'br' ? brotliDecompressSync(r.body) : enc === 'gzip' ? gunzipSync(r.body) : r.body;
}

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await probe().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  log(`gave up waiting for ${what} after ${timeoutMs} ms`);
  return false;
}

interface Proc {
  child: ChildProcess;
  out: string[];
  base: string;
  exited: Promise<number | null>;
}
function startServer(dir: string, port: number, env: Record<string, string>): Proc {
  // node alone: no npx, no tsx (it is not installed any more).
  const child = spawn(process.execPath, ['dist-server/server/main.js', '--prod', '--port', String(port), '--host', '127.0.0.1'], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  const keep = (b: Buffer) => out.push(...b.toString('utf8').split('\n').filter((l) => l !== ''));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out, base: `http://127.0.0.1:${port}`, exited };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'jumeau-deploy-smoke-'));
  let pgServer: PostgresServer | null = null;
  const procs: Proc[] = [];
  try {
    log(`fresh copy of ${repo} in ${dir}: ${copyRepo(dir)} files`);
    sh('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    sh('npm', ['run', 'build'], dir);
    sh('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    check('npm ci --omit=dev leaves no dev dependency (tsx, vite, typescript)', !['tsx', 'vite', 'typescript'].some((p) => existsSync(join(dir, 'node_modules', p))));
    check('the build made the compiled server', existsSync(join(dir, 'dist-server', 'server', 'main.js')));

    // A pack file to check ETags on (the demo pack needs dev tools to build; its bytes do not matter here).
    const packs = join(dir, 'smoke-packs');
    mkdirSync(join(packs, 'demo', 'tiles'), { recursive: true });
    writeFileSync(join(packs, 'demo', 'tiles', '0.glb'), Buffer.alloc(8192, 1));

    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    pgServer = startPostgres();
    if (saved !== undefined) process.env.DATABASE_URL = saved;
    log(`PostgreSQL: ${pgServer.description}`);
    const env = { DATABASE_URL: pgServer.url, JUMEAU_PACKS_DIR: packs, JUMEAU_LOG_LEVEL: 'info', JUMEAU_SHUTDOWN_TIMEOUT_MS: '10000' };
    const portA = 20000 + Math.floor(Math.random() * 20000);
    const a = startServer(dir, portA, env);
    procs.push(a);
    const upA = await waitFor('server A', async () => (await get(`${a.base}/api/health`)).status === 200, 60_000);
    if (!upA) throw new Error(`server A did not start:\n${a.out.join('\n')}`);
    // The second one starts after the first has migrated the database.
    const b = startServer(dir, portA + 1, env);
    procs.push(b);
    if (!(await waitFor('server B', async () => (await get(`${b.base}/api/health`)).status === 200, 60_000))) throw new Error(`server B did not start:\n${b.out.join('\n')}`);

    // ---- Compression and cache headers ----
    const indexBr = await get(`${a.base}/`, { encoding: 'br, gzip' });
    check('GET / is 200, brotli', indexBr.status === 200 && indexBr.headers.get('content-encoding') === 'br', `${indexBr.status} ${indexBr.headers.get('content-encoding')}`);
    check('index.html is no-cache', indexBr.headers.get('cache-control') === 'no-cache', String(indexBr.headers.get('cache-control')));
    const html = decode(indexBr).toString('utf8');
    const assets = [...new Set([...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!))];
    check('index.html loads hashed assets', assets.length > 0, html.slice(0, 200));
    let raw = Buffer.byteLength(html), brBytes = indexBr.body.length, gzBytes = (await get(`${a.base}/`, { encoding: 'gzip' })).body.length;
    for (const asset of assets) {
      const r = await get(`${a.base}${asset}`, { encoding: 'br, gzip' });
      const g = await get(`${a.base}${asset}`, { encoding: 'gzip' });
      const plain = await get(`${a.base}${asset}`);
      check(`${asset}: immutable for a year`, r.headers.get('cache-control') === 'public, max-age=31536000, immutable', String(r.headers.get('cache-control')));
      check(`${asset}: brotli, gzip, identity all decode to the same bytes`, r.headers.get('content-encoding') === 'br' && g.headers.get('content-encoding') === 'gzip' && decode(r).equals(plain.body) && decode(g).equals(plain.body));
      raw += plain.body.length;
      brBytes += r.body.length;
      gzBytes += g.body.length;
    }
    const sw = await get(`${a.base}/sw.js`, { encoding: 'br' });
    check('sw.js is no-cache', sw.status === 200 && sw.headers.get('cache-control') === 'no-cache', `${sw.status} ${sw.headers.get('cache-control')}`);
    const tile = await get(`${a.base}/packs/demo/tiles/0.glb`);
    const etag = tile.headers.get('etag');
    check('pack tile has an ETag', tile.status === 200 && etag !== null, `${tile.status}`);
    const again = await get(`${a.base}/packs/demo/tiles/0.glb`, { headers: { 'if-none-match': etag ?? '' } });
    check('pack tile answers 304 to its ETag', again.status === 304, String(again.status));

    // ---- Health, readiness, logs ----
    const health = await get(`${a.base}/api/health`);
    check('/api/health 200', health.status === 200);
    const ready = await get(`${a.base}/api/ready`);
    check('/api/ready 200 with PostgreSQL up', ready.status === 200 && (JSON.parse(ready.body.toString()) as { database: string }).database === 'postgresql', ready.body.toString());
    const rid = (await get(`${a.base}/api/health`, { headers: { 'x-request-id': 'smoke-request-1' } })).headers.get('x-request-id');
    check('request id echoed', rid === 'smoke-request-1', String(rid));
    await new Promise((r) => setTimeout(r, 200));
    const access = a.out.map((l) => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return null; } }).filter((l) => l !== null && l.msg === 'request');
    check('JSON access log lines with request ids', access.some((l) => l!.reqId === 'smoke-request-1' && l!.status === 200 && typeof l!.ms === 'number'), a.out.slice(-3).join(' | '));

    // ---- A rate limit shared by the two processes (login: 10 per 15 minutes per client) ----
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await fetch(`${(i % 2 === 0 ? a : b).base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
    check('login limit reached across two processes (10 allowed in all, the 11th refused)', statuses.slice(0, 10).every((s) => s !== 429) && statuses[10] === 429, statuses.join(','));

    // ---- Readiness follows PostgreSQL ----
    pgServer.pause!();
    log('PostgreSQL stopped');
    check('/api/ready 503 while PostgreSQL is stopped', await waitFor('503', async () => (await get(`${a.base}/api/ready`)).status === 503, 20_000));
    check('/api/health still 200 while PostgreSQL is stopped', (await get(`${a.base}/api/health`)).status === 200);
    pgServer.resume!();
    log('PostgreSQL started again');
    check('/api/ready 200 again once PostgreSQL is back (both processes)', (await waitFor('ready A', async () => (await get(`${a.base}/api/ready`)).status === 200, 30_000)) && (await waitFor('ready B', async () => (await get(`${b.base}/api/ready`)).status === 200, 30_000)));

    // ---- Graceful stop ----
    for (const p of [a, b]) p.child.kill('SIGTERM');
    const codes = await Promise.all([a, b].map((p) => Promise.race([p.exited, new Promise<string>((r) => setTimeout(() => r('timeout'), 15_000))])));
    check('SIGTERM: both exit 0', codes.every((c) => c === 0), codes.join(','));
    check('SIGTERM: logged the shutdown', a.out.some((l) => l.includes('"msg":"stopped"')));

    // ---- Sub-path (server side: the same build answers under /jumeau/) ----
    const c = startServer(dir, portA + 2, { ...env, JUMEAU_BASE_PATH: '/jumeau/' });
    procs.push(c);
    if (await waitFor('server C', async () => (await get(`${c.base}/jumeau/api/health`)).status === 200, 60_000)) {
      check('sub-path: /jumeau/ serves the app', (await get(`${c.base}/jumeau/`)).status === 200);
      const root = await get(`${c.base}/`);
      check('sub-path: / redirects to /jumeau/', root.status === 302 && root.headers.get('location') === '/jumeau/', `${root.status} ${root.headers.get('location')}`);
    } else check('sub-path server started', false, c.out.join('\n'));
    c.child.kill('SIGTERM');
    await c.exited;

    const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
    log(`first view (index.html + ${assets.length} assets): ${kb(raw)} raw, ${kb(brBytes)} brotli (${((100 * brBytes) / raw).toFixed(0)} %), ${kb(gzBytes)} gzip (${((100 * gzBytes) / raw).toFixed(0)} %)`);
  } finally {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    pgServer?.stop();
    if (process.env.JUMEAU_SMOKE_KEEP === '1') log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    console.error(`deployment smoke test: ${failures.length} check(s) failed: ${failures.join('; ')}`);
    process.exit(1);
  }
  log(`deployment smoke test passed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

main().catch((e: unknown) => {
  console.error(`deployment smoke test failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
