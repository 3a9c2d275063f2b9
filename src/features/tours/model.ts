import type { CameraState } from '../../core/url-state.ts';

/**
 * Project tours (issue 10): an ordered list of stops an elected official plays in a council room,
 * at a public meeting or on a tablet. Everything here is plain JSON-safe data and pure functions;
 * the player is `player.ts`, validation `schema.ts`, persistence `store.ts`.
 */

/** A layer shown at a stop, as the layers feature writes it in the URL (`layers=id:opacity:variant`). */
export interface TourLayer {
  id: string;
  /** 0–1. */
  opacity: number;
  variant: string;
}

export interface TourStop {
  id: string;
  title: string;
  /** Caption in the small Markdown subset of `markdown.ts` (never rendered as HTML). */
  caption: string;
  camera: CameraState;
  /** Length of the flight that brings the camera to this stop, seconds (0: a cut). */
  flightS: number;
  /** How long the stop stays on screen when the tour advances by itself, seconds. */
  holdS: number;
  /** The scenario shown (issue 9), by id; null: today's city. */
  scenarioId: string | null;
  /** Layers shown at this stop (exactly these); null: leave the layers as they are. */
  layers: TourLayer[] | null;
  /** Scene time (sun), ms since the Unix epoch, whole minutes; null: leave the time as it is. */
  timeMs: number | null;
  /** Building ids drawn highlighted (through the buildings style). */
  highlight: string[];
}

export interface Tour {
  format: 'jumeau-tour';
  version: 1;
  id: string;
  name: string;
  /** The city (catalog id) the tour is made for. */
  cityId: string;
  description: string;
  /** Advance to the next stop after its hold time when playing. */
  autoAdvance: boolean;
  /** After the last stop, start again (kiosk mode always loops). */
  loop: boolean;
  stops: TourStop[];
  /** Made by the app (sample): shown with a badge, copied before editing. */
  sample?: boolean;
}

/** Limits shared by the schema, the editor and the link codec. */
export const TOUR_LIMITS = {
  stops: 100,
  nameChars: 120,
  titleChars: 120,
  captionChars: 4000,
  descriptionChars: 2000,
  highlight: 100,
  layers: 40,
  flightS: 60,
  holdS: 600,
  /** A tour file larger than this is refused before parsing. */
  fileBytes: 1024 * 1024,
} as const;

export const DEFAULT_FLIGHT_S = 3;
export const DEFAULT_HOLD_S = 12;

/** A fresh id: `prefix-` and 10 base-36 characters from `random` (tests pass a seeded one). */
export function newId(prefix: string, random: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += Math.floor(random() * 36).toString(36);
  return `${prefix}-${s}`;
}

/** An empty tour for a city. */
export function createTour(o: { id: string; name: string; cityId: string }): Tour {
  return { format: 'jumeau-tour', version: 1, id: o.id, name: o.name, cityId: o.cityId, description: '', autoAdvance: false, loop: false, stops: [] };
}

/** What the app shows now, captured as a stop ("add the current view as a stop"). */
export interface ViewCapture {
  camera: CameraState;
  scenarioId: string | null;
  layers: TourLayer[] | null;
  timeMs: number | null;
  /** The selected building, highlighted by default. */
  selected: string | null;
}

export function stopFromView(id: string, title: string, view: ViewCapture): TourStop {
  return {
    id,
    title,
    caption: '',
    camera: { ...view.camera },
    flightS: DEFAULT_FLIGHT_S,
    holdS: DEFAULT_HOLD_S,
    scenarioId: view.scenarioId,
    layers: view.layers === null ? null : view.layers.map((l) => ({ ...l })),
    timeMs: view.timeMs,
    highlight: view.selected !== null ? [view.selected] : [],
  };
}

/** Inserts a stop after `afterIndex` (at the end when absent). */
export function addStop(tour: Tour, stop: TourStop, afterIndex?: number): Tour {
  const stops = [...tour.stops];
  const at = afterIndex === undefined ? stops.length : Math.max(0, Math.min(stops.length, afterIndex + 1));
  stops.splice(at, 0, stop);
  return { ...tour, stops };
}

/** Replaces fields of the stop with this id. */
export function updateStop(tour: Tour, stopId: string, patch: Partial<Omit<TourStop, 'id'>>): Tour {
  return { ...tour, stops: tour.stops.map((s) => (s.id === stopId ? { ...s, ...patch } : s)) };
}

export function removeStop(tour: Tour, stopId: string): Tour {
  return { ...tour, stops: tour.stops.filter((s) => s.id !== stopId) };
}

/** Moves the stop at `from` to index `to` (clamped); the others keep their order. */
export function moveStop(tour: Tour, from: number, to: number): Tour {
  const n = tour.stops.length;
  if (from < 0 || from >= n) return tour;
  const target = Math.max(0, Math.min(n - 1, to));
  if (target === from) return tour;
  const stops = [...tour.stops];
  const [s] = stops.splice(from, 1);
  stops.splice(target, 0, s!);
  return { ...tour, stops };
}

/** A copy with fresh ids (editing a sample, importing a tour that exists already). */
export function copyTour(tour: Tour, id: string, name: string): Tour {
  const { sample: _sample, ...rest } = tour;
  return { ...rest, id, name, stops: tour.stops.map((s) => ({ ...s, highlight: [...s.highlight], layers: s.layers?.map((l) => ({ ...l })) ?? null })) };
}
