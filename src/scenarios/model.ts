import type { CameraState } from '../core/url-state.ts';
import type { Edit, EditOf, LonLat } from './edits.ts';

/**
 * A scenario: a named set of edits over the baseline city, with the study settings that make
 * its simulations reproducible (area, date, steps) and optionally the view it was shared with.
 * Everything here is plain data (JSON-safe); functions are pure.
 */

export interface StudySettings {
  /** The study area (open ring of [lon, lat]); null: around the edits. */
  area: LonLat[] | null;
  /** Local date of the sun study, YYYY-MM-DD. */
  date: string;
  stepMin: number;
  cellM: number;
}

export interface Scenario {
  id: string;
  name: string;
  /** The city (catalog id) it edits. */
  cityId: string;
  description: string;
  /** ISO 8601 times. */
  createdAt: string;
  updatedAt: string;
  edits: Edit[];
  study: StudySettings;
  /** The view the scenario was shared with (links and files reproduce it). */
  view?: CameraState;
}

export const DEFAULT_STUDY: StudySettings = { area: null, date: '2026-03-21', stepMin: 30, cellM: 4 };

/** A new empty scenario. `now` and `id` come from the caller (tests fix them). */
export function createScenario(o: { id: string; name: string; cityId: string; now: string; study?: StudySettings; description?: string }): Scenario {
  return { id: o.id, name: o.name, cityId: o.cityId, description: o.description ?? '', createdAt: o.now, updatedAt: o.now, edits: [], study: o.study ?? { ...DEFAULT_STUDY } };
}

/** What the edits amount to, by target: the input of the scene and of the simulations. */
export interface ScenarioEffect {
  addedBuildings: EditOf<'add-building'>[];
  models: EditOf<'add-model'>[];
  /** Existing buildings demolished (gone from the view and from every simulation). */
  removed: Set<string>;
  /** Existing buildings hidden from the view only. */
  hidden: Set<string>;
  clips: EditOf<'clip'>[];
  hotspots: { added: EditOf<'add-hotspot'>[]; moved: Map<string, EditOf<'move-hotspot'>>; removed: Map<string, EditOf<'remove-hotspot'>> };
  carParks: { added: EditOf<'add-car-park'>[]; closed: Map<string, EditOf<'close-car-park'>>; changed: Map<string, EditOf<'change-car-park'>> };
  /** Parameters set per simulation id (applied to the scenario side of a comparison). */
  parameters: Map<string, Record<string, number | string | boolean>>;
}

/** The effect of no edit: the baseline. */
export function emptyEffect(): ScenarioEffect {
  return {
    addedBuildings: [],
    models: [],
    removed: new Set(),
    hidden: new Set(),
    clips: [],
    hotspots: { added: [], moved: new Map(), removed: new Map() },
    carParks: { added: [], closed: new Map(), changed: new Map() },
    parameters: new Map(),
  };
}

/**
 * Applies edits in order over the baseline. Later edits of the same target win (a hotspot moved
 * twice is where the second move puts it; a parameter set twice has the second value).
 */
export function applyEdits(edits: readonly Edit[]): ScenarioEffect {
  const fx = emptyEffect();
  for (const e of edits) {
    switch (e.kind) {
      case 'add-building':
        fx.addedBuildings.push(e);
        break;
      case 'add-model':
        fx.models.push(e);
        break;
      case 'remove-building':
        fx.removed.add(e.buildingId);
        break;
      case 'hide-building':
        fx.hidden.add(e.buildingId);
        break;
      case 'clip':
        fx.clips.push(e);
        break;
      case 'add-hotspot':
        fx.hotspots.added.push(e);
        break;
      case 'move-hotspot':
        fx.hotspots.moved.set(e.hotspotId, e);
        break;
      case 'remove-hotspot':
        fx.hotspots.removed.set(e.hotspotId, e);
        fx.hotspots.moved.delete(e.hotspotId);
        break;
      case 'close-car-park':
        fx.carParks.closed.set(e.carParkId, e);
        break;
      case 'add-car-park':
        fx.carParks.added.push(e);
        break;
      case 'change-car-park':
        fx.carParks.changed.set(e.carParkId, { ...(fx.carParks.changed.get(e.carParkId) ?? {}), ...e });
        break;
      case 'set-parameter': {
        const p = fx.parameters.get(e.simulation) ?? {};
        p[e.name] = e.value;
        fx.parameters.set(e.simulation, p);
        break;
      }
    }
  }
  return fx;
}

/** Whether an effect changes nothing. */
export function isBaseline(fx: ScenarioEffect): boolean {
  return (
    fx.addedBuildings.length === 0 && fx.models.length === 0 && fx.removed.size === 0 && fx.hidden.size === 0 && fx.clips.length === 0 &&
    fx.hotspots.added.length === 0 && fx.hotspots.moved.size === 0 && fx.hotspots.removed.size === 0 &&
    fx.carParks.added.length === 0 && fx.carParks.closed.size === 0 && fx.carParks.changed.size === 0 && fx.parameters.size === 0
  );
}

export interface EditDiff {
  added: Edit[];
  removed: Edit[];
  /** Same id, different content. */
  changed: { before: Edit; after: Edit }[];
}

/** JSON with object keys sorted (equal values give equal text whatever the key order). */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

/** Stable JSON of an edit (keys sorted), for comparisons. */
export function editKey(e: Edit): string {
  return stableJson(e);
}

/** The edits added, removed and changed between two lists (by edit id). */
export function diffEdits(before: readonly Edit[], after: readonly Edit[]): EditDiff {
  const a = new Map(before.map((e) => [e.id, e]));
  const b = new Map(after.map((e) => [e.id, e]));
  const out: EditDiff = { added: [], removed: [], changed: [] };
  for (const e of after) {
    const old = a.get(e.id);
    if (old === undefined) out.added.push(e);
    else if (editKey(old) !== editKey(e)) out.changed.push({ before: old, after: e });
  }
  for (const e of before) if (!b.has(e.id)) out.removed.push(e);
  return out;
}

/** Bounding box [west, south, east, north] of the edits that have a place; null if none. */
export function editsBbox(edits: readonly Edit[]): [number, number, number, number] | null {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const add = (x: number, y: number) => {
    w = Math.min(w, x);
    e = Math.max(e, x);
    s = Math.min(s, y);
    n = Math.max(n, y);
  };
  for (const ed of edits) {
    if (ed.kind === 'add-building') ed.footprint.forEach(([x, y]) => add(x, y));
    else if (ed.kind === 'clip') ed.ring.forEach(([x, y]) => add(x, y));
    else if ('lonDeg' in ed && ed.lonDeg !== undefined && 'latDeg' in ed && ed.latDeg !== undefined) add(ed.lonDeg, ed.latDeg);
  }
  return Number.isFinite(w) ? [w, s, e, n] : null;
}
