import type { RandomAccess } from './tiles-archive.ts';
import { fetchWithRetry, readBytes } from '../../sources/http.ts';

/**
 * Random access to a file on a server by HTTP range requests (a `.3tz` by URL is then read like a
 * file from disk: its central directory, then one tile per request, never the whole archive).
 * `openRangeAccess` probes with `Range: bytes=0-0`; a server that ignores ranges (200), or whose
 * CORS policy hides `Content-Range`, gives null and the caller downloads the whole file instead.
 */
export async function openRangeAccess(url: string, o: { signal?: AbortSignal; fetchImpl?: typeof fetch } = {}): Promise<RandomAccess | null> {
  const common = { timeoutMs: 30_000, retries: 1, ...(o.signal !== undefined ? { signal: o.signal } : {}), ...(o.fetchImpl !== undefined ? { fetchImpl: o.fetchImpl } : {}) };
  const probe = await fetchWithRetry(url, { ...common, headers: { Range: 'bytes=0-0' } });
  const total = /\/(\d+)\s*$/.exec(probe.headers.get('content-range') ?? '')?.[1];
  await probe.body?.cancel().catch(() => undefined);
  if (probe.status !== 206 || total === undefined) return null;
  const size = Number(total);
  return {
    size,
    async read(offset, length) {
      const end = Math.min(size, offset + length) - 1;
      if (end < offset) return new Uint8Array(0);
      const res = await fetchWithRetry(url, { ...common, headers: { Range: `bytes=${offset}-${end}` } });
      if (res.status !== 206) {
        await res.body?.cancel().catch(() => undefined);
        throw new Error(`${url}: the server stopped answering range requests (HTTP ${res.status})`);
      }
      const bytes = await readBytes(res, url, end - offset + 1);
      if (bytes.length !== end - offset + 1) throw new Error(`${url}: a range answer of ${bytes.length} bytes, ${end - offset + 1} asked`);
      return bytes;
    },
  };
}
