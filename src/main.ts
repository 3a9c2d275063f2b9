import 'cesium/Build/Cesium/Widgets/CesiumWidget/CesiumWidget.css';
import '../assets/styles/app.css';
import { boot } from './app/boot.ts';

/** Entry point: Cesium's static files are served under CESIUM_BASE_URL (see vite.config.ts). */
declare const CESIUM_BASE_URL: string;
(window as unknown as { CESIUM_BASE_URL: string }).CESIUM_BASE_URL = CESIUM_BASE_URL;

const root = document.getElementById('app');
if (root === null) throw new Error('index.html has no #app element');
boot(root).catch((e: unknown) => {
  root.dataset.ready = 'error';
  const p = document.createElement('p');
  p.className = 'fatal';
  p.textContent = `Jumeau could not start: ${e instanceof Error ? e.message : String(e)}`;
  root.appendChild(p);
  console.error(e);
});
