import { join, resolve } from 'node:path';
import { createServer } from '../server/app.ts';
import { packsDir } from '../src/city/node/pack.ts';

/**
 * The production server for the consultation load benchmark (bench/suites/server.ts), in its own
 * process so that the load generator does not share its event loop: the built app, the API on
 * PGlite in the folder given, and per-IP rate limits raised (every request of a benchmark comes
 * from 127.0.0.1; the limiter still runs on every request). Prints its port, then serves until
 * killed.
 */
const dataDir = process.argv[2];
if (dataDir === undefined) throw new Error('usage: consult-server.ts <pglite folder>');
const root = resolve(import.meta.dirname, '..');
const high = { max: 100_000_000, timeWindowMs: 60_000 };
const app = await createServer({
  mode: 'prod',
  packsDir: packsDir(),
  distDir: join(root, 'dist'),
  rootDir: root,
  consult: { db: { kind: 'pglite', dataDir }, limits: { read: high, me: high, contribute: high, vote: high, login: high, moderate: high }, bootstrapAdmin: null },
});
await app.listen({ port: 0, host: '127.0.0.1' });
const a = app.server.address();
console.log(JSON.stringify({ port: typeof a === 'object' && a !== null ? a.port : 0 }));
const stop = () => void app.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
