import { styleable } from './style.ts';
import type { UserItems } from './controller.ts';
import type { StoredItem, UserItem } from './item.ts';

/**
 * My data's end-to-end hooks (`window.__jumeauUserData`): the items' states, waiting until
 * nothing loads, zooming to an item and where a point feature is on screen.
 */

export interface UserDataTestApi {
  state(): { id: string; name: string; format: string; status: string; count: number; reason?: string; styleFields: string[]; placement?: StoredItem['placement'] }[];
  /** Resolves when nothing is loading. */
  idle(timeoutMs?: number): Promise<boolean>;
  zoom(id: string): void;
  /** Window position of a vector feature's anchor (points), or null. */
  featureWindowPosition(id: string, index: number): { x: number; y: number } | null;
}

declare global {
  interface Window {
    __jumeauUserData?: UserDataTestApi;
  }
}

/** Installs `window.__jumeauUserData` over the items; returns its remover. */
export function installUserDataTestApi<T extends UserItem>(items: UserItems<T>, zoom: (id: string) => void): () => void {
  window.__jumeauUserData = {
    state: () =>
      items.values().map((s) => ({
        id: s.stored.id,
        name: s.stored.name,
        format: s.stored.format,
        status: s.status.kind,
        count: s.vector?.parsed.features.length ?? 0,
        styleFields: s.fields.filter(styleable).map((f) => f.name),
        ...(s.stored.placement !== undefined ? { placement: { ...s.stored.placement } } : {}),
        ...(s.status.kind === 'error' ? { reason: s.status.reason } : {}),
      })),
    idle: (timeoutMs = 120_000) =>
      new Promise((resolve) => {
        const start = Date.now();
        const check = () => {
          if (items.idle()) return resolve(true);
          if (Date.now() - start > timeoutMs) return resolve(false);
          setTimeout(check, 100);
        };
        check();
      }),
    zoom,
    featureWindowPosition(id, index) {
      const f = items.get(id)?.vector?.parsed.features[index];
      if (f === undefined || f.geometry.type !== 'point') return null;
      return window.__jumeau?.toWindow(f.geometry.coordinates[0], f.geometry.coordinates[1], 10) ?? null;
    },
  };
  return () => {
    delete window.__jumeauUserData;
  };
}
