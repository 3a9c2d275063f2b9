import type { KeysOf } from '../../core/messages.ts';
import { decodeTourLink, encodeTourLink, MAX_LINK_CHARS } from './link.ts';
import type { toursBundle } from './messages.ts';
import { addStop, copyTour, createTour, moveStop, newId as randomId, removeStop, stopFromView, TOUR_LIMITS, updateStop, type Tour, type TourStop, type ViewCapture } from './model.ts';
import type { PlayerMode } from './player.ts';
import { parseTourText, serializeTour } from './schema.ts';
import { loadTours, saveTours, type KeyValueStorage } from './store.ts';

/**
 * The state and decisions of project tours (issue 10), without DOM, Cesium or storage of its
 * own: the `?tour=` link's parameters, the tours of the open city (saved ones and samples), the
 * one being edited and its selected stop, the panel's edits, import, export and share, and the
 * panel's view model. The texts, the storage and the samples are injected (feature.ts); the
 * player's effects (flights, timers, full screen) are presenter.ts, its state machine player.ts.
 */

/** A text of the tours bundle in the user's language (`t` of ui/i18n). */
export type TourText = (key: KeysOf<typeof toursBundle>, params?: Record<string, string | number>) => string;

/** Kiosk: back to the first stop after this long without input (`?kioskidle=<s>` overrides). */
export const KIOSK_IDLE_S = 120;
/** The time zone the editor shows stop times in. */
export const TIME_ZONE = 'Europe/Paris';

/** What the panel shows (its view model). */
export interface TourPanelView {
  tours: readonly { id: string; name: string; sample: boolean; stops: number }[];
  tour: Tour | null;
  selectedStop: string | null;
  /** Scenarios a stop can show; null when the scenario feature is not available. */
  scenarios: readonly { id: string; name: string }[] | null;
  timeZone: string;
  error: string | null;
  info: string | null;
  /** The last share link made, shown to copy by hand. */
  link: string | null;
}

/** A tour named by a link: an id to look up among the city's tours, or a whole tour. */
export type PendingLink = { kind: 'id'; id: string } | { kind: 'tour'; tour: Tour };

/** What the link's parameters say (`tour`, `tourmode`, `kioskidle`), and what is wrong with them. */
export interface LinkParams {
  /** How a linked tour starts playing. */
  mode: PlayerMode;
  /** A `tourmode` value that is not a mode (the link keeps 'window'). */
  badMode: string | null;
  kioskIdleS: number;
  pending: PendingLink | null;
  /** Why `tour` cannot be read (it is then dropped from the URL). */
  invalid: string | null;
}

/** Reads the tour parameters of a link. */
export function readLinkParams(extra: Readonly<Record<string, string | undefined>>): LinkParams {
  const modeParam = extra.tourmode;
  let mode: PlayerMode = 'window';
  let badMode: string | null = null;
  if (modeParam !== undefined) {
    if (modeParam === 'present' || modeParam === 'kiosk' || modeParam === 'window') mode = modeParam;
    else badMode = modeParam;
  }
  const idleParam = Number(extra.kioskidle);
  const kioskIdleS = Number.isFinite(idleParam) && idleParam >= 5 && idleParam <= 86_400 ? idleParam : KIOSK_IDLE_S;
  let pending: PendingLink | null = null;
  let invalid: string | null = null;
  if (extra.tour !== undefined) {
    const d = decodeTourLink(extra.tour);
    if (d.kind === 'invalid') invalid = d.error;
    else if (d.kind === 'id') pending = d;
    else if (d.result.ok) pending = { kind: 'tour', tour: d.result.tour };
  }
  return { mode, badMode, kioskIdleS, pending, invalid };
}

/** The `tour=` value of the URL while a tour plays: the tour itself when it fits, else its id (samples: their id). */
export function playingLinkValue(tour: Tour): string {
  const encoded = tour.sample === true ? tour.id : encodeTourLink(tour);
  return encoded.length <= MAX_LINK_CHARS ? encoded : tour.id;
}

/** The file name a tour is exported to (letters, digits, `._-`). */
export const exportFileName = (tour: Tour): string => `${tour.name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'tour'}.jumeau-tour.json`;

/** A file to import, as the controller reads it (a browser File is one). */
export interface TourFile {
  readonly name: string;
  readonly size: number;
  text(): Promise<string>;
}

/** What opening a city decided: start the linked tour, and what to tell about the link and the store. */
export interface CityOpened {
  autoStart: boolean;
  /** Problems of the saved tours (already set aside by the store). */
  storeProblems: string[];
  /** The linked tour was made for another city. */
  otherCity: { name: string; city: string } | null;
  /** The linked id names no tour of this city (the link is dropped from the URL). */
  unknownId: string | null;
}

/**
 * The tours of the open city and the editor's state: `render` is called whenever the panel's
 * view changed; `samples` gives the city's sample tours in the user's language.
 */
export function createTourLibrary(o: { storage: KeyValueStorage; text: TourText; samples: (cityId: string) => Tour[]; render: () => void; newId?: (prefix: string) => string }) {
  const { storage, text, render } = o;
  const newId = o.newId ?? ((prefix: string) => randomId(prefix));
  let cityId: string | null = null;
  let saved: Tour[] = [];
  let currentId: string | null = null;
  let selectedStop: string | null = null;
  let error: string | null = null;
  let info: string | null = null;
  let link: { tourId: string; url: string } | null = null;

  const all = (): Tour[] => [...saved, ...(cityId === null ? [] : o.samples(cityId))];
  const current = (): Tour | null => all().find((x) => x.id === currentId) ?? null;

  function persist(id: string, tours: Tour[]): boolean {
    try {
      saveTours(storage, id, tours);
      return true;
    } catch (e) {
      error = text('tours.saveFailed', { reason: e instanceof Error ? e.message : String(e) });
      return false;
    }
  }

  /** Applies an edit to the current tour (never a sample) and saves. */
  function edit(fn: (tour: Tour) => Tour): void {
    const tour = current();
    if (tour === null || tour.sample === true || cityId === null) return;
    const next = fn(tour);
    saved = saved.map((x) => (x.id === tour.id ? next : x));
    error = null;
    info = null;
    persist(cityId, saved);
    render();
  }

  /** Saves tours with their city (another city's are saved there, played when it is open); `select` selects the last of this city. */
  function addTours(tours: readonly Tour[], select: boolean): void {
    for (const tour of tours) {
      if (cityId !== null && tour.cityId === cityId) {
        saved = [...saved.filter((x) => x.id !== tour.id), tour];
        persist(cityId, saved);
      } else {
        // Another city's tour: saved with that city, played when it is open.
        const other = loadTours(storage, tour.cityId).tours.filter((x) => x.id !== tour.id);
        if (persist(tour.cityId, [...other, tour])) info = text('tours.otherCity', { name: tour.name, city: tour.cityId });
      }
    }
    const here = tours.filter((x) => cityId !== null && x.cityId === cityId);
    if (select && here.length > 0) {
      currentId = here[here.length - 1]!.id;
      selectedStop = null;
    }
    render();
  }

  /** Shows an import failure on the panel. */
  function importFailed(reason: string): void {
    error = text('tours.importFailed', { reason });
    render();
  }

  return {
    all,
    current,
    /** Shows the panel again (the language changed). */
    refresh: (): void => render(),
    /** The saved tours of the open city (not the samples). */
    saved: (): Tour[] => [...saved],
    addTours,
    /** The panel's view model (`scenarios`: those a stop can show, null without the scenario feature). */
    view: (scenarios: readonly { id: string; name: string }[] | null): TourPanelView => ({
      tours: all().map((x) => ({ id: x.id, name: x.name, sample: x.sample === true, stops: x.stops.length })),
      tour: current(),
      selectedStop,
      scenarios,
      timeZone: TIME_ZONE,
      error,
      info,
      link: link !== null && link.tourId === currentId ? link.url : null,
    }),

    // ---- The panel's edits ----------------------------------------------------------------------
    selectTour(id: string): void {
      currentId = id;
      selectedStop = null;
      error = info = null;
      render();
    },
    newTour(): void {
      if (cityId === null) return;
      addTours([createTour({ id: newId('tour'), name: text('tours.defaultName', { n: saved.length + 1 }), cityId })], true);
    },
    copyTour(): void {
      const tour = current();
      if (tour === null) return;
      addTours([copyTour(tour, newId('tour'), text('tours.copyName', { name: tour.name }))], true);
    },
    deleteTour(): void {
      const tour = current();
      if (tour === null || tour.sample === true || cityId === null) return;
      saved = saved.filter((x) => x.id !== tour.id);
      persist(cityId, saved);
      currentId = all()[0]?.id ?? null;
      selectedStop = null;
      render();
    },
    patchTour: (patch: Partial<Pick<Tour, 'name' | 'description' | 'autoAdvance' | 'loop'>>) => edit((tour) => ({ ...tour, ...patch })),
    /** Adds the view shown now as a stop, after the selected one (at the end when none), and selects it. */
    addStop(view: ViewCapture | null): void {
      if (view === null) return;
      const id = newId('stop');
      const tour = current();
      const after = tour !== null && selectedStop !== null ? tour.stops.findIndex((s) => s.id === selectedStop) : -1;
      edit((x) => addStop(x, stopFromView(id, text('tours.stopName', { n: x.stops.length + 1 }), view), after >= 0 ? after : undefined));
      selectedStop = id;
      render();
    },
    selectStop(id: string): void {
      selectedStop = id;
      render();
    },
    patchStop: (id: string, patch: Partial<Omit<TourStop, 'id'>>) => edit((tour) => updateStop(tour, id, patch)),
    /** Sets a stop's camera, layers, time and scenario to the view shown now. */
    stopFromView(id: string, view: ViewCapture | null): void {
      if (view === null) return;
      edit((tour) => updateStop(tour, id, { camera: view.camera, layers: view.layers, timeMs: view.timeMs, scenarioId: view.scenarioId }));
    },
    moveStop: (from: number, to: number) => edit((tour) => moveStop(tour, from, to)),
    removeStop(id: string): void {
      if (selectedStop === id) selectedStop = null;
      edit((tour) => removeStop(tour, id));
    },
    /** While a tour plays, the panel's selection follows the stop shown (when the tour is the one edited and the panel is open). */
    followStop(tour: Tour, stopId: string, panelOpen: () => boolean): void {
      if (tour.sample !== true && !saved.some((x) => x.id === tour.id)) return;
      if (currentId === tour.id && selectedStop !== stopId && panelOpen()) {
        selectedStop = stopId;
        render();
      }
    },

    // ---- Import, share --------------------------------------------------------------------------
    /**
     * Imports a tour file: an identical saved tour is selected, a tour whose id is taken gets a
     * new one. Resolves with why the file was refused when it is not a tour (null otherwise).
     */
    async importFile(file: TourFile): Promise<string | null> {
      if (file.size > TOUR_LIMITS.fileBytes) {
        importFailed(`${file.name}: the file is larger than ${TOUR_LIMITS.fileBytes} bytes`);
        return null;
      }
      let body: string;
      try {
        body = await file.text();
      } catch (e) {
        importFailed(`${file.name}: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      }
      const r = parseTourText(body, file.name);
      if (!r.ok) {
        error = text('tours.importFailed', { reason: r.error });
        info = null;
        render();
        return r.error;
      }
      let tour = r.tour;
      const existing = all().find((x) => x.id === tour.id);
      if (existing !== undefined) {
        if (serializeTour(existing) === serializeTour(tour) && existing.sample !== true) {
          currentId = existing.id;
          info = text('tours.alreadySaved', { name: tour.name });
          error = null;
          render();
          return null;
        }
        tour = copyTour(tour, newId('tour'), tour.name);
      }
      error = null;
      info = text('tours.imported', { name: tour.name, count: tour.stops.length });
      addTours([tour], true);
      return null;
    },
    /** The share link of the current tour under `base` (the page's address without query), or null (none, or too long: said on the panel). */
    shareLink(base: string): { tourId: string; url: string } | null {
      const tour = current();
      if (tour === null) return null;
      const value = tour.sample === true ? tour.id : encodeTourLink(tour);
      if (value.length > MAX_LINK_CHARS) {
        error = text('tours.linkTooLong', { max: MAX_LINK_CHARS });
        render();
        return null;
      }
      return { tourId: tour.id, url: `${base}?city=${encodeURIComponent(tour.cityId)}&tour=${value}` };
    },
    /** A share link was made (copied, or shown to copy by hand). */
    shared(made: { tourId: string; url: string }): void {
      info = text('tours.linkReady', { chars: made.url.length });
      link = made;
      render();
    },

    // ---- The city ---------------------------------------------------------------------------------
    /** A city opens: its saved tours, then the link's tour (saved, or a copy when its id is taken by another). */
    openCity(id: string, pending: PendingLink | null): CityOpened {
      cityId = id;
      const loaded = loadTours(storage, id);
      saved = loaded.tours;
      error = info = null;
      selectedStop = null;
      const out: CityOpened = { autoStart: false, storeProblems: loaded.problems, otherCity: null, unknownId: null };
      if (pending !== null) {
        if (pending.kind === 'tour') {
          const t = pending.tour;
          if (t.cityId !== id) out.otherCity = { name: t.name, city: t.cityId };
          const existing = saved.find((x) => x.id === t.id);
          if (existing === undefined || serializeTour(existing) !== serializeTour(t)) addTours([existing === undefined ? t : copyTour(t, newId('tour'), t.name)], true);
          else currentId = existing.id;
          out.autoStart = t.cityId === id;
        } else if (all().some((x) => x.id === pending.id)) {
          currentId = pending.id;
          out.autoStart = true;
        } else out.unknownId = pending.id;
      }
      if (currentId === null || !all().some((x) => x.id === currentId)) currentId = all()[0]?.id ?? null;
      render();
      return out;
    },
    closeCity(): void {
      cityId = null;
      saved = [];
    },
  };
}

/** The tours controller. */
export type TourLibrary = ReturnType<typeof createTourLibrary>;
