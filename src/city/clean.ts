import { metresPerDegree } from '../core/geodesy.ts';
import { newellNormal as newell, projectToPlane } from '../core/geometry/planar.ts';
import { cleanRingIndices, findRingCrossing, pointInRing, signedArea } from '../core/geometry/polygon.ts';
import { parseLengthM, readGroundAltitude, readId, readString, readYear, resolveHeight, USE_ATTRIBUTES, type HeightRules, type Parsed } from './attributes.ts';
import type { ToWgs84 } from './crs.ts';
import type { SourceFootprint } from './geojson-reader.ts';
import type { BuildingRecord, PolygonDeg, Surface3D, SurfaceKind } from './types.ts';

/**
 * Reprojection, cleaning and validation of source buildings into {@link BuildingRecord}s.
 *
 * Cleaning (kept, counted in the report): ring closure, consecutive duplicate vertices (closer
 * than 1 mm), spikes, ring orientation (outer counter-clockwise, holes clockwise), degenerate
 * holes. Refusals (the building is rejected with the reason): non-finite coordinates, points
 * outside the CRS's area of use, outer rings with fewer than 3 distinct vertices or no area,
 * self-intersections (including a hole crossing or lying outside its outer ring), footprints
 * larger than 5 km, and unreadable, negative, zero or absurd heights.
 *
 * Base rule (`base`): `ellipsoid` (default) stands every building on ellipsoid height 0, the
 * ground of a viewer without terrain, and keeps the source's ground altitude as
 * `groundAltitudeM`; `source` puts the base at the source ground altitude plus
 * `geoidUndulationM` (source altitudes are usually above the geoid, e.g. NGF-IGN69).
 */

export type BaseRule = 'ellipsoid' | 'source';

export interface RecordRules extends HeightRules {
  /** Attribute given with `--id`. */
  idAttribute?: string;
  base: BaseRule;
  /** Added to source altitudes with `base: 'source'`, metres. */
  geoidUndulationM: number;
  /** Value of every building's `source` property. */
  source: string;
}

/** What cleaning changed without refusing the building (summed into the report's warnings). */
export interface CleanCounters {
  removedVertices: number;
  droppedHoles: number;
  droppedSurfaces: number;
  reorientedRings: number;
  untexturedSurfaces: number;
}

/** Counters at zero. */
export function newCounters(): CleanCounters {
  return { removedVertices: 0, droppedHoles: 0, droppedSurfaces: 0, reorientedRings: 0, untexturedSurfaces: 0 };
}

/** Smallest area of a kept ring or surface, m². */
export const MIN_AREA_M2 = 0.01;
/** Largest footprint extent accepted, metres. */
export const MAX_EXTENT_M = 5000;
const DUPLICATE_TOL_M = 1e-3;

/** Reprojects a flat ring of `stride` numbers per vertex; x, y become lon, lat (degrees). */
function reprojectRing(ring: readonly number[], stride: number, crs: ToWgs84, where: string): Parsed<number[]> {
  const out = ring.slice();
  for (let i = 0; i < ring.length; i += stride) {
    const [lon, lat] = crs.forward(ring[i]!, ring[i + 1]!);
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) {
      return { ok: false, reason: `${where} vertex ${i / stride}: (${ring[i]}, ${ring[i + 1]}) cannot be transformed from ${crs.crs.code}` };
    }
    if (!crs.inArea(lon, lat)) {
      return {
        ok: false,
        reason: `${where} vertex ${i / stride}: (${ring[i]}, ${ring[i + 1]}) lies at lon ${lon.toFixed(4)}, lat ${lat.toFixed(4)}, outside the area of use of ${crs.crs.code} (wrong CRS or swapped axes?)`,
      };
    }
    out[i] = lon;
    out[i + 1] = lat;
    for (let k = 2; k < stride; k++) {
      if (!Number.isFinite(ring[i + k]!)) return { ok: false, reason: `${where} vertex ${i / stride}: non-finite z (${ring[i + k]})` };
    }
  }
  return { ok: true, value: out };
}

/** A local planar frame in metres around a point (equirectangular; exact enough for one building). */
interface LocalFrame {
  lon0: number;
  lat0: number;
  mLon: number;
  mLat: number;
}

function localFrame(lon0: number, lat0: number): LocalFrame {
  const m = metresPerDegree(lat0);
  return { lon0, lat0, mLon: m.lonM, mLat: m.latM };
}

function toLocal2(ring: readonly number[], stride: number, f: LocalFrame): number[] {
  const out = new Array<number>((ring.length / stride) * 2);
  for (let i = 0, j = 0; i < ring.length; i += stride, j += 2) {
    out[j] = (ring[i]! - f.lon0) * f.mLon;
    out[j + 1] = (ring[i + 1]! - f.lat0) * f.mLat;
  }
  return out;
}

function pick(ring: readonly number[], stride: number, indices: readonly number[]): number[] {
  const out: number[] = [];
  for (const i of indices) for (let k = 0; k < stride; k++) out.push(ring[i * stride + k]!);
  return out;
}

function reverse(ring: readonly number[], stride: number): number[] {
  const n = ring.length / stride;
  const out = new Array<number>(ring.length);
  for (let i = 0; i < n; i++) for (let k = 0; k < stride; k++) out[i * stride + k] = ring[(n - 1 - i) * stride + k]!;
  return out;
}

function closingDuplicate(ring: readonly number[], stride: number): boolean {
  const n = ring.length;
  if (n < 2 * stride) return false;
  for (let k = 0; k < stride; k++) if (ring[k] !== ring[n - stride + k]) return false;
  return true;
}

/**
 * Cleans one footprint polygon given in lon/lat degrees: rings cleaned, oriented and checked.
 * `where` names it in reasons ("polygon 2").
 */
export function cleanFootprintPolygon(rings: readonly number[][], where: string, counters: CleanCounters): Parsed<PolygonDeg> {
  const outerDeg = rings[0]!;
  const f = localFrame(outerDeg[0]!, outerDeg[1]!);
  const cleaned: { deg: number[]; m: number[] }[] = [];
  for (let r = 0; r < rings.length; r++) {
    const deg = rings[r]!;
    const m = toLocal2(deg, 2, f);
    const keep = cleanRingIndices(m, DUPLICATE_TOL_M);
    counters.removedVertices += deg.length / 2 - keep.length - (closingDuplicate(deg, 2) ? 1 : 0);
    const km = pick(m, 2, keep);
    const area = keep.length >= 3 ? signedArea(km) : 0;
    if (r === 0) {
      if (keep.length < 3) return { ok: false, reason: `${where}: the outer ring has ${keep.length} distinct vertices (at least 3 needed)` };
      const self = findRingCrossing([km]);
      if (self !== null) return { ok: false, reason: `${where}: self-intersection (the outer ring crosses itself, edges ${self.edgeA} and ${self.edgeB})` };
      if (Math.abs(area) < MIN_AREA_M2) return { ok: false, reason: `${where}: the outer ring has no area (${Math.abs(area).toPrecision(2)} m²)` };
    } else if (keep.length < 3 || Math.abs(area) < MIN_AREA_M2) {
      counters.droppedHoles++;
      continue;
    }
    let kd = pick(deg, 2, keep);
    let kmm = km;
    const wantCcw = r === 0;
    if (area > 0 !== wantCcw) {
      kd = reverse(kd, 2);
      kmm = reverse(km, 2);
      counters.reorientedRings++;
    }
    cleaned.push({ deg: kd, m: kmm });
  }
  const crossing = findRingCrossing(cleaned.map((c) => c.m));
  if (crossing !== null) {
    const ringName = (r: number) => (r === 0 ? 'the outer ring' : `hole ${r}`);
    return {
      ok: false,
      reason:
        crossing.ringA === crossing.ringB
          ? `${where}: self-intersection (${ringName(crossing.ringA)} crosses itself, edges ${crossing.edgeA} and ${crossing.edgeB})`
          : `${where}: self-intersection (${ringName(crossing.ringB)} crosses ${ringName(crossing.ringA)})`,
    };
  }
  const outerM = cleaned[0]!.m;
  for (let h = 1; h < cleaned.length; h++) {
    const hm = cleaned[h]!.m;
    let inside = false;
    for (let i = 0; i < hm.length && !inside; i += 2) inside = pointInRing(hm[i]!, hm[i + 1]!, outerM);
    if (!inside) return { ok: false, reason: `${where}: hole ${h} lies outside the outer ring` };
  }
  return { ok: true, value: { outer: cleaned[0]!.deg, holes: cleaned.slice(1).map((c) => c.deg) } };
}

function extentM(polygons: readonly { outer: readonly number[] }[], stride = 2): number {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const p of polygons) {
    for (let i = 0; i < p.outer.length; i += stride) {
      w = Math.min(w, p.outer[i]!);
      e = Math.max(e, p.outer[i]!);
      s = Math.min(s, p.outer[i + 1]!);
      n = Math.max(n, p.outer[i + 1]!);
    }
  }
  const m = metresPerDegree((s + n) / 2);
  return Math.hypot((e - w) * m.lonM, (n - s) * m.latM);
}

interface Attributes {
  id: string | null;
  floors: number | null;
  use: string | null;
  yearBuilt: number | null;
  groundAltitudeM: number | null;
}

function commonAttributes(props: Readonly<Record<string, unknown>>, featureId: unknown, rules: RecordRules): Attributes {
  return {
    id: readId(props, featureId, rules.idAttribute),
    floors: null,
    use: readString(props, USE_ATTRIBUTES),
    yearBuilt: readYear(props),
    groundAltitudeM: readGroundAltitude(props),
  };
}

/** The outcome for one source building: a record, or a refusal with the id when known. */
export type RecordResult = { ok: true; record: BuildingRecord; idFromSource: boolean } | { ok: false; id: string | null; reason: string };

/**
 * Turns a GeoJSON footprint into a LOD1 building record. `fallbackId` is used when the source
 * has no id.
 */
export function footprintToRecord(src: SourceFootprint, crs: ToWgs84, rules: RecordRules, counters: CleanCounters, fallbackId: string): RecordResult {
  const a = commonAttributes(src.properties, src.featureId, rules);
  const fail = (reason: string): RecordResult => ({ ok: false, id: a.id, reason });
  const height = resolveHeight(src.properties, rules);
  if (!height.ok) return fail(height.reason);
  const polygons: PolygonDeg[] = [];
  for (let p = 0; p < src.polygons.length; p++) {
    const where = src.polygons.length > 1 ? `polygon ${p}` : 'polygon';
    const rings: number[][] = [];
    for (let r = 0; r < src.polygons[p]!.length; r++) {
      const rp = reprojectRing(src.polygons[p]![r]!, 2, crs, `${where} ring ${r}`);
      if (!rp.ok) return fail(rp.reason);
      rings.push(rp.value);
    }
    const c = cleanFootprintPolygon(rings, where, counters);
    if (!c.ok) return fail(c.reason);
    polygons.push(c.value);
  }
  const ext = extentM(polygons);
  if (ext > MAX_EXTENT_M) return fail(`the footprint spans ${(ext / 1000).toFixed(1)} km (more than ${MAX_EXTENT_M / 1000} km): not a building`);
  let baseM = 0;
  if (rules.base === 'source') {
    if (a.groundAltitudeM === null) return fail('no ground altitude (Z_MIN_SOL, altitude_minimale_sol…), needed by --base source');
    baseM = a.groundAltitudeM + rules.geoidUndulationM;
  }
  return {
    ok: true,
    idFromSource: a.id !== null,
    record: {
      id: a.id ?? fallbackId,
      polygons,
      baseM,
      heightM: height.value.heightM,
      heightSource: height.value.heightSource,
      floors: height.value.floors,
      use: a.use,
      yearBuilt: a.yearBuilt,
      source: rules.source,
      groundAltitudeM: a.groundAltitudeM,
    },
  };
}

/** A LOD2 surface as read from CityGML, before reprojection: rings flat `[x, y, z, …]`. */
export interface SourceSurface {
  kind: SurfaceKind;
  /** gml:id of the polygon, for messages. */
  id: string | null;
  rings: number[][];
  /** Texture coordinates per ring as in the source (`[s, t]` per vertex, t up), or null. */
  uvs: (number[] | null)[] | null;
  /** Key of the texture (an image path), or null. */
  texture: string | null;
}

/** A LOD2 building as read from CityGML. */
export interface SourceLod2 {
  id: string | null;
  properties: Record<string, unknown>;
  surfaces: SourceSurface[];
}

/** Normal of the largest triangle (first vertex, i, i + 1) of a ring, or null if all are flat. */
function widestTriangleNormal(ring: readonly number[]): [number, number, number] | null {
  let best: [number, number, number] | null = null, bestLen = 1e-6;
  const x0 = ring[0]!, y0 = ring[1]!, z0 = ring[2]!;
  for (let i = 3; i + 5 < ring.length; i += 3) {
    const ax = ring[i]! - x0, ay = ring[i + 1]! - y0, az = ring[i + 2]! - z0;
    const bx = ring[i + 3]! - x0, by = ring[i + 4]! - y0, bz = ring[i + 5]! - z0;
    const n: [number, number, number] = [ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx];
    const len = Math.hypot(...n);
    if (len > bestLen) {
      best = n;
      bestLen = len;
    }
  }
  return best;
}

/** Consecutive 3D duplicates (and the closing vertex) removed; indices kept. */
function dedupe3(ring: readonly number[], tol: number): number[] {
  const tol2 = tol * tol;
  const keep: number[] = [];
  const n = ring.length / 3;
  const d2 = (a: number, b: number) => (ring[3 * a]! - ring[3 * b]!) ** 2 + (ring[3 * a + 1]! - ring[3 * b + 1]!) ** 2 + (ring[3 * a + 2]! - ring[3 * b + 2]!) ** 2;
  for (let i = 0; i < n; i++) {
    if (keep.length > 0 && d2(i, keep[keep.length - 1]!) <= tol2) continue;
    keep.push(i);
  }
  while (keep.length >= 2 && d2(keep[0]!, keep[keep.length - 1]!) <= tol2) keep.pop();
  return keep;
}

/**
 * Turns a CityGML LOD2 building into a record that keeps its real surfaces. Degenerate surfaces
 * (fewer than 3 vertices, no area) are dropped and counted; a self-intersecting surface or a
 * non-finite coordinate refuses the building.
 */
export function lod2ToRecord(src: SourceLod2, crs: ToWgs84, rules: RecordRules, counters: CleanCounters, fallbackId: string): RecordResult {
  const id = src.id ?? readId(src.properties, null, rules.idAttribute);
  const fail = (reason: string): RecordResult => ({ ok: false, id, reason });
  if (src.surfaces.length === 0) return fail('no LOD2 (or LOD1) surface');
  interface Clean { kind: SurfaceKind; deg: number[][]; uvs: number[][] | null; texture: string | null }
  const kept: Clean[] = [];
  let minZ = Infinity, maxZ = -Infinity, groundZ = Infinity;
  for (let s = 0; s < src.surfaces.length; s++) {
    const surf = src.surfaces[s]!;
    const where = `surface ${surf.id ?? s}`;
    const degRings: number[][] = [];
    for (let r = 0; r < surf.rings.length; r++) {
      const rp = reprojectRing(surf.rings[r]!, 3, crs, `${where} ring ${r}`);
      if (!rp.ok) return fail(rp.reason);
      degRings.push(rp.value);
    }
    if (degRings.length === 0) {
      counters.droppedSurfaces++;
      continue;
    }
    const f = localFrame(degRings[0]![0]!, degRings[0]![1]!);
    const local = degRings.map((ring) => {
      const out = new Array<number>(ring.length);
      for (let i = 0; i < ring.length; i += 3) {
        out[i] = (ring[i]! - f.lon0) * f.mLon;
        out[i + 1] = (ring[i + 1]! - f.lat0) * f.mLat;
        out[i + 2] = ring[i + 2]!;
      }
      return out;
    });
    const rings3: number[][] = [];
    const ringsDeg: number[][] = [];
    const uvRings: number[][] = [];
    let textured = surf.texture !== null && surf.uvs !== null;
    let outerOk = true;
    for (let r = 0; r < local.length; r++) {
      const keep = dedupe3(local[r]!, DUPLICATE_TOL_M);
      counters.removedVertices += local[r]!.length / 3 - keep.length - (closingDuplicate(local[r]!, 3) ? 1 : 0);
      if (keep.length < 3) {
        if (r === 0) outerOk = false;
        else counters.droppedHoles++;
        if (r === 0) break;
        continue;
      }
      rings3.push(pick(local[r]!, 3, keep));
      ringsDeg.push(pick(degRings[r]!, 3, keep));
      const uv = surf.uvs?.[r] ?? null;
      if (textured && uv !== null && uv.length === local[r]!.length / 3 * 2) {
        const ku = pick(uv, 2, keep);
        for (let i = 1; i < ku.length; i += 2) ku[i] = 1 - ku[i]!; // CityGML t goes up, glTF v goes down
        uvRings.push(ku);
      } else if (textured) {
        textured = false;
      }
    }
    const normal = outerOk ? newell(rings3[0]!) : ([0, 0, 0] as [number, number, number]);
    const area = Math.hypot(...normal) / 2;
    if (!outerOk || !(area >= MIN_AREA_M2)) {
      // No net area: degenerate, or a bow-tie whose halves cancel out (refused as such).
      const plane = outerOk ? widestTriangleNormal(rings3[0]!) : null;
      if (plane !== null) {
        const crossing = findRingCrossing(projectToPlane(rings3, plane));
        if (crossing !== null) return fail(`${where}: self-intersection (ring ${crossing.ringA} edge ${crossing.edgeA} crosses ring ${crossing.ringB} edge ${crossing.edgeB})`);
      }
      counters.droppedSurfaces++;
      continue;
    }
    if (surf.texture !== null && !textured) counters.untexturedSurfaces++;
    const flat = projectToPlane(rings3, normal);
    const crossing = findRingCrossing(flat);
    if (crossing !== null) return fail(`${where}: self-intersection (ring ${crossing.ringA} edge ${crossing.edgeA} crosses ring ${crossing.ringB} edge ${crossing.edgeB})`);
    for (const ring of ringsDeg) {
      for (let i = 2; i < ring.length; i += 3) {
        minZ = Math.min(minZ, ring[i]!);
        maxZ = Math.max(maxZ, ring[i]!);
        if (surf.kind === 'ground') groundZ = Math.min(groundZ, ring[i]!);
      }
    }
    kept.push({ kind: surf.kind, deg: ringsDeg, uvs: textured ? uvRings : null, texture: textured ? surf.texture : null });
  }
  if (kept.length === 0) return fail('no valid surface (all degenerate)');
  if (!Number.isFinite(groundZ)) groundZ = minZ;
  const footprintExtent = extentM(kept.map((k) => ({ outer: k.deg[0]! })), 3);
  if (footprintExtent > MAX_EXTENT_M) return fail(`the building spans ${(footprintExtent / 1000).toFixed(1)} km (more than ${MAX_EXTENT_M / 1000} km): not a building`);

  // Height: --height or the source's measured height, else from the geometry.
  let heightM = maxZ - groundZ;
  let heightSource: BuildingRecord['heightSource'] = 'geometry';
  const hKey = rules.heightAttribute ?? 'measuredHeight';
  const hv = src.properties[hKey];
  if (hv !== undefined && hv !== null && hv !== '') {
    const p = parseLengthM(hv, hKey);
    if (!p.ok) return fail(p.reason);
    if (p.value <= 0) return fail(`${hKey}: ${p.value === 0 ? 'height 0 m' : `negative height ${p.value} m`}`);
    if (p.value > (rules.maxHeightM ?? 1000)) return fail(`${hKey}: absurd height ${p.value} m (more than ${rules.maxHeightM ?? 1000} m)`);
    heightM = p.value;
    heightSource = 'attribute';
  } else if (!(heightM > 0)) {
    return fail('flat building: no height above its ground surface');
  }
  const shift = rules.base === 'ellipsoid' ? -groundZ : rules.geoidUndulationM;
  const surfaces: Surface3D[] = kept.map((k) => ({
    kind: k.kind,
    rings: k.deg.map((ring) => ring.map((v, i) => (i % 3 === 2 ? v + shift : v))),
    uvs: k.uvs,
    texture: k.texture,
  }));
  // Footprint for tiling: the ground surfaces as 2D polygons when they are clean.
  const polygons: PolygonDeg[] = [];
  const scratch = newCounters();
  for (const k of kept) {
    if (k.kind !== 'ground') continue;
    const rings2 = k.deg.map((ring) => ring.filter((_, i) => i % 3 !== 2));
    const c = cleanFootprintPolygon(rings2, 'ground', scratch);
    if (c.ok) polygons.push(c.value);
  }
  const floorsRaw = src.properties.storeysAboveGround;
  const floors = typeof floorsRaw === 'number' && floorsRaw >= 0 && floorsRaw < 300 ? floorsRaw : null;
  return {
    ok: true,
    idFromSource: id !== null,
    record: {
      id: id ?? fallbackId,
      polygons,
      baseM: rules.base === 'ellipsoid' ? 0 : groundZ + rules.geoidUndulationM,
      heightM,
      heightSource,
      floors,
      use: readString(src.properties, USE_ATTRIBUTES),
      yearBuilt: readYear(src.properties),
      source: rules.source,
      groundAltitudeM: groundZ,
      surfaces,
    },
  };
}
