import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * A local HTTP server that replays recorded (or hand-written) WFS answers, for testing `fetch`
 * without the network. A replay folder holds `replay.json` and the bodies it names:
 *
 * ```json
 * { "format": "jumeau-wfs-replay", "version": 1,
 *   "responses": [
 *     { "match": { "REQUEST": "GetFeature", "STARTINDEX": "0" }, "body": "page-0.json" },
 *     { "match": { "STARTINDEX": "3" }, "status": 503, "text": "busy", "times": 2 },
 *     { "match": { "STARTINDEX": "3" }, "body": "page-1.json", "headers": { "content-type": "application/json" } }
 *   ] }
 * ```
 *
 * A request is answered by the first response whose `match` entries all equal its query
 * parameters (names compared case-insensitively, values exactly) and that has answers left
 * (`times`, default unlimited): so a failure that lasts `times` requests is followed by the next
 * entry with the same match. `body` is a file of the folder, `text` an inline body; `status`
 * defaults to 200, `content-type` to application/json; `delayMs` waits before answering, and
 * `"drop": true` closes the connection without an answer. Unmatched requests get a 404 naming
 * the parameters. Every request is logged (`requests`).
 */

const responseSchema = z.object({
  match: z.record(z.string(), z.string()),
  status: z.number().int().min(100).max(599).default(200),
  body: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a file name in the replay folder').optional(),
  text: z.string().optional(),
  headers: z.record(z.string(), z.string()).default({}),
  times: z.number().int().min(1).optional(),
  delayMs: z.number().int().min(0).max(60_000).optional(),
  drop: z.boolean().optional(),
});

export const replaySchema = z.object({
  format: z.literal('jumeau-wfs-replay'),
  version: z.literal(1),
  description: z.string().optional(),
  responses: z.array(responseSchema),
});

export interface ReplayServer {
  server: Server;
  /** Base URL, e.g. http://127.0.0.1:PORT/wfs */
  url: string;
  /** Query parameters of every request received, in order (names upper-cased). */
  requests: Record<string, string>[];
  close(): Promise<void>;
}

/** Starts a replay server for a folder (port 0: any free port). */
export async function startReplayServer(dir: string, port = 0): Promise<ReplayServer> {
  const spec = replaySchema.parse(JSON.parse(await readFile(join(dir, 'replay.json'), 'utf8')));
  const used = spec.responses.map(() => 0);
  const requests: Record<string, string>[] = [];
  const server = createServer((req, res) => {
    const q: Record<string, string> = {};
    for (const [k, v] of new URL(req.url ?? '/', 'http://x').searchParams) q[k.toUpperCase()] = v;
    requests.push(q);
    const i = spec.responses.findIndex((r, k) => Object.entries(r.match).every(([mk, mv]) => q[mk.toUpperCase()] === mv) && (r.times === undefined || used[k]! < r.times));
    if (i < 0) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`no recorded answer for ${JSON.stringify(q)}`);
      return;
    }
    used[i]!++;
    const r = spec.responses[i]!;
    const answer = async () => {
      if (r.drop === true) {
        req.socket.destroy();
        return;
      }
      const body = r.body !== undefined ? await readFile(join(dir, r.body)) : Buffer.from(r.text ?? '');
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers, 'content-length': body.length });
      res.end(body);
    };
    setTimeout(() => {
      answer().catch((e: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e));
      });
    }, r.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const a = server.address();
  const p = typeof a === 'object' && a !== null ? a.port : port;
  return {
    server,
    url: `http://127.0.0.1:${p}/wfs`,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
