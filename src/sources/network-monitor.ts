import { initialNetworkState, isSwNetworkMessage, nextNetworkState, nextProbeDelayMs, probeNow, type NetworkEvidence, type NetworkState } from '../core/network-status.ts';

/**
 * Watches whether the app's own server is reachable (core/network-status.ts decides): the
 * browser's online/offline events, the service worker's reports and probes of `/api/health`.
 * `onChange` is called with every change of state (not with every probe).
 */
export interface NetworkMonitor {
  readonly state: NetworkState;
  /** Probes now (for example after a failed fetch elsewhere). */
  probe(): void;
  dispose(): void;
}

export interface NetworkMonitorOptions {
  onChange(state: NetworkState, previous: NetworkState): void;
  /** The URL probed; any HTTP answer counts as reachable. Default: the app's `api/health`. */
  probeUrl?: string;
  probeTimeoutMs?: number;
}

export function startNetworkMonitor(opts: NetworkMonitorOptions): NetworkMonitor {
  const probeUrl = opts.probeUrl ?? new URL('api/health', new URL(import.meta.env.BASE_URL, location.href)).href;
  const timeoutMs = opts.probeTimeoutMs ?? 4_000;
  let state = initialNetworkState(navigator.onLine);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: AbortController | null = null;
  let disposed = false;

  const apply = (e: NetworkEvidence) => {
    if (disposed) return;
    const prev = state;
    state = nextNetworkState(state, e);
    if (state.offline !== prev.offline) opts.onChange(state, prev);
    if (probeNow(e)) probe();
    else schedule();
  };
  const schedule = () => {
    if (timer !== null) clearTimeout(timer);
    timer = disposed ? null : setTimeout(probe, nextProbeDelayMs(state));
  };
  function probe(): void {
    if (disposed || inFlight !== null) return;
    const ac = new AbortController();
    inFlight = ac;
    const stop = setTimeout(() => ac.abort(), timeoutMs);
    fetch(probeUrl, { method: 'GET', cache: 'no-store', signal: ac.signal, headers: { accept: 'application/json' } })
      .then(
        (res) => {
          void res.body?.cancel().catch(() => undefined);
          return true;
        },
        () => false,
      )
      .then((ok) => {
        clearTimeout(stop);
        inFlight = null;
        apply({ kind: 'probe', ok });
      });
  }
  const onOnline = () => apply({ kind: 'browser-online' });
  const onOffline = () => apply({ kind: 'browser-offline' });
  const onSw = (e: MessageEvent) => {
    if (isSwNetworkMessage(e.data)) apply({ kind: e.data.online ? 'sw-network-ok' : 'sw-cache-fallback' });
  };
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  const sw = 'serviceWorker' in navigator ? navigator.serviceWorker : null;
  sw?.addEventListener('message', onSw);
  probe();
  return {
    get state() {
      return state;
    },
    probe,
    dispose() {
      disposed = true;
      if (timer !== null) clearTimeout(timer);
      inFlight?.abort();
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
      sw?.removeEventListener('message', onSw);
    },
  };
}
