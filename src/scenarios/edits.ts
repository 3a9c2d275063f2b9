import { z } from 'zod';
import { metresPerDegree } from '../core/geodesy.ts';
import { findRingCrossing, lonLatRingAreaM2, signedArea } from '../core/geometry/polygon.ts';

/**
 * Scenario edits: one discriminated union (`kind`), each edit a plain JSON object with its own
 * `id`. Values are kept at a fixed precision (coordinates 1e-7°, about 1 cm; lengths 1 cm;
 * angles 0.01°) so that a scenario survives JSON, a file and a link unchanged.
 *
 * Kinds that the 3D city shows and every simulation takes: `add-building` (an extruded
 * footprint), `add-model` (a project's glTF, its triangles), `remove-building` (demolished),
 * `clip` (an excavation: terrain and tiles cut inside a polygon). `hide-building` only hides a
 * building from the view. Kinds for the network simulations (wifi, parking, transit, issues 7
 * and 8), modelled here and drawn as markers: hotspots added, moved or removed, car parks
 * closed, added or changed, and `set-parameter` (a simulation parameter in this scenario).
 */

export const BUILDING_USES = ['residential', 'office', 'commercial', 'public', 'industrial', 'mixed', 'other'] as const;
export type BuildingUse = (typeof BUILDING_USES)[number];

/** Limits of a valid edit; refusals name them. */
export const LIMITS = {
  minHeightM: 1,
  maxHeightM: 1000,
  maxFloors: 300,
  minFootprintM2: 2,
  maxFootprintM2: 1_000_000,
  maxRingPoints: 500,
  maxClipDepthM: 200,
  maxModelScale: 1000,
  minModelScale: 0.001,
  maxEdits: 10_000,
  maxNameChars: 120,
  maxTextChars: 2000,
} as const;

/** Storey height used to turn floors into a height (and back), metres. */
export const STOREY_HEIGHT_M = 3;

/** Rounds to `places` decimals; −0 becomes 0. */
export function round(value: number, places: number): number {
  const f = 10 ** places;
  const r = Math.round(value * f) / f;
  return r === 0 ? 0 : r;
}
export const roundDeg = (v: number) => round(v, 7);
export const roundM = (v: number) => round(v, 2);
export const roundAngle = (v: number) => {
  const r = round(((v % 360) + 360) % 360, 2);
  return r >= 360 ? 0 : r;
};

const ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;
export const editId = z.string().regex(ID_RE, 'an id is 1–64 letters, digits or . _ : -');
const ref = z.string().min(1, 'empty id').max(200, 'an id is at most 200 characters');
const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);
const label = z.string().max(LIMITS.maxNameChars).optional();
export const lonLatPoint = z.tuple([lon, lat]);
export type LonLat = [number, number];

/** Why a ring (open, [lon, lat]) cannot be a footprint or an excavation; null when it can. */
export function ringProblem(ring: readonly LonLat[]): string | null {
  if (ring.length < 3) return `a polygon needs at least 3 points, it has ${ring.length}`;
  if (ring.length > LIMITS.maxRingPoints) return `a polygon has at most ${LIMITS.maxRingPoints} points, it has ${ring.length}`;
  const m = metresPerDegree(ring[0]![1]);
  const flat: number[] = [];
  for (const [x, y] of ring) flat.push((x - ring[0]![0]) * m.lonM, (y - ring[0]![1]) * m.latM);
  for (let i = 0; i < ring.length; i++) {
    const j = (i + 1) % ring.length;
    if (Math.hypot(flat[2 * i]! - flat[2 * j]!, flat[2 * i + 1]! - flat[2 * j + 1]!) < 0.01) return `points ${i + 1} and ${j + 1} are the same place`;
  }
  const crossing = findRingCrossing([flat]);
  if (crossing !== null) return `the outline crosses itself (edges ${crossing.edgeA + 1} and ${crossing.edgeB + 1})`;
  const area = Math.abs(signedArea(flat));
  if (area < LIMITS.minFootprintM2) return `the area is ${area.toFixed(2)} m², less than ${LIMITS.minFootprintM2} m²`;
  if (area > LIMITS.maxFootprintM2) return `the area is ${(area / 1e6).toFixed(2)} km², more than ${LIMITS.maxFootprintM2 / 1e6} km²`;
  return null;
}

/** Area of an open [lon, lat] ring, m² (local planar approximation). */
export function ringAreaM2(ring: readonly LonLat[]): number {
  return lonLatRingAreaM2(ring);
}

const ring = z
  .array(lonLatPoint)
  .min(3, 'a polygon needs at least 3 points')
  .max(LIMITS.maxRingPoints)
  .superRefine((r, ctx) => {
    const p = ringProblem(r as LonLat[]);
    if (p !== null) ctx.addIssue({ code: 'custom', message: p });
  });

const heightM = z
  .number()
  .min(LIMITS.minHeightM, `a height is at least ${LIMITS.minHeightM} m`)
  .max(LIMITS.maxHeightM, `a height of more than ${LIMITS.maxHeightM} m is not a building`);

export const addBuildingEdit = z
  .object({
    kind: z.literal('add-building'),
    id: editId,
    footprint: ring,
    heightM,
    floors: z.number().int().min(1).max(LIMITS.maxFloors).optional(),
    use: z.enum(BUILDING_USES),
    /** Ellipsoid height of the ground under it, metres (default: from nearby buildings). */
    baseM: z.number().min(-500).max(9000).optional(),
    label,
  })
  .strict();

export const addModelEdit = z
  .object({
    kind: z.literal('add-model'),
    id: editId,
    /** SHA-256 (hex) of the glTF/GLB bytes, kept in the scenario's assets. */
    asset: z.string().regex(/^[0-9a-f]{64}$/, 'an asset is the SHA-256 of the model, 64 hex digits'),
    name: z.string().min(1).max(200),
    lonDeg: lon,
    latDeg: lat,
    baseM: z.number().min(-500).max(9000),
    headingDeg: z.number().min(0).lt(360),
    scale: z.number().min(LIMITS.minModelScale).max(LIMITS.maxModelScale),
    use: z.enum(BUILDING_USES).optional(),
    label,
  })
  .strict();

/** Where a building was picked (for the study area and the report). */
const pickedAt = { lonDeg: lon.optional(), latDeg: lat.optional() };
export const removeBuildingEdit = z.object({ kind: z.literal('remove-building'), id: editId, buildingId: ref, ...pickedAt, label }).strict();
export const hideBuildingEdit = z.object({ kind: z.literal('hide-building'), id: editId, buildingId: ref, ...pickedAt, label }).strict();

export const clipEdit = z
  .object({
    kind: z.literal('clip'),
    id: editId,
    ring,
    /** Depth of the excavation below the ground, metres (the pit drawn in 3D). */
    depthM: z.number().min(1).max(LIMITS.maxClipDepthM),
    /** Ellipsoid height of the ground at the excavation, metres. */
    baseM: z.number().min(-500).max(9000).optional(),
    label,
  })
  .strict();

export const addHotspotEdit = z
  .object({
    kind: z.literal('add-hotspot'),
    id: editId,
    lonDeg: lon,
    latDeg: lat,
    /** Antenna height above the ground, metres. */
    heightM: z.number().min(0).max(300),
    eirpDbm: z.number().min(0).max(40),
    bandGHz: z.union([z.literal(2.4), z.literal(5)]),
    pattern: z.enum(['omni', 'sector']),
    /** Sector antennas: the direction they face, clockwise from north. */
    azimuthDeg: z.number().min(0).lt(360).optional(),
    label,
  })
  .strict();

export const moveHotspotEdit = z
  .object({ kind: z.literal('move-hotspot'), id: editId, hotspotId: ref, lonDeg: lon, latDeg: lat, heightM: z.number().min(0).max(300).optional(), label })
  .strict();
export const removeHotspotEdit = z.object({ kind: z.literal('remove-hotspot'), id: editId, hotspotId: ref, lonDeg: lon.optional(), latDeg: lat.optional(), label }).strict();

export const closeCarParkEdit = z.object({ kind: z.literal('close-car-park'), id: editId, carParkId: ref, lonDeg: lon.optional(), latDeg: lat.optional(), label }).strict();
export const addCarParkEdit = z
  .object({
    kind: z.literal('add-car-park'),
    id: editId,
    lonDeg: lon,
    latDeg: lat,
    capacity: z.number().int().min(1).max(20_000),
    pricePerHourEur: z.number().min(0).max(100).optional(),
    parkAndRide: z.boolean().optional(),
    label,
  })
  .strict();
export const changeCarParkEdit = z
  .object({
    kind: z.literal('change-car-park'),
    id: editId,
    carParkId: ref,
    capacity: z.number().int().min(0).max(20_000).optional(),
    pricePerHourEur: z.number().min(0).max(100).optional(),
    lonDeg: lon.optional(),
    latDeg: lat.optional(),
    label,
  })
  .strict()
  .refine((e) => e.capacity !== undefined || e.pricePerHourEur !== undefined, { message: 'a car park change sets its capacity or its price', path: ['capacity'] });

export const setParameterEdit = z
  .object({
    kind: z.literal('set-parameter'),
    id: editId,
    simulation: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a simulation id'),
    name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a parameter name'),
    value: z.union([z.number().refine(Number.isFinite, 'not a finite number'), z.string().max(200), z.boolean()]),
    label,
  })
  .strict();

export const editSchema = z.discriminatedUnion('kind', [
  addBuildingEdit,
  addModelEdit,
  removeBuildingEdit,
  hideBuildingEdit,
  clipEdit,
  addHotspotEdit,
  moveHotspotEdit,
  removeHotspotEdit,
  closeCarParkEdit,
  addCarParkEdit,
  changeCarParkEdit,
  setParameterEdit,
]);

export type Edit = z.output<typeof editSchema>;
export type EditKind = Edit['kind'];
export type EditOf<K extends EditKind> = Extract<Edit, { kind: K }>;
export const EDIT_KINDS: readonly EditKind[] = editSchema.options.map((o) => o.shape.kind.value) as EditKind[];

/** The edit with every number at the scenario's precision (what a file or a link keeps). */
export function canonicalEdit<E extends Edit>(e: E): E {
  const c = { ...e } as Record<string, unknown>;
  for (const [k, v] of Object.entries(c)) {
    if (v === undefined) delete c[k];
    else if (typeof v === 'number') {
      if (k === 'lonDeg' || k === 'latDeg') c[k] = roundDeg(v);
      else if (k === 'headingDeg' || k === 'azimuthDeg') c[k] = roundAngle(v);
      else if (k === 'scale') c[k] = round(v, 4);
      else if (k === 'floors' || k === 'capacity') c[k] = Math.round(v);
      else if (k === 'eirpDbm' || k === 'bandGHz' || k === 'pricePerHourEur') c[k] = round(v, 2);
      else if (k === 'value') c[k] = round(v, 6);
      else c[k] = roundM(v);
    } else if (k === 'footprint' || k === 'ring') c[k] = (v as LonLat[]).map(([x, y]) => [roundDeg(x), roundDeg(y)]);
  }
  return c as E;
}

/** Validates one edit; the message names the field and the reason. */
export function checkEdit(e: unknown): { ok: true; edit: Edit } | { ok: false; error: string } {
  const r = editSchema.safeParse(e);
  if (r.success) return { ok: true, edit: r.data };
  const issue = r.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  return { ok: false, error: `${path === '' ? 'edit' : path}: ${issue.message}` };
}

/** The height of a number of floors, and the floors a height holds. */
export const floorsToHeightM = (floors: number) => roundM(floors * STOREY_HEIGHT_M);
export const heightToFloors = (h: number) => Math.max(1, Math.round(h / STOREY_HEIGHT_M));
