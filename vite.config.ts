import { defineConfig } from 'vite';
import { viteStaticCopy } from 'vite-plugin-static-copy';

/**
 * Cesium's static files (Workers, Assets, ThirdParty, Widgets) are copied under /cesium/ and
 * CESIUM_BASE_URL points there. The packs folder and the API are served by our own server
 * (server/main.ts), which hosts Vite in development.
 */
const cesiumSource = 'node_modules/cesium/Build/Cesium';
const cesiumBaseUrl = 'cesium';

/**
 * The sub-path the app is served under (README, "Deploying"): `JUMEAU_BASE_PATH=/jumeau/` at
 * build time, the same value for the server at run time (server/app.ts `basePathFromEnv`).
 * Default `/`.
 */
const basePath = (() => {
  const parts = (process.env.JUMEAU_BASE_PATH ?? '').split('/').filter((p) => p !== '');
  return parts.length === 0 ? '/' : `/${parts.join('/')}/`;
})();
// The packs are served beside the app: under the sub-path too (src/config/settings.ts reads this).
if (basePath !== '/' && process.env.VITE_JUMEAU_PACKS_URL === undefined) process.env.VITE_JUMEAU_PACKS_URL = `${basePath}packs/`;

export default defineConfig({
  base: basePath,
  define: {
    CESIUM_BASE_URL: JSON.stringify(`${basePath}${cesiumBaseUrl}/`),
  },
  plugins: [
    viteStaticCopy({
      targets: ['ThirdParty', 'Workers', 'Assets', 'Widgets'].map((dir) => ({
        src: `${cesiumSource}/${dir}`,
        dest: cesiumBaseUrl,
      })),
    }),
  ],
  // Workers are ES modules (loaders.gl and fflate split code with dynamic imports).
  worker: { format: 'es' },
  build: {
    // The service worker is a second entry built to /sw.js (a fixed name at the root: its scope is
    // the whole app). It imports only core/offline-policy.ts, so it shares no chunk with the app.
    rollupOptions: {
      input: { main: 'index.html', sw: 'src/sw/service-worker.ts' },
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
    target: 'es2022',
    chunkSizeWarningLimit: 6000,
    sourcemap: false,
  },
  server: {
    fs: { strict: true },
  },
});
