import type { Rgb } from '../core/color-ramp.ts';

/**
 * Ground shapes (street ribbons and square/park areas) read from a pack's GeoJSON, for the
 * demo district. Pure: JSON in, shapes out; features that are not usable are counted, not
 * thrown on.
 */

export interface GroundArea {
  /** Outer ring, [lon, lat] pairs (open). */
  ring: [number, number][];
  color: Rgb;
}

export interface GroundRibbon {
  line: [number, number][];
  widthM: number;
  color: Rgb;
}

export interface GroundShapes {
  areas: GroundArea[];
  ribbons: GroundRibbon[];
  skipped: number;
}

const COLORS: Record<string, Rgb> = {
  park: [134, 179, 110],
  plaza: [214, 205, 186],
  avenue: [96, 99, 106],
  street: [118, 121, 128],
};

function isLonLat(p: unknown): p is [number, number] {
  return Array.isArray(p) && p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number' &&
    Number.isFinite(p[0]) && Number.isFinite(p[1]) && Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90;
}

/** Reads LineString streets (with `widthM`, `kind`) and Polygon squares (with `kind`). */
export function groundFromGeoJson(json: unknown): GroundShapes {
  const out: GroundShapes = { areas: [], ribbons: [], skipped: 0 };
  const features = (json as { features?: unknown })?.features;
  if (!Array.isArray(features)) return out;
  for (const f of features as { geometry?: { type?: unknown; coordinates?: unknown }; properties?: Record<string, unknown> }[]) {
    const g = f?.geometry;
    const kind = typeof f?.properties?.kind === 'string' ? f.properties.kind : '';
    const color = COLORS[kind] ?? COLORS.street!;
    if (g?.type === 'LineString' && Array.isArray(g.coordinates) && g.coordinates.length >= 2 && g.coordinates.every(isLonLat)) {
      const w = Number(f.properties?.widthM);
      out.ribbons.push({ line: g.coordinates.map((p) => [p[0], p[1]]), widthM: Number.isFinite(w) && w > 0 && w < 200 ? w : 12, color });
    } else if (g?.type === 'Polygon' && Array.isArray(g.coordinates) && Array.isArray(g.coordinates[0]) && (g.coordinates[0] as unknown[]).length >= 4 && (g.coordinates[0] as unknown[]).every(isLonLat)) {
      const ring = (g.coordinates[0] as [number, number][]).map((p): [number, number] => [p[0], p[1]]);
      ring.pop();
      out.areas.push({ ring, color });
    } else {
      out.skipped++;
    }
  }
  return out;
}
