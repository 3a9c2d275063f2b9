import { describe, expect, it } from 'vitest';
import { FetchError, fetchJson, fetchWithRetry, probe, readBytes } from '../../../src/sources/http.ts';

const noSleep = async () => undefined;

function scripted(responses: (() => Response | Promise<Response>)[]) {
  let i = 0;
  const calls: string[] = [];
  const impl = (async (url: string) => {
    calls.push(url);
    const r = responses[Math.min(i++, responses.length - 1)]!;
    return r();
  }) as unknown as typeof fetch;
  return { impl, calls };
}

describe('fetchWithRetry', () => {
  it('retries transient failures with backoff, then succeeds', async () => {
    const { impl, calls } = scripted([
      () => { throw new TypeError('Failed to fetch'); },
      () => new Response('busy', { status: 503 }),
      () => new Response('ok'),
    ]);
    const res = await fetchWithRetry('http://x/a', { retries: 3, fetchImpl: impl, sleep: noSleep });
    expect(await res.text()).toBe('ok');
    expect(calls).toHaveLength(3);
  });

  it('does not retry a 404 and names the URL and status', async () => {
    const { impl, calls } = scripted([() => new Response('no', { status: 404, statusText: 'Not Found' })]);
    const err = await fetchWithRetry('http://x/missing.json', { retries: 3, fetchImpl: impl, sleep: noSleep }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).message).toBe('http://x/missing.json: HTTP 404 Not Found');
    expect(calls).toHaveLength(1);
  });

  it('times out a request that never answers', async () => {
    const never = (async (_u: string, init?: RequestInit) =>
      new Promise<Response>((_r, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as unknown as typeof fetch;
    const err = (await fetchWithRetry('http://x/slow', { timeoutMs: 30, fetchImpl: never }).catch((e: unknown) => e)) as FetchError;
    expect(err.kind).toBe('timeout');
    expect(err.reason).toMatch(/30 ms/);
  });

  it('stops when the caller aborts', async () => {
    const c = new AbortController();
    const never = (async (_u: string, init?: RequestInit) =>
      new Promise<Response>((_r, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))) as unknown as typeof fetch;
    const p = fetchWithRetry('http://x/slow', { timeoutMs: 10_000, fetchImpl: never, signal: c.signal, retries: 5 });
    c.abort();
    expect(((await p.catch((e: unknown) => e)) as FetchError).kind).toBe('aborted');
  });

  it('enforces byte limits from the header and while reading', async () => {
    const big = scripted([() => new Response('x'.repeat(100), { headers: { 'content-length': '100' } })]);
    expect(((await fetchWithRetry('http://x/big', { maxBytes: 10, fetchImpl: big.impl }).catch((e: unknown) => e)) as FetchError).kind).toBe('too-large');
    const res = new Response(new ReadableStream({ start(c) { c.enqueue(new Uint8Array(8)); c.enqueue(new Uint8Array(8)); c.close(); } }));
    await expect(readBytes(res, 'http://x/stream', 10)).rejects.toThrow(/limit of 10 bytes/);
  });

  it('names the URL when JSON is malformed', async () => {
    const { impl } = scripted([() => new Response('{"a": ')]);
    await expect(fetchJson('http://x/bad.json', { fetchImpl: impl })).rejects.toThrow(/bad.json: not valid JSON/);
  });

  it('probe never throws', async () => {
    const { impl } = scripted([() => { throw new TypeError('getaddrinfo ENOTFOUND'); }]);
    expect(await probe('http://x/', 100, impl)).toEqual({ ok: false, reason: 'network error (getaddrinfo ENOTFOUND)' });
  });
});
