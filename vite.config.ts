import { defineConfig } from 'vite';
import { viteStaticCopy } from 'vite-plugin-static-copy';

/**
 * Cesium's static files (Workers, Assets, ThirdParty, Widgets) are copied under /cesium/ and
 * CESIUM_BASE_URL points there. The packs folder and the API are served by our own server
 * (server/main.ts), which hosts Vite in development.
 */
const cesiumSource = 'node_modules/cesium/Build/Cesium';
const cesiumBaseUrl = 'cesium';

export default defineConfig({
  define: {
    CESIUM_BASE_URL: JSON.stringify(`/${cesiumBaseUrl}/`),
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
