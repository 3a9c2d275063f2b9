import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityPackSchema } from '../../../src/core/schemas/city-pack.ts';
import { enuFrame } from '../../../src/core/geodesy.ts';
import { ringsSelfIntersect, signedArea } from '../../../src/core/geometry/polygon.ts';
import { checkPack } from '../../../src/city/node/checks.ts';
import { buildDemoPack, DEMO_SEED } from '../../../src/city/node/demo-pack.ts';
import { generateDemoDistrict } from '../../../src/city/demo.ts';

async function hashDir(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string, rel: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name), `${rel}${e.name}/`);
      else out.set(`${rel}${e.name}`, createHash('sha256').update(await readFile(join(d, e.name))).digest('hex'));
    }
  };
  await walk(dir, '');
  return out;
}

describe('demo district', () => {
  let tmp: string;
  let result: Awaited<ReturnType<typeof buildDemoPack>>;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'jumeau-demo-'));
    result = await buildDemoPack({ outDir: join(tmp, 'a', 'demo'), openData: false });
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('has at least 5,000 buildings of varied forms, heights and uses, with unique ids', () => {
    const b = result.district.buildings;
    expect(b.length).toBeGreaterThanOrEqual(5000);
    expect(new Set(b.map((x) => x.id)).size).toBe(b.length);
    expect(new Set(b.map((x) => x.use))).toEqual(new Set(['residential', 'commercial', 'office', 'public', 'industrial']));
    const heights = b.map((x) => x.heightM);
    expect(Math.min(...heights)).toBeLessThan(6);
    expect(Math.max(...heights)).toBeGreaterThan(60);
    expect(b.some((x) => x.polygons[0]!.holes.length > 0)).toBe(true); // courtyard buildings
    expect(b.some((x) => x.polygons[0]!.outer.length === 12)).toBe(true); // L shapes
    expect(b.every((x) => x.heightSource === 'synthetic' && x.floors !== null && x.yearBuilt !== null)).toBe(true);
    expect(result.district.streets.length).toBeGreaterThan(20);
    expect(result.district.squares.length).toBeGreaterThan(5);
  });

  it('has valid, non-overlapping footprints', () => {
    const b = result.district.buildings;
    const f = enuFrame({ lonDeg: -1.68, latDeg: 48.11, heightM: 0 });
    const local = b.map((x) => {
      const ring: number[] = [];
      const o = x.polygons[0]!.outer;
      for (let i = 0; i < o.length; i += 2) ring.push(...f.fromGeodetic(o[i]!, o[i + 1]!, 0).slice(0, 2));
      return ring;
    });
    for (const ring of local) {
      expect(Math.abs(signedArea(ring))).toBeGreaterThan(20);
      expect(ringsSelfIntersect([ring])).toBe(false);
    }
    // No building's interior point lies in another building (grid-bucketed check over all pairs nearby).
    const inside = (x: number, y: number, r: number[]) => {
      let c = false;
      for (let i = 0, j = r.length / 2 - 1; i < r.length / 2; j = i++) {
        const xi = r[2 * i]!, yi = r[2 * i + 1]!, xj = r[2 * j]!, yj = r[2 * j + 1]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
      }
      return c;
    };
    const cell = 50;
    const grid = new Map<string, number[]>();
    local.forEach((r, i) => {
      const xs = r.filter((_, k) => k % 2 === 0), ys = r.filter((_, k) => k % 2 === 1);
      for (let gx = Math.floor(Math.min(...xs) / cell); gx <= Math.floor(Math.max(...xs) / cell); gx++)
        for (let gy = Math.floor(Math.min(...ys) / cell); gy <= Math.floor(Math.max(...ys) / cell); gy++) {
          const k = `${gx},${gy}`;
          grid.set(k, [...(grid.get(k) ?? []), i]);
        }
    });
    let overlaps = 0;
    local.forEach((r, i) => {
      // A point just inside the first corner of each footprint.
      const cx = r.filter((_, k) => k % 2 === 0).reduce((a, v) => a + v, 0) / (r.length / 2);
      const cy = r.filter((_, k) => k % 2 === 1).reduce((a, v) => a + v, 0) / (r.length / 2);
      const px = r[0]! + (cx - r[0]!) * 0.05, py = r[1]! + (cy - r[1]!) * 0.05;
      for (const j of grid.get(`${Math.floor(px / cell)},${Math.floor(py / cell)}`) ?? []) if (j !== i && inside(px, py, local[j]!)) overlaps++;
    });
    expect(overlaps).toBe(0);
  });

  it('writes a pack that passes the structural checks and the glTF validator', async () => {
    const dir = join(tmp, 'a', 'demo');
    const check = await checkPack(dir);
    expect(check.errors).toEqual([]);
    expect(check.features).toBe(result.district.buildings.length);
    expect(check.worstOutsideM).toBeLessThan(0.001);
    expect(check.vertices).toBeGreaterThan(100_000);
    const manifest = cityPackSchema.parse(JSON.parse(await readFile(join(dir, 'city.json'), 'utf8')));
    expect(manifest.synthetic).toBe(true);
    expect(manifest.sources.every((s) => s.status === 'synthetic')).toBe(true);
    expect(manifest.report.buildings).toBe(result.district.buildings.length);
    expect(result.stats.featuresPerTile.max).toBeLessThanOrEqual(1000);
    const index = JSON.parse(await readFile(join(tmp, 'a', 'index.json'), 'utf8')) as { packs: { id: string }[] };
    expect(index.packs.map((p) => p.id)).toEqual(['demo']);
  });

  it('is deterministic: the same seed gives the same bytes, another seed another district', async () => {
    const again = await buildDemoPack({ outDir: join(tmp, 'b', 'demo'), openData: false });
    expect(again.stats).toEqual(result.stats);
    expect(await hashDir(join(tmp, 'b', 'demo'))).toEqual(await hashDir(join(tmp, 'a', 'demo')));
    const other = generateDemoDistrict({ seed: DEMO_SEED + 1 });
    expect(other.buildings.map((b) => b.heightM)).not.toEqual(result.district.buildings.map((b) => b.heightM));
  });

  it('the checks fail on a tampered pack', async () => {
    const dir = join(tmp, 'tampered');
    await cp(join(tmp, 'a', 'demo'), dir, { recursive: true });
    const ts = JSON.parse(await readFile(join(dir, 'tileset.json'), 'utf8')) as { root: { content: { uri: string; boundingVolume: { region: number[] } }; children: { geometricError: number }[] } };
    const r = ts.root.content.boundingVolume.region;
    const w = r[2]! - r[0]!;
    ts.root.content.boundingVolume.region = [r[0]! + w / 2, r[1]!, r[2]!, r[3]!, r[4]!, r[5]!];
    ts.root.children[0]!.geometricError = 1e9;
    await writeFile(join(dir, 'tileset.json'), JSON.stringify(ts));
    const check = await checkPack(dir);
    const text = check.errors.join('\n');
    expect(text).toMatch(/outside its content region/);
    expect(text).toMatch(/larger than its parent/);
  });

  it('the validator reports a corrupted glb', async () => {
    const dir = join(tmp, 'corrupt');
    await cp(join(tmp, 'a', 'demo'), dir, { recursive: true });
    const ts = JSON.parse(await readFile(join(dir, 'tileset.json'), 'utf8')) as { root: { content: { uri: string } } };
    const path = join(dir, ts.root.content.uri);
    const glb = await readFile(path);
    glb.writeUInt32LE(0xdeadbeef, 20); // JSON chunk type
    await writeFile(path, glb);
    const check = await checkPack(dir);
    expect(check.errors.join('\n')).toContain(`${ts.root.content.uri}: `);
    expect(check.errors.join('\n')).toMatch(/glTF validation errors|cannot be read as glTF/);
  });
});
