import { enuToEcefMatrix } from '../../core/geodesy.ts';
import { buildingInfo, groundModel, planeZ, SURFACE_GROUND, SURFACE_ROOF, type CityGeometry } from '../../city/analysis/geometry.ts';
import { createTracer, type Hit } from '../../city/analysis/bvh-trace.ts';
import { buildingWalls, facadeBuildings as facadeBuildingsOf, facadePoint, ROOF_NZ, triangleFrame } from '../../city/analysis/facade-samples.ts';
import { gridFor, rasterizePolygons, type GridSpec, type PolygonM } from '../../core/grid.ts';
import { KernelError, type KernelRun } from '../../core/simulation/kernel.ts';
import { riseTransitSet, sunDirectionEnu, sunPosition } from '../../core/solar/spa.ts';

/**
 * Hours of direct sun on a grid of ground and roof cells, and on building facades, by ray casts
 * towards the Sun through the city's BVH.
 *
 * Time: each day is cut into steps aligned on the local clock (00:00, 00:15, …). The part of a
 * step between sunrise and sunset (SPA, upper limb with refraction) counts with its length; the
 * Sun's apparent direction is taken at the middle of that part. A cell is sunlit during a step
 * when the ray from it towards the Sun meets no triangle within `horizonM`. So open flat ground
 * receives exactly the day length, and the error of the time sampling is at most half a step
 * at each change between sun and shadow.
 *
 * The work can be split between workers by interleaved rows (cells) and buildings (facades):
 * part `i` of `n` takes rows and buildings whose number modulo `n` is `i`; {@link mergeSunHours}
 * puts the parts together. Every cell and facade sample depends only on the geometry and the
 * Sun, so the result is the same bytes whatever the number of parts.
 */


/** One local calendar day and the offset of local time from UT on it, hours. */
export interface LocalDay {
  year: number;
  month: number;
  day: number;
  tzOffsetHours: number;
}

/** What the kernel works on: everything in the city model's east-north-up frame. */
export interface SunHoursPlan {
  /** Origin of the model frame (its ENU axes), degrees and metres. */
  frame: { lonDeg: number; latDeg: number; heightM: number };
  /** Where the Sun is computed: the centre of the study area. */
  site: { lonDeg: number; latDeg: number };
  /** Study area polygons in the model frame. */
  polygons: PolygonM[];
  cellM: number;
  days: LocalDay[];
  stepMin: number;
  /** Occluders farther than this along a ray are ignored, metres. */
  horizonM: number;
  /** Facade sampling: spacing between samples, metres; 0 for no facades. */
  facadeSpacingM: number;
  /** Ground height (ellipsoid, metres) when given; else estimated from building bases. */
  groundHeightM: number | null;
  part: { index: number; count: number };
}

/** A direction towards the Sun in the model frame and the hours it stands for. */
export interface SunStep {
  dx: number;
  dy: number;
  dz: number;
  hours: number;
}


/** Offset of ray origins off their surface, metres. */
const ORIGIN_OFFSET_M = 0.05;

/** Facade statistics of the buildings one part handled (model building numbers). */
export interface FacadePart {
  building: Uint32Array;
  areaM2: Float32Array;
  samples: Uint32Array;
  meanH: Float32Array;
  /** Mean hours per orientation of the wall normal: north, east, south, west (4 per building; NaN without walls that way). */
  byOrientationH: Float32Array;
}

/** What one part returns. Cell arrays cover the whole grid; rows of other parts are left empty. */
export interface SunHoursPart {
  grid: GridSpec;
  part: { index: number; count: number };
  /** Mean hours of direct sun per day (NaN outside the area or in another part's rows). */
  sunHours: Float32Array;
  /** 0 outside, 1 ground, 2 roof. */
  surface: Uint8Array;
  /** Height of the cell's surface in the model frame, metres. */
  heightM: Float32Array;
  /** Model building number of a roof cell, −1 for ground. */
  cellBuilding: Int32Array;
  facades: FacadePart;
  rays: number;
  /** Mean day length over the days, hours (what open flat ground receives). */
  dayLengthH: number;
  /** Number of Sun directions traced (steps with the Sun up, over all days). */
  sunSteps: number;
}

/** Rotation taking vectors of the local ENU frame at `site` into the ENU frame at `frame`. */
function siteToFrame(site: { lonDeg: number; latDeg: number }, frame: { lonDeg: number; latDeg: number }): (v: [number, number, number]) => [number, number, number] {
  const a = enuToEcefMatrix(site.lonDeg, site.latDeg, 0);
  const b = enuToEcefMatrix(frame.lonDeg, frame.latDeg, 0);
  return ([e, n, u]) => {
    const x = a[0]! * e + a[4]! * n + a[8]! * u;
    const y = a[1]! * e + a[5]! * n + a[9]! * u;
    const z = a[2]! * e + a[6]! * n + a[10]! * u;
    // b is orthonormal: its transpose is its inverse.
    return [b[0]! * x + b[1]! * y + b[2]! * z, b[4]! * x + b[5]! * y + b[6]! * z, b[8]! * x + b[9]! * y + b[10]! * z];
  };
}

/**
 * The Sun directions of a study: for every day and every step, the part of the step with the
 * Sun up, its length in hours and the apparent direction at its middle.
 */
export function sunSteps(plan: Pick<SunHoursPlan, 'site' | 'frame' | 'days' | 'stepMin'>): { steps: SunStep[]; dayLengthH: number } {
  const toFrame = siteToFrame(plan.site, plan.frame);
  const stepMs = plan.stepMin * 60_000;
  const steps: SunStep[] = [];
  let daylightMs = 0;
  for (const d of plan.days) {
    const obs = { latDeg: plan.site.latDeg, lonDeg: plan.site.lonDeg };
    const rts = riseTransitSet(d.year, d.month, d.day, d.tzOffsetHours, obs);
    const midnight = Date.UTC(d.year, d.month - 1, d.day) - d.tzOffsetHours * 3_600_000;
    let rise: number, set: number;
    if (rts.kind === 'polar-night') continue;
    if (rts.kind === 'polar-day') {
      rise = midnight;
      set = midnight + 86_400_000;
    } else {
      rise = rts.sunriseMs!;
      set = rts.sunsetMs!;
      if (set <= rise) continue;
    }
    // Daylight within this local day (what the steps below add up to).
    daylightMs += Math.max(0, Math.min(set, midnight + 86_400_000) - Math.max(rise, midnight));
    const n = Math.ceil(86_400_000 / stepMs);
    for (let k = 0; k < n; k++) {
      const t0 = midnight + k * stepMs;
      const a = Math.max(t0, rise);
      const b = Math.min(t0 + stepMs, set, midnight + 86_400_000);
      if (!(b > a)) continue;
      const p = sunPosition((a + b) / 2, obs);
      const [dx, dy, dz] = toFrame(sunDirectionEnu(p.azimuthDeg, p.elevationDeg));
      const l = Math.hypot(dx, dy, dz);
      steps.push({ dx: dx / l, dy: dy / l, dz: dz / l, hours: (b - a) / 3_600_000 });
    }
  }
  return { steps, dayLengthH: plan.days.length > 0 ? daylightMs / 3_600_000 / plan.days.length : 0 };
}


/** Checks a plan before work starts (the contract's schema checks the user's input). */
function checkPlan(plan: SunHoursPlan, g: CityGeometry): void {
  if (!(plan.cellM > 0)) throw new KernelError('bad-input', 'cell size must be positive', 'cellM');
  if (!(plan.stepMin > 0)) throw new KernelError('bad-input', 'time step must be positive', 'stepMin');
  if (g.vertexBuilding.length * 3 !== g.positions.length) throw new KernelError('bad-geometry', 'one building number per vertex is needed');
  for (let v = 0; v < g.vertexBuilding.length; v++) {
    if (g.vertexBuilding[v]! >= g.buildingIds.length) throw new KernelError('bad-geometry', `vertex ${v} names building ${g.vertexBuilding[v]}, beyond the ${g.buildingIds.length} buildings`);
  }
  const { index, count } = plan.part;
  if (!(Number.isInteger(index) && Number.isInteger(count) && count >= 1 && index >= 0 && index < count)) throw new KernelError('bad-input', `invalid part ${index} of ${count}`, 'part');
}

/** The sun-hours kernel: one part of a study. */
export function* sunHoursKernel(plan: SunHoursPlan, geometry: CityGeometry): KernelRun<SunHoursPart> {
  checkPlan(plan, geometry);
  const grid = gridFor(plan.polygons, plan.cellM);
  const mask = rasterizePolygons(plan.polygons, grid);
  const n = grid.cols * grid.rows;
  const { steps, dayLengthH } = sunSteps(plan);
  const tracer = createTracer(geometry);
  const info = buildingInfo(geometry);
  const bounds: [number, number, number, number] = [grid.x0, grid.y0, grid.x0 + grid.cols * grid.cellM, grid.y0 + grid.rows * grid.cellM];
  const ground = groundModel(info, bounds, plan.horizonM, plan.groundHeightM);
  const { index: partIndex, count: partCount } = plan.part;

  const sunHours = new Float32Array(n).fill(NaN);
  const surface = new Uint8Array(n);
  const heightM = new Float32Array(n).fill(NaN);
  const cellBuilding = new Int32Array(n).fill(-1);

  // Facade work: buildings whose centroid is in the area, shared between parts.
  const facadeBuildings = plan.facadeSpacingM > 0 ? facadeBuildingsOf(info, grid, mask, plan.part) : [];
  const walls = facadeBuildings.map((b) => buildingWalls(geometry, info, b, plan.facadeSpacingM));
  let facadeSamples = 0;
  for (const list of walls) for (const w of list) facadeSamples += w.samples;
  let partCells = 0;
  for (let r = partIndex; r < grid.rows; r += partCount) for (let c = 0; c < grid.cols; c++) partCells += mask[r * grid.cols + c]!;
  const total = (partCells + facadeSamples) * Math.max(1, steps.length);
  let done = 0;
  yield { stage: 'rays', done, total };

  const ns = steps.length;
  const SX = Float64Array.from(steps, (s) => s.dx), SY = Float64Array.from(steps, (s) => s.dy), SZ = Float64Array.from(steps, (s) => s.dz), SH = Float64Array.from(steps, (s) => s.hours);
  const zTop = Math.max(info.maxZ, 0) + 10;
  const hit: Hit = { t: 0, triangle: 0 };
  const tMaxDown = zTop - Math.min(info.minZ, 0) + 1000;
  const horizon = plan.horizonM;
  for (let r = partIndex; r < grid.rows; r += partCount) {
    const y = grid.y0 + (r + 0.5) * grid.cellM;
    for (let c = 0; c < grid.cols; c++) {
      const i = r * grid.cols + c;
      if (mask[i] === 0) continue;
      const x = grid.x0 + (c + 0.5) * grid.cellM;
      let z: number;
      let kind = SURFACE_GROUND;
      const g0 = ground(x, y);
      if (tracer.closest(x, y, zTop, 0, 0, -1, tMaxDown, hit)) {
        const nz = triangleFrame(geometry, hit.triangle)[2];
        const zr = planeZ(geometry, hit.triangle, x, y);
        if (Math.abs(nz) >= ROOF_NZ && Number.isFinite(zr) && zr > g0 + 0.2) {
          kind = SURFACE_ROOF;
          z = zr;
          cellBuilding[i] = geometry.vertexBuilding[geometry.index[3 * hit.triangle]!]!;
        } else z = g0;
      } else z = g0;
      surface[i] = kind;
      heightM[i] = z;
      const oz = z + ORIGIN_OFFSET_M;
      let h = 0;
      for (let k = 0; k < ns; k++) if (!tracer.occluded(x, y, oz, SX[k]!, SY[k]!, SZ[k]!, horizon)) h += SH[k]!;
      sunHours[i] = h / Math.max(1, plan.days.length);
    }
    done += steps.length * countRow(mask, r, grid.cols);
    yield { stage: 'rays', done, total };
  }

  // Facades: samples on every wall triangle, a low-discrepancy (R2) pattern, area-weighted.
  const nf = facadeBuildings.length;
  const facades: FacadePart = {
    building: Uint32Array.from(facadeBuildings),
    areaM2: new Float32Array(nf),
    samples: new Uint32Array(nf),
    meanH: new Float32Array(nf).fill(NaN),
    byOrientationH: new Float32Array(4 * nf).fill(NaN),
  };
  const pt = new Float64Array(3);
  for (let f = 0; f < nf; f++) {
    let areaSum = 0, hoursArea = 0, samples = 0;
    const orientArea = [0, 0, 0, 0], orientHours = [0, 0, 0, 0];
    for (const w of walls[f]!) {
      const { nx, ny, nz, areaM2: area, samples: k2 } = w;
      const orient = Math.round(((Math.atan2(nx, ny) * 180) / Math.PI + 360) / 90) % 4;
      let triHours = 0;
      for (let j = 0; j < k2; j++) {
        facadePoint(geometry, w, j, ORIGIN_OFFSET_M, pt);
        const ox = pt[0]!, oy = pt[1]!, oz = pt[2]!;
        let h = 0;
        for (const s of steps) {
          if (s.dx * nx + s.dy * ny + s.dz * nz <= 0) continue; // the Sun is behind the wall
          if (!tracer.occluded(ox, oy, oz, s.dx, s.dy, s.dz, horizon)) h += s.hours;
        }
        triHours += h;
      }
      const meanTri = triHours / k2 / Math.max(1, plan.days.length);
      areaSum += area;
      hoursArea += meanTri * area;
      orientArea[orient]! += area;
      orientHours[orient]! += meanTri * area;
      samples += k2;
    }
    facades.areaM2[f] = areaSum;
    facades.samples[f] = samples;
    if (areaSum > 0) facades.meanH[f] = hoursArea / areaSum;
    for (let o = 0; o < 4; o++) if (orientArea[o]! > 0) facades.byOrientationH[4 * f + o] = orientHours[o]! / orientArea[o]!;
    done += samples * steps.length;
    yield { stage: 'facades', done, total };
  }
  return { grid, part: plan.part, sunHours, surface, heightM, cellBuilding, facades, rays: tracer.rays(), dayLengthH, sunSteps: steps.length };
}

function countRow(mask: Uint8Array, r: number, cols: number): number {
  let s = 0;
  for (let c = 0; c < cols; c++) s += mask[r * cols + c]!;
  return s;
}

/** Summary statistics of a set of values (NaN ignored). */
export interface Summary {
  count: number;
  mean: number;
  min: number;
  max: number;
  p10: number;
  p50: number;
  p90: number;
}

/** Count, mean, extremes and 10th, 50th and 90th percentiles of the finite values kept by `keep`. */
export function summarize(values: ArrayLike<number>, keep: (i: number) => boolean): Summary {
  const list: number[] = [];
  for (let i = 0; i < values.length; i++) if (keep(i) && Number.isFinite(values[i]!)) list.push(values[i]!);
  if (list.length === 0) return { count: 0, mean: NaN, min: NaN, max: NaN, p10: NaN, p50: NaN, p90: NaN };
  list.sort((a, b) => a - b);
  let s = 0;
  for (const v of list) s += v;
  const q = (p: number) => list[Math.min(list.length - 1, Math.floor(p * list.length))]!;
  return { count: list.length, mean: s / list.length, min: list[0]!, max: list[list.length - 1]!, p10: q(0.1), p50: q(0.5), p90: q(0.9) };
}

/** Per-building results of a study. */
export interface BuildingSun {
  ids: string[];
  /** Roof cells and their mean hours (NaN without roof cells in the area). */
  roofCells: Uint32Array;
  roofMeanH: Float32Array;
  facadeAreaM2: Float32Array;
  facadeMeanH: Float32Array;
  /** North, east, south, west: 4 per building. */
  facadeByOrientationH: Float32Array;
}

/** The merged result of a study. */
export interface SunHoursResult {
  grid: GridSpec;
  sunHours: Float32Array;
  surface: Uint8Array;
  heightM: Float32Array;
  /** Index into `buildings.ids` of a roof cell's building, −1 for ground. */
  cellBuilding: Int32Array;
  buildings: BuildingSun;
  ground: Summary;
  roofs: Summary;
  rays: number;
  dayLengthH: number;
  sunSteps: number;
}

/** Puts the parts of a study together (in any order). */
export function mergeSunHours(parts: readonly SunHoursPart[], buildingIds: readonly string[]): SunHoursResult {
  if (parts.length === 0) throw new KernelError('no-parts', 'nothing to merge');
  const sorted = [...parts].sort((a, b) => a.part.index - b.part.index);
  const { grid } = sorted[0]!;
  const count = sorted.length;
  const n = grid.cols * grid.rows;
  const sunHours = new Float32Array(n).fill(NaN);
  const surface = new Uint8Array(n);
  const heightM = new Float32Array(n).fill(NaN);
  const modelBuilding = new Int32Array(n).fill(-1);
  for (const p of sorted) {
    if (p.part.count !== count || p.grid.cols !== grid.cols || p.grid.rows !== grid.rows) throw new KernelError('bad-parts', 'parts of different studies');
    for (let r = p.part.index; r < grid.rows; r += count) {
      const s = r * grid.cols, e = s + grid.cols;
      sunHours.set(p.sunHours.subarray(s, e), s);
      surface.set(p.surface.subarray(s, e), s);
      heightM.set(p.heightM.subarray(s, e), s);
      modelBuilding.set(p.cellBuilding.subarray(s, e), s);
    }
  }
  // Buildings: those with roof cells in the area and those whose facades were studied.
  const facadeOf = new Map<number, { part: SunHoursPart; k: number }>();
  for (const p of sorted) for (let k = 0; k < p.facades.building.length; k++) facadeOf.set(p.facades.building[k]!, { part: p, k });
  const set = new Set<number>(facadeOf.keys());
  for (let i = 0; i < n; i++) if (modelBuilding[i]! >= 0) set.add(modelBuilding[i]!);
  const list = [...set].sort((a, b) => a - b);
  const slot = new Map(list.map((b, k) => [b, k]));
  const nb = list.length;
  const roofCells = new Uint32Array(nb);
  const roofSum = new Float64Array(nb);
  const cellBuilding = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const b = modelBuilding[i]!;
    if (b < 0) continue;
    const k = slot.get(b)!;
    cellBuilding[i] = k;
    roofCells[k]!++;
    roofSum[k]! += sunHours[i]!;
  }
  const buildings: BuildingSun = {
    ids: list.map((b) => buildingIds[b] ?? String(b)),
    roofCells,
    roofMeanH: Float32Array.from(roofSum, (s, k) => (roofCells[k]! > 0 ? s / roofCells[k]! : NaN)),
    facadeAreaM2: new Float32Array(nb),
    facadeMeanH: new Float32Array(nb).fill(NaN),
    facadeByOrientationH: new Float32Array(4 * nb).fill(NaN),
  };
  list.forEach((b, k) => {
    const f = facadeOf.get(b);
    if (f === undefined) return;
    buildings.facadeAreaM2[k] = f.part.facades.areaM2[f.k]!;
    buildings.facadeMeanH[k] = f.part.facades.meanH[f.k]!;
    buildings.facadeByOrientationH.set(f.part.facades.byOrientationH.subarray(4 * f.k, 4 * f.k + 4), 4 * k);
  });
  return {
    grid,
    sunHours,
    surface,
    heightM,
    cellBuilding,
    buildings,
    ground: summarize(sunHours, (i) => surface[i] === SURFACE_GROUND),
    roofs: summarize(sunHours, (i) => surface[i] === SURFACE_ROOF),
    rays: sorted.reduce((s, p) => s + p.rays, 0),
    dayLengthH: sorted[0]!.dayLengthH,
    sunSteps: sorted[0]!.sunSteps,
  };
}
