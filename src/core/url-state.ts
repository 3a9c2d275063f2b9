/**
 * The view state that lives in the page URL, so that a copied link reproduces the view:
 * city, camera, time of day, shadows, language, open panels and the selected feature.
 *
 * `parseUrlState` never throws: every malformed parameter is reported as an issue naming the
 * parameter and the reason, and is left out of the state (the app then uses its default).
 * `serializeUrlState` writes a canonical, rounded form; `parse(serialize(s))` is the identity
 * for any state whose numbers are already at the codec's precision (see `roundCamera`).
 */

/** Camera pose: geodetic position of the eye and orientation, degrees and metres. */
export interface CameraState {
  lonDeg: number;
  latDeg: number;
  heightM: number;
  /** Clockwise from north, [0, 360). */
  headingDeg: number;
  /** Negative looks down, [−90, 90]. */
  pitchDeg: number;
  /** [−180, 180). */
  rollDeg: number;
}

/** Panels whose open state is kept in the URL. */
export const PANEL_IDS = [
  'info', 'legend', 'sources', 'time', 'help',
  // Panels of later features, reserved here so links stay stable.
  'layers', 'search', 'sim', 'method', 'scenario', 'compare', 'measure', 'tour', 'consult', 'data', 'mobility', 'mobility-method', 'wifi', 'wifi-method',
] as const;
export type PanelId = (typeof PANEL_IDS)[number];

export const LANGS = ['fr', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** Everything the URL can say about the view. Absent fields mean "use the default". */
export interface UrlState {
  city?: string;
  camera?: CameraState;
  /** Scene time, milliseconds since the Unix epoch (UTC), whole minutes. */
  timeMs?: number;
  shadows?: boolean;
  lang?: Lang;
  panels?: PanelId[];
  /** Id of the selected feature (building). */
  selected?: string;
  /** Force offline sources (no online basemap, terrain or city probe). */
  offline?: boolean;
  /** Parameters this codec does not know, kept verbatim so other features can read them. */
  extra: Record<string, string>;
}

/** One malformed parameter. */
export interface UrlIssue {
  param: string;
  value: string;
  reason: string;
}

export interface ParsedUrlState {
  state: UrlState;
  issues: UrlIssue[];
}

/** Decimal places kept in the URL for each camera field. */
export const CAMERA_PRECISION = { lonDeg: 6, latDeg: 6, heightM: 1, headingDeg: 2, pitchDeg: 2, rollDeg: 2 } as const;

/** Ids: letters, digits, '-', '_', '.', ':' — at most 128 characters. */
const ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;
/** City ids: lower-case letters, digits and '-' — at most 64 characters. */
const CITY_RE = /^[a-z0-9][a-z0-9-]{0,63}$/;
const MAX_PARAM_LENGTH = 2048;
/** Parameters that carry a whole document (a tour shared by link, issue 10) may be longer. */
const LONG_PARAMS: Readonly<Record<string, number>> = { tour: 32_768 };
const MIN_TIME_MS = Date.UTC(1900, 0, 1);
const MAX_TIME_MS = Date.UTC(2200, 0, 1);
const MAX_CAMERA_HEIGHT_M = 50_000_000;
const MIN_CAMERA_HEIGHT_M = -1_000;

const KNOWN = new Set(['city', 'cam', 't', 'shadows', 'lang', 'panels', 'sel', 'offline']);

function roundTo(value: number, places: number): number {
  const f = 10 ** places;
  const r = Math.round(value * f) / f;
  return Object.is(r, -0) ? 0 : r;
}

/** Wraps an angle to [0, 360). */
export function wrap360(deg: number): number {
  const r = ((deg % 360) + 360) % 360;
  return r === 360 ? 0 : r;
}

/** Wraps an angle to [−180, 180). */
export function wrap180(deg: number): number {
  const r = wrap360(deg + 180) - 180;
  return r;
}

function roundWrap180(deg: number, places: number): number {
  const r = roundTo(wrap180(deg), places);
  return r >= 180 ? r - 360 : r;
}

function roundWrap360(deg: number, places: number): number {
  const r = roundTo(wrap360(deg), places);
  return r >= 360 ? r - 360 : r;
}

/** Normalises a camera to the codec's ranges and precision (what a round trip gives back). */
export function roundCamera(c: CameraState): CameraState {
  const p = CAMERA_PRECISION;
  return {
    lonDeg: roundWrap180(c.lonDeg, p.lonDeg),
    latDeg: roundTo(Math.max(-90, Math.min(90, c.latDeg)), p.latDeg),
    heightM: roundTo(c.heightM, p.heightM),
    headingDeg: roundWrap360(c.headingDeg, p.headingDeg),
    pitchDeg: roundTo(Math.max(-90, Math.min(90, c.pitchDeg)), p.pitchDeg),
    rollDeg: roundWrap180(c.rollDeg, p.rollDeg),
  };
}

/** Rounds a time to whole minutes, as the URL keeps it. */
export function roundTimeMs(ms: number): number {
  return Math.round(ms / 60_000) * 60_000;
}

function parseCamera(value: string): CameraState | string {
  const parts = value.split(',');
  if (parts.length !== 6) return `expected 6 comma-separated numbers (lon,lat,height,heading,pitch,roll), got ${parts.length}`;
  const nums = parts.map((s) => (/^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i.test(s) ? Number(s) : Number.NaN));
  const names = ['lon', 'lat', 'height', 'heading', 'pitch', 'roll'];
  for (let i = 0; i < 6; i++) {
    if (!Number.isFinite(nums[i])) return `${names[i]} is not a finite number: "${parts[i]}"`;
  }
  const [lonDeg, latDeg, heightM, headingDeg, pitchDeg, rollDeg] = nums as [number, number, number, number, number, number];
  if (lonDeg < -180 || lonDeg > 180) return `longitude ${lonDeg} is outside [−180, 180]`;
  if (latDeg < -90 || latDeg > 90) return `latitude ${latDeg} is outside [−90, 90]`;
  if (heightM < MIN_CAMERA_HEIGHT_M || heightM > MAX_CAMERA_HEIGHT_M) return `height ${heightM} m is outside [${MIN_CAMERA_HEIGHT_M}, ${MAX_CAMERA_HEIGHT_M}] m`;
  if (pitchDeg < -90 || pitchDeg > 90) return `pitch ${pitchDeg}° is outside [−90, 90]`;
  return roundCamera({ lonDeg, latDeg, heightM, headingDeg, pitchDeg, rollDeg });
}

function parseTime(value: string): number | string {
  // ISO 8601 date-time with an explicit zone (Z or ±hh:mm); seconds optional.
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.exec(value);
  if (!m) return 'expected an ISO 8601 date-time with a zone, e.g. 2026-06-21T14:30Z';
  const ms = Date.parse(value.length === 17 ? value.replace('Z', ':00Z') : value);
  if (!Number.isFinite(ms)) return 'not a valid date-time';
  // Reject impossible calendar dates that Date.parse would roll over (e.g. 02-31).
  const [, y, mo, d] = m;
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return 'not a valid calendar date';
  if (ms < MIN_TIME_MS || ms > MAX_TIME_MS) return 'outside 1900–2200';
  return roundTimeMs(ms);
}

function parseBool(value: string): boolean | string {
  if (value === '1' || value === 'true' || value === 'on') return true;
  if (value === '0' || value === 'false' || value === 'off') return false;
  return 'expected 1 or 0';
}

/** Formats a time the way the URL keeps it: `YYYY-MM-DDTHH:MMZ`. */
export function formatTime(ms: number): string {
  return new Date(roundTimeMs(ms)).toISOString().slice(0, 16) + 'Z';
}

function formatNumber(value: number, places: number): string {
  const s = roundTo(value, places).toFixed(places);
  // Trim trailing zeros for shorter links, keep at least one digit.
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Parses a query string (with or without the leading '?'). Never throws. */
export function parseUrlState(search: string): ParsedUrlState {
  const issues: UrlIssue[] = [];
  const state: UrlState = { extra: {} };
  const pairs: [string, string][] = [];
  for (const part of (search.startsWith('?') ? search.slice(1) : search).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq >= 0 ? part.slice(0, eq) : part;
    const rawVal = eq >= 0 ? part.slice(eq + 1) : '';
    try {
      pairs.push([decodeURIComponent(rawKey.replace(/\+/g, ' ')), decodeURIComponent(rawVal.replace(/\+/g, ' '))]);
    } catch {
      issues.push({ param: rawKey.slice(0, 40), value: rawVal.slice(0, 40), reason: 'malformed percent-encoding' });
    }
  }
  const seen = new Set<string>();
  for (const [key, rawValue] of pairs) {
    const value = rawValue.trim();
    const maxLength = LONG_PARAMS[key] ?? MAX_PARAM_LENGTH;
    if (value.length > maxLength) {
      issues.push({ param: key, value: value.slice(0, 40) + '…', reason: `longer than ${maxLength} characters` });
      continue;
    }
    if (seen.has(key) && KNOWN.has(key)) {
      issues.push({ param: key, value, reason: 'given more than once; the first value is used' });
      continue;
    }
    seen.add(key);
    switch (key) {
      case 'city':
        if (CITY_RE.test(value)) state.city = value;
        else issues.push({ param: key, value, reason: 'a city id is lower-case letters, digits and "-"' });
        break;
      case 'cam': {
        const r = parseCamera(value);
        if (typeof r === 'string') issues.push({ param: key, value, reason: r });
        else state.camera = r;
        break;
      }
      case 't': {
        const r = parseTime(value);
        if (typeof r === 'string') issues.push({ param: key, value, reason: r });
        else state.timeMs = r;
        break;
      }
      case 'shadows':
      case 'offline': {
        const r = parseBool(value);
        if (typeof r === 'string') issues.push({ param: key, value, reason: r });
        else state[key] = r;
        break;
      }
      case 'lang':
        if ((LANGS as readonly string[]).includes(value)) state.lang = value as Lang;
        else issues.push({ param: key, value, reason: `expected one of ${LANGS.join(', ')}` });
        break;
      case 'panels': {
        const list: PanelId[] = [];
        for (const p of value.split(',').filter((s) => s.length > 0)) {
          if ((PANEL_IDS as readonly string[]).includes(p)) {
            if (!list.includes(p as PanelId)) list.push(p as PanelId);
          } else {
            issues.push({ param: key, value: p, reason: `unknown panel; known panels are ${PANEL_IDS.join(', ')}` });
          }
        }
        state.panels = list;
        break;
      }
      case 'sel':
        if (ID_RE.test(value)) state.selected = value;
        else issues.push({ param: key, value, reason: 'a feature id is 1–128 letters, digits or . _ : -' });
        break;
      default:
        if (!(key in state.extra)) state.extra[key] = rawValue;
    }
  }
  return { state, issues };
}

/** Characters left unescaped in values: readable links, still a valid query. */
function encodeValue(v: string): string {
  return encodeURIComponent(v).replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%2F/g, '/');
}

/** Writes the state as a canonical query string (with leading '?', or '' when empty). */
export function serializeUrlState(state: UrlState): string {
  const out: string[] = [];
  const push = (k: string, v: string) => out.push(`${encodeURIComponent(k)}=${encodeValue(v)}`);
  if (state.city !== undefined) push('city', state.city);
  if (state.camera !== undefined) {
    const c = roundCamera(state.camera);
    const p = CAMERA_PRECISION;
    push(
      'cam',
      [
        formatNumber(c.lonDeg, p.lonDeg),
        formatNumber(c.latDeg, p.latDeg),
        formatNumber(c.heightM, p.heightM),
        formatNumber(c.headingDeg, p.headingDeg),
        formatNumber(c.pitchDeg, p.pitchDeg),
        formatNumber(c.rollDeg, p.rollDeg),
      ].join(','),
    );
  }
  if (state.timeMs !== undefined) push('t', formatTime(state.timeMs));
  if (state.shadows !== undefined) push('shadows', state.shadows ? '1' : '0');
  if (state.lang !== undefined) push('lang', state.lang);
  if (state.panels !== undefined && state.panels.length > 0) push('panels', state.panels.join(','));
  if (state.selected !== undefined) push('sel', state.selected);
  if (state.offline !== undefined) push('offline', state.offline ? '1' : '0');
  for (const [k, v] of Object.entries(state.extra)) {
    if (!KNOWN.has(k)) push(k, v);
  }
  return out.length > 0 ? `?${out.join('&')}` : '';
}
