import { createTracer, type Hit } from '../../city/analysis/bvh-trace.ts';
import { gridFor, rasterizePolygons } from '../../core/grid.ts';
import { KernelError, type KernelRun } from '../../core/simulation/kernel.ts';
import { buildingWalls, facadeBuildings, facadePoint } from '../../city/analysis/facade-samples.ts';
import { buildingInfo, groundModel, planeZ, ROOF_NZ, SURFACE_GROUND, SURFACE_ROOF, triangleFrame, type CityGeometry } from '../../city/analysis/geometry.ts';
import { emptyFacades, type WifiPart } from './parts.ts';
import { checkPlan, FACADE_OFFSET_M, MAX_FACADE_RECEIVERS, type WifiPlan } from './plan.ts';
import { countWalls, MIN_DISTANCE_M, P1411, patternGainDb, reachFor, type Transmitter } from './propagation.ts';

export { C_M_S, countWalls, freeSpaceLossDb, MIN_DISTANCE_M, obstructedLossDb, P1411, p1411LossDb, patternGainDb, WALL_THICKNESS_M, type AntennaPattern, type P1411Coefficients, type P1411Environment, type Transmitter } from './propagation.ts';
export { FACADE_OFFSET_M, FACADE_SPACING_M, MAX_FACADE_RECEIVERS, type WifiPlan } from './plan.ts';
export { emptyFacades, mergeWifiFacades, mergeWifiParts, type WifiFacades, type WifiPart } from './parts.ts';

/**
 * Wifi coverage: best-server received signal strength (RSSI, dBm) of access points on a grid of
 * street-level cells, with buildings blocking the signal, and the cells each candidate site
 * would cover (for hotspot planning).
 *
 * Path loss is the ITU-R P.1411 site-general model (propagation.ts). Whether a path is
 * line-of-sight is decided by a ray cast through the city's BVH; an obstructed path takes the
 * stronger of through the walls and around the buildings.
 *
 * Optionally, the same best-server RSSI at points on the facades of the buildings in the area
 * (the shared facade sampler of `facade-samples.ts`), the receiver just outside its wall: its own
 * wall is behind it, so it blocks only the transmitters on the other side of it.
 *
 * Work is split by interleaved rows: part `i` of `n` computes rows `r ≡ i (mod n)` and the
 * facades of buildings `b ≡ i (mod n)`; every cell and facade point depends only on the geometry
 * and the transmitters, so merged results are the same bytes for any number of parts (parts.ts
 * puts them together). The plan and its checks are in plan.ts.
 */

/** Margin on the logarithm-free upper bounds, dB (far above their rounding, far below any effect). */
const BOUND_MARGIN_DB = 1e-6;
/** How far below the best pending upper bound servers are evaluated at once, dB. */
const LEVEL_STEP_DB = 10;

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
