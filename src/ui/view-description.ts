import { h } from './dom.ts';
import { t } from './i18n/index.ts';

/**
 * The text alternative of the 3D view (read by screen readers): what it shows in words — the
 * city, the camera, the buildings loaded, the sentences features add, the selection. Updated
 * at most every 300 ms after `describe()`.
 */

/** What the 3D view shows, gathered from the scene by the caller. */
export interface ViewFacts {
  city: string;
  /** The camera (null without a 3D view). */
  camera: { heightM: number; headingDeg: number; pitchDeg: number; latDeg: number; lonDeg: number } | null;
  /** Buildings loaded (null when the city shows none). */
  buildingsLoaded: number | null;
  synthetic: boolean;
}

export interface ViewDescription {
  readonly el: HTMLElement;
  /** Adds sentences (`fn` returns null when it has nothing to say); returns the remover. */
  add(fn: () => string | null): () => void;
  /** Updates the text soon (calls within 300 ms are merged). */
  describe(): void;
  dispose(): void;
}

/** The sentences of the view itself. */
export function viewSentences(f: ViewFacts): string[] {
  const parts: string[] = [];
  const cam = f.camera;
  if (cam !== null) {
    const dirs = t('a11y.directions').split(',');
    parts.push(
      t('a11y.view', {
        city: f.city,
        height: Math.round(cam.heightM),
        dir: dirs[Math.round(cam.headingDeg / 45) % 8] ?? '',
        heading: Math.round(cam.headingDeg),
        pitch: Math.round(-cam.pitchDeg),
        lat: cam.latDeg.toFixed(4),
        lon: cam.lonDeg.toFixed(4),
      }),
    );
  }
  if (f.buildingsLoaded !== null) parts.push(t('a11y.buildings', { n: f.buildingsLoaded }));
  if (f.synthetic) parts.push(t('city.syntheticBanner'));
  return parts;
}

/** The description element and its updates; `selected` is the selection key, if any. */
export function createViewDescription(o: { facts(): ViewFacts | null; selected(): string | undefined }): ViewDescription {
  const el = h('p', { class: 'sr-only', id: 'view-description', attrs: { 'aria-live': 'polite' } });
  const describers = new Set<() => string | null>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  function describe(): void {
    if (timer !== null) return;
    timer = setTimeout(() => {
      timer = null;
      const facts = o.facts();
      const parts = facts !== null ? viewSentences(facts) : [];
      for (const fn of describers) {
        try {
          const line = fn();
          if (line !== null && line !== '') parts.push(line);
        } catch (e) {
          console.error(e);
        }
      }
      const selected = o.selected();
      if (selected !== undefined) parts.push(t('a11y.selected', { id: selected }));
      el.textContent = parts.join(' ');
    }, 300);
  }
  return {
    el,
    add(fn) {
      describers.add(fn);
      describe();
      return () => {
        describers.delete(fn);
        describe();
      };
    },
    describe,
    dispose() {
      if (timer !== null) clearTimeout(timer);
    },
  };
}
