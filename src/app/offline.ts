/**
 * Registers the service worker (production builds only: in development Vite serves modules that
 * must never be cached). `?sw=0` opts out, for debugging. Failures are logged, never fatal: the
 * app works without offline support.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  if (new URLSearchParams(location.search).get('sw') === '0') return;
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((e: unknown) => console.warn('service worker not registered:', e));
  });
}
