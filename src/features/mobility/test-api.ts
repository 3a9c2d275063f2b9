import type { MobilityTestState } from './controller.ts';

/** The mobility feature's end-to-end hook: `window.__jumeauMobility.state()` (a copy). */

declare global {
  interface Window {
    __jumeauMobility?: { state(): MobilityTestState };
  }
}

/** Installs the hook; returns its remover. */
export function installMobilityTestApi(state: () => MobilityTestState): () => void {
  window.__jumeauMobility = { state };
  return () => {
    delete window.__jumeauMobility;
  };
}
