import { z } from 'zod';
import { describeIssues, issuesOf } from '../core/schemas/city.ts';

/**
 * Run-time configuration: what a deployment decides when its server starts, not when the app is
 * built — the default city, the cities offered (city files, src/core/schemas/city.ts) and where
 * the packs live (a local folder or an HTTPS base URL / CDN). The app reads it from
 * `api/config` (server/config-route.ts builds it from the environment and a folder of city
 * files); without one (404) the build's settings and shipped cities apply. Pure: the fetch is
 * injected.
 */

export const RUNTIME_CONFIG_FORMAT = 'jumeau-config';

export const runtimeConfigSchema = z
  .object({
    format: z.literal(RUNTIME_CONFIG_FORMAT),
    version: z.literal(1),
    /** City opened when the link names none ('' : the online city if it answers, else the demo). */
    defaultCity: z.string().max(64).optional(),
    /** Base URL of the packs folder (ends with "/"): "/packs/" or "https://cdn.example.org/packs/". */
    packsBaseUrl: z.string().min(1).max(2000).optional(),
    /**
     * City files offered, each validated on its own (a broken one gives a message naming its JSON
     * paths; the others stay). Absent: the cities shipped with the app.
     */
    cities: z.array(z.object({ name: z.string().min(1).max(200), city: z.unknown() })).max(500).optional(),
  })
  .strict();

export type RuntimeConfig = z.infer<typeof runtimeConfigSchema>;

/** Reads the run-time configuration; never rejects. `null` config: none served (use the build's). */
export async function loadRuntimeConfig(url: string, fetchJson: (url: string) => Promise<unknown>): Promise<{ config: RuntimeConfig | null; problem: string | null }> {
  let raw: unknown;
  try {
    raw = await fetchJson(url);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    // No configuration route (a static deployment, the dev server): the build's settings apply.
    return { config: null, problem: /HTTP 404/.test(reason) ? null : reason };
  }
  const r = runtimeConfigSchema.safeParse(raw);
  if (!r.success) return { config: null, problem: `${url}: ${describeIssues(issuesOf(r.error))}` };
  const packs = r.data.packsBaseUrl;
  return { config: packs !== undefined && !packs.endsWith('/') ? { ...r.data, packsBaseUrl: `${packs}/` } : r.data, problem: null };
}
