import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { RateLimitOptions } from '@fastify/rate-limit';
import { z, type ZodType } from 'zod';
import { apiErrorSchema } from '../../src/core/schemas/consultation.ts';

/**
 * Routes declared once, with zod schemas for their parameters, query, body and answers: the
 * wrapper validates every input with them (a 400 names each field and the reason) and the
 * OpenAPI 3.1 description is generated from the same schemas (`z.toJSONSchema`, JSON Schema
 * 2020-12, which OpenAPI 3.1 uses as is).
 */

/** An error the API answers with: status, code, readable message, and the fields at fault. */
export class ApiFailure extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: { field: string; reason: string }[],
  ) {
    super(message);
  }
}

export type Access = 'public' | 'participant' | 'moderator' | 'admin';

export interface ResponseDoc {
  description: string;
  schema?: ZodType;
  /** Default application/json. */
  contentType?: string;
}

export interface RouteSpec<P extends ZodType, Q extends ZodType, B extends ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify path, e.g. `/api/consultations/:id`. */
  url: string;
  operationId: string;
  summary: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseDoc>;
  rateLimit?: RateLimitOptions;
  bodyLimit?: number;
}

export interface RouteInput<P, Q, B> {
  req: FastifyRequest;
  reply: FastifyReply;
  params: P;
  query: Q;
  body: B;
}

type Out<T> = T extends ZodType ? z.output<T> : undefined;

/** Formats zod issues as `where.path: reason`. */
export function zodIssues(where: string, error: z.ZodError): { field: string; reason: string }[] {
  return error.issues.map((i) => {
    const path = i.path.map(String);
    if (i.code === 'unrecognized_keys') return { field: [where, ...path].join('.'), reason: `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => JSON.stringify(k)).join(', ')}` };
    return { field: [where, ...path].join('.'), reason: i.message };
  });
}

function parse<T extends ZodType>(schema: T | undefined, value: unknown, where: string): unknown {
  if (schema === undefined) return undefined;
  const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (r.success) return r.data;
  const issues = zodIssues(where, r.error);
  throw new ApiFailure(400, 'invalid-request', issues.map((i) => `${i.field}: ${i.reason}`).join('; '), issues);
}

export interface RouteRegistry {
  add<P extends ZodType = never, Q extends ZodType = never, B extends ZodType = never>(
    spec: RouteSpec<P, Q, B>,
    handler: (input: RouteInput<Out<P>, Out<Q>, Out<B>>) => Promise<unknown>,
  ): void;
  openapi(info: { title: string; version: string; description: string }): Record<string, unknown>;
}

/**
 * A registry bound to a Fastify scope. `guard` runs before validation (authentication, CSRF:
 * 401/403 come before 400, so nothing is revealed about inputs to the unauthenticated).
 */
export function createRegistry(app: FastifyInstance, guard: (req: FastifyRequest, reply: FastifyReply, access: Access, method: string) => Promise<void>): RouteRegistry {
  const specs: RouteSpec<ZodType, ZodType, ZodType>[] = [];
  return {
    add(spec, handler) {
      specs.push(spec as unknown as RouteSpec<ZodType, ZodType, ZodType>);
      app.route({
        method: spec.method as HTTPMethods,
        url: spec.url,
        ...(spec.bodyLimit !== undefined ? { bodyLimit: spec.bodyLimit } : {}),
        config: { rateLimit: spec.rateLimit ?? false },
        handler: async (req, reply) => {
          await guard(req, reply, spec.access, spec.method);
          const params = parse(spec.params, req.params, 'params');
          const query = parse(spec.query, req.query, 'query');
          const body = parse(spec.body, req.body, 'body');
          return handler({ req, reply, params, query, body } as RouteInput<Out<never>, Out<never>, Out<never>>);
        },
      });
    },
    openapi(info) {
      const paths: Record<string, Record<string, unknown>> = {};
      const schemaOf = (s: ZodType, io: 'input' | 'output') => {
        const js = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
        delete js.$schema;
        return js;
      };
      for (const s of specs) {
        const path = s.url.replace(/:([A-Za-z]+)/g, '{$1}');
        const parameters: unknown[] = [];
        for (const [where, schema] of [['path', s.params], ['query', s.query]] as const) {
          if (schema === undefined) continue;
          const js = schemaOf(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
          for (const [name, prop] of Object.entries(js.properties ?? {})) {
            parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: prop });
          }
        }
        const responses: Record<string, unknown> = {};
        for (const [code, r] of Object.entries(s.responses)) {
          responses[code] = {
            description: r.description,
            ...(r.schema !== undefined ? { content: { [r.contentType ?? 'application/json']: { schema: schemaOf(r.schema, 'output') } } } : r.contentType !== undefined ? { content: { [r.contentType]: { schema: { type: 'string' } } } } : {}),
          };
        }
        const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
        responses['400'] ??= { description: 'Invalid input: the message and `issues` name each field and the reason', content: errorContent };
        if (s.access !== 'public') {
          responses['401'] ??= { description: s.access === 'participant' ? 'No valid participant cookie (call GET /api/me first)' : 'Not logged in as a moderator', content: errorContent };
        }
        if (s.method !== 'GET') responses['403'] ??= { description: 'Missing or wrong CSRF token (x-csrf-token), cross-site request (Sec-Fetch-Site, or an Origin that is not this site), or role not allowed', content: errorContent };
        if (s.rateLimit !== undefined) responses['429'] ??= { description: 'Too many requests (see Retry-After)', content: errorContent };
        const security = s.access === 'public' ? (s.method === 'GET' ? [] : [{ participantCookie: [], csrfToken: [] }]) : s.access === 'participant' ? [{ participantCookie: [], csrfToken: [] }] : [{ sessionCookie: [], ...(s.method !== 'GET' ? { csrfToken: [] } : {}) }];
        (paths[path] ??= {})[s.method.toLowerCase()] = {
          operationId: s.operationId,
          summary: s.summary,
          tags: [s.tag],
          ...(parameters.length > 0 ? { parameters } : {}),
          ...(s.body !== undefined ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(s.body, 'input') } } } } : {}),
          responses,
          security,
          'x-access': s.access,
        };
      }
      return {
        openapi: '3.1.0',
        info,
        servers: [{ url: '/' }],
        paths,
        components: {
          schemas: { Error: schemaOf(apiErrorSchema, 'output') },
          securitySchemes: {
            participantCookie: { type: 'apiKey', in: 'cookie', name: 'jumeau_participant', description: 'Pseudonymous participant token, set by GET /api/me (httpOnly)' },
            sessionCookie: { type: 'apiKey', in: 'cookie', name: 'jumeau_session', description: 'Moderator session, set by POST /api/auth/login (httpOnly)' },
            csrfToken: { type: 'apiKey', in: 'header', name: 'x-csrf-token', description: 'CSRF token from GET /api/me or the login answer; required on every change' },
          },
        },
      };
    },
  };
}
