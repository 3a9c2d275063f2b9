import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A PostgreSQL server for the integration tests: `DATABASE_URL` when set (CI starts a cluster
 * and exports it), otherwise a throwaway cluster made here with initdb and pg_ctl in a temporary
 * folder (as the `postgres` user when running as root, since PostgreSQL refuses root), listening
 * on a Unix socket only so it cannot clash with anything. Throws — the tests then fail, they do
 * not skip — when neither is possible.
 */

export interface PostgresServer {
  url: string;
  /** What it is, for test names and messages. */
  description: string;
  stop(): void;
  /**
   * Throwaway clusters only (absent for DATABASE_URL): stops the PostgreSQL server but keeps its
   * data (`pause`), and starts it again (`resume`): what the deployment smoke test does to see
   * readiness fail and recover.
   */
  pause?(): void;
  resume?(): void;
}

function pgBin(): string {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath !== '') return join(onPath, '..');
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions[0] === undefined) {
    throw new Error('PostgreSQL is not installed (no initdb on PATH or in /usr/lib/postgresql/*/bin) and DATABASE_URL is not set: install it (apt-get install -y postgresql) or set DATABASE_URL');
  }
  return join(base, versions[0], 'bin');
}

export function startPostgres(): PostgresServer {
  const env = process.env.DATABASE_URL?.trim();
  if (env !== undefined && env !== '') return { url: env, description: 'DATABASE_URL', stop: () => undefined };
  const bin = pgBin();
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'jumeau-pg-'));
  const data = join(dir, 'data');
  const as = (cmd: string, argv: string[]) => (root ? ['runuser', ['-u', 'postgres', '--', cmd, ...argv]] : [cmd, argv]) as [string, string[]];
  const run = (cmd: string, argv: string[]) => {
    const [c, a] = as(cmd, argv);
    execFileSync(c, a, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  };
  const start = () => run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', `-c listen_addresses='' -k ${dir} -c fsync=off -c full_page_writes=off -c max_connections=60`, 'start']);
  try {
    if (root) {
      execFileSync('chown', ['postgres', dir]);
      chmodSync(dir, 0o755);
    }
    run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
    start();
  } catch (e) {
    const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').slice(-2000) : '';
    rmSync(dir, { recursive: true, force: true });
    const err = e as { message: string; stderr?: Buffer };
    throw new Error(`could not start a throwaway PostgreSQL with ${bin}: ${err.stderr?.toString() || err.message}${log ? `\n${log}` : ''}`);
  }
  return {
    url: `postgresql://postgres@/postgres?host=${encodeURIComponent(dir)}`,
    description: `throwaway cluster (${bin})`,
    pause() {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    },
    resume: start,
    stop() {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
