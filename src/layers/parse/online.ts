import { LayerParseError } from '../types.ts';

/**
 * Pure conversions of online answers into GeoJSON FeatureCollections, so that one parser per
 * layer reads both the pack copy and the live service: Opendatasoft records, Overpass JSON and
 * WFS pages. Also the paging URLs.
 */

type Json = Record<string, unknown>;

export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Json[];
}

/** Fills `{west}`, `{south}`, `{east}`, `{north}` with the bbox (6 decimals). */
export function fillBbox(url: string, bbox: readonly [number, number, number, number]): string {
  const [w, s, e, n] = bbox.map((v) => v.toFixed(6));
  return url.replaceAll('{west}', w!).replaceAll('{south}', s!).replaceAll('{east}', e!).replaceAll('{north}', n!);
}

function withParams(url: string, params: Record<string, string | number>): string {
  const q = Object.entries(params).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  return `${url}${url.includes('?') ? '&' : '?'}${q}`;
}

/** URL of one page of a WFS 2.0 GetFeature as GeoJSON in WGS84. */
export function wfsPageUrl(url: string, typeName: string, count: number, startIndex: number): string {
  return withParams(url, { service: 'WFS', version: '2.0.0', request: 'GetFeature', typeNames: typeName, outputFormat: 'application/json', srsName: 'EPSG:4326', count, startIndex });
}

/** URL of one page of Opendatasoft Explore v2.1 records. */
export function odsPageUrl(url: string, limit: number, offset: number): string {
  return withParams(url, { limit, offset });
}

/** Features of one WFS page (GeoJSON). */
export function wfsPageFeatures(json: unknown, where: string): Json[] {
  const o = json as { type?: unknown; features?: unknown };
  if (o === null || typeof o !== 'object' || o.type !== 'FeatureCollection' || !Array.isArray(o.features)) {
    throw new LayerParseError(where, 'the WFS answer is not a GeoJSON FeatureCollection (an OGC exception report?)');
  }
  return o.features as Json[];
}

function geoOf(v: unknown): [number, number] | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as { lon?: unknown; lat?: unknown; type?: unknown; coordinates?: unknown };
    if (typeof o.lon === 'number' && typeof o.lat === 'number') return [o.lon, o.lat];
    if (o.type === 'Point' && Array.isArray(o.coordinates) && typeof o.coordinates[0] === 'number' && typeof o.coordinates[1] === 'number') return [o.coordinates[0], o.coordinates[1]];
  }
  // Opendatasoft also writes [lat, lon] arrays.
  if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number') return [v[1], v[0]];
  return null;
}

/** Records of an ODS `records` answer → point features (geometry from `geoField`). */
export function odsRecordsToFeatures(json: unknown, geoField: string, where: string): { features: Json[]; total: number | null } {
  const o = json as { results?: unknown; total_count?: unknown };
  if (o === null || typeof o !== 'object' || !Array.isArray(o.results)) throw new LayerParseError(where, 'not an Opendatasoft records answer ("results" missing)');
  const features: Json[] = [];
  for (const r of o.results as unknown[]) {
    if (r === null || typeof r !== 'object') continue;
    const rec = r as Json;
    const p = geoOf(rec[geoField]);
    const properties: Json = {};
    for (const [k, v] of Object.entries(rec)) if (k !== geoField) properties[k] = v;
    features.push({ type: 'Feature', properties, geometry: p === null ? null : { type: 'Point', coordinates: p } });
  }
  return { features, total: typeof o.total_count === 'number' ? o.total_count : null };
}

/** Overpass JSON (`out center` or `out geom`) → features: nodes and centres as points, way geometries as lines. */
export function overpassToFeatures(json: unknown, where: string): Json[] {
  const o = json as { elements?: unknown };
  if (o === null || typeof o !== 'object' || !Array.isArray(o.elements)) throw new LayerParseError(where, 'not an Overpass JSON answer ("elements" missing)');
  const out: Json[] = [];
  for (const e of o.elements as Json[]) {
    if (e === null || typeof e !== 'object') continue;
    const tags = (e.tags !== null && typeof e.tags === 'object' ? e.tags : {}) as Json;
    const properties = { '@id': `${String(e.type)}/${String(e.id)}`, ...tags };
    let geometry: Json | null = null;
    if (typeof e.lat === 'number' && typeof e.lon === 'number') geometry = { type: 'Point', coordinates: [e.lon, e.lat] };
    else if (Array.isArray(e.geometry)) geometry = { type: 'LineString', coordinates: (e.geometry as { lon: number; lat: number }[]).map((p) => [p?.lon, p?.lat]) };
    else if (e.center !== null && typeof e.center === 'object') {
      const c = e.center as { lon?: unknown; lat?: unknown };
      geometry = { type: 'Point', coordinates: [c.lon, c.lat] };
    }
    out.push({ type: 'Feature', properties, geometry });
  }
  return out;
}

export function featureCollection(features: Json[]): FeatureCollection {
  return { type: 'FeatureCollection', features };
}
