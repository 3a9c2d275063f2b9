import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { packGltf } from '../../src/core/gltf-io.ts';
import { bytesAccess, openTilesArchive, type RandomAccess } from '../../src/features/userdata/tiles-archive.ts';
import type { BenchRow, BenchSuite } from '../types.ts';

/**
 * Local 3D Tiles (.3tz) reading: the demo pack zipped as a .3tz (real tiles, deflated), and a
 * synthetic archive of 20,000 small entries (labelled synthetic). Figures: time to open (central
 * directory only), bytes read to open as a share of the archive (the memory bound), mean time per
 * tile read, and the ratio to unzipping the whole archive at once (what a naive reader would do).
 */

const counting = (a: RandomAccess) => {
  let read = 0;
  return { access: { size: a.size, read: (o: number, l: number) => ((read += l), a.read(o, l)) } satisfies RandomAccess, read: () => read };
};

async function time(fn: () => Promise<unknown> | unknown, minMs = 400): Promise<number> {
  await fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    await fn();
    n++;
  }
  return (performance.now() - t0) / n;
}

function zipDir(root: string): Uint8Array {
  const files: Zippable = {};
  const walk = (dir: string, rel: string) => {
    for (const n of readdirSync(dir)) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p, `${rel}${n}/`);
      else if (rel !== '' || n === 'tileset.json') files[`${rel}${n}`] = [new Uint8Array(readFileSync(p)), { level: 6 }];
    }
  };
  walk(root, '');
  return zipSync(files);
}

export const userdataTilesSuite: BenchSuite = {
  name: 'userdata-tiles',
  description: '.3tz archives read lazily: open time, bytes read to open, per-tile read, × whole unzip; .gltf → GLB packing',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const demo = zipDir(join(ctx.root, 'packs/demo'));
    const synthetic: Zippable = { 'tileset.json': new TextEncoder().encode('{"asset":{"version":"1.1"}}') };
    for (let i = 0; i < 20_000; i++) synthetic[`content/${i % 16}/${i}.glb`] = [new Uint8Array(256).fill(i % 251), { level: 6 }];
    const big = zipSync(synthetic);
    for (const [label, z] of [['demo pack as .3tz (real tiles)', demo], ['20,000-entry .3tz (synthetic)', big]] as const) {
      const c = counting(bytesAccess(z));
      const a = await openTilesArchive(c.access, 'x.3tz');
      const openBytes = c.read();
      const paths = a.paths();
      const openMs = await time(() => openTilesArchive(bytesAccess(z), 'x.3tz'));
      const sample = paths.filter((_, i) => i % Math.max(1, Math.floor(paths.length / 200)) === 0);
      const readMs = (await time(async () => {
        for (const p of sample) await a.read(p);
      })) / sample.length;
      const unzipMs = await time(() => unzipSync(z));
      ctx.log(`${label}: ${paths.length} entries, open ${openMs.toFixed(2)} ms, ${readMs.toFixed(3)} ms/tile`);
      rows.push(
        { suite: 'userdata-tiles', metric: `${label}: open (central directory)`, value: Number(openMs.toFixed(2)), unit: 'ms', note: `${paths.length} entries, ${(z.length / 1048576).toFixed(2)} MB` },
        { suite: 'userdata-tiles', metric: `${label}: bytes read to open / archive size`, value: Number((openBytes / z.length).toFixed(3)), unit: 'ratio' },
        { suite: 'userdata-tiles', metric: `${label}: one tile read and inflated`, value: Number(readMs.toFixed(3)), unit: 'ms' },
        { suite: 'userdata-tiles', metric: `${label}: open × whole-archive unzip`, value: Number((openMs / unzipMs).toFixed(4)), unit: '×' },
      );
    }
    // .gltf + 8 MB .bin → GLB (a copy; synthetic buffer).
    const bin = new Uint8Array(8 * 1048576).map((_, i) => i & 255);
    const json = new TextEncoder().encode(JSON.stringify({ asset: { version: '2.0' }, buffers: [{ uri: 'b.bin', byteLength: bin.length }], bufferViews: [{ buffer: 0, byteLength: bin.length }] }));
    const packMs = await time(() => packGltf('m.gltf', json, new Map([['b.bin', bin]])));
    rows.push({ suite: 'userdata-tiles', metric: '.gltf + 8 MB .bin packed to GLB (synthetic)', value: Number(packMs.toFixed(1)), unit: 'ms', note: `${(8 / (packMs / 1000)).toFixed(0)} MB/s` });
    return rows;
  },
};
