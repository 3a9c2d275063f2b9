import type { SimTestState } from './controller.ts';

/**
 * The sun feature's end-to-end hook: `window.__jumeauSim.state()` (tests/e2e/simulations.spec.ts
 * reads it to follow the drawing of the area, the stages of a run and its result).
 */

declare global {
  interface Window {
    __jumeauSim?: { state(): SimTestState };
  }
}

/** Installs `window.__jumeauSim`, answering with `state()`; returns what removes it. */
export function installSunTestApi(state: () => SimTestState): () => void {
  window.__jumeauSim = { state };
  return () => {
    delete window.__jumeauSim;
  };
}
