import type { Parsed } from './attributes.ts';

/**
 * Checks one GeoJSON feature (any JSON value, as the streaming reader gives it) and extracts
 * what the pipeline needs: its polygons in the source CRS and its properties. Total: any input
 * gives either a footprint or a reason naming what is wrong and where.
 */

/** A building footprint as read from a source, before reprojection and cleaning. */
export interface SourceFootprint {
  /** The GeoJSON `id` member of the feature, if any. */
  featureId: unknown;
  properties: Record<string, unknown>;
  /** Polygons; each is a list of rings (first outer), each ring flat `[x0, y0, x1, y1, …]` in the source CRS. */
  polygons: number[][][];
}

/** Most vertices accepted in one feature (a guard against hostile input). */
export const MAX_FEATURE_VERTICES = 1_000_000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : typeof v;
}

function readRing(ring: unknown, where: string, budget: { left: number }): Parsed<number[]> {
  if (!Array.isArray(ring)) return { ok: false, reason: `${where} is ${kindOf(ring)}, not an array of positions` };
  if (ring.length === 0) return { ok: false, reason: `${where} is empty` };
  budget.left -= ring.length;
  if (budget.left < 0) return { ok: false, reason: `more than ${MAX_FEATURE_VERTICES} vertices` };
  const out = new Array<number>(ring.length * 2);
  for (let i = 0; i < ring.length; i++) {
    const p: unknown = ring[i];
    if (!Array.isArray(p) || p.length < 2 || p.length > 4) return { ok: false, reason: `${where} vertex ${i} is not a position ([x, y] or [x, y, z])` };
    const x: unknown = p[0], y: unknown = p[1];
    if (typeof x !== 'number' || typeof y !== 'number') return { ok: false, reason: `${where} vertex ${i} has a coordinate that is not a number` };
    if (!Number.isFinite(x) || !Number.isFinite(y)) return { ok: false, reason: `${where} vertex ${i} has a non-finite coordinate (${x}, ${y})` };
    out[2 * i] = x;
    out[2 * i + 1] = y;
  }
  return { ok: true, value: out };
}

function readPolygon(rings: unknown, where: string, budget: { left: number }): Parsed<number[][]> {
  if (!Array.isArray(rings)) return { ok: false, reason: `${where} is ${kindOf(rings)}, not an array of rings` };
  if (rings.length === 0) return { ok: false, reason: `${where} has no ring (empty geometry)` };
  const out: number[][] = [];
  for (let r = 0; r < rings.length; r++) {
    const ring = readRing(rings[r], `${where} ring ${r}`, budget);
    if (!ring.ok) return ring;
    out.push(ring.value);
  }
  return { ok: true, value: out };
}

/** Reads a GeoJSON Feature with a Polygon or MultiPolygon geometry (2D or 3D; z is ignored). */
export function readFootprintFeature(feature: unknown): Parsed<SourceFootprint> {
  if (!isObject(feature)) return { ok: false, reason: `the feature is ${kindOf(feature)}, not a GeoJSON object` };
  if (feature.type !== 'Feature') return { ok: false, reason: `type is ${JSON.stringify(feature.type ?? null)?.slice(0, 40)}, expected "Feature"` };
  const props = feature.properties;
  if (props !== undefined && props !== null && !isObject(props)) return { ok: false, reason: `properties is ${kindOf(props)}, not an object` };
  const properties = (props ?? {}) as Record<string, unknown>;
  const g = feature.geometry;
  if (g === null || g === undefined) return { ok: false, reason: 'null geometry' };
  if (!isObject(g)) return { ok: false, reason: `geometry is ${kindOf(g)}, not an object` };
  const budget = { left: MAX_FEATURE_VERTICES };
  if (g.type === 'Polygon') {
    const p = readPolygon(g.coordinates, 'polygon 0', budget);
    if (!p.ok) return p;
    return { ok: true, value: { featureId: feature.id, properties, polygons: [p.value] } };
  }
  if (g.type === 'MultiPolygon') {
    const c = g.coordinates;
    if (!Array.isArray(c)) return { ok: false, reason: `MultiPolygon coordinates are ${kindOf(c)}, not an array` };
    if (c.length === 0) return { ok: false, reason: 'empty geometry (MultiPolygon without polygons)' };
    const polygons: number[][][] = [];
    for (let i = 0; i < c.length; i++) {
      const p = readPolygon(c[i], `polygon ${i}`, budget);
      if (!p.ok) return p;
      polygons.push(p.value);
    }
    return { ok: true, value: { featureId: feature.id, properties, polygons } };
  }
  return { ok: false, reason: `geometry type ${JSON.stringify(g.type ?? null)?.slice(0, 40)} is not supported (Polygon or MultiPolygon)` };
}
