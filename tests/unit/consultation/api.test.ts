import { describe, expect, it } from 'vitest';
import { ConsultError, createConsultClient } from '../../../src/features/consult/api.ts';

type Call = { url: string; method: string; headers: Record<string, string>; body: string | undefined };

/** A fake server: answers from a list of handlers, records the calls. */
function fake(handler: (c: Call, n: number) => { status: number; body?: unknown } | Error) {
  const calls: Call[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const c: Call = { url: String(input), method: init?.method ?? 'GET', headers: (init?.headers ?? {}) as Record<string, string>, body: init?.body as string | undefined };
    calls.push(c);
    const r = handler(c, calls.length);
    if (r instanceof Error) throw r;
    return new Response(r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body), { status: r.status, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const ME = (n: number) => ({ status: 200, body: { csrfToken: `tok${n}`, moderator: null } });
const VOTE = { proposalId: '00000000-0000-4000-8000-000000000001', stance: 'support', support: 3, oppose: 1 };

describe('consultation API client', () => {
  it('gets a CSRF token before a change and sends it', async () => {
    const f = fake((c, n) => (c.url.endsWith('/me') ? ME(n) : { status: 200, body: VOTE }));
    const api = createConsultClient({ fetchImpl: f.fetchImpl });
    const r = await api.vote('place', VOTE.proposalId, 'support');
    expect(r.support).toBe(3);
    expect(f.calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /api/me', `PUT /api/consultations/place/proposals/${VOTE.proposalId}/vote`]);
    expect(f.calls[1]!.headers['x-csrf-token']).toBe('tok1');
    expect(JSON.parse(f.calls[1]!.body!)).toEqual({ stance: 'support' });
  });

  it('renews a stale CSRF token once and retries', async () => {
    let refused = false;
    const f = fake((c, n) => {
      if (c.url.endsWith('/me')) return ME(n);
      if (!refused) {
        refused = true;
        return { status: 403, body: { error: 'csrf', message: 'header x-csrf-token: missing or not valid' } };
      }
      return { status: 200, body: VOTE };
    });
    const api = createConsultClient({ fetchImpl: f.fetchImpl });
    await api.vote('place', VOTE.proposalId, null);
    expect(f.calls.map((c) => c.method)).toEqual(['GET', 'DELETE', 'GET', 'DELETE']);
    expect(f.calls[3]!.headers['x-csrf-token']).toBe('tok3');
  });

  it('shares one /me between concurrent first calls (one participant cookie)', async () => {
    const f = fake((c, n) => (c.url.endsWith('/me') ? ME(n) : { status: 200, body: { votes: {}, contributions: [] } }));
    const api = createConsultClient({ fetchImpl: f.fetchImpl });
    await Promise.all([api.participation('a'), api.participation('b'), api.me()]);
    expect(f.calls.filter((c) => c.url.endsWith('/me')).length).toBe(1);
  });

  it('turns server errors, bad answers and network failures into ConsultErrors with the reason', async () => {
    const issues = [{ field: 'body.text', reason: 'too long: at most 2000 characters' }];
    const api = createConsultClient({ fetchImpl: fake((c, n) => (c.url.endsWith('/me') ? ME(n) : { status: 400, body: { error: 'invalid-request', message: 'body.text: too long', issues } })).fetchImpl });
    const e = await api.contribute('place', { position: { lonDeg: 0, latDeg: 0, heightM: 0 }, category: 'other', text: 'x', displayName: 'y' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConsultError);
    expect(e).toMatchObject({ status: 400, code: 'invalid-request', message: 'body.text: too long', issues });

    const bad = createConsultClient({ fetchImpl: fake(() => ({ status: 200, body: { consultations: [{ id: 42 }] } })).fetchImpl });
    await expect(bad.list()).rejects.toMatchObject({ code: 'bad-answer', message: expect.stringMatching(/\/api\/consultations: unexpected answer/) });

    const html = createConsultClient({ fetchImpl: fake(() => ({ status: 502, body: '<html>Bad gateway</html>' })).fetchImpl });
    await expect(html.list()).rejects.toMatchObject({ status: 502, code: 'bad-answer' });

    const down = createConsultClient({ fetchImpl: fake(() => new TypeError('fetch failed')).fetchImpl });
    await expect(down.get('place')).rejects.toMatchObject({ status: 0, code: 'network', message: expect.stringMatching(/cannot be reached \(fetch failed\)/) });
  });

  it('builds export links', () => {
    const api = createConsultClient({ fetchImpl: fake(() => ({ status: 200 })).fetchImpl });
    expect(api.exportUrl('place', 'csv', false)).toBe('/api/consultations/place/export.csv');
    expect(api.exportUrl('place', 'geojson', true)).toBe('/api/consultations/place/export.geojson?status=all');
  });
});
