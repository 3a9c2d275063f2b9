import { createTracer, type Hit } from '../../../src/city/analysis/bvh-trace.ts';
import { gridFor, rasterizePolygons } from '../../../src/core/grid.ts';
import type { KernelRun } from '../../../src/core/simulation/kernel.ts';
import { buildingInfo, groundModel, planeZ, ROOF_NZ, SURFACE_GROUND, SURFACE_ROOF, triangleFrame, type CityGeometry } from '../../../src/city/analysis/geometry.ts';
import { countWalls, emptyFacades, P1411, p1411LossDb, patternGainDb, type Transmitter, type WifiPart, type WifiPlan } from '../../../src/features/wifi/kernel.ts';

/**
 * The wifi coverage kernel as it was before the speed work (version 1, commit 9575b39): per-cell
 * insertion sort of every server in reach, loss formulas evaluated in full. Kept only as the
 * reference the faster kernel must match byte for byte (tests/unit/workers/wifi-coverage.test.ts).
 */

/** A transmitter placed in 3D, with the quantities every cell reuses. */
interface Placed extends Transmitter {
  z: number;
  /** Largest 2D distance at which its unobstructed RSSI can reach the level that matters, m. */
  reachM: number;
}

/** Largest distance at which `eirp − L_LoS(d) ≥ level`, capped by `maxRangeM`. */
function reachFor(t: Transmitter, level: number, maxRangeM: number): number {
  const k = P1411.los;
  const budget = t.eirpDbm - level - k.beta - 10 * k.gamma * Math.log10(t.fGHz);
  if (budget < 0) return 0;
  return Math.min(maxRangeM, 10 ** (budget / (10 * k.alpha)));
}

/** The wifi coverage kernel: one part of a study. */
export function* wifiCoverageKernelV1(plan: WifiPlan, geometry: CityGeometry): KernelRun<WifiPart> {
  const grid = gridFor(plan.polygons, plan.cellM);
  const mask = rasterizePolygons(plan.polygons, grid);
  const n = grid.cols * grid.rows;
  const tracer = createTracer(geometry);
  const info = buildingInfo(geometry);
  const bounds: [number, number, number, number] = [grid.x0, grid.y0, grid.x0 + grid.cols * grid.cellM, grid.y0 + grid.rows * grid.cellM];
  const ground = groundModel(info, bounds, plan.maxRangeM, plan.groundHeightM);
  const { index: partIndex, count: partCount } = plan.part;
  const env = plan.environment;
  const place = (t: Transmitter, level: number): Placed => ({ ...t, z: ground(t.x, t.y) + t.heightM, reachM: reachFor(t, level, plan.maxRangeM) });
  const servers = plan.servers.map((t) => place(t, plan.floorDbm));
  const candidates = plan.candidates.map((t) => place(t, plan.thresholdDbm));

  const rssiDbm = new Float32Array(n).fill(NaN);
  const server = new Int16Array(n).fill(-1);
  const surface = new Uint8Array(n);
  const groundZ = new Float32Array(n).fill(NaN);
  const candLists: number[][] = candidates.map(() => []);
  let links = 0;

  let partRows = 0;
  for (let r = partIndex; r < grid.rows; r += partCount) partRows++;
  let doneRows = 0;
  yield { stage: 'rays', done: 0, total: partRows };

  const zTop = Math.max(info.maxZ, 0) + 10;
  const tMaxDown = zTop - Math.min(info.minZ, 0) + 1000;
  const hit: Hit = { t: 0, triangle: 0 };
  // Per-cell scratch: transmitters in reach, by decreasing unobstructed RSSI.
  const order = new Int32Array(servers.length);
  const bound = new Float64Array(servers.length);
  const dist = new Float64Array(servers.length);

  const L = plan.wallLossDb;
  /** Whether the straight path from the receiver to a transmitter meets a building. */
  const blocked = (t: Placed, x: number, y: number, z: number, d: number): boolean => {
    links++;
    if (d < 1e-6) return false;
    return tracer.occluded(x, y, z, (t.x - x) / d, (t.y - y) / d, (t.z - z) / d, d);
  };
  /**
   * RSSI of an obstructed link when it is above `beat`, dBm; otherwise some value ≤ max(beat,
   * going around). `gain` is EIRP + pattern gain; walls are counted only as far as going through
   * can still beat both going around and `beat`.
   */
  const obstructedRssi = (t: Placed, x: number, y: number, z: number, d: number, gain: number, beat: number): number => {
    const los = p1411LossDb(d, t.fGHz, P1411.los);
    const viaAround = gain - Math.max(los, p1411LossDb(d, t.fGHz, P1411.nlos[env]));
    if (L === 0) return gain - los;
    const floor = Math.max(viaAround, beat);
    // The fewest walls at which going through no longer beats `floor`.
    const enough = Math.min(64, Math.ceil((gain - los - floor) / L));
    if (enough <= 1) return viaAround;
    const walls = countWalls(tracer, x, y, z, t.x, t.y, t.z, enough, hit);
    return walls >= enough ? viaAround : Math.max(gain - los - walls * L, viaAround);
  };
  // Per-cell scratch for obstructed servers: their through-one-wall bound and gain.
  const obs = new Int32Array(servers.length);
  const obsBound = new Float64Array(servers.length);
  const gainOf = new Float64Array(servers.length);

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
      // Servers: best first by unobstructed RSSI; stop when no bound can beat the best found.
      let m = 0;
      for (let s = 0; s < servers.length; s++) {
        const t = servers[s]!;
        const dx = t.x - x, dy = t.y - y;
        const d2 = dx * dx + dy * dy;
        if (d2 > t.reachM * t.reachM) continue;
        const d = Math.hypot(dx, dy, t.z - z);
        const b = t.eirpDbm + patternGainDb(t.pattern, -dx, -dy) - p1411LossDb(d, t.fGHz, P1411.los);
        if (b < plan.floorDbm) continue;
        // Insertion by decreasing bound (ties: lower index first, for determinism).
        let k = m++;
        while (k > 0 && bound[order[k - 1]!]! < b) {
          order[k] = order[k - 1]!;
          k--;
        }
        order[k] = s;
        bound[s] = b;
        dist[s] = d;
      }
      // Phase 1, best first by unobstructed RSSI: a clear path ends the search (every later
      // bound is lower); a blocked one gives a lower bound (going around) and an upper bound
      // (through one wall).
      let best = -Infinity, bestS = -1, no = 0;
      for (let k = 0; k < m; k++) {
        const s = order[k]!;
        if (bound[s]! <= best) break;
        const t = servers[s]!;
        if (!blocked(t, x, y, z, dist[s]!)) {
          best = bound[s]!;
          bestS = s;
          break;
        }
        const los = p1411LossDb(dist[s]!, t.fGHz, P1411.los);
        const gain = bound[s]! + los;
        const around = gain - Math.max(los, p1411LossDb(dist[s]!, t.fGHz, P1411.nlos[env]));
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
      if (bestS >= 0 && best >= plan.floorDbm) {
        rssiDbm[i] = best;
        server[i] = bestS;
      }
      // Candidates: the cells each one would cover on its own.
      for (let k = 0; k < candidates.length; k++) {
        const t = candidates[k]!;
        const dx = t.x - x, dy = t.y - y;
        if (dx * dx + dy * dy > t.reachM * t.reachM) continue;
        const d = Math.hypot(dx, dy, t.z - z);
        const b = t.eirpDbm + patternGainDb(t.pattern, -dx, -dy) - p1411LossDb(d, t.fGHz, P1411.los);
        if (b < plan.thresholdDbm) continue;
        const need = plan.thresholdDbm - 1e-9;
        if (!blocked(t, x, y, z, d) || obstructedRssi(t, x, y, z, d, b + p1411LossDb(d, t.fGHz, P1411.los), need) > need) candLists[k]!.push(i);
      }
    }
    doneRows++;
    yield { stage: 'rays', done: doneRows, total: partRows };
  }
  const offsets = new Uint32Array(candidates.length + 1);
  candLists.forEach((l, k) => (offsets[k + 1] = offsets[k]! + l.length));
  const cells = new Uint32Array(offsets[candidates.length]!);
  candLists.forEach((l, k) => cells.set(l, offsets[k]!));
  return { grid, part: plan.part, rssiDbm, server, surface, groundZ, candidateCells: cells, candidateOffsets: offsets, facades: emptyFacades(), rays: tracer.rays(), links };
}

