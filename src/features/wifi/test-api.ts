import type { WifiTestState } from './controller.ts';

/**
 * The wifi feature's end-to-end hook: `window.__jumeauWifi.state()` (tests/e2e/wifi.spec.ts reads
 * it to wait for runs and check their figures).
 */

declare global {
  interface Window {
    __jumeauWifi?: { state(): WifiTestState };
  }
}

/** Installs `window.__jumeauWifi`, answering with `state()`; returns what removes it. */
export function installWifiTestApi(state: () => WifiTestState): () => void {
  window.__jumeauWifi = { state };
  return () => {
    delete window.__jumeauWifi;
  };
}
