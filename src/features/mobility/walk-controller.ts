import { AMENITY_LAYERS, walkInput, type PackFiles } from './inputs.ts';
import type { WalkIsochronesOutput } from './walk-contract.ts';

/**
 * Walking study decisions (pure): the `walk-isochrones` input from the panel's parameters, the
 * colours of the bands, what a result draws (streets, area, origin, the box to frame) and the
 * figures the end-to-end tests read.
 */

/** Band colours, fastest first (ColorBrewer RdYlGn, reversed). */
export const BAND_COLORS: readonly [number, number, number][] = [[26, 152, 80], [145, 207, 96], [254, 224, 139], [252, 141, 89], [215, 48, 39], [127, 0, 0]];

/** CSS colour of an RGB triple (`#rrggbb`). */
export const hex = (c: readonly [number, number, number]): string => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** A band's colour (the last one for bands beyond the palette). */
export const bandColor = (band: number): readonly [number, number, number] => BAND_COLORS[Math.min(band, BAND_COLORS.length - 1)]!;

/** Parameters of a walking study, as the panel reads them. */
export interface WalkParams {
  /** 'point' or an amenity type id. */
  origin: string;
  speedMps: number;
  bandsMin: number[];
  scenario: boolean;
}

/** The walking input, or why the study cannot run (a message key of the feature). */
export type WalkRequest = { ok: true; input: Record<string, unknown> } | { ok: false; error: 'mobility.walk.noStreets' | 'mobility.walk.noPoint' };

/**
 * Input of `walk-isochrones` from the panel's parameters: origins a clicked point or the
 * amenities of a type; Trambus stops count as an amenity only when they are the origin.
 */
export function walkRequest(files: PackFiles, p: WalkParams, point: [number, number] | null): WalkRequest {
  if (files['osm-streets'] === undefined) return { ok: false, error: 'mobility.walk.noStreets' };
  if (p.origin === 'point' && point === null) return { ok: false, error: 'mobility.walk.noPoint' };
  const amenities = AMENITY_LAYERS.map((a) => a.id).filter((id) => id !== 'trambus-stops' || p.origin === 'trambus-stops');
  return {
    ok: true,
    input: {
      ...walkInput(files, { origin: p.origin === 'point' ? { point: point! } : { amenity: p.origin }, amenities, withTrambus: p.scenario }),
      speedMps: p.speedMps,
      bandsMin: p.bandsMin,
    },
  };
}

/** A labelled point on the map (an origin, a car park). */
export interface MapPoint {
  lonDeg: number;
  latDeg: number;
  rgba: readonly [number, number, number, number];
  sizePx: number;
  label?: string;
}

/** What a walking result draws: street colours, the area raster, the origin and the box to frame. */
export interface WalkDrawing {
  /** RGBA per reached street segment. */
  edgeRgba: Uint8Array;
  /** RGBA per area cell (alpha 0 where not reached). */
  ground: Uint8ClampedArray;
  points: MapPoint[];
  /** West, south, east, north of the reached streets (degrees), or null when none. */
  box: [number, number, number, number] | null;
}

/** The drawing of a walking result; `point` is the clicked origin, if the study started there. */
export function walkDrawing(o: WalkIsochronesOutput, point: [number, number] | null): WalkDrawing {
  const n = o.edgeBand.length;
  const edgeRgba = new Uint8Array(n * 4);
  for (let k = 0; k < n; k++) edgeRgba.set([...bandColor(o.edgeBand[k]!), 255], 4 * k);
  const g = o.area.grid;
  const ground = new Uint8ClampedArray(g.cols * g.rows * 4);
  for (let i = 0; i < o.area.band.length; i++) {
    const b = o.area.band[i]!;
    if (b !== 255) ground.set([...bandColor(b), 150], 4 * i);
  }
  let w = Infinity, s = Infinity, e = -Infinity, nn = -Infinity;
  for (let i = 0; i < o.edgeCoords.length; i += 2) {
    w = Math.min(w, o.edgeCoords[i]!);
    e = Math.max(e, o.edgeCoords[i]!);
    s = Math.min(s, o.edgeCoords[i + 1]!);
    nn = Math.max(nn, o.edgeCoords[i + 1]!);
  }
  const points: MapPoint[] = point !== null ? [{ lonDeg: point[0], latDeg: point[1], rgba: [255, 255, 255, 255], sizePx: 12 }] : [];
  return { edgeRgba, ground, points, box: Number.isFinite(w) ? [w, s, e, nn] : null };
}

/** A walking result's figures the tests read. */
export interface WalkFigures {
  edges: number;
  areaCells: number;
  origins: number;
  kpis: { type: string; share: number; qpvShare: number }[];
  scenarioDelta: number | null;
}

/** The figures of a walking result the tests read. */
export function walkSummary(o: WalkIsochronesOutput): WalkFigures {
  const sc = o.scenario;
  return {
    edges: o.edgeBand.length,
    areaCells: o.area.band.reduce((s, b) => s + (b !== 255 ? 1 : 0), 0),
    origins: o.origins.snapped,
    kpis: o.kpis.map((k) => ({ type: k.type, share: k.share, qpvShare: k.qpvShare })),
    scenarioDelta: sc === null ? null : sc.after.share - sc.before.share,
  };
}
