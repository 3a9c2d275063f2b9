import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoPack } from '../../../src/city/node/demo-pack.ts';
import { decodeContent, TileError } from '../../../src/city/tiles/content.ts';
import { IDENTITY } from '../../../src/city/tiles/tileset.ts';

/** Tile content decoding: glb, the same glb wrapped in b3dm with an RTC centre, and bad bytes. */

let dir: string;
let glb: ArrayBuffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jumeau-content-'));
  await buildDemoPack({ outDir: join(dir, 'demo') });
  const b = await readFile(join(dir, 'demo', 'tiles', '2', '2.glb'));
  glb = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

function b3dm(inner: ArrayBuffer, featureTable: object): ArrayBuffer {
  const pad = (s: string) => s + ' '.repeat((8 - ((28 + s.length) % 8)) % 8);
  const ft = new TextEncoder().encode(pad(JSON.stringify(featureTable)));
  const total = 28 + ft.length + inner.byteLength;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out.set(new TextEncoder().encode('b3dm'), 0);
  dv.setUint32(4, 1, true);
  dv.setUint32(8, total, true);
  dv.setUint32(12, ft.length, true);
  out.set(ft, 28);
  out.set(new Uint8Array(inner), 28 + ft.length);
  return out.buffer;
}

describe('tile content', () => {
  const sel = { url: 'http://x/tiles/2/2.glb', transform: IDENTITY, upAxis: 'Y' as const };

  it('decodes a quantized, meshopt-compressed glb with building ids from its metadata', async () => {
    const c = await decodeContent(glb, sel, ['id']);
    expect(c.ids.length).toBe(154);
    expect(c.ids[0]).toMatch(/^D\d{5}$/);
    expect(c.indices.length % 3).toBe(0);
    expect(c.positions.length / 3).toBe(c.vertexFeature.length);
    expect(Math.max(...c.indices)).toBeLessThan(c.positions.length / 3);
  });

  it('reads the same glb inside a b3dm, moved by its RTC_CENTER', async () => {
    const a = await decodeContent(glb, sel, ['id']);
    const b = await decodeContent(b3dm(glb, { BATCH_LENGTH: 154, RTC_CENTER: [100, 200, 300] }), { ...sel, url: 'http://x/t.b3dm' }, ['id']);
    expect(b.positions.length).toBe(a.positions.length);
    expect(b.ids).toEqual(a.ids);
    for (let i = 0; i < a.positions.length; i += 3) {
      expect(b.positions[i]! - a.positions[i]!).toBeCloseTo(100, 6);
      expect(b.positions[i + 1]! - a.positions[i + 1]!).toBeCloseTo(200, 6);
      expect(b.positions[i + 2]! - a.positions[i + 2]!).toBeCloseTo(300, 6);
    }
  });

  it('names the tile when its bytes are not a tile, and skips point clouds with a note', async () => {
    await expect(decodeContent(new TextEncoder().encode('not a tile').buffer, sel, ['id'])).rejects.toThrow(TileError);
    await expect(decodeContent(glb.slice(0, 200), sel, ['id'])).rejects.toThrow(/tiles\/2\/2\.glb/);
    const pnts = await decodeContent(new TextEncoder().encode('pnts0000').buffer, { ...sel, url: 'http://x/p.pnts' }, ['id']);
    expect(pnts.positions.length).toBe(0);
    expect(pnts.note).toMatch(/skipped/);
  });
});
