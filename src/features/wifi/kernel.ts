import { createTracer, type Hit, type Tracer } from '../../city/analysis/bvh-trace.ts';
import { gridFor, rasterizePolygons, type GridSpec, type PolygonM } from '../../core/grid.ts';
import { KernelError, type KernelRun } from '../../core/simulation/kernel.ts';
import { buildingWalls, facadeBuildings, facadePoint } from '../../city/analysis/facade-samples.ts';
import { buildingInfo, groundModel, planeZ, ROOF_NZ, SURFACE_GROUND, SURFACE_ROOF, triangleFrame, type CityGeometry } from '../../city/analysis/geometry.ts';

/**
 * Wifi coverage: best-server received signal strength (RSSI, dBm) of access points on a grid of
 * street-level cells, with buildings blocking the signal, and the cells each candidate site
 * would cover (for hotspot planning).
 *
 * Path loss is the ITU-R P.1411 site-general model for both ends below rooftops (§4.1.1):
 * `L = 10·α·log10(d) + β + 10·γ·log10(f)`, d the 3D distance in metres, f in GHz, median values
 * (the Gaussian term is left out). Whether a path is line-of-sight is decided by a ray cast
 * through the city's BVH. An obstructed path takes the stronger of two ways: *through* the
 * buildings (the line-of-sight loss plus a loss per wall crossed) and *around* them (the
 * P.1411 non-line-of-sight loss, never less than the line-of-sight one). So a thin wall between
 * an access point and a receiver costs exactly its wall loss as long as going through is the
 * stronger way, and thick blocks are bounded by the street-canyon model.
 *
 * Optionally, the same best-server RSSI at points on the facades of the buildings in the area
 * (the shared facade sampler of `facade-samples.ts`), the receiver just outside its wall: its own
 * wall is behind it, so it blocks only the transmitters on the other side of it.
 *
 * Work is split by interleaved rows: part `i` of `n` computes rows `r ≡ i (mod n)` and the
 * facades of buildings `b ≡ i (mod n)`; every cell and facade point depends only on the geometry
 * and the transmitters, so merged results are the same bytes for any number of parts.
 */

/** Speed of light, m/s. */
export const C_M_S = 299_792_458;

/** Coefficients of the site-general model (ITU-R P.1411-10 §4.1.1, Table 4). */
export interface P1411Coefficients {
  alpha: number;
  beta: number;
  gamma: number;
  sigmaDb: number;
  /** Validity: frequency range, GHz, and distance range, m. */
  fGHz: [number, number];
  dM: [number, number];
}

export type P1411Environment = 'urban' | 'residential';

export const P1411: { los: P1411Coefficients; nlos: Record<P1411Environment, P1411Coefficients> } = {
  los: { alpha: 2.12, beta: 29.2, gamma: 2.11, sigmaDb: 5.06, fGHz: [0.8, 73], dM: [5, 660] },
  nlos: {
    urban: { alpha: 4.0, beta: 10.2, gamma: 2.36, sigmaDb: 7.6, fGHz: [0.8, 38], dM: [30, 715] },
    residential: { alpha: 3.01, beta: 18.8, gamma: 2.07, sigmaDb: 3.07, fGHz: [0.8, 73], dM: [30, 170] },
  },
};

/** Closest distance used in the loss formulas, m (the formulas diverge at 0). */
export const MIN_DISTANCE_M = 1;

/** Free-space basic transmission loss (ITU-R P.525): 20·log10(4π·d·f / c), dB. */
export function freeSpaceLossDb(dM: number, fGHz: number): number {
  return 20 * Math.log10((4 * Math.PI * Math.max(dM, MIN_DISTANCE_M) * fGHz * 1e9) / C_M_S);
}

/** Median P.1411 site-general loss with the given coefficients, dB. */
export function p1411LossDb(dM: number, fGHz: number, k: P1411Coefficients): number {
  return 10 * k.alpha * Math.log10(Math.max(dM, MIN_DISTANCE_M)) + k.beta + 10 * k.gamma * Math.log10(fGHz);
}

/** Loss of an obstructed path: the stronger of through the walls and around the buildings, dB. */
export function obstructedLossDb(dM: number, fGHz: number, walls: number, wallLossDb: number, env: P1411Environment): number {
  const los = p1411LossDb(dM, fGHz, P1411.los);
  const around = Math.max(los, p1411LossDb(dM, fGHz, P1411.nlos[env]));
  return Math.min(los + walls * wallLossDb, around);
}

/** Antenna pattern: omnidirectional, or a sector (3GPP TR 36.814 horizontal pattern). */
export type AntennaPattern = { kind: 'omni' } | { kind: 'sector'; azimuthDeg: number; beamwidthDeg: number; frontToBackDb: number };

/**
 * Gain relative to the main lobe (≤ 0 dB) towards a horizontal direction (east, north):
 * `−min(12·(φ/φ3dB)², A_m)`, φ the angle from the sector's azimuth (clockwise from north).
 */
export function patternGainDb(p: AntennaPattern, dx: number, dy: number): number {
  if (p.kind === 'omni' || (dx === 0 && dy === 0)) return 0;
  const az = (Math.atan2(dx, dy) * 180) / Math.PI;
  let phi = Math.abs(az - p.azimuthDeg) % 360;
  if (phi > 180) phi = 360 - phi;
  return -Math.min(12 * (phi / p.beamwidthDeg) ** 2, p.frontToBackDb);
}

/** A transmitter in the model frame. */
export interface Transmitter {
  x: number;
  y: number;
  /** Antenna height above the ground at (x, y), m. */
  heightM: number;
  eirpDbm: number;
  fGHz: number;
  pattern: AntennaPattern;
}

export interface WifiPlan {
  /** Study area polygons in the model frame. */
  polygons: PolygonM[];
  cellM: number;
  receiverHeightM: number;
  /** A cell is covered at or above this RSSI, dBm. */
  thresholdDbm: number;
  /** RSSI below this is "no signal" (not searched for), dBm. */
  floorDbm: number;
  wallLossDb: number;
  environment: P1411Environment;
  /** Transmitters farther than this from a cell are ignored, m. */
  maxRangeM: number;
  groundHeightM: number | null;
  /** Access points in service (open data and scenario). */
  servers: Transmitter[];
  /** Candidate sites for new hotspots. */
  candidates: Transmitter[];
  /** Facade receivers, `spacingM` apart on the walls of the buildings in the area; none when absent or null. */
  facades?: { spacingM: number } | null;
  part: { index: number; count: number };
}

/** Distance of a facade receiver off its wall, m ("just outside"). */
export const FACADE_OFFSET_M = 0.1;
/** Limits of the facade spacing, m. */
export const FACADE_SPACING_M = { min: 1, max: 20 } as const;
/** Most facade receivers one part may have (memory: about 34 bytes each). */
export const MAX_FACADE_RECEIVERS = 1_000_000;

/** Facade results of one part (or merged): the buildings studied and their receivers. */
export interface WifiFacades {
  /** Model building number of each building studied, increasing. */
  building: Uint32Array;
  /** Receivers of building k are [offsets[k], offsets[k+1]). */
  offsets: Uint32Array;
  /** Receiver positions in the model frame, x, y, z per receiver, m. */
  xyz: Float32Array;
  /** Outward unit normal of the receiver's wall, x, y, z per receiver. */
  normal: Float32Array;
  /** Wall area each receiver stands for, m². */
  areaM2: Float32Array;
  /** Best-server RSSI, dBm (NaN below the floor). */
  rssiDbm: Float32Array;
  /** Index of the best server, −1 where none. */
  server: Int16Array;
  /** Ray casts made for the facades. */
  rays: number;
}

/** No facades studied. */
export function emptyFacades(): WifiFacades {
  return { building: new Uint32Array(0), offsets: new Uint32Array(1), xyz: new Float32Array(0), normal: new Float32Array(0), areaM2: new Float32Array(0), rssiDbm: new Float32Array(0), server: new Int16Array(0), rays: 0 };
}

export interface WifiPart {
  grid: GridSpec;
  part: { index: number; count: number };
  /** Best-server RSSI per cell, dBm; NaN outside the area, on buildings or below the floor. */
  rssiDbm: Float32Array;
  /** Index of the best server per cell, −1 where none. */
  server: Int16Array;
  /** 0 outside the area, 1 street level, 2 building (roof seen from above). */
  surface: Uint8Array;
  /** Ground height of street-level cells in the model frame, m (NaN elsewhere). */
  groundZ: Float32Array;
  /** Cells each candidate covers (≥ threshold), concatenated: candidate k owns cells[offsets[k] … offsets[k+1]). */
  candidateCells: Uint32Array;
  candidateOffsets: Uint32Array;
  /** Facade receivers (empty unless the plan asks for facades). */
  facades: WifiFacades;
  /** Ray casts made (visibility tests and wall counts), facades included. */
  rays: number;
  /** Transmitter–cell links evaluated (after the range and bound cuts), facades included. */
  links: number;
}

/**
 * Surfaces met closer than this to the previous one belong to the same wall (its two faces), m.
 * A building crossed from side to side counts two walls; a free-standing wall, one.
 */
export const WALL_THICKNESS_M = 0.5;

/** Margin on the logarithm-free upper bounds, dB (far above their rounding, far below any effect). */
const BOUND_MARGIN_DB = 1e-6;
/** How far below the best pending upper bound servers are evaluated at once, dB. */
const LEVEL_STEP_DB = 10;

/** Walls crossed along a segment, at most `max` (then `max`): successive closest hits. */
export function countWalls(tracer: Tracer, ox: number, oy: number, oz: number, tx: number, ty: number, tz: number, max: number, hit: Hit = { t: 0, triangle: 0 }): number {
  const dx = tx - ox, dy = ty - oy, dz = tz - oz;
  const len = Math.hypot(dx, dy, dz);
  if (len === 0) return 0;
  const ux = dx / len, uy = dy / len, uz = dz / len;
  let t = 0, walls = 0;
  let lastT = -Infinity;
  while (walls < max && t < len) {
    if (!tracer.closest(ox + ux * t, oy + uy * t, oz + uz * t, ux, uy, uz, len - t, hit)) break;
    const at = t + hit.t;
    // The two faces of one wall (and two triangles meeting on a diagonal) are one wall.
    if (at - lastT > WALL_THICKNESS_M) walls++;
    lastT = at;
    t = at + 1e-3;
  }
  return walls;
}

function checkPlan(plan: WifiPlan, g: CityGeometry): void {
  if (!(plan.cellM > 0)) throw new KernelError('bad-input', 'cell size must be positive', 'cellM');
  if (!(plan.wallLossDb >= 0)) throw new KernelError('bad-input', 'wall loss must not be negative', 'wallLossDb');
  if (plan.facades !== undefined && plan.facades !== null && !(plan.facades.spacingM >= FACADE_SPACING_M.min && plan.facades.spacingM <= FACADE_SPACING_M.max)) throw new KernelError('bad-input', `facade spacing must be between ${FACADE_SPACING_M.min} and ${FACADE_SPACING_M.max} m`, 'facades.spacingM');
  if (plan.servers.length > 32_767) throw new KernelError('bad-input', 'at most 32,767 access points', 'accessPoints');
  if (g.vertexBuilding.length * 3 !== g.positions.length) throw new KernelError('bad-geometry', 'one building number per vertex is needed');
  const { index, count } = plan.part;
  if (!(Number.isInteger(index) && Number.isInteger(count) && count >= 1 && index >= 0 && index < count)) throw new KernelError('bad-input', `invalid part ${index} of ${count}`, 'part');
}

/** A transmitter placed in 3D, with the quantities every cell reuses. */
interface Placed extends Transmitter {
  z: number;
  /** Largest 2D distance at which its unobstructed RSSI can reach the level that matters, m. */
  reachM: number;
  /** The frequency terms of the LoS and NLoS losses, `10·γ·log10(f)`, dB (as {@link p1411LossDb} computes them). */
  fLosDb: number;
  fNlosDb: number;
  omni: boolean;
}

/** Largest distance at which `eirp − L_LoS(d) ≥ level`, capped by `maxRangeM`. */
function reachFor(t: Transmitter, level: number, maxRangeM: number): number {
  const k = P1411.los;
  const budget = t.eirpDbm - level - k.beta - 10 * k.gamma * Math.log10(t.fGHz);
  if (budget < 0) return 0;
  return Math.min(maxRangeM, 10 ** (budget / (10 * k.alpha)));
}

/**
 * The wifi coverage kernel: one part of a study.
 *
 * Per street cell, the servers in reach are ranked by their unobstructed (LoS) RSSI in a binary
 * heap — most cells stop at the first or second one — and visited best first: a clear path ends
 * the search; a blocked one is kept with its through-one-wall bound, and walls are counted only
 * for those whose bound still beats the best found, each count stopping as soon as going around
 * is the stronger way. The loss formulas use per-transmitter constants evaluated in the same
 * order as {@link p1411LossDb}, so values are the same bytes as the plain formulas.
 */
export function* wifiCoverageKernel(plan: WifiPlan, geometry: CityGeometry): KernelRun<WifiPart> {
  checkPlan(plan, geometry);
  const grid = gridFor(plan.polygons, plan.cellM);
  const mask = rasterizePolygons(plan.polygons, grid);
  const n = grid.cols * grid.rows;
  const tracer = createTracer(geometry);
  const info = buildingInfo(geometry);
  const bounds: [number, number, number, number] = [grid.x0, grid.y0, grid.x0 + grid.cols * grid.cellM, grid.y0 + grid.rows * grid.cellM];
  const ground = groundModel(info, bounds, plan.maxRangeM, plan.groundHeightM);
  const { index: partIndex, count: partCount } = plan.part;
  const env = plan.environment;
  const kLos = P1411.los, kNlos = P1411.nlos[env];
  const aLos = 10 * kLos.alpha, bLos = kLos.beta, aNlos = 10 * kNlos.alpha, bNlos = kNlos.beta;
  const place = (t: Transmitter, level: number): Placed => ({
    ...t,
    z: ground(t.x, t.y) + t.heightM,
    reachM: reachFor(t, level, plan.maxRangeM),
    fLosDb: 10 * kLos.gamma * Math.log10(t.fGHz),
    fNlosDb: 10 * kNlos.gamma * Math.log10(t.fGHz),
    omni: t.pattern.kind === 'omni',
  });
  const servers = plan.servers.map((t) => place(t, plan.floorDbm));
  const candidates = plan.candidates.map((t) => place(t, plan.thresholdDbm));
  const ns = servers.length;
  // Per-transmitter fields as flat arrays (the inner loops read them for every cell).
  const sx = Float64Array.from(servers, (t) => t.x), sy = Float64Array.from(servers, (t) => t.y), sz = Float64Array.from(servers, (t) => t.z);
  const sReach2 = Float64Array.from(servers, (t) => t.reachM * t.reachM);
  const sEirp = Float64Array.from(servers, (t) => t.eirpDbm), sfLos = Float64Array.from(servers, (t) => t.fLosDb);
  const sOmni = Uint8Array.from(servers, (t) => (t.omni ? 1 : 0));
  // Cheap upper bounds without logarithms: with K = EIRP − β − 10·γ·log10(f) and the pattern
  // gain ≤ 0, RSSI_LoS ≤ K − (10·α/2)·log10(max(d², 1)) = −(10·α/2)·log10(q), q = max(d², 1)·W,
  // W = 10^(−2K / (10·α)). So a server can reach level v only if q ≤ 10^(−2v / (10·α)).
  const sW = Float64Array.from(servers, (t) => 10 ** ((-2 * (t.eirpDbm - bLos - t.fLosDb)) / aLos));
  /** The largest q at which a server may still reach `level` (a margin of 1 µdB above rounding). */
  const qAt = (level: number) => 10 ** ((-2 * (level - BOUND_MARGIN_DB)) / aLos);
  /** The upper bound on RSSI of a server at q. */
  const levelAt = (q: number) => (-aLos / 2) * Math.log10(q);
  const qFloor = qAt(plan.floorDbm), qThreshold = qAt(plan.thresholdDbm);
  const cW = Float64Array.from(candidates, (t) => 10 ** ((-2 * (t.eirpDbm - bLos - t.fLosDb)) / aLos));
  /** LoS loss at distance d, dB: the same operations, in the same order, as p1411LossDb(d, f, P1411.los). */
  const losDb = (d: number, t: Placed) => aLos * Math.log10(Math.max(d, MIN_DISTANCE_M)) + bLos + t.fLosDb;
  const nlosDb = (d: number, t: Placed) => aNlos * Math.log10(Math.max(d, MIN_DISTANCE_M)) + bNlos + t.fNlosDb;

  const rssiDbm = new Float32Array(n).fill(NaN);
  const server = new Int16Array(n).fill(-1);
  const surface = new Uint8Array(n);
  const groundZ = new Float32Array(n).fill(NaN);
  const candLists: number[][] = candidates.map(() => []);
  let links = 0;

  // Facade receivers are counted before any work, so a study too large fails at once.
  let facadeWork: { fb: number[]; walls: ReturnType<typeof buildingWalls>[]; total: number } | null = null;
  if (plan.facades !== undefined && plan.facades !== null) {
    const spacingM = plan.facades.spacingM;
    const fb = facadeBuildings(info, grid, mask, plan.part);
    const walls = fb.map((b) => buildingWalls(geometry, info, b, spacingM));
    let total = 0;
    for (const list of walls) for (const w of list) total += w.samples;
    if (total > MAX_FACADE_RECEIVERS) throw new KernelError('bad-input', `${total.toLocaleString('en-US')} facade receivers at ${spacingM} m, more than ${MAX_FACADE_RECEIVERS.toLocaleString('en-US')}: use a larger facade spacing or a smaller area`, 'facades.spacingM');
    facadeWork = { fb, walls, total };
  }

  let partRows = 0;
  for (let r = partIndex; r < grid.rows; r += partCount) partRows++;
  let doneRows = 0;
  yield { stage: 'rays', done: 0, total: partRows };

  const zTop = Math.max(info.maxZ, 0) + 10;
  const tMaxDown = zTop - Math.min(info.minZ, 0) + 1000;
  const hit: Hit = { t: 0, triangle: 0 };
  // Per-cell scratch: servers in reach not yet evaluated (`pend`, their q in `qOf`), and a
  // max-heap of the evaluated ones by unobstructed RSSI (ties: lower index first).
  const pend = new Int32Array(ns);
  const qOf = new Float64Array(ns);
  const heap = new Int32Array(ns);
  const bound = new Float64Array(ns);
  const dist = new Float64Array(ns);
  /** Whether server a comes before server b in the best-first order. */
  const before = (a: number, b: number) => bound[a]! > bound[b]! || (bound[a] === bound[b] && a < b);
  const siftDown = (at: number, m: number) => {
    const s = heap[at]!;
    for (;;) {
      let c = 2 * at + 1;
      if (c >= m) break;
      if (c + 1 < m && before(heap[c + 1]!, heap[c]!)) c++;
      if (!before(heap[c]!, s)) break;
      heap[at] = heap[c]!;
      at = c;
    }
    heap[at] = s;
  };
  const siftUp = (at: number) => {
    const s = heap[at]!;
    while (at > 0) {
      const p = (at - 1) >> 1;
      if (!before(s, heap[p]!)) break;
      heap[at] = heap[p]!;
      at = p;
    }
    heap[at] = s;
  };

  const L = plan.wallLossDb;
  /**
   * Whether the straight path from the receiver to a transmitter meets a building. The triangle
   * that last blocked each transmitter's path is tried first (`lastBlocker`: servers, then
   * candidates): along a row, neighbouring cells are mostly hidden by the same wall.
   */
  const lastBlocker = new Int32Array(servers.length + candidates.length).fill(-1);
  const blocked = (t: Placed, slot: number, x: number, y: number, z: number, d: number): boolean => {
    links++;
    if (d < 1e-6) return false;
    const tri = tracer.blocker(x, y, z, (t.x - x) / d, (t.y - y) / d, (t.z - z) / d, d, lastBlocker[slot]!);
    if (tri < 0) return false;
    lastBlocker[slot] = tri;
    return true;
  };
  /**
   * RSSI of an obstructed link when it is above `beat`, dBm; otherwise some value ≤ max(beat,
   * going around). `gain` is EIRP + pattern gain; walls are counted only as far as going through
   * can still beat both going around and `beat`.
   */
  const obstructedRssi = (t: Placed, x: number, y: number, z: number, d: number, gain: number, beat: number): number => {
    const los = losDb(d, t);
    const viaAround = gain - Math.max(los, nlosDb(d, t));
    if (L === 0) return gain - los;
    const floor = Math.max(viaAround, beat);
    // The fewest walls at which going through no longer beats `floor`.
    const enough = Math.min(64, Math.ceil((gain - los - floor) / L));
    if (enough <= 1) return viaAround;
    const walls = countWalls(tracer, x, y, z, t.x, t.y, t.z, enough, hit);
    return walls >= enough ? viaAround : Math.max(gain - los - walls * L, viaAround);
  };
  // Per-cell scratch for obstructed servers: their through-one-wall bound and gain.
  const obs = new Int32Array(ns);
  const obsBound = new Float64Array(ns);
  const gainOf = new Float64Array(ns);
  const floorDbm = plan.floorDbm;

  /**
   * Best-server RSSI at a receiver, dBm (−Infinity when no server reaches the floor); the
   * server's index is left in `bestServer`.
   */
  let bestServer = -1;
  const bestAt = (x: number, y: number, z: number): number => {
    // Servers in reach whose upper bound reaches the floor: pending, evaluated lazily.
    let np = 0;
    for (let s = 0; s < ns; s++) {
      const dx = sx[s]! - x, dy = sy[s]! - y;
      const h2 = dx * dx + dy * dy;
      if (h2 > sReach2[s]!) continue;
      const dz = sz[s]! - z;
      const q = Math.max(h2 + dz * dz, 1) * sW[s]!;
      if (q > qFloor) continue;
      qOf[s] = q;
      pend[np++] = s;
    }
    // Phase 1, best first by unobstructed RSSI: a clear path ends the search (every later
    // bound is lower); a blocked one gives a lower bound (going around) and an upper bound
    // (through one wall). Every pending server is below `level`; the heap's top is the next
    // server in order once it is at or above `level` (or nothing pending can matter).
    let best = -Infinity, bestS = -1, no = 0, hm = 0, level = Infinity;
    for (;;) {
      if (np > 0 && level > best && (hm === 0 || bound[heap[0]!]! < level)) {
        // Lower the level by a step below the best pending upper bound (never below `best`)
        // and evaluate the pending servers that may reach it.
        let qMin = Infinity;
        for (let k = 0; k < np; k++) if (qOf[pend[k]!]! < qMin) qMin = qOf[pend[k]!]!;
        level = Math.max(best, levelAt(qMin) - LEVEL_STEP_DB);
        const qMax = qAt(level);
        let keep = 0;
        for (let k = 0; k < np; k++) {
          const s = pend[k]!;
          if (qOf[s]! > qMax) {
            pend[keep++] = s;
            continue;
          }
          const dx = sx[s]! - x, dy = sy[s]! - y;
          const d = Math.hypot(dx, dy, sz[s]! - z);
          const b = sEirp[s]! + (sOmni[s] === 1 ? 0 : patternGainDb(servers[s]!.pattern, -dx, -dy)) - (aLos * Math.log10(Math.max(d, MIN_DISTANCE_M)) + bLos + sfLos[s]!);
          if (b < floorDbm) continue;
          bound[s] = b;
          dist[s] = d;
          heap[hm] = s;
          siftUp(hm++);
        }
        np = keep;
        continue;
      }
      if (hm === 0) break;
      const s = heap[0]!;
      if (bound[s]! <= best) break;
      heap[0] = heap[--hm]!;
      if (hm > 0) siftDown(0, hm);
      const t = servers[s]!;
      if (!blocked(t, s, x, y, z, dist[s]!)) {
        best = bound[s]!;
        bestS = s;
        break;
      }
      const los = losDb(dist[s]!, t);
      const gain = bound[s]! + los;
      const around = gain - Math.max(los, nlosDb(dist[s]!, t));
      if (around > best) {
        best = around;
        bestS = s;
      }
      // Insertion by decreasing through-one-wall bound (stable).
      const ub = L === 0 ? bound[s]! : gain - los - L;
      let j = no++;
      while (j > 0 && obsBound[j - 1]! < ub) {
        obs[j] = obs[j - 1]!;
        obsBound[j] = obsBound[j - 1]!;
        j--;
      }
      obs[j] = s;
      obsBound[j] = ub;
      gainOf[s] = gain;
    }
    // Phase 2: walls counted only where going through can beat the best found.
    for (let j = 0; j < no; j++) {
      if (obsBound[j]! <= best) break;
      const s = obs[j]!;
      const v = obstructedRssi(servers[s]!, x, y, z, dist[s]!, gainOf[s]!, best);
      if (v > best) {
        best = v;
        bestS = s;
      }
    }
    bestServer = bestS;
    return best;
  };

  for (let r = partIndex; r < grid.rows; r += partCount) {
    const y = grid.y0 + (r + 0.5) * grid.cellM;
    for (let c = 0; c < grid.cols; c++) {
      const i = r * grid.cols + c;
      if (mask[i] === 0) continue;
      const x = grid.x0 + (c + 0.5) * grid.cellM;
      const g0 = ground(x, y);
      if (tracer.closest(x, y, zTop, 0, 0, -1, tMaxDown, hit)) {
        const nz = triangleFrame(geometry, hit.triangle)[2];
        const zr = planeZ(geometry, hit.triangle, x, y);
        if (Math.abs(nz) >= ROOF_NZ && Number.isFinite(zr) && zr > g0 + 0.2) {
          surface[i] = SURFACE_ROOF;
          continue;
        }
      }
      surface[i] = SURFACE_GROUND;
      groundZ[i] = g0;
      const z = g0 + plan.receiverHeightM;
      const best = bestAt(x, y, z);
      const bestS = bestServer;
      if (bestS >= 0 && best >= floorDbm) {
        rssiDbm[i] = best;
        server[i] = bestS;
      }
      // Candidates: the cells each one would cover on its own.
      for (let k = 0; k < candidates.length; k++) {
        const t = candidates[k]!;
        const dx = t.x - x, dy = t.y - y;
        const h2 = dx * dx + dy * dy;
        if (h2 > t.reachM * t.reachM) continue;
        const dz = t.z - z;
        if (Math.max(h2 + dz * dz, 1) * cW[k]! > qThreshold) continue;
        const d = Math.hypot(dx, dy, dz);
        const b = t.eirpDbm + (t.omni ? 0 : patternGainDb(t.pattern, -dx, -dy)) - losDb(d, t);
        if (b < plan.thresholdDbm) continue;
        const need = plan.thresholdDbm - 1e-9;
        if (!blocked(t, ns + k, x, y, z, d) || obstructedRssi(t, x, y, z, d, b + losDb(d, t), need) > need) candLists[k]!.push(i);
      }
    }
    doneRows++;
    yield { stage: 'rays', done: doneRows, total: partRows };
  }
  // Facades: the same search from receivers just outside the walls of the area's buildings.
  let facades = emptyFacades();
  if (facadeWork !== null) {
    const { fb, walls, total } = facadeWork;
    const fOffsets = new Uint32Array(fb.length + 1);
    const xyz = new Float32Array(3 * total), normal = new Float32Array(3 * total), areaM2 = new Float32Array(total);
    const fRssi = new Float32Array(total).fill(NaN), fServer = new Int16Array(total).fill(-1);
    const pt = new Float64Array(3);
    const rays0 = tracer.rays();
    let k = 0, seen = 0;
    yield { stage: 'facades', done: 0, total };
    for (let f = 0; f < fb.length; f++) {
      for (const w of walls[f]!) {
        const a = w.areaM2 / w.samples;
        for (let j = 0; j < w.samples; j++) {
          facadePoint(geometry, w, j, FACADE_OFFSET_M, pt);
          const x = pt[0]!, y = pt[1]!, z = pt[2]!;
          // A receiver under a roof is inside a neighbouring building (a party wall): not a facade.
          if (tracer.closest(x, y, z, 0, 0, 1, tMaxDown, hit) && triangleFrame(geometry, hit.triangle)[2] >= ROOF_NZ) continue;
          xyz[3 * k] = x;
          xyz[3 * k + 1] = y;
          xyz[3 * k + 2] = z;
          normal[3 * k] = w.nx;
          normal[3 * k + 1] = w.ny;
          normal[3 * k + 2] = w.nz;
          areaM2[k] = a;
          const best = bestAt(x, y, z);
          if (bestServer >= 0 && best >= floorDbm) {
            fRssi[k] = best;
            fServer[k] = bestServer;
          }
          k++;
        }
        seen += w.samples;
      }
      fOffsets[f + 1] = k;
      yield { stage: 'facades', done: seen, total };
    }
    facades = {
      building: Uint32Array.from(fb),
      offsets: fOffsets,
      xyz: xyz.slice(0, 3 * k),
      normal: normal.slice(0, 3 * k),
      areaM2: areaM2.slice(0, k),
      rssiDbm: fRssi.slice(0, k),
      server: fServer.slice(0, k),
      rays: tracer.rays() - rays0,
    };
  }
  const offsets = new Uint32Array(candidates.length + 1);
  candLists.forEach((l, k) => (offsets[k + 1] = offsets[k]! + l.length));
  const cells = new Uint32Array(offsets[candidates.length]!);
  candLists.forEach((l, k) => cells.set(l, offsets[k]!));
  return { grid, part: plan.part, rssiDbm, server, surface, groundZ, candidateCells: cells, candidateOffsets: offsets, facades, rays: tracer.rays(), links };
}

/** Puts the facade results of parts together, buildings in increasing order (the same bytes for any split). */
export function mergeWifiFacades(parts: readonly WifiFacades[]): WifiFacades {
  const runs: { b: number; p: WifiFacades; k: number }[] = [];
  for (const p of parts) for (let k = 0; k < p.building.length; k++) runs.push({ b: p.building[k]!, p, k });
  runs.sort((a, b) => a.b - b.b);
  const n = runs.reduce((s, r) => s + r.p.offsets[r.k + 1]! - r.p.offsets[r.k]!, 0);
  const out: WifiFacades = {
    building: Uint32Array.from(runs, (r) => r.b),
    offsets: new Uint32Array(runs.length + 1),
    xyz: new Float32Array(3 * n),
    normal: new Float32Array(3 * n),
    areaM2: new Float32Array(n),
    rssiDbm: new Float32Array(n),
    server: new Int16Array(n),
    rays: parts.reduce((s, p) => s + p.rays, 0),
  };
  let at = 0;
  runs.forEach((r, j) => {
    const a = r.p.offsets[r.k]!, e = r.p.offsets[r.k + 1]!;
    out.xyz.set(r.p.xyz.subarray(3 * a, 3 * e), 3 * at);
    out.normal.set(r.p.normal.subarray(3 * a, 3 * e), 3 * at);
    out.areaM2.set(r.p.areaM2.subarray(a, e), at);
    out.rssiDbm.set(r.p.rssiDbm.subarray(a, e), at);
    out.server.set(r.p.server.subarray(a, e), at);
    at += e - a;
    out.offsets[j + 1] = at;
  });
  return out;
}

/** Puts parts together (rows interleaved; candidate cell lists sorted). */
export function mergeWifiParts(parts: readonly WifiPart[]): Omit<WifiPart, 'part'> {
  if (parts.length === 0) throw new KernelError('bad-input', 'no parts to merge');
  const grid = parts[0]!.grid;
  const n = grid.cols * grid.rows;
  const rssiDbm = new Float32Array(n).fill(NaN);
  const server = new Int16Array(n).fill(-1);
  const surface = new Uint8Array(n);
  const groundZ = new Float32Array(n).fill(NaN);
  let rays = 0, links = 0;
  const nc = parts[0]!.candidateOffsets.length - 1;
  const lists: number[][] = Array.from({ length: nc }, () => []);
  for (const p of parts) {
    const { index, count } = p.part;
    for (let r = index; r < grid.rows; r += count) {
      const a = r * grid.cols, b = a + grid.cols;
      rssiDbm.set(p.rssiDbm.subarray(a, b), a);
      server.set(p.server.subarray(a, b), a);
      surface.set(p.surface.subarray(a, b), a);
      groundZ.set(p.groundZ.subarray(a, b), a);
    }
    rays += p.rays;
    links += p.links;
    for (let k = 0; k < nc; k++) for (let j = p.candidateOffsets[k]!; j < p.candidateOffsets[k + 1]!; j++) lists[k]!.push(p.candidateCells[j]!);
  }
  const offsets = new Uint32Array(nc + 1);
  lists.forEach((l, k) => {
    l.sort((a, b) => a - b);
    offsets[k + 1] = offsets[k]! + l.length;
  });
  const cells = new Uint32Array(offsets[nc]!);
  lists.forEach((l, k) => cells.set(l, offsets[k]!));
  return { grid, rssiDbm, server, surface, groundZ, candidateCells: cells, candidateOffsets: offsets, facades: mergeWifiFacades(parts.map((p) => p.facades)), rays, links };
}
