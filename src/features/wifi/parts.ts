import type { GridSpec } from '../../core/grid.ts';
import { KernelError } from '../../core/simulation/kernel.ts';

/**
 * What one part of a wifi coverage study gives back (kernel.ts), and how parts are put together:
 * rows interleaved, facade buildings in increasing order, so merged results are the same bytes for
 * any number of parts.
 */

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
