import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE_ID, seedSample } from '../../server/consult/seed.ts';
import { openDatabase } from '../../server/db/database.ts';
import { migrate } from '../../server/db/migrate.ts';
import { comment, fakeDistDir } from './helpers/consult-client.ts';

/**
 * PGlite durability (issue 22), what can be tested: the production server on a PGlite folder, in
 * its own process, acknowledges comments (201); the process is then killed with SIGKILL right
 * after the last answer — no shutdown, no flush — and every acknowledged comment is in the folder
 * when it is opened again. (A power loss is another matter: see README, "Deploying".)
 */

const root = resolve(import.meta.dirname, '..', '..');

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = netServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

function start(dir: string, port: number): Promise<ChildProcess> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'server', 'main.ts'), '--prod', '--port', String(port), '--host', '127.0.0.1'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, JUMEAU_PGLITE_DIR: dir, DATABASE_URL: '', JUMEAU_DIST_DIR: fakeDistDir(), JUMEAU_PACKS_DIR: join(fakeDistDir(), 'packs'), JUMEAU_LOG_LEVEL: 'warn', JUMEAU_TRUST_PROXY: '' },
    });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => rej(new Error(`the server did not start within 120 s: ${err}`)), 120_000);
    child.once('exit', (code) => rej(new Error(`the server exited (${code}): ${err}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (/is running at/.test(line)) {
        clearTimeout(timer);
        res(child);
      }
    });
  });
}

describe('PGlite durability', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jumeau-durability-'));
  let child: ChildProcess | null = null;
  afterAll(() => {
    if (child !== null && child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged comment after the server process is killed with SIGKILL', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: dir });
    await migrate(db);
    await seedSample(db);
    await db.close();

    const port = await freePort();
    child = await start(dir, port);
    const base = `http://127.0.0.1:${port}`;
    const me = await fetch(`${base}/api/me`);
    const cookie = (me.headers.get('set-cookie') ?? '').split(';')[0]!;
    const csrf = ((await me.json()) as { csrfToken: string }).csrfToken;
    const acknowledged: string[] = [];
    const post = async (i: number) => {
      const res = await fetch(`${base}/api/consultations/${SAMPLE_ID}/contributions`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: JSON.stringify(comment(`durable ${i}`, 'Camille')),
      });
      if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
      else throw new Error(`comment ${i}: ${res.status} ${await res.text()}`);
    };
    for (let i = 0; i < 10; i++) await post(i);
    // Ten at once, then SIGKILL as soon as the last answer arrives.
    await Promise.all(Array.from({ length: 10 }, (_, i) => post(10 + i)));
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    expect(acknowledged).toHaveLength(20);

    // The killed process left its lock file: the next opener takes it over (its pid is gone).
    const again = await openDatabase({ kind: 'pglite', dataDir: dir });
    try {
      const rows = await again.query<{ id: string }>('SELECT id::text AS id FROM contributions WHERE id = ANY($1::uuid[])', [acknowledged]);
      expect(rows.map((r) => r.id).sort()).toEqual([...acknowledged].sort());
    } finally {
      await again.close();
    }
  }, 300_000);
});
