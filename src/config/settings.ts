/**
 * App settings: the build's defaults. A deployment overrides the default city, the cities and the
 * packs' location at run time (src/config/runtime.ts, read at start-up). Build-time values come from Vite env variables (`VITE_JUMEAU_*`), so a deployment
 * can choose its default city without a code change.
 */
export interface Settings {
  /** City opened when the URL names none; empty: the online city if it answers, else the demo. */
  defaultCity: string;
  /** Id of the offline fallback city. */
  fallbackCity: string;
  /** How long start-up waits for an online city or basemap to answer. */
  probeTimeoutMs: number;
  /** Base URL of the local packs folder (served by our server); the run-time configuration may name another. */
  packsBaseUrl: string;
  /** Where the run-time configuration is read (src/config/runtime.ts, server/config-route.ts). */
  configUrl: string;
}

const env = (import.meta as ImportMeta & { env?: Record<string, string | undefined> }).env ?? {};

export const settings: Settings = {
  defaultCity: env.VITE_JUMEAU_DEFAULT_CITY ?? '',
  fallbackCity: 'demo',
  probeTimeoutMs: Number(env.VITE_JUMEAU_PROBE_TIMEOUT_MS ?? 2500),
  packsBaseUrl: env.VITE_JUMEAU_PACKS_URL ?? '/packs/',
  configUrl: env.VITE_JUMEAU_CONFIG_URL ?? `${env.BASE_URL ?? '/'}api/config`,
};
