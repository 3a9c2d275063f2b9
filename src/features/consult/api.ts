import { z, type ZodType } from 'zod';
import {
  apiErrorSchema,
  consultationListSchema,
  consultationSchema,
  contributionListSchema,
  meSchema,
  moderationListSchema,
  participationSchema,
  summarySchema,
  uuidSchema,
  voteResultSchema,
  type Me,
} from '../../core/schemas/consultation.ts';
import { ConsultError, type ConsultClient } from './client.ts';

export { ConsultError, type ConsultClient, type ModerationItem } from './client.ts';

/**
 * The browser's client of the consultation API (server/consult/api.ts). Every answer is checked
 * against the shared schemas; every failure becomes a `ConsultError` with the server's message
 * (which names the field and the reason), or says that the server could not be reached. Changes
 * carry the CSRF token from `GET /api/me`; when the server says the token or the participant
 * cookie is stale, the client asks for new ones once and retries. (The interface and the error
 * are in client.ts, which the controller uses without this file's fetching.)
 */

export interface ConsultClientOptions {
  /** Default: `api` under the app's base path (`/api`, or `/jumeau/api` under a sub-path). */
  baseUrl?: string;
  fetchImpl?: typeof fetch;
  /** Per request, default 15 s. */
  timeoutMs?: number;
}

const created = z.object({ id: uuidSchema, status: z.literal('pending'), createdAt: z.string() });

/** The client of the consultation API at `o.baseUrl` (default '/api'). */
export function createConsultClient(o: ConsultClientOptions = {}): ConsultClient {
  const base = o.baseUrl ?? `${import.meta.env.BASE_URL}api`;
  const doFetch = o.fetchImpl ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const timeoutMs = o.timeoutMs ?? 15_000;
  let csrf: string | null = null;

  async function raw(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const url = `${base}${path}`;
    let res: Response;
    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (method !== 'GET' && csrf !== null) headers['x-csrf-token'] = csrf;
      res = await doFetch(url, { method, headers, credentials: 'same-origin', signal: controller.signal, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (e) {
      if (controller.signal.aborted) throw new ConsultError(0, 'timeout', `${url}: no answer within ${timeoutMs / 1000} s`);
      throw new ConsultError(0, 'network', `${url}: the consultation server cannot be reached (${e instanceof Error ? e.message : String(e)})`);
    } finally {
      clearTimeout(timer);
    }
    let json: unknown = null;
    const text = await res.text();
    if (text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        throw new ConsultError(res.status, 'bad-answer', `${url}: the answer is not JSON (HTTP ${res.status})`);
      }
    }
    return { status: res.status, json };
  }

  // One /me at a time: concurrent first calls would each get a new participant cookie.
  let pending: Promise<Me> | null = null;
  function me(): Promise<Me> {
    pending ??= (async () => {
      try {
        const m = check(meSchema, await raw('GET', '/me'), '/me');
        csrf = m.csrfToken;
        return m;
      } finally {
        pending = null;
      }
    })();
    return pending;
  }

  function check<T>(schema: ZodType<T>, r: { status: number; json: unknown }, path: string): T {
    if (r.status < 200 || r.status >= 300) {
      const e = apiErrorSchema.safeParse(r.json);
      if (e.success) throw new ConsultError(r.status, e.data.error, e.data.message, e.data.issues ?? []);
      throw new ConsultError(r.status, 'http', `${base}${path}: HTTP ${r.status}`);
    }
    const p = schema.safeParse(r.json);
    if (!p.success) {
      const i = p.error.issues[0];
      throw new ConsultError(r.status, 'bad-answer', `${base}${path}: unexpected answer (${i?.path.join('.') ?? ''}: ${i?.message ?? 'invalid'})`);
    }
    return p.data;
  }

  /** A request with the CSRF token; a stale token or cookie is renewed once. */
  async function send<T>(schema: ZodType<T>, method: string, path: string, body?: unknown): Promise<T> {
    // Changes need the CSRF token, and the resident's own data the participant cookie.
    if (csrf === null && (method !== 'GET' || path.endsWith('/participation'))) await (pending ?? me());
    let r = await raw(method, path, body);
    const code = (r.json as { error?: unknown } | null)?.error;
    if ((r.status === 403 && code === 'csrf') || (r.status === 401 && code === 'participant-cookie')) {
      await me();
      r = await raw(method, path, body);
    }
    return check(schema, r, path);
  }

  const enc = encodeURIComponent;
  return {
    me,
    list: async () => (await send(consultationListSchema, 'GET', '/consultations')).consultations,
    get: (id) => send(consultationSchema, 'GET', `/consultations/${enc(id)}`),
    contributions: (id, category) => send(contributionListSchema, 'GET', `/consultations/${enc(id)}/contributions${category ? `?category=${enc(category)}` : ''}`),
    participation: (id) => send(participationSchema, 'GET', `/consultations/${enc(id)}/participation`),
    summary: (id) => send(summarySchema, 'GET', `/consultations/${enc(id)}/summary`),
    contribute: (id, input) => send(created, 'POST', `/consultations/${enc(id)}/contributions`, input),
    vote: (id, proposalId, stance) =>
      stance === null
        ? send(voteResultSchema, 'DELETE', `/consultations/${enc(id)}/proposals/${enc(proposalId)}/vote`)
        : send(voteResultSchema, 'PUT', `/consultations/${enc(id)}/proposals/${enc(proposalId)}/vote`, { stance }),
    async login(email, password) {
      const m = await send(meSchema, 'POST', '/auth/login', { email, password });
      csrf = m.csrfToken;
      return m;
    },
    async logout() {
      const m = await send(meSchema, 'POST', '/auth/logout');
      csrf = m.csrfToken;
      return m;
    },
    queue: (consultationId) => send(moderationListSchema, 'GET', `/moderation/contributions?consultation=${enc(consultationId)}&status=pending`),
    async moderate(contributionId, input) {
      await send(z.object({ id: z.string() }), 'POST', `/moderation/contributions/${enc(contributionId)}`, input);
    },
    exportUrl: (id, format, all) => `${base}/consultations/${enc(id)}/export.${format}${all ? '?status=all' : ''}`,
  };
}
