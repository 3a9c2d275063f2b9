/**
 * Registers the service worker (production builds only: in development Vite serves modules that
 * must never be cached). `?sw=0` opts out, for debugging. Failures are logged, never fatal: the
 * app works without offline support.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  if (new URLSearchParams(location.search).get('sw') === '0') return;
  window.addEventListener('load', () => {
    // Under a sub-path (JUMEAU_BASE_PATH at build) the worker and its scope follow Vite's base.
    const base = import.meta.env.BASE_URL;
    navigator.serviceWorker.register(`${base}sw.js`, { scope: base }).catch((e: unknown) => console.warn('service worker not registered:', e));
  });
}
