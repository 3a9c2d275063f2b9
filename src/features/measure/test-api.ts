import type { MeasureTestState } from './controller.ts';

/** The measurement tools' end-to-end hook: `window.__jumeauMeasure.state()`. */

declare global {
  interface Window {
    __jumeauMeasure?: { state(): MeasureTestState };
  }
}

/** Installs the hook; returns its remover. */
export function installMeasureTestApi(state: () => MeasureTestState): () => void {
  window.__jumeauMeasure = { state };
  return () => {
    delete window.__jumeauMeasure;
  };
}
