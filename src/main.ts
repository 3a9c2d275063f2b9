// First: configures zod before any module defines or runs a schema (see the file).
import './core/schema-config.ts';
import 'cesium/Build/Cesium/Widgets/CesiumWidget/CesiumWidget.css';
import '../assets/styles/app.css';
import { boot } from './app/boot.ts';
import { registerServiceWorker } from './app/offline.ts';

/** Entry point: Cesium's static files are served under CESIUM_BASE_URL (see vite.config.ts). */
declare const CESIUM_BASE_URL: string;
(window as unknown as { CESIUM_BASE_URL: string }).CESIUM_BASE_URL = CESIUM_BASE_URL;

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element');
const appRoot: HTMLElement = root;

function fatal(e: unknown): void {
  appRoot.dataset.ready = 'error';
  const p = document.createElement('p');
  p.className = 'fatal';
  p.textContent = `Jumeau could not start: ${e instanceof Error ? e.message : String(e)}`;
  appRoot.appendChild(p);
  console.error(e);
}

/**
 * A lost WebGL context cannot be repaired in place (Cesium keeps GPU objects it cannot recreate):
 * the whole app is taken down and booted again in a new canvas. The URL holds the view state and
 * each feature its own storage, so the rebuilt app shows the same city, view, layers and scenario.
 */
let dispose: (() => void) | null = null;
let rebuilds = 0;
function start(rebuilt: boolean): void {
  boot(appRoot, {
    rebuilt,
    onRebuild: () => {
      dispose?.();
      dispose = null;
      start(false);
    },
    onContextLost: () => {
      // Let the message show, then rebuild (at most a few times in a row: a GPU that keeps
      // failing leaves the message and the UI rather than a loop).
      if (rebuilds >= 5) return;
      rebuilds += 1;
      setTimeout(() => {
        dispose?.();
        dispose = null;
        start(true);
      }, 400);
    },
  }).then((d) => {
    dispose = d;
  }, fatal);
}
start(false);
registerServiceWorker();
