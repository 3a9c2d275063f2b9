import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCity, type BuildOptions } from '../../../src/city/node/build.ts';
import { checkPack } from '../../../src/city/node/checks.ts';
import { mergeParts } from '../../../src/city/node/pack.ts';
import { writeSynthGeoJson } from '../../../src/city/node/synth.ts';

/** sha256 of every file under `dir` (but the part manifest), by path inside it. */
async function hashDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || e.name === 'part.json') continue;
    const p = join(e.parentPath, e.name);
    out[p.slice(dir.length)] = createHash('sha256').update(await readFile(p)).digest('hex');
  }
  return out;
}

describe('partitioned builds (--partition k/n, merge)', () => {
  let tmp: string;
  let base: Omit<BuildOptions, 'outDir'>;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'jumeau-partition-'));
    const input = join(tmp, 'synth.geojson');
    await writeSynthGeoJson(input, { buildings: 3000 });
    base = { inputs: [input], attribution: { publisher: 'p', licence: 'CC0 1.0', date: 'generated' }, synthetic: true, workers: 0, tiler: { targetFeatures: 250 } };
    await buildCity({ ...base, outDir: join(tmp, 'one', 'synth') });
    for (const k of [1, 2, 3]) await buildCity({ ...base, outDir: join(tmp, `part${k}`, 'synth'), partition: { index: k, count: 3 } });
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('merges the parts into the same bytes as one run', async () => {
    const merged = await mergeParts([3, 1, 2].map((k) => join(tmp, `part${k}`, 'synth')), join(tmp, 'merged', 'synth'));
    const [one, m] = await Promise.all([hashDir(join(tmp, 'one', 'synth')), hashDir(join(tmp, 'merged', 'synth'))]);
    expect(Object.keys(one).length).toBeGreaterThan(12);
    expect(merged.tiles).toBe(Object.keys(one).filter((k) => k.endsWith('.glb')).length);
    expect(m).toEqual(one);
    expect((await checkPack(join(tmp, 'merged', 'synth'), { validate: false })).features).toBe(3000);
  });

  it('refuses incomplete or mixed parts', async () => {
    await expect(mergeParts([join(tmp, 'part1', 'synth'), join(tmp, 'part3', 'synth')], join(tmp, 'bad', 'synth'))).rejects.toThrow(/parts 2\/3 are missing/);
    await expect(mergeParts([join(tmp, 'part1', 'synth'), join(tmp, 'part1', 'synth')], join(tmp, 'bad', 'synth'))).rejects.toThrow(/part 1\/3 is given twice/);
    await expect(mergeParts([join(tmp, 'one', 'synth')], join(tmp, 'bad', 'synth'))).rejects.toThrow(/not a part of a partitioned build/);
  });

  it('a part re-run with unchanged inputs keeps its tiles; with other options it rewrites them', async () => {
    const dir = join(tmp, 'part2', 'synth');
    const before = await hashDir(dir);
    const again = await buildCity({ ...base, outDir: dir, partition: { index: 2, count: 3 } });
    expect(again.stats.reusedTiles).toBe(again.stats.tiles);
    expect(await hashDir(dir)).toEqual(before);
    const changed = await buildCity({ ...base, outDir: dir, partition: { index: 2, count: 3 }, defaultHeightM: 12, storeyHeightM: 2.5, sourceName: 'other' });
    expect(changed.stats.reusedTiles).toBe(0);
  });
});
