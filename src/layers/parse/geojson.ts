import { strFromU8 } from 'fflate';
import { LayerParseError, type LayerFeature, type LayerGeometry, type ParseContext, type ParsedLayer, type ParseIssue, type Position, type PropertyValue } from '../types.ts';

/**
 * Pure GeoJSON reading shared by the layer parsers: bytes → features with normalised
 * geometry and flat properties. A file that is not a FeatureCollection throws a LayerParseError
 * naming the file; a bad feature is skipped with an issue naming its index and the reason.
 */

/** Longest text kept for one property (longer values are cut, with an issue). */
export const MAX_PROPERTY_CHARS = 4000;
/** Most issues kept per layer (the count of the rest is reported). */
export const MAX_ISSUES = 50;

/** UTF-8 bytes → text, without a byte-order mark. */
export function decodeUtf8(bytes: Uint8Array): string {
  const s = strFromU8(bytes);
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/** Adds an issue, keeping at most MAX_ISSUES (then one summary line). */
export function pushIssue(issues: ParseIssue[], issue: ParseIssue): void {
  if (issues.length < MAX_ISSUES) issues.push(issue);
  else if (issues.length === MAX_ISSUES) issues.push({ where: '…', reason: 'more issues not listed' });
}

function isPosition(p: unknown): p is [number, number] {
  return Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number' &&
    Number.isFinite(p[0]) && Number.isFinite(p[1]) && Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90;
}

function line(coords: unknown, minPoints: number): Position[] | string {
  if (!Array.isArray(coords)) return 'coordinates are not an array';
  if (coords.length > 1_000_000) return 'too many vertices';
  const out: Position[] = [];
  for (const p of coords) {
    if (!isPosition(p)) return `invalid position ${JSON.stringify(p)?.slice(0, 60)} (need finite [lon, lat] in degrees)`;
    const last = out[out.length - 1];
    if (last === undefined || last[0] !== p[0] || last[1] !== p[1]) out.push([p[0], p[1]]);
  }
  if (out.length < minPoints) return `needs at least ${minPoints} distinct positions, has ${out.length}`;
  return out;
}

function ring(coords: unknown): Position[] | string {
  const r = line(coords, 3);
  if (typeof r === 'string') return r;
  const first = r[0]!, last = r[r.length - 1]!;
  if (r.length > 3 && first[0] === last[0] && first[1] === last[1]) r.pop();
  if (r.length < 3) return 'a ring needs at least 3 distinct positions';
  return r;
}

function polygon(coords: unknown): Position[][] | string {
  if (!Array.isArray(coords) || coords.length === 0) return 'a polygon needs at least one ring';
  const rings: Position[][] = [];
  for (const c of coords) {
    const r = ring(c);
    if (typeof r === 'string') return r;
    rings.push(r);
  }
  return rings;
}

/** Normalises a GeoJSON geometry, or says why it cannot be used. */
export function normaliseGeometry(g: unknown): LayerGeometry | string {
  if (g === null || g === undefined) return 'no geometry';
  if (typeof g !== 'object') return 'geometry is not an object';
  const { type, coordinates } = g as { type?: unknown; coordinates?: unknown };
  switch (type) {
    case 'Point':
      return isPosition(coordinates) ? { type: 'point', coordinates: [coordinates[0], coordinates[1]] } : `invalid point ${JSON.stringify(coordinates)?.slice(0, 60)}`;
    case 'MultiPoint': {
      if (!Array.isArray(coordinates) || coordinates.length !== 1 || !isPosition(coordinates[0])) return 'a MultiPoint is read only with exactly one valid position';
      return { type: 'point', coordinates: [coordinates[0][0], coordinates[0][1]] };
    }
    case 'LineString': {
      const l = line(coordinates, 2);
      return typeof l === 'string' ? l : { type: 'line', lines: [l] };
    }
    case 'MultiLineString': {
      if (!Array.isArray(coordinates) || coordinates.length === 0) return 'a MultiLineString needs at least one line';
      const lines: Position[][] = [];
      for (const c of coordinates) {
        const l = line(c, 2);
        if (typeof l === 'string') return l;
        lines.push(l);
      }
      return { type: 'line', lines };
    }
    case 'Polygon': {
      const p = polygon(coordinates);
      return typeof p === 'string' ? p : { type: 'polygon', polygons: [p] };
    }
    case 'MultiPolygon': {
      if (!Array.isArray(coordinates) || coordinates.length === 0) return 'a MultiPolygon needs at least one polygon';
      const polygons: Position[][][] = [];
      for (const c of coordinates) {
        const p = polygon(c);
        if (typeof p === 'string') return p;
        polygons.push(p);
      }
      return { type: 'polygon', polygons };
    }
    default:
      return `unsupported geometry type ${JSON.stringify(type)?.slice(0, 40)}`;
  }
}

/** Flat property values: text, numbers, booleans, null; anything else as JSON text. */
export function flatValue(v: unknown): PropertyValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.length > MAX_PROPERTY_CHARS ? `${v.slice(0, MAX_PROPERTY_CHARS)}…` : v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v;
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > MAX_PROPERTY_CHARS ? `${s.slice(0, MAX_PROPERTY_CHARS)}…` : s;
}

/** A number from a value as published ("18", "7.0", 12); null for empty, "None" or not a number. */
export function toNumber(v: PropertyValue | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  const s = v.trim().replace(',', '.');
  if (s === '' || s === 'None' || s === 'null' || s === 'NaN') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** Parses JSON text and checks it is a FeatureCollection; returns its features array. */
export function readFeatureCollection(bytes: Uint8Array, where: string, maxFeatures = 500_000): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(decodeUtf8(bytes));
  } catch (e) {
    throw new LayerParseError(where, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (json === null || typeof json !== 'object') throw new LayerParseError(where, 'not a GeoJSON object');
  const o = json as { type?: unknown; features?: unknown };
  if (o.type === 'Feature') return [o];
  if (o.type !== 'FeatureCollection') throw new LayerParseError(where, `a layer file must be a GeoJSON FeatureCollection, not ${JSON.stringify(o.type)?.slice(0, 40) ?? 'undefined'}`);
  if (!Array.isArray(o.features)) throw new LayerParseError(where, '"features" is not an array');
  if (o.features.length > maxFeatures) throw new LayerParseError(where, `${o.features.length} features, more than the limit of ${maxFeatures}`);
  return o.features;
}

export interface GeoJsonReadOptions {
  /** Properties that may hold the feature id, tried in order (then the GeoJSON `id`, then the index). */
  idFields?: readonly string[];
  /** Properties that may hold the name, tried in order. */
  nameFields?: readonly string[];
  /** Properties converted to numbers (null when empty, "None" or not a number; the latter with an issue). */
  numericFields?: readonly string[];
  /** Geometry types accepted (default all). */
  geometry?: readonly LayerGeometry['type'][];
}

/** Reads features from GeoJSON bytes with the options; never throws on a single bad feature. */
export function readGeoJsonFeatures(bytes: Uint8Array, where: string, o: GeoJsonReadOptions = {}): ParsedLayer {
  const raw = readFeatureCollection(bytes, where);
  const features: LayerFeature[] = [];
  const issues: ParseIssue[] = [];
  const seen = new Set<string>();
  raw.forEach((f, i) => {
    if (f === null || typeof f !== 'object') {
      pushIssue(issues, { where: `${where} feature ${i}`, reason: 'not an object' });
      return;
    }
    const { geometry, properties, id: gid } = f as { geometry?: unknown; properties?: unknown; id?: unknown };
    const g = normaliseGeometry(geometry);
    if (typeof g === 'string') {
      pushIssue(issues, { where: `${where} feature ${i} (geometry)`, reason: g });
      return;
    }
    if (o.geometry !== undefined && !o.geometry.includes(g.type)) {
      pushIssue(issues, { where: `${where} feature ${i} (geometry)`, reason: `a ${g.type} where this layer expects ${o.geometry.join(' or ')}` });
      return;
    }
    const props: Record<string, PropertyValue> = {};
    if (properties !== null && typeof properties === 'object' && !Array.isArray(properties)) {
      for (const [k, v] of Object.entries(properties as Record<string, unknown>)) props[k.slice(0, 200)] = flatValue(v);
    }
    for (const k of o.numericFields ?? []) {
      if (!(k in props)) continue;
      const before = props[k]!;
      const n = toNumber(before);
      if (n === null && before !== null && before !== '' && before !== 'None') {
        pushIssue(issues, { where: `${where} feature ${i} field "${k}"`, reason: `not a number: ${JSON.stringify(before).slice(0, 40)}` });
      }
      props[k] = n;
    }
    let id: string | null = null;
    for (const k of o.idFields ?? []) {
      const v = props[k];
      if (v !== undefined && v !== null && v !== '') {
        id = String(v);
        break;
      }
    }
    if (id === null && (typeof gid === 'string' || typeof gid === 'number')) id = String(gid);
    if (id === null || seen.has(id)) id = id === null ? String(i) : `${id}#${i}`;
    seen.add(id);
    let name: string | null = null;
    for (const k of o.nameFields ?? []) {
      const v = props[k];
      if (typeof v === 'string' && v.trim() !== '' && v !== 'None') {
        name = v.trim();
        break;
      }
      if (typeof v === 'number') {
        name = String(v);
        break;
      }
    }
    features.push({ id, name, geometry: g, properties: props });
  });
  return { features, issues };
}

/** A parser for one GeoJSON input named `input` (most layers). */
export function geoJsonParser(input: string, o: GeoJsonReadOptions) {
  return (inputs: Readonly<Record<string, Uint8Array>>, ctx: ParseContext): ParsedLayer => {
    const bytes = inputs[input];
    const where = ctx.names[input] ?? input;
    if (bytes === undefined) throw new LayerParseError(where, 'missing input');
    return readGeoJsonFeatures(bytes, where, o);
  };
}
