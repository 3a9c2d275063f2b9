import type { TourLibrary } from './controller.ts';
import type { PlayerMode, PlayerState } from './player.ts';
import type { createPresenter } from './presenter.ts';
import { serializeTour } from './schema.ts';

/** What the end-to-end tests read and drive (window.__jumeauTours). */
export interface ToursTestApi {
  state(): { status: PlayerState['status']; index: number; mode: PlayerMode; paused: boolean; tourId: string | null; tours: string[] };
  /** The tour selected in the panel, as its file would be written. */
  current(): string | null;
}

declare global {
  interface Window {
    __jumeauTours?: ToursTestApi;
  }
}

/** Installs `window.__jumeauTours`; returns its remover. */
export function installToursTestApi(library: TourLibrary, presenter: Pick<ReturnType<typeof createPresenter>, 'state' | 'playing'>): () => void {
  window.__jumeauTours = {
    state: () => {
      const player = presenter.state();
      return { status: player.status, index: player.index, mode: player.mode, paused: player.paused, tourId: presenter.playing()?.id ?? null, tours: library.all().map((x) => x.id) };
    },
    current: () => {
      const tour = library.current();
      return tour === null ? null : serializeTour(tour);
    },
  };
  return () => {
    delete window.__jumeauTours;
  };
}
