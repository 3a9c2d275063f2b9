import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
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

/** The app's colours (assets/styles/app.css): the web app manifest and the icons use them. */
const THEME = '#161a21';

/**
 * The icons of the installed app, from one drawing (assets/icons/jumeau.svg): the SVG itself,
 * PNGs of 192 and 512 px rendered with sharp at build time, and a maskable 512 px PNG (full
 * bleed: phones cut their own shape; the drawing stays in the safe zone). Written under icons/
 * and linked from the page (favicon, apple-touch-icon); the manifest lists them.
 */
function appIcons(): Plugin {
  const svg = readFileSync('assets/icons/jumeau.svg');
  const fullBleed = Buffer.from(svg.toString('utf8').replace('rx="96"', 'rx="0"'));
  return {
    name: 'jumeau-app-icons',
    apply: 'build',
    async generateBundle() {
      const png = async (src: Buffer, size: number) => sharp(src, { density: 72 * (size / 512) * 2 }).resize(size, size).png({ compressionLevel: 9 }).toBuffer();
      this.emitFile({ type: 'asset', fileName: 'icons/jumeau.svg', source: svg });
      this.emitFile({ type: 'asset', fileName: 'icons/icon-192.png', source: await png(svg, 192) });
      this.emitFile({ type: 'asset', fileName: 'icons/icon-512.png', source: await png(svg, 512) });
      this.emitFile({ type: 'asset', fileName: 'icons/icon-maskable-512.png', source: await png(fullBleed, 512) });
      this.emitFile({ type: 'asset', fileName: 'icons/apple-touch-icon.png', source: await sharp(fullBleed).resize(180, 180).png().toBuffer() });
    },
    transformIndexHtml: {
      order: 'post',
      handler: () => [
        { tag: 'link', attrs: { rel: 'icon', href: `${basePath}icons/jumeau.svg`, type: 'image/svg+xml' }, injectTo: 'head' },
        { tag: 'link', attrs: { rel: 'apple-touch-icon', href: `${basePath}icons/apple-touch-icon.png` }, injectTo: 'head' },
        { tag: 'meta', attrs: { name: 'theme-color', content: THEME }, injectTo: 'head' },
      ],
    },
  };
}

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
    appIcons(),
    // The offline app (README, "Offline and installing"): Workbox through vite-plugin-pwa. Our own
    // worker (src/sw/sw.ts → /sw.js, registered by src/app/offline.ts: no inline script, for the
    // CSP) receives the list of files to precache; the plugin writes the web app manifest and
    // links it from the page.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      injectRegister: false,
      manifestFilename: 'manifest.webmanifest',
      includeManifestIcons: false,
      manifest: {
        id: basePath,
        name: 'Jumeau — digital twin of the city',
        short_name: 'Jumeau',
        description: 'A 3D digital twin of the city: scenarios, simulations, tours and public consultation.',
        lang: 'fr',
        start_url: basePath,
        scope: basePath,
        display: 'standalone',
        display_override: ['fullscreen', 'standalone'],
        orientation: 'any',
        background_color: '#0b0d10',
        theme_color: THEME,
        categories: ['utilities', 'education'],
        icons: [
          { src: 'icons/jumeau.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // Every file Vite built (lazy chunks, workers and wasm included) and the Cesium files the
        // app may need offline: its workers, decoders and the offline imagery. Left to run-time
        // caching: Cesium's IAU2006 tables (1.8 MB, only for inertial frames) and widget styles.
        globPatterns: ['*.html', 'assets/**/*', 'icons/*', 'cesium/Workers/**/*', 'cesium/ThirdParty/**/*', 'cesium/Assets/**/*'],
        globIgnores: ['cesium/Assets/IAU2006_XYS/**', 'cesium/ThirdParty/google-earth-dbroot-parser.js', '**/*.{br,gz}'],
        // Vite's names carry a hash of the content: no revision needed.
        dontCacheBustURLsMatching: /^assets\//,
        // The entry holds Cesium (about 5 MB before compression).
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        minify: true,
      },
    }),
  ],
  // Workers are ES modules (loaders.gl and fflate split code with dynamic imports).
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 6000,
    sourcemap: false,
  },
  server: {
    fs: { strict: true },
  },
});
