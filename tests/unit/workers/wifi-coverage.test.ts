import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTracer } from '../../../src/city/analysis/bvh-trace.ts';
import { runToEnd } from '../../../src/core/simulation/kernel.ts';
import {
  countWalls,
  freeSpaceLossDb,
  mergeWifiParts,
  obstructedLossDb,
  P1411,
  p1411LossDb,
  patternGainDb,
  wifiCoverageKernel,
  type Transmitter,
  type WifiPart,
  type WifiPlan,
} from '../../../src/features/wifi/kernel.ts';
import { planHotspots } from '../../../src/features/wifi/figures.ts';
import { wifiFacadeKpi } from '../../../src/features/wifi/contract.ts';
import { boxesGeometry, squareM, type Box } from './city-fixtures.ts';
import { wifiCoverageKernelV1 } from './wifi-coverage-v1.ts';

const ap = (x: number, y: number, o: Partial<Transmitter> = {}): Transmitter => ({ x, y, heightM: 1.5, eirpDbm: 20, fGHz: 2.4, pattern: { kind: 'omni' }, ...o });

function plan(o: Partial<WifiPlan> & Pick<WifiPlan, 'polygons'>): WifiPlan {
  return {
    cellM: 2,
    receiverHeightM: 1.5,
    thresholdDbm: -70,
    floorDbm: -120,
    wallLossDb: 10,
    environment: 'urban',
    maxRangeM: 1000,
    groundHeightM: 0,
    servers: [],
    candidates: [],
    part: { index: 0, count: 1 },
    ...o,
  };
}

/** A far-away box so the BVH is never empty. */
const FAR: Box = { x: 5000, y: 5000, w: 5, d: 5, h: 5 };

/** RSSI of the cell whose centre is nearest (x, y). */
function at(p: WifiPart, x: number, y: number): number {
  const c = Math.floor((x - p.grid.x0) / p.grid.cellM), r = Math.floor((y - p.grid.y0) / p.grid.cellM);
  return p.rssiDbm[r * p.grid.cols + c]!;
}

describe('path loss', () => {
  it('free-space loss at 2.4 GHz over 100 m is 80.05 dB', () => {
    expect(freeSpaceLossDb(100, 2.4)).toBeCloseTo(80.05, 2);
    // +6.02 dB per doubling of distance.
    expect(freeSpaceLossDb(200, 2.4) - freeSpaceLossDb(100, 2.4)).toBeCloseTo(6.0206, 4);
  });

  it('P.1411 site-general values follow the Recommendation (Table 4 coefficients)', () => {
    // L = 10·α·log10(d) + β + 10·γ·log10(f), values worked out by hand from the table.
    expect(p1411LossDb(100, 2.4, P1411.los)).toBeCloseTo(42.4 + 29.2 + 21.1 * 0.380211, 3); // 79.62
    expect(p1411LossDb(100, 2.4, P1411.los)).toBeCloseTo(79.62, 2);
    expect(p1411LossDb(100, 2.4, P1411.nlos.urban)).toBeCloseTo(99.17, 2);
    expect(p1411LossDb(10, 2.4, P1411.los)).toBeCloseTo(58.42, 2);
    expect(p1411LossDb(400, 5.5, P1411.los)).toBeCloseTo(21.2 * 2.60206 + 29.2 + 21.1 * 0.740363, 3);
    expect(p1411LossDb(50, 5.5, P1411.nlos.residential)).toBeCloseTo(85.26, 2);
    expect(P1411.los).toMatchObject({ alpha: 2.12, beta: 29.2, gamma: 2.11 });
    expect(P1411.nlos.urban).toMatchObject({ alpha: 4.0, beta: 10.2, gamma: 2.36 });
  });

  it('an obstructed path is the stronger of through the walls and around', () => {
    const los = p1411LossDb(100, 2.4, P1411.los), nlos = p1411LossDb(100, 2.4, P1411.nlos.urban);
    expect(obstructedLossDb(100, 2.4, 1, 10, 'urban')).toBeCloseTo(los + 10, 9);
    expect(obstructedLossDb(100, 2.4, 5, 10, 'urban')).toBeCloseTo(nlos, 9);
    // Close in, the NLoS formula would be below LoS: it never is used below it.
    expect(obstructedLossDb(5, 2.4, 3, 10, 'urban')).toBeGreaterThanOrEqual(p1411LossDb(5, 2.4, P1411.los));
  });

  it('a sector antenna loses 3 dB at half its beamwidth and at most its front-to-back ratio', () => {
    const s = { kind: 'sector' as const, azimuthDeg: 90, beamwidthDeg: 60, frontToBackDb: 20 };
    expect(patternGainDb(s, 1, 0)).toBeCloseTo(0, 9);
    expect(patternGainDb(s, Math.cos((30 * Math.PI) / 180), Math.sin((30 * Math.PI) / 180))).toBeCloseTo(-3, 9); // 30° off east
    expect(patternGainDb(s, -1, 0)).toBe(-20);
    expect(patternGainDb({ kind: 'omni' }, -1, 0)).toBe(0);
  });
});

describe('wifi coverage kernel', () => {
  it('RSSI decreases with distance on open ground', () => {
    const g = boxesGeometry([FAR]);
    const p = runToEnd(wifiCoverageKernel(plan({ polygons: [[[0, -2, 300, -2, 300, 2, 0, 2]]], servers: [ap(0, 0)] }), g));
    const values: number[] = [];
    for (let x = 3; x < 300; x += 2) values.push(at(p, x, 0));
    expect(values.every((v) => Number.isFinite(v))).toBe(true);
    for (let k = 1; k < values.length; k++) expect(values[k]!).toBeLessThan(values[k - 1]!);
    // The value is EIRP − L_LoS at the 3D distance.
    expect(at(p, 101, 0)).toBeCloseTo(20 - p1411LossDb(Math.hypot(101, 1), 2.4, P1411.los), 4);
  });

  it('a wall between access point and receiver lowers RSSI by exactly the wall loss', () => {
    const area = [[[40, -10, 160, -10, 160, 10, 40, 10]]];
    const open = runToEnd(wifiCoverageKernel(plan({ polygons: area, servers: [ap(0, 0)] }), boxesGeometry([FAR])));
    const wall: Box = { x: 20, y: -100, w: 0.3, d: 200, h: 30 };
    const walled = runToEnd(wifiCoverageKernel(plan({ polygons: area, servers: [ap(0, 0)] }), boxesGeometry([FAR, wall])));
    let n = 0;
    for (let i = 0; i < open.rssiDbm.length; i++) {
      if (open.surface[i] !== 1) continue;
      expect(open.rssiDbm[i]! - walled.rssiDbm[i]!).toBeCloseTo(10, 4);
      n++;
    }
    expect(n).toBeGreaterThan(500);
    // With a 7 dB wall the drop is 7 dB.
    const light = runToEnd(wifiCoverageKernel(plan({ polygons: area, servers: [ap(0, 0)], wallLossDb: 7 }), boxesGeometry([FAR, wall])));
    expect(at(open, 101, 1) - at(light, 101, 1)).toBeCloseTo(7, 4);
  });

  it('a building crossed from side to side counts two walls, and many walls fall back to the NLoS model', () => {
    const area = [[[100, -2, 104, -2, 104, 2, 100, 2]]];
    const building: Box = { x: 30, y: -20, w: 20, d: 40, h: 15 };
    const open = runToEnd(wifiCoverageKernel(plan({ polygons: area, servers: [ap(0, 0)] }), boxesGeometry([FAR])));
    const one = runToEnd(wifiCoverageKernel(plan({ polygons: area, servers: [ap(0, 0)], wallLossDb: 5 }), boxesGeometry([FAR, building])));
    expect(at(open, 101, 0) - at(one, 101, 0)).toBeCloseTo(10, 4);
    const row: Box[] = Array.from({ length: 5 }, (_, k) => ({ x: 20 + 14 * k, y: -20, w: 8, d: 40, h: 15 }));
    const many = runToEnd(wifiCoverageKernel(plan({ polygons: area, servers: [ap(0, 0)] }), boxesGeometry([FAR, ...row])));
    const d = Math.hypot(101, 1);
    expect(at(many, 101, 0)).toBeCloseTo(20 - p1411LossDb(d, 2.4, P1411.nlos.urban), 4);
  });

  it('keeps the best server, marks building cells and leaves weak cells empty', () => {
    const b: Box = { x: 40, y: -10, w: 20, d: 20, h: 10 };
    const p = runToEnd(wifiCoverageKernel(plan({ polygons: [squareM(50, 0, 200)[0]!].map((r) => [r]), servers: [ap(0, 0), ap(100, 0, { eirpDbm: 10 })], floorDbm: -60, thresholdDbm: -60 }), boxesGeometry([FAR, b])));
    expect(p.surface[Math.floor((0 - p.grid.y0) / 2) * p.grid.cols + Math.floor((50 - p.grid.x0) / 2)]).toBe(2);
    const i0 = Math.floor((0.5 - p.grid.y0) / 2) * p.grid.cols + Math.floor((5 - p.grid.x0) / 2);
    expect(p.server[i0]).toBe(0);
    const i1 = Math.floor((0.5 - p.grid.y0) / 2) * p.grid.cols + Math.floor((97 - p.grid.x0) / 2);
    expect(p.server[i1]).toBe(1);
    // Far corners are below the floor: no value, no server.
    let empty = 0;
    for (let i = 0; i < p.rssiDbm.length; i++) if (p.surface[i] === 1 && Number.isNaN(p.rssiDbm[i]!)) {
      empty++;
      expect(p.server[i]).toBe(-1);
    }
    expect(empty).toBeGreaterThan(0);
  });

  it('is deterministic and gives the same bytes for 1, 2 or 3 parts', () => {
    const boxes: Box[] = [FAR, { x: 10, y: 10, w: 15, d: 30, h: 20 }, { x: -40, y: -30, w: 25, d: 12, h: 9 }, { x: 30, y: -50, w: 8, d: 8, h: 30 }];
    const g = boxesGeometry(boxes);
    const base = plan({
      polygons: [squareM(0, 0, 160)[0]!].map((r) => [r]),
      cellM: 3,
      servers: [ap(-20, 0), ap(40, 30, { pattern: { kind: 'sector', azimuthDeg: 200, beamwidthDeg: 90, frontToBackDb: 20 } }), ap(0, -60, { fGHz: 5.5, eirpDbm: 23 })],
      candidates: [ap(60, -60), ap(-60, 60), ap(0, 0, { heightM: 6 })],
    });
    const whole = runToEnd(wifiCoverageKernel(base, g));
    const again = runToEnd(wifiCoverageKernel(base, g));
    expect(Buffer.from(again.rssiDbm.buffer)).toEqual(Buffer.from(whole.rssiDbm.buffer));
    const one = mergeWifiParts([whole]);
    for (const n of [2, 3]) {
      const parts = Array.from({ length: n }, (_, index) => runToEnd(wifiCoverageKernel({ ...base, part: { index, count: n } }, g)));
      const m = mergeWifiParts(parts.reverse());
      expect(Buffer.from(m.rssiDbm.buffer)).toEqual(Buffer.from(one.rssiDbm.buffer));
      expect(Array.from(m.server)).toEqual(Array.from(one.server));
      expect(Array.from(m.candidateCells)).toEqual(Array.from(one.candidateCells));
      expect(Array.from(m.candidateOffsets)).toEqual(Array.from(one.candidateOffsets));
    }
    expect(one.candidateOffsets[3]).toBeGreaterThan(0);
  });

  it('the best-first search gives the same best server RSSI as tracing every access point', () => {
    const boxes: Box[] = [FAR, { x: 10, y: 10, w: 15, d: 30, h: 20 }, { x: -40, y: -30, w: 25, d: 12, h: 9 }, { x: 30, y: -50, w: 8, d: 8, h: 30 }, { x: -10, y: -70, w: 50, d: 6, h: 12 }];
    const g = boxesGeometry(boxes);
    const servers = [ap(-20, 0), ap(40, 30, { pattern: { kind: 'sector', azimuthDeg: 200, beamwidthDeg: 90, frontToBackDb: 20 } }), ap(0, -60, { fGHz: 5.5, eirpDbm: 23 }), ap(70, -80, { heightM: 8 }), ap(-70, 70, { eirpDbm: 15 })];
    const pl = plan({ polygons: [squareM(0, 0, 180)[0]!].map((r) => [r]), cellM: 3, servers, wallLossDb: 6, floorDbm: -200 });
    const p = runToEnd(wifiCoverageKernel(pl, g));
    const tracer = createTracer(g);
    let checked = 0;
    for (let r = 0; r < p.grid.rows; r++) for (let c = 0; c < p.grid.cols; c++) {
      const i = r * p.grid.cols + c;
      if (p.surface[i] !== 1) continue;
      const x = p.grid.x0 + (c + 0.5) * 3, y = p.grid.y0 + (r + 0.5) * 3, z = 1.5;
      let best = -Infinity;
      for (const t of servers) {
        const tz = t.heightM;
        const d = Math.hypot(t.x - x, t.y - y, tz - z);
        const gain = t.eirpDbm + patternGainDb(t.pattern, x - t.x, y - t.y);
        const walls = countWalls(tracer, x, y, z, t.x, t.y, tz, 1000);
        best = Math.max(best, gain - (walls === 0 ? p1411LossDb(d, t.fGHz, P1411.los) : obstructedLossDb(d, t.fGHz, walls, 6, 'urban')));
      }
      expect(p.rssiDbm[i]!).toBeCloseTo(best, 3);
      checked++;
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it('gives the same bytes as the kernel before the speed work (lazy bounds, heap, per-server constants)', () => {
    // A small district: blocks, a thin wall, a tower; omni and sector servers on both bands,
    // candidates, and wall losses from none to heavy. Rays and links must match too: the
    // faster kernel visits the same servers in the same order, it only skips arithmetic.
    const boxes: Box[] = [FAR, { x: 10, y: 10, w: 15, d: 30, h: 20 }, { x: -40, y: -30, w: 25, d: 12, h: 9 }, { x: 30, y: -50, w: 8, d: 8, h: 30 }, { x: -10, y: -70, w: 50, d: 6, h: 12 }, { x: -60, y: 20, w: 0.3, d: 50, h: 25 }, { x: 50, y: 40, w: 20, d: 20, h: 14, base: 2 }];
    const g = boxesGeometry(boxes);
    const servers = [
      ap(-20, 0),
      ap(40, 30, { pattern: { kind: 'sector', azimuthDeg: 200, beamwidthDeg: 90, frontToBackDb: 20 } }),
      ap(0, -60, { fGHz: 5.5, eirpDbm: 23 }),
      ap(70, -80, { heightM: 8 }),
      ap(-70, 70, { eirpDbm: 15 }),
      ap(-20, 0.5),
      ap(80, 80, { fGHz: 5.5, pattern: { kind: 'sector', azimuthDeg: 225, beamwidthDeg: 60, frontToBackDb: 25 } }),
      ap(-85, -85, { eirpDbm: 27, heightM: 12 }),
    ];
    const candidates = [ap(60, -60), ap(-60, 60, { fGHz: 5.5 }), ap(0, 0, { heightM: 6 }), ap(90, 0, { pattern: { kind: 'sector', azimuthDeg: 270, beamwidthDeg: 90, frontToBackDb: 20 } })];
    let compared = 0;
    for (const [wallLossDb, floorDbm, cellM] of [[10, -95, 4], [0, -120, 5], [25, -200, 4.5]] as const) {
      const pl = plan({ polygons: [squareM(0, 0, 200)[0]!].map((r) => [r]), cellM, servers, candidates, wallLossDb, floorDbm, maxRangeM: 250 });
      for (const part of cellM === 4 ? [{ index: 0, count: 1 }, { index: 1, count: 2 }] : [{ index: 0, count: 1 }]) {
        const now = runToEnd(wifiCoverageKernel({ ...pl, part }, g));
        const v1 = runToEnd(wifiCoverageKernelV1({ ...pl, part }, g));
        expect(Buffer.from(now.rssiDbm.buffer)).toEqual(Buffer.from(v1.rssiDbm.buffer));
        expect(Buffer.from(now.server.buffer)).toEqual(Buffer.from(v1.server.buffer));
        expect(Buffer.from(now.surface.buffer)).toEqual(Buffer.from(v1.surface.buffer));
        expect(Buffer.from(now.groundZ.buffer)).toEqual(Buffer.from(v1.groundZ.buffer));
        expect(Array.from(now.candidateCells)).toEqual(Array.from(v1.candidateCells));
        expect(Array.from(now.candidateOffsets)).toEqual(Array.from(v1.candidateOffsets));
        expect([now.rays, now.links]).toEqual([v1.rays, v1.links]);
        compared += now.surface.filter((v) => v === 1).length;
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });

  it('a candidate covers exactly the cells where its own RSSI reaches the threshold', () => {
    const g = boxesGeometry([FAR, { x: 10, y: -30, w: 10, d: 60, h: 20 }]);
    const poly = [squareM(0, 0, 200)[0]!].map((r) => [r]);
    const cand = ap(0, 0);
    const asCandidate = runToEnd(wifiCoverageKernel(plan({ polygons: poly, candidates: [cand] }), g));
    const asServer = runToEnd(wifiCoverageKernel(plan({ polygons: poly, servers: [cand] }), g));
    const expected: number[] = [];
    for (let i = 0; i < asServer.rssiDbm.length; i++) if (asServer.rssiDbm[i]! >= -70) expected.push(i);
    expect(Array.from(asCandidate.candidateCells)).toEqual(expected);
  });
});

describe('greedy hotspot planning', () => {
  const instance = fc.record({
    cells: fc.integer({ min: 1, max: 30 }),
    sets: fc.array(fc.array(fc.integer({ min: 0, max: 29 }), { maxLength: 12 }), { minLength: 1, maxLength: 6 }),
    people: fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 30, maxLength: 30 }),
    k: fc.integer({ min: 1, max: 3 }),
  });
  const build = (sets: number[][], cells: number) => {
    const lists = sets.map((s) => [...new Set(s.filter((c) => c < cells))].sort((a, b) => a - b));
    const offsets = new Uint32Array(lists.length + 1);
    lists.forEach((l, k) => (offsets[k + 1] = offsets[k]! + l.length));
    return { lists, offsets, flat: Uint32Array.from(lists.flat()) };
  };

  it('gains never increase, and the total is within 1 − 1/e of the best choice (exhaustive search)', () => {
    fc.assert(
      fc.property(instance, ({ cells, sets, people, k }) => {
        const { lists, offsets, flat } = build(sets, cells);
        const per = Float64Array.from(people.slice(0, cells));
        const picks = planHotspots(flat, offsets, new Uint8Array(cells), per, 1, k);
        for (let j = 1; j < picks.length; j++) expect(picks[j]!.residentsGain).toBeLessThanOrEqual(picks[j - 1]!.residentsGain + 1e-9);
        const greedy = picks.at(-1)?.residentsAfter ?? 0;
        // Best total over every choice of k sets.
        let best = 0;
        const choose = (from: number, left: number, chosen: number[]) => {
          const covered = new Set(chosen.flatMap((c) => lists[c]!));
          best = Math.max(best, [...covered].reduce((s, c) => s + per[c]!, 0));
          if (left === 0) return;
          for (let c = from; c < lists.length; c++) choose(c + 1, left - 1, [...chosen, c]);
        };
        choose(0, k, []);
        expect(greedy).toBeGreaterThanOrEqual((1 - 1 / Math.E) * best - 1e-9);
        expect(greedy).toBeLessThanOrEqual(best + 1e-9);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('does not count residents already covered and stops when nothing is gained', () => {
    const { offsets, flat } = build([[0, 1], [1, 2], [0, 1]], 4);
    const per = Float64Array.from([10, 20, 30, 40]);
    const picks = planHotspots(flat, offsets, Uint8Array.from([0, 1, 0, 0]), per, 25, 3);
    expect(picks.map((p) => p.candidate)).toEqual([1, 0]);
    expect(picks[0]).toMatchObject({ residentsGain: 30, areaGainM2: 25, residentsAfter: 50 });
    expect(picks[1]).toMatchObject({ residentsGain: 10, residentsAfter: 60, areaAfterM2: 75 });
  });
});

describe('wifi coverage on facades', () => {
  // A 20 m × 20 m block, 10 m high, east of an access point 4 m high at the origin.
  const block: Box = { x: 40, y: -10, w: 20, d: 20, h: 10 };
  const area = [squareM(50, 0, 120)[0]!].map((r) => [r]);
  const server = ap(0, 0, { heightM: 4 });
  const run = (o: Partial<WifiPlan> = {}, boxes: Box[] = [FAR, block]) => runToEnd(wifiCoverageKernel(plan({ polygons: area, servers: [server], facades: { spacingM: 2 }, ...o }), boxesGeometry(boxes)));
  /** Receivers whose wall faces (nx, ny). */
  const facing = (p: WifiPart, nx: number, ny: number) => {
    const out: { x: number; y: number; z: number; rssi: number }[] = [];
    const f = p.facades;
    for (let k = 0; k < f.areaM2.length; k++) if (f.normal[3 * k]! * nx + f.normal[3 * k + 1]! * ny > 0.99) out.push({ x: f.xyz[3 * k]!, y: f.xyz[3 * k + 1]!, z: f.xyz[3 * k + 2]!, rssi: f.rssiDbm[k]! });
    return out;
  };
  const dist = (r: { x: number; y: number; z: number }) => Math.hypot(r.x, r.y, r.z - 4);

  it('a facade facing the access point in free view gets the line-of-sight value (its own wall does not block)', () => {
    const p = run();
    const west = facing(p, -1, 0);
    // 20 m × 10 m at 2 m spacing: 50 receivers, just outside the wall.
    expect(west.length).toBe(50);
    for (const r of west) {
      expect(r.x).toBeCloseTo(40 - 0.1, 4);
      expect(r.rssi).toBeCloseTo(20 - p1411LossDb(dist(r), 2.4, P1411.los), 3);
    }
    expect(p.facades.offsets.length).toBe(2); // the far box is outside the area
    expect(p.facades.building[0]).toBe(1);
  });

  it('the opposite facade of the same building is not in line of sight: it gets the through-walls or around value', () => {
    for (const wallLossDb of [10, 3]) {
      const east = facing(run({ wallLossDb }), 1, 0);
      expect(east.length).toBe(50);
      for (const r of east) {
        const d = dist(r);
        expect(r.rssi).toBeLessThan(20 - p1411LossDb(d, 2.4, P1411.los) - 2 * Math.min(wallLossDb, 3) + 1e-3);
        // Through its own wall and the far one (two walls), or around, whichever is stronger.
        expect(r.rssi).toBeCloseTo(20 - obstructedLossDb(d, 2.4, 2, wallLossDb, 'urban'), 3);
      }
    }
  });

  it('leaves the street-level results byte-identical and drops receivers against a neighbouring building', () => {
    const without = runToEnd(wifiCoverageKernel(plan({ polygons: area, servers: [server] }), boxesGeometry([FAR, block])));
    const withF = run();
    expect(Buffer.from(withF.rssiDbm.buffer)).toEqual(Buffer.from(without.rssiDbm.buffer));
    expect(Array.from(withF.server)).toEqual(Array.from(without.server));
    expect(without.facades.areaM2.length).toBe(0);
    // Two blocks sharing the wall x = 50: no receiver on it (it would be inside the other block).
    const pair = run({}, [FAR, { x: 40, y: -10, w: 10, d: 20, h: 10 }, { x: 50, y: -10, w: 10, d: 20, h: 10 }]);
    const f = pair.facades;
    let shared = 0, total = 0;
    for (let k = 0; k < f.areaM2.length; k++) {
      total += f.areaM2[k]!;
      if (Math.abs(f.normal[3 * k]!) > 0.9 && Math.abs(f.xyz[3 * k]! - 50) < 0.5) shared++;
    }
    expect(shared).toBe(0);
    expect(total).toBeCloseTo(2 * (20 * 10) + 2 * 2 * (10 * 10), 3);
  });

  it('is deterministic and gives the same bytes for 1, 2 or 3 parts', () => {
    const boxes: Box[] = [FAR, block, { x: -30, y: 20, w: 15, d: 10, h: 20 }, { x: 10, y: -40, w: 8, d: 30, h: 12 }, { x: 70, y: 20, w: 10, d: 10, h: 6 }];
    const base: Partial<WifiPlan> = { servers: [server, ap(80, -30, { eirpDbm: 17, fGHz: 5.5 })], cellM: 4, facades: { spacingM: 3 } };
    const whole = run(base, boxes);
    const again = run(base, boxes);
    const bytes = (m: ReturnType<typeof mergeWifiParts>) => [m.facades.building, m.facades.offsets, m.facades.xyz, m.facades.normal, m.facades.areaM2, m.facades.rssiDbm, m.facades.server].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    const one = mergeWifiParts([whole]);
    expect(bytes(mergeWifiParts([again]))).toEqual(bytes(one));
    expect(one.facades.building.length).toBe(3); // the box at x = −30 is outside the area
    for (const n of [2, 3]) {
      const parts = Array.from({ length: n }, (_, index) => run({ ...base, part: { index, count: n } }, boxes));
      const m = mergeWifiParts(parts.reverse());
      expect(bytes(m)).toEqual(bytes(one));
      expect(Buffer.from(m.rssiDbm.buffer)).toEqual(Buffer.from(one.rssiDbm.buffer));
      expect(m.facades.rays).toBe(one.facades.rays);
    }
  });

  it('rejects a facade spacing out of its limits, and too many receivers before any work', () => {
    expect(() => run({ facades: { spacingM: 0.2 } })).toThrow(/facade spacing/);
    // 4 walls of 800 m × 400 m at 1 m: 1.28 million receivers.
    const huge: Box = { x: -400, y: -400, w: 800, d: 800, h: 400 };
    let thrown: unknown = null;
    try {
      runToEnd(wifiCoverageKernel(plan({ polygons: [squareM(0, 0, 40)[0]!].map((r) => [r]), cellM: 10, servers: [server], facades: { spacingM: 1 } }), boxesGeometry([FAR, huge])));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toMatchObject({ code: 'bad-input', path: 'facades.spacingM' });
    expect(String((thrown as Error).message)).toMatch(/1,280,000 facade receivers at 1 m, more than 1,000,000/);
  });

  it('key figures: facade area covered and buildings with some covered facade', () => {
    const k = wifiFacadeKpi({ offsets: Uint32Array.of(0, 2, 2, 5), areaM2: Float32Array.of(4, 4, 2, 2, 2), rssiDbm: Float32Array.of(-60, NaN, -80, -75, -71) }, -70);
    expect(k).toEqual({ receivers: 5, areaM2: 14, coveredAreaM2: 4, areaShare: 4 / 14, buildings: 2, coveredBuildings: 1 });
    const p = run();
    const kp = wifiFacadeKpi(p.facades, -70);
    expect(kp.buildings).toBe(1);
    expect(kp.coveredBuildings).toBe(1);
    expect(kp.areaM2).toBeCloseTo(4 * 200, 2);
    // The west face is in view and close: covered; the east one, behind two walls, is not all covered.
    expect(kp.coveredAreaM2).toBeGreaterThanOrEqual(200 - 1e-3);
    expect(kp.areaShare).toBeLessThan(1);
  });
});
