import { z } from 'zod';

/** Camera and extent schemas shared by pack manifests and city files. */

export const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const cameraSchema = z.object({
  lonDeg: finite.min(-180).max(180),
  latDeg: finite.min(-90).max(90),
  heightM: finite.min(-1000).max(5e7),
  headingDeg: finite,
  pitchDeg: finite.min(-90).max(90),
  rollDeg: finite.default(0),
});

/** [west, south, east, north] in degrees (WGS84). */
export const bboxSchema = z
  .tuple([finite.min(-180).max(180), finite.min(-90).max(90), finite.min(-180).max(180), finite.min(-90).max(90)])
  .refine(([w, s, e, n]) => w <= e && s <= n, 'bbox must be [west, south, east, north] with west ≤ east and south ≤ north');

