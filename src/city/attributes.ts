import type { HeightSource } from './types.ts';

/**
 * Reading building attributes from source records (GeoJSON properties, CityGML generic
 * attributes): heights ("12 m" strings included), storeys, use, year, ground altitude, id.
 * Pure functions; every refusal comes back with a reason naming the field.
 */

/** A parsed value, or the reason it could not be parsed. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Attributes tried for the height, in order, when `--height` is not given. */
export const HEIGHT_ATTRIBUTES = ['HAUTEUR', 'hauteur', 'Hauteur', 'height', 'HEIGHT', 'Height', 'building:height', 'measuredHeight', 'heightM'] as const;
/** Attributes holding a number of storeys (height = storeys × storey height). */
export const LEVEL_ATTRIBUTES = ['building:levels', 'NB_ETAGES', 'nombre_d_etages', 'nb_etages', 'levels', 'floors', 'storeysAboveGround'] as const;
/** Attributes holding an id, in order. */
export const ID_ATTRIBUTES = ['id', 'ID', 'Id', 'cleabs', 'gml_id', 'identifiant', 'ID_BAT', 'osm_id', '@id'] as const;
/** Attributes holding the main use. */
export const USE_ATTRIBUTES = ['use', 'USAGE1', 'usage_1', 'usage', 'USAGE', 'building:use', 'function', 'building'] as const;
/** Attributes holding a year (or a date starting with the year) of construction. */
export const YEAR_ATTRIBUTES = ['yearBuilt', 'yearOfConstruction', 'year', 'annee_construction', 'date_d_apparition', 'DATE_APP', 'start_date'] as const;
/** Attributes holding the source's ground altitude (metres, the source's vertical datum). */
export const GROUND_ATTRIBUTES = ['Z_MIN_SOL', 'altitude_minimale_sol', 'z_min_sol', 'ZMIN', 'groundAltitudeM'] as const;

const UNITS: Record<string, number> = {
  '': 1, m: 1, 'm.': 1, metre: 1, metres: 1, meter: 1, meters: 1, mètre: 1, mètres: 1,
  ft: 0.3048, feet: 0.3048, foot: 0.3048, "'": 0.3048,
  cm: 0.01,
};

/**
 * Parses a length in metres: a finite number, or a string such as `"12"`, `"12 m"`, `"12,5 m"`,
 * `"12.5m"`, `"40 ft"`, `"40'"`. Refuses other units, several values (`"12;15"`) and text.
 */
export function parseLengthM(value: unknown, field: string): Parsed<number> {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? { ok: true, value } : { ok: false, reason: `${field}: not a finite number (${String(value)})` };
  }
  if (typeof value === 'bigint') return parseLengthM(Number(value), field);
  if (typeof value !== 'string') return { ok: false, reason: `${field}: not a number or a length (${describe(value)})` };
  const s = value.trim();
  const m = /^([+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?)\s*([a-zA-Zèé.']*)$/.exec(s);
  if (m === null) return { ok: false, reason: `${field}: "${clip(s)}" is not a length` };
  const unit = m[2]!.toLowerCase();
  const factor = UNITS[unit];
  if (factor === undefined) return { ok: false, reason: `${field}: unknown unit "${clip(m[2]!)}" in "${clip(s)}"` };
  const n = Number(m[1]!.replace(',', '.')) * factor;
  if (!Number.isFinite(n)) return { ok: false, reason: `${field}: "${clip(s)}" is not a finite length` };
  return { ok: true, value: n };
}

function clip(s: string, n = 40): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${clip(String(v))}`;
}

/** A value that means "no value": undefined, null, "", or a common no-data sentinel. */
export function isMissing(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || v === -9999 || v === '-9999';
}

export interface HeightRules {
  /** Attribute given with `--height`: replaces the list of known height attributes. */
  heightAttribute?: string;
  /** Storey height for heights from a number of storeys, metres (default 3). */
  storeyHeightM?: number;
  /** Height used when a record has none, metres (default 10); flagged `default`. */
  defaultHeightM?: number;
  /** Heights above this are refused as absurd, metres (default 1000). */
  maxHeightM?: number;
}

export interface ResolvedHeight {
  heightM: number;
  heightSource: HeightSource;
  /** The attribute the height came from (null for the default). */
  field: string | null;
  floors: number | null;
}

/** Number of storeys from the first level attribute a record has; null when none is valid. */
export function readFloors(props: Readonly<Record<string, unknown>>): Parsed<number | null> {
  for (const key of LEVEL_ATTRIBUTES) {
    const v = props[key];
    if (isMissing(v)) continue;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(?:[.,]\d+)?\s*$/.test(v) ? Number(v.trim().replace(',', '.')) : NaN;
    if (!Number.isFinite(n) || n < 0 || n > 300) return { ok: false, reason: `${key}: "${clip(String(v))}" is not a number of storeys` };
    return { ok: true, value: n };
  }
  return { ok: true, value: null };
}

/**
 * The height of a record: `--height` (or the first known height attribute present), else the
 * number of storeys × storey height, else the default (flagged). A present but unreadable,
 * negative, zero or absurd value is refused with its reason, never replaced silently.
 */
export function resolveHeight(props: Readonly<Record<string, unknown>>, rules: HeightRules = {}): Parsed<ResolvedHeight> {
  const maxH = rules.maxHeightM ?? 1000;
  const storey = rules.storeyHeightM ?? 3;
  const floorsP = readFloors(props);
  const floors = floorsP.ok ? floorsP.value : null;
  const check = (h: number, field: string): Parsed<number> => {
    if (h < 0) return { ok: false, reason: `${field}: negative height ${h} m` };
    if (h === 0) return { ok: false, reason: `${field}: height 0 m` };
    if (h > maxH) return { ok: false, reason: `${field}: absurd height ${h} m (more than ${maxH} m)` };
    return { ok: true, value: h };
  };
  const keys = rules.heightAttribute !== undefined ? [rules.heightAttribute] : HEIGHT_ATTRIBUTES;
  for (const key of keys) {
    const v = props[key];
    if (isMissing(v)) continue;
    const p = parseLengthM(v, key);
    if (!p.ok) return p;
    const c = check(p.value, key);
    if (!c.ok) return c;
    return { ok: true, value: { heightM: c.value, heightSource: 'attribute', field: key, floors } };
  }
  if (!floorsP.ok) return floorsP;
  if (floors !== null && floors > 0) {
    const field = LEVEL_ATTRIBUTES.find((k) => !isMissing(props[k]))!;
    const c = check(floors * storey, `${field} × ${storey} m`);
    if (!c.ok) return c;
    return { ok: true, value: { heightM: c.value, heightSource: 'levels', field, floors } };
  }
  return { ok: true, value: { heightM: rules.defaultHeightM ?? 10, heightSource: 'default', field: null, floors } };
}

/** First present attribute among `keys` as a trimmed string, else null. */
export function readString(props: Readonly<Record<string, unknown>>, keys: readonly string[]): string | null {
  for (const key of keys) {
    const v = props[key];
    if (isMissing(v)) continue;
    if (typeof v === 'string') {
      // OSM's building=yes says nothing about the use.
      if (key === 'building' && v === 'yes') continue;
      return v.trim().slice(0, 200);
    }
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  }
  return null;
}

/** Year of construction from a year or a date (`1950`, `"1950"`, `"1950-01-01"`); null when none is valid. */
export function readYear(props: Readonly<Record<string, unknown>>): number | null {
  for (const key of YEAR_ATTRIBUTES) {
    const v = props[key];
    if (isMissing(v)) continue;
    const m = /^\s*(\d{4})(?:$|[-/T\s])/.exec(String(v));
    if (m === null) continue;
    const y = Number(m[1]);
    if (y >= 1000 && y <= 2100) return y;
  }
  return null;
}

/** Ground altitude in the source's vertical datum, metres; null when none is valid. */
export function readGroundAltitude(props: Readonly<Record<string, unknown>>): number | null {
  for (const key of GROUND_ATTRIBUTES) {
    const v = props[key];
    if (isMissing(v)) continue;
    const p = parseLengthM(v, key);
    if (p.ok && p.value > -500 && p.value < 9000) return p.value;
  }
  return null;
}

/** Id from `--id` (or the first known id attribute), else the GeoJSON feature id, else null. */
export function readId(props: Readonly<Record<string, unknown>>, featureId: unknown, idAttribute?: string): string | null {
  const keys = idAttribute !== undefined ? [idAttribute] : ID_ATTRIBUTES;
  const fromProps = readString(props, keys);
  if (fromProps !== null) return fromProps;
  if (idAttribute === undefined && (typeof featureId === 'string' || typeof featureId === 'number') && String(featureId) !== '') return String(featureId).slice(0, 200);
  return null;
}
