/**
 * Whether the app can reach its own server, decided from evidence rather than from
 * `navigator.onLine` alone (which some Chromium builds leave `true` after the network is cut, and
 * which is `true` on a network without internet access).
 *
 * Evidence, the most recent wins:
 * - the browser's `offline` event (reliable when it fires) → offline; its `online` event is only a
 *   hint: a probe confirms it before the badge goes;
 * - a probe of the app's own server (`/api/health`): any HTTP answer means reachable, a network
 *   failure or a timeout means not;
 * - the service worker, which tells the page when it answered from its cache because the network
 *   failed (→ offline) and when the network answered again (→ online).
 *
 * Pure: no DOM, no timers; the page feeds it events and asks when to probe next.
 */
export type NetworkEvidence =
  | { kind: 'browser-offline' }
  | { kind: 'browser-online' }
  | { kind: 'probe'; ok: boolean }
  | { kind: 'sw-cache-fallback' }
  | { kind: 'sw-network-ok' };

export interface NetworkState {
  offline: boolean;
  /** What decided the current state (shown in the badge's title, useful in tests). */
  reason: 'start' | 'browser' | 'probe' | 'service-worker';
  /** Consecutive failed probes: the retry delay grows with them. */
  failures: number;
}

export const initialNetworkState = (browserOnline: boolean): NetworkState => ({ offline: !browserOnline, reason: 'start', failures: 0 });

/** Applies one piece of evidence. */
export function nextNetworkState(s: NetworkState, e: NetworkEvidence): NetworkState {
  switch (e.kind) {
    case 'browser-offline':
      return { offline: true, reason: 'browser', failures: s.failures };
    case 'browser-online':
      // A hint only: the state changes when a probe confirms.
      return s;
    case 'probe':
      return e.ok ? { offline: false, reason: 'probe', failures: 0 } : { offline: true, reason: 'probe', failures: s.failures + 1 };
    case 'sw-cache-fallback':
      return { offline: true, reason: 'service-worker', failures: s.failures };
    case 'sw-network-ok':
      return { offline: false, reason: 'service-worker', failures: 0 };
  }
}

/** Whether this evidence should trigger a probe at once (to confirm or refute it). */
export function probeNow(e: NetworkEvidence): boolean {
  return e.kind === 'browser-online' || e.kind === 'browser-offline' || e.kind === 'sw-cache-fallback';
}

/**
 * Milliseconds until the next probe: soon and then less often while offline (3 s doubling to
 * 15 s), rarely while online (60 s: a network lost without the browser noticing shows within a
 * minute, or at once when the service worker falls back to its cache).
 */
export function nextProbeDelayMs(s: NetworkState): number {
  if (!s.offline) return 60_000;
  return Math.min(15_000, 3_000 * 2 ** Math.min(3, Math.max(0, s.failures - 1)));
}

/** The message the service worker posts to its pages (src/sw/sw.ts). */
export interface SwNetworkMessage {
  type: 'jumeau-network';
  online: boolean;
}

export function isSwNetworkMessage(data: unknown): data is SwNetworkMessage {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'jumeau-network' && typeof (data as { online?: unknown }).online === 'boolean';
}
