import { enuFrame, geodeticToEcef, type GeodeticDeg } from '../../core/geodesy.ts';
import { newellNormal } from '../../core/geometry/planar.ts';

/**
 * Measurements on the 3D city from picked points (geodetic, on roofs, walls or the ground):
 * lengths along a polyline, horizontal and vertical separations, and the area of a polygon both
 * projected on the horizontal plane and in its own (best-fit) plane — a roof or a facade.
 */

export interface DistanceMeasure {
  /** Sum of the straight 3D segments, metres. */
  lengthM: number;
  /** Sum of the horizontal projections of the segments, metres. */
  horizontalM: number;
  /** Height of the last point minus the first, metres. */
  riseM: number;
}

export interface HeightMeasure {
  /** Height of the second point above the first (negative below), metres. */
  heightM: number;
  horizontalM: number;
}

export interface AreaMeasure {
  /** Area projected on the horizontal plane, m². */
  horizontalM2: number;
  /** Area in the polygon's best-fit plane (Newell), m². */
  planeM2: number;
  perimeterM: number;
}

function enuOf(points: readonly GeodeticDeg[]): [number, number, number][] {
  const f = enuFrame({ ...points[0]!, heightM: 0 });
  return points.map((p) => f.fromGeodetic(p.lonDeg, p.latDeg, p.heightM));
}

/** Length of a polyline through the points. */
export function measureDistance(points: readonly GeodeticDeg[]): DistanceMeasure {
  if (points.length < 2) return { lengthM: 0, horizontalM: 0, riseM: 0 };
  let lengthM = 0, horizontalM = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!, b = points[i]!;
    const pa = geodeticToEcef(a.lonDeg, a.latDeg, a.heightM), pb = geodeticToEcef(b.lonDeg, b.latDeg, b.heightM);
    lengthM += Math.hypot(pb[0] - pa[0], pb[1] - pa[1], pb[2] - pa[2]);
    const [e, n] = enuFrame({ ...a, heightM: 0 }).fromGeodetic(b.lonDeg, b.latDeg, a.heightM);
    horizontalM += Math.hypot(e, n);
  }
  return { lengthM, horizontalM, riseM: points.at(-1)!.heightM - points[0]!.heightM };
}

/** Vertical separation of two points (a roof above the ground, a window above the street). */
export function measureHeight(a: GeodeticDeg, b: GeodeticDeg): HeightMeasure {
  const [e, n] = enuFrame({ ...a, heightM: 0 }).fromGeodetic(b.lonDeg, b.latDeg, 0);
  return { heightM: b.heightM - a.heightM, horizontalM: Math.hypot(e, n) };
}

/** Area and perimeter of the polygon through the points (closed implicitly). */
export function measureArea(points: readonly GeodeticDeg[]): AreaMeasure {
  if (points.length < 3) return { horizontalM2: 0, planeM2: 0, perimeterM: 0 };
  const p = enuOf(points);
  let a = 0, per = 0;
  for (let i = 0, j = p.length - 1; i < p.length; j = i++) {
    a += p[j]![0] * p[i]![1] - p[i]![0] * p[j]![1];
    per += Math.hypot(p[i]![0] - p[j]![0], p[i]![1] - p[j]![1], p[i]![2] - p[j]![2]);
  }
  const nn = newellNormal(p.flat());
  return { horizontalM2: Math.abs(a) / 2, planeM2: Math.hypot(nn[0], nn[1], nn[2]) / 2, perimeterM: per };
}
