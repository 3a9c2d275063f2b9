import type { CameraAction } from './toolbar.ts';

/**
 * Keyboard camera: arrows pan, + and − zoom, Q and E orbit, N north up, H home, Escape closes
 * the panel opened last — when the 3D view (or nothing in particular) has the focus, never while
 * typing in a field or on a button.
 */

/** What a key asks for: a toolbar camera action, a pan (forward/right fractions), or closing a panel. */
export type KeyAction = { camera: CameraAction } | { pan: [number, number] } | { closePanel: true };

const KEYS: Record<string, KeyAction> = {
  ArrowUp: { pan: [0.15, 0] },
  ArrowDown: { pan: [-0.15, 0] },
  ArrowLeft: { pan: [0, -0.15] },
  ArrowRight: { pan: [0, 0.15] },
  '+': { camera: 'zoomIn' },
  '=': { camera: 'zoomIn' },
  '-': { camera: 'zoomOut' },
  q: { camera: 'orbitLeft' },
  e: { camera: 'orbitRight' },
  n: { camera: 'northUp' },
  h: { camera: 'home' },
  Escape: { closePanel: true },
};

/** The action of a key (case-insensitive for letters), or null. */
export function keyAction(key: string): KeyAction | null {
  const own = (k: string) => (Object.hasOwn(KEYS, k) ? KEYS[k]! : null);
  return own(key) ?? own(key.toLowerCase());
}

/**
 * Listens for the keys on the document while `enabled()` (a 3D view exists); `view` is the 3D
 * view's element. Returns the remover.
 */
export function installCameraKeys(view: HTMLElement, enabled: () => boolean, run: (a: KeyAction) => void): () => void {
  const onKey = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement | null;
    if (target !== null && target !== view && target !== document.body && target.closest('input, select, textarea, button, [contenteditable]') !== null) return;
    if (e.ctrlKey || e.metaKey || e.altKey || !enabled()) return;
    const a = keyAction(e.key);
    if (a !== null) {
      e.preventDefault();
      run(a);
    }
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}
