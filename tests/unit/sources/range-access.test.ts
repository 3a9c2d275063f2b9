import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { openRangeAccess } from '../../../src/features/userdata/range-access.ts';
import { openTilesArchive } from '../../../src/features/userdata/tiles-archive.ts';

const enc = (s: string) => new TextEncoder().encode(s);

/** A fake server for one file: answers ranges (206) or, with ranges off, the whole body (200). */
function server(body: Uint8Array, ranges: boolean) {
  const asked: string[] = [];
  const fetchImpl = ((_url: string, init?: RequestInit) => {
    const range = (init?.headers as Record<string, string> | undefined)?.Range;
    asked.push(range ?? 'all');
    const m = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
    if (!ranges || m === null) return Promise.resolve(new Response(body as Uint8Array<ArrayBuffer>, { status: 200 }));
    const a = Number(m[1]), b = Math.min(body.length - 1, Number(m[2]));
    return Promise.resolve(new Response(body.slice(a, b + 1), { status: 206, headers: { 'content-range': `bytes ${a}-${b}/${body.length}` } }));
  }) as typeof fetch;
  return { fetchImpl, asked };
}

describe('range access to a .3tz by URL', () => {
  it('reads the directory and one tile by ranges, never the whole archive', async () => {
    const big = new Uint8Array(300_000).map((_, i) => (i * 31) & 255);
    const z = zipSync({ 'tileset.json': enc('{"asset":{"version":"1.1"}}'), 'tiles/big.glb': [big, { level: 0 }], 'tiles/small.glb': enc('small') });
    const s = server(z, true);
    const access = (await openRangeAccess('https://example.org/city.3tz', { fetchImpl: s.fetchImpl }))!;
    expect(access.size).toBe(z.length);
    const a = await openTilesArchive(access, 'city.3tz');
    expect(new TextDecoder().decode((await a.read('tiles/small.glb'))!)).toBe('small');
    expect(s.asked).not.toContain('all');
    // Bytes asked: the probe, the tail, the directory, one local header and the small tile.
    const asked = s.asked.slice(1).map((r) => r.split('=')[1]!.split('-').map(Number)).reduce((n, [x, y]) => n + y! - x! + 1, 0);
    expect(asked).toBeLessThan(z.length / 2);
  });

  it('gives null when the server ignores ranges (the caller then downloads the whole file)', async () => {
    const s = server(enc('whatever'), false);
    expect(await openRangeAccess('https://example.org/a.3tz', { fetchImpl: s.fetchImpl })).toBeNull();
  });
});
