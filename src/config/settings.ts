/**
 * App settings. Build-time values come from Vite env variables (`VITE_JUMEAU_*`), so a deployment
 * can choose its default city without a code change.
 */
export interface Settings {
  /** City opened when the URL names none; empty: the online city if it answers, else the demo. */
  defaultCity: string;
  /** Id of the offline fallback city. */
  fallbackCity: string;
  /** How long start-up waits for an online city or basemap to answer. */
  probeTimeoutMs: number;
  /** Base URL of the local packs folder (served by our server). */
  packsBaseUrl: string;
}

const env = (import.meta as ImportMeta & { env?: Record<string, string | undefined> }).env ?? {};

export const settings: Settings = {
  defaultCity: env.VITE_JUMEAU_DEFAULT_CITY ?? '',
  fallbackCity: 'demo',
  probeTimeoutMs: Number(env.VITE_JUMEAU_PROBE_TIMEOUT_MS ?? 2500),
  packsBaseUrl: env.VITE_JUMEAU_PACKS_URL ?? '/packs/',
};
