import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';

/**
 * The database commands as documented (`npm run db:…` runs `tsx server/cli.ts …`), on PGlite
 * folders: the sample consultation, the first moderator with the password on standard input,
 * a backup restored into another folder, and the lock that keeps a second process out.
 */
const root = resolve(import.meta.dirname, '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'jumeau-consult-cli-'));
const dirA = join(tmp, 'a'), dirB = join(tmp, 'b');

function cli(args: string[], o: { dir: string; input?: string; env?: Record<string, string> }) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'server', 'cli.ts'), ...args], {
    cwd: root,
    input: o.input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, DATABASE_URL: '', JUMEAU_PGLITE_DIR: o.dir, JUMEAU_MODERATOR_PASSWORD: '', ...o.env },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('database commands', () => {
  it('seed, create a moderator from standard input, back up and restore', () => {
    const seed = cli(['seed'], { dir: dirA });
    expect(seed.out).toMatch(/created the sample consultation "exemple-place-centrale" \(SAMPLE DATA/);
    expect(seed.code).toBe(0);
    const weak = cli(['moderator', '--email', 'mod@example.org'], { dir: dirA, input: 'short\n' });
    expect(weak.code).toBe(1);
    expect(weak.out).toMatch(/password: too short: at least 12 characters/);
    const mod = cli(['moderator', '--email', 'Mod@Example.org', '--name', 'Modé', '--role', 'admin'], { dir: dirA, input: 'a long enough password\n' });
    expect(mod.out).toMatch(/created admin mod@example.org/);
    expect(mod.code).toBe(0);
    const file = join(tmp, 'backup.json');
    const exp = cli(['export', file], { dir: dirA });
    expect(exp.code).toBe(0);
    const backup = JSON.parse(readFileSync(file, 'utf8')) as { tables: Record<string, unknown[]> };
    expect(backup.tables.moderators).toHaveLength(1);
    expect(backup.tables.contributions).toHaveLength(14);
    const imp = cli(['import', file], { dir: dirB });
    expect(imp.out).toMatch(/imported .*consultations 1, proposals 3, .*moderators 1, contributions 14, votes 115/);
    expect(imp.code).toBe(0);
    // Six CLI processes, each starting tsx and PGlite: minutes on a loaded 2-core machine.
  }, 300_000);

  it('refuses to open a PGlite folder another process holds, naming it', async () => {
    const db = await openDatabase({ kind: 'pglite', dataDir: dirA });
    try {
      const r = cli(['migrate'], { dir: dirA });
      expect(r.code).toBe(1);
      expect(r.out).toContain(`is in use by process ${process.pid}`);
    } finally {
      await db.close();
    }
  }, 120_000);
});
