import { concatBytes } from '../core/bytes.ts';
/**
 * HTTP fetching for every source: timeout, retries with exponential backoff for transient
 * failures, cancellation by AbortSignal, a byte limit, and errors that say what failed and why.
 */

export type FetchFailure = 'timeout' | 'network' | 'http' | 'aborted' | 'too-large' | 'parse';

/** A failed fetch, with the URL and a reason a user can read. */
export class FetchError extends Error {
  constructor(
    readonly url: string,
    readonly kind: FetchFailure,
    readonly reason: string,
    readonly status?: number,
  ) {
    super(`${url}: ${reason}`);
    this.name = 'FetchError';
  }
}

export interface FetchOptions {
  /** Per attempt, default 15 s. */
  timeoutMs?: number;
  /** Further attempts after a transient failure (network, timeout, 408/429/5xx). Default 0. */
  retries?: number;
  /** First backoff delay, doubled each retry (with ±25 % jitter). Default 300 ms. */
  backoffMs?: number;
  signal?: AbortSignal;
  /** Refuse bodies larger than this (checked on Content-Length and while reading). */
  maxBytes?: number;
  /** Injected for tests. */
  fetchImpl?: typeof fetch;
  headers?: Record<string, string>;
  method?: 'GET' | 'HEAD';
  /** Injected for tests: waits between retries. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function attempt(url: string, o: FetchOptions): Promise<Response> {
  const timeoutMs = o.timeoutMs ?? 15000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('timeout', 'TimeoutError')), timeoutMs);
  const onAbort = () => controller.abort(new DOMException('aborted', 'AbortError'));
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await (o.fetchImpl ?? fetch)(url, {
      signal: controller.signal,
      method: o.method ?? 'GET',
      ...(o.headers !== undefined ? { headers: o.headers } : {}),
    });
    if (!res.ok) throw new FetchError(url, 'http', `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, res.status);
    const len = Number(res.headers.get('content-length') ?? NaN);
    if (o.maxBytes !== undefined && Number.isFinite(len) && len > o.maxBytes) {
      throw new FetchError(url, 'too-large', `${len} bytes, more than the limit of ${o.maxBytes}`);
    }
    return res;
  } catch (e) {
    if (e instanceof FetchError) throw e;
    if (o.signal?.aborted) throw new FetchError(url, 'aborted', 'cancelled');
    if (controller.signal.aborted) throw new FetchError(url, 'timeout', `no answer within ${timeoutMs} ms`);
    throw new FetchError(url, 'network', e instanceof Error && e.message ? `network error (${e.message})` : 'network error');
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/** Fetches a URL; resolves with an OK response or rejects with a FetchError. */
export async function fetchWithRetry(url: string, options: FetchOptions = {}): Promise<Response> {
  const retries = options.retries ?? 0;
  const sleep = options.sleep ?? defaultSleep;
  let delay = options.backoffMs ?? 300;
  for (let i = 0; ; i++) {
    try {
      return await attempt(url, options);
    } catch (e) {
      const err = e as FetchError;
      const transient = err.kind === 'network' || err.kind === 'timeout' || (err.kind === 'http' && TRANSIENT_STATUS.has(err.status ?? 0));
      if (!transient || i >= retries) throw err;
      const jitter = 0.75 + Math.random() * 0.5;
      try {
        await sleep(delay * jitter, options.signal);
      } catch {
        throw new FetchError(url, 'aborted', 'cancelled');
      }
      delay *= 2;
    }
  }
}

/** Reads a body as bytes, enforcing `maxBytes` while streaming. */
export async function readBytes(res: Response, url: string, maxBytes = Infinity): Promise<Uint8Array> {
  if (res.body === null) return new Uint8Array(await res.arrayBuffer());
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw new FetchError(url, 'too-large', `more than the limit of ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return concatBytes(chunks);
}

/** Fetches and parses JSON, with the same limits; a parse failure names the URL. */
export async function fetchJson(url: string, options: FetchOptions = {}): Promise<unknown> {
  const res = await fetchWithRetry(url, options);
  const bytes = await readBytes(res, url, options.maxBytes);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch (e) {
    throw new FetchError(url, 'parse', `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Whether a URL answers with an OK status within the timeout. Never throws. */
export async function probe(url: string, timeoutMs: number, fetchImpl?: typeof fetch): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const res = await fetchWithRetry(url, { timeoutMs, ...(fetchImpl !== undefined ? { fetchImpl } : {}) });
    // Drain nothing: we only needed the status.
    void res.body?.cancel().catch(() => undefined);
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: e instanceof FetchError ? e.reason : String(e) };
  }
}
