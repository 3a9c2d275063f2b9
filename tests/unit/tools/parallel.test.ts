import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCity, type BuildResult } from '../../../src/city/node/build.ts';
import { checkPack } from '../../../src/city/node/checks.ts';
import { formatProgress } from '../../../src/city/progress.ts';
import { writeSynthGeoJson } from '../../../src/city/node/synth.ts';
import { countWithLoadersGl } from '../../support/loadersgl-consumer.ts';

async function hashDir(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out[p.slice(dir.length)] = createHash('sha256').update(await readFile(p)).digest('hex');
  }
  return out;
}

describe('parallel tile writing, synthetic city', () => {
  let tmp: string;
  let input: string;
  const results: BuildResult[] = [];
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'jumeau-parallel-'));
    input = join(tmp, 'synth.geojson');
    await writeSynthGeoJson(input, { buildings: 2500 });
    for (const workers of [0, 1, 2]) {
      results.push(await buildCity({ inputs: [input], outDir: join(tmp, `w${workers}`, 'synth'), attribution: { publisher: 'p', licence: 'CC0 1.0', date: 'generated' }, synthetic: true, workers, tiler: { maxFeatures: 600, internalFeatures: 200 } }));
    }
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('gives the same bytes with 0 (in-process), 1 and 2 worker threads', async () => {
    const [a, b, c] = await Promise.all([0, 1, 2].map((w) => hashDir(join(tmp, `w${w}`, 'synth'))));
    expect(Object.keys(a!).length).toBeGreaterThan(6);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    expect(results.map((r) => r.workers)).toEqual([0, 1, 2]);
  });

  it('writes a valid pack, with at most the tile limit per tile, that loaders.gl reads with every feature', async () => {
    const r = results[0]!;
    expect(r.buildings).toBe(2500);
    expect(r.rejected).toEqual([]);
    expect(r.stats.featuresPerTile.max).toBeLessThanOrEqual(600);
    const dir = join(tmp, 'w0', 'synth');
    const check = await checkPack(dir);
    expect(check.errors).toEqual([]);
    expect(check.features).toBe(2500);
    const consumer = await countWithLoadersGl(dir);
    expect(consumer.features).toBe(r.buildings);
    expect(consumer.featureIdsOnVertices).toBe(r.buildings);
    expect(new Set(consumer.ids).size).toBe(r.buildings);
    expect(consumer.contents).toBe(r.stats.tiles);
    // Synthetic heights: some from storeys, flagged.
    expect(r.warnings.join('\n')).toMatch(/from a number of storeys/);
    // The comparison can fail: a pack that lost a tile counts fewer features.
    const tampered = join(tmp, 'tampered');
    await cp(dir, tampered, { recursive: true });
    const ts = JSON.parse(await readFile(join(tampered, 'tileset.json'), 'utf8')) as { root: { children: unknown[] } };
    ts.root.children = ts.root.children.slice(1);
    await writeFile(join(tampered, 'tileset.json'), JSON.stringify(ts));
    expect((await countWithLoadersGl(tampered)).features).toBeLessThan(r.buildings);
  });

  it('the synthetic generator is deterministic', async () => {
    const again = join(tmp, 'again.geojson');
    await writeSynthGeoJson(again, { buildings: 2500 });
    expect(await readFile(again)).toEqual(await readFile(input));
  });

  it('formats progress with rate and ETA', () => {
    expect(formatProgress({ phase: 'tiles', done: 250, total: 1000, unit: 'buildings', elapsedS: 2 }, 10)).toBe('tiles    [###-------]  25% 250/1000 buildings · 125 buildings/s · ETA 6 s');
    expect(formatProgress({ phase: 'tiles', done: 50_000, total: 50_000, unit: 'buildings', elapsedS: 125, note: '85 tiles' }, 4)).toBe('tiles    [####] 100% 50k/50k buildings · 400 buildings/s · 2 min 5 s · 85 tiles');
    expect(formatProgress({ phase: 'read', done: 0, total: 10, unit: 'MB', elapsedS: 0 }, 4)).toBe('read     [----]   0% 0.0/10 MB · 0.0 MB/s · ETA ?');
  });
});
