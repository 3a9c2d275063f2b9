import { join, resolve } from 'node:path';
import { packsDir } from '../src/city/node/pack.ts';
import { createServer } from './app.ts';

/**
 * `npm run serve` / `npm run preview`: the production build and the API on one port.
 * `tsx server/main.ts` without `--prod` runs the development server (what `npm start` uses).
 * Options: --port N (default $PORT or 5173), --host H (default 127.0.0.1); JUMEAU_DIST_DIR serves
 * another build folder than dist/ (the e2e tests of parallel work use it).
 */

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export async function startServer(mode: 'dev' | 'prod', port: number, host: string): Promise<string> {
  const root = resolve(import.meta.dirname, '..');
  const app = await createServer({ mode, packsDir: packsDir(), distDir: resolve(process.env.JUMEAU_DIST_DIR ?? join(root, 'dist')), rootDir: root });
  await app.listen({ port, host });
  const shown = host === '0.0.0.0' || host === '127.0.0.1' ? 'localhost' : host;
  const url = `http://${shown}:${port}/`;
  const stop = async () => {
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return url;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const mode = process.argv.includes('--prod') ? 'prod' : 'dev';
  const port = Number(arg('port') ?? process.env.PORT ?? (mode === 'prod' ? 4173 : 5173));
  const host = arg('host') ?? process.env.HOST ?? '127.0.0.1';
  startServer(mode, port, host)
    .then((url) => console.log(`Jumeau (${mode === 'prod' ? 'production build' : 'development'}) is running at ${url}`))
    .catch((e: unknown) => {
      console.error(`Jumeau server failed to start: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    });
}
