import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { basePathFromEnv, createServer, logLevelFromEnv } from './app.ts';

/**
 * `npm run serve`: the production build and the API on one port. `npm run build` compiles this
 * file to `dist-server/server/main.js`, which runs with `node` alone (no dev dependency);
 * `tsx server/main.ts --prod` runs the same from the sources. Without `--prod` it is the
 * development server (what `npm start` uses).
 *
 * Options: --port N (default $PORT, else 4173 in production and 5173 in development),
 * --host H (default $HOST, else 127.0.0.1). Environment: JUMEAU_DIST_DIR (the built app, default
 * dist/), JUMEAU_PACKS_DIR (default packs/), JUMEAU_BASE_PATH, JUMEAU_LOG_LEVEL,
 * JUMEAU_SHUTDOWN_TIMEOUT_MS, and the database's (see README, "Deploying").
 *
 * SIGTERM or SIGINT: stop accepting connections, finish the requests in flight (at most
 * JUMEAU_SHUTDOWN_TIMEOUT_MS, default 10 s), close the database, exit 0.
 */

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The project folder: the nearest folder above this file with a package.json (sources or dist-server/). */
export function projectRoot(from = import.meta.dirname): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return resolve(import.meta.dirname, '..');
    dir = up;
  }
}

/** Where the city packs are: `$JUMEAU_PACKS_DIR`, else `packs/` in the project. */
function packsFolder(root: string): string {
  return resolve(process.env.JUMEAU_PACKS_DIR ?? join(root, 'packs'));
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
}

export async function startServer(mode: 'dev' | 'prod', port: number, host: string): Promise<string> {
  return (await startServerInstance(mode, port, host)).url;
}

export async function startServerInstance(mode: 'dev' | 'prod', port: number, host: string): Promise<RunningServer> {
  const root = projectRoot();
  const basePath = basePathFromEnv();
  const app = await createServer({
    mode,
    packsDir: packsFolder(root),
    distDir: resolve(process.env.JUMEAU_DIST_DIR ?? join(root, 'dist')),
    rootDir: root,
    logger: { level: logLevelFromEnv(mode) },
    basePath,
  });
  await app.listen({ port, host });
  const shown = host === '0.0.0.0' || host === '127.0.0.1' ? 'localhost' : host;
  const url = `http://${shown}:${port}${mode === 'prod' ? basePath : '/'}`;
  const timeoutMs = Number(process.env.JUMEAU_SHUTDOWN_TIMEOUT_MS ?? 10_000);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: no new connections, finishing the requests in flight');
    const force = setTimeout(() => {
      app.log.error({ timeoutMs }, 'shutdown took too long: exiting with requests unfinished');
      process.exit(1);
    }, Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : 10_000);
    force.unref();
    try {
      await app.close();
      app.log.info('stopped');
      process.exit(0);
    } catch (e) {
      app.log.error({ err: e instanceof Error ? e.message : String(e) }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return { url, app };
}

const self = process.argv[1] === undefined ? '' : resolve(process.argv[1]);
if (import.meta.filename === self || import.meta.url === `file://${process.argv[1]}`) {
  const mode = process.argv.includes('--prod') ? 'prod' : 'dev';
  const port = Number(arg('port') ?? process.env.PORT ?? (mode === 'prod' ? 4173 : 5173));
  const host = arg('host') ?? process.env.HOST ?? '127.0.0.1';
  startServerInstance(mode, port, host)
    .then(({ url }) => {
      console.log(`Jumeau (${mode === 'prod' ? 'production build' : 'development'}) is running at ${url}`);
    })
    .catch((e: unknown) => {
      console.error(`Jumeau server failed to start: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    });
}
