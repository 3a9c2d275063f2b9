import { z } from 'zod';
import { metresPerDegree } from '../geodesy.ts';
import { polygonAreaM2 } from '../grid.ts';

/** Schemas shared by simulation inputs. */

/** Whether the platform knows an IANA time zone. */
export function isTimeZone(tz: string): boolean {
  if (tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** A calendar date YYYY-MM-DD that exists (years 1900–2199). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number) as [number, number, number];
    const t = new Date(Date.UTC(y, m - 1, d));
    return y >= 1900 && y <= 2199 && t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
  }, 'not a calendar date between 1900 and 2199');

/** [lon, lat] (a height may follow and is ignored). */
export const lonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]).rest(z.number());

/** A linear ring of at least three distinct points (closed or not). */
export const ring = z
  .array(lonLat)
  .min(3)
  .max(20_000)
  .refine((r) => new Set(r.map((p) => `${p[0]},${p[1]}`)).size >= 3, 'a ring needs at least three distinct points');

export const polygonGeometry = z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1).max(1000) });
export const multiPolygonGeometry = z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(ring).min(1).max(1000)).min(1).max(1000) });
export const areaGeometry = z.union([polygonGeometry, multiPolygonGeometry]);

/** A polygon or multipolygon, bare or as a GeoJSON Feature (a district from a file). */
export const area = z.union([areaGeometry, z.object({ type: z.literal('Feature'), geometry: areaGeometry, properties: z.unknown().optional() })]);
export type Area = z.output<typeof area>;

/** The polygons of an area as lists of rings of [lon, lat]. */
export function areaPolygons(a: Area): number[][][][] {
  const g = a.type === 'Feature' ? a.geometry : a;
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/** Bounding box [west, south, east, north] of an area, degrees. */
export function areaBbox(a: Area): [number, number, number, number] {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const poly of areaPolygons(a)) for (const r of poly) for (const p of r) {
    w = Math.min(w, p[0]!);
    e = Math.max(e, p[0]!);
    s = Math.min(s, p[1]!);
    n = Math.max(n, p[1]!);
  }
  return [w, s, e, n];
}

/**
 * The polygons of an area in a local metric frame (`fromGeodetic`, e.g. an east-north-up
 * frame), as flat open rings `[x0, y0, x1, y1, …]` in metres.
 */
export function areaInFrame(a: Area, fromGeodetic: (lonDeg: number, latDeg: number, heightM: number) => [number, number, number]): number[][][] {
  return areaPolygons(a).map((poly) =>
    poly.map((r) => {
      const out: number[] = [];
      const pts = r.length > 3 && r[0]![0] === r.at(-1)![0] && r[0]![1] === r.at(-1)![1] ? r.slice(0, -1) : r;
      for (const p of pts) {
        const [e, n] = fromGeodetic(p[0]!, p[1]!, 0);
        out.push(e, n);
      }
      return out;
    }),
  );
}

/** Area of a study area (polygons with holes), km², on the local plane at its centre. */
export function areaKm2(a: Area): number {
  const [w, s, e, n] = areaBbox(a);
  const m = metresPerDegree((s + n) / 2);
  const cx = (w + e) / 2, cy = (s + n) / 2;
  let total = 0;
  for (const poly of areaPolygons(a)) total += polygonAreaM2(poly.map((r) => r.flatMap((p) => [(p[0]! - cx) * m.lonM, (p[1]! - cy) * m.latM])));
  return total / 1e6;
}
