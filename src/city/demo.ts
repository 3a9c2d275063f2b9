import { enuFrame } from '../core/geodesy.ts';
import { createRng, type Rng } from '../core/random.ts';
import type { BuildingRecord, PolygonDeg } from './types.ts';

/**
 * A deterministic synthetic district: streets on a slightly irregular grid, blocks turned by a
 * few degrees, and buildings whose form follows the distance to the centre: perimeter blocks
 * with courtyards in the centre, mixed blocks, detached houses at the edge, an industrial area,
 * a cluster of towers, squares and parks. Same seed, same bytes.
 *
 * Everything it produces is synthetic and is labelled so wherever it shows.
 */

export interface DemoOptions {
  seed: number;
  /** Centre of the district, degrees. Default: central Rennes (Place de la République). */
  centerLonDeg?: number;
  centerLatDeg?: number;
  /** Extent east–west and north–south, metres. */
  widthM?: number;
  heightM?: number;
}

export interface DemoStreet {
  name: string;
  kind: 'avenue' | 'street';
  widthM: number;
  /** [lon, lat] pairs. */
  line: [number, number][];
}

export interface DemoSquare {
  name: string;
  kind: 'park' | 'plaza';
  /** Outer ring, [lon, lat] pairs, closed. */
  ring: [number, number][];
}

export interface DemoDistrict {
  buildings: BuildingRecord[];
  streets: DemoStreet[];
  squares: DemoSquare[];
  /** Generator parameters, for the manifest. */
  parameters: Required<DemoOptions>;
}

type Zone = 'core' | 'mixed' | 'houses' | 'industrial' | 'towers';

interface LocalBuilding {
  outer: number[];
  holes: number[][];
  heightM: number;
  floors: number;
  use: string;
  yearBuilt: number;
}

const STOREY_M = 3.1;

function rect(x0: number, y0: number, x1: number, y1: number): number[] {
  return [x0, y0, x1, y0, x1, y1, x0, y1];
}

function floorsToHeight(floors: number, rng: Rng, roofM = 1.2): number {
  return Math.round((floors * STOREY_M + rng.range(0.3, roofM)) * 10) / 10;
}

function yearFor(zone: Zone, rng: Rng): number {
  switch (zone) {
    case 'core':
      return rng.chance(0.75) ? rng.int(1850, 1935) : rng.int(1950, 2022);
    case 'mixed':
      return rng.int(1920, 2015);
    case 'houses':
      return rng.int(1930, 2023);
    case 'industrial':
      return rng.int(1955, 2012);
    case 'towers':
      return rng.int(1968, 2024);
  }
}

function useFor(zone: Zone, rng: Rng, ground = false): string {
  switch (zone) {
    case 'core':
      return rng.weighted(['residential', 'commercial', 'office', 'public'], ground ? [40, 40, 12, 8] : [62, 18, 12, 8]);
    case 'mixed':
      return rng.weighted(['residential', 'commercial', 'office', 'public'], [70, 12, 12, 6]);
    case 'houses':
      return rng.weighted(['residential', 'public'], [97, 3]);
    case 'industrial':
      return rng.weighted(['industrial', 'commercial', 'office'], [72, 18, 10]);
    case 'towers':
      return rng.weighted(['office', 'residential', 'commercial'], [55, 35, 10]);
  }
}

/** Splits a length into parcel widths between min and max that sum exactly to it. */
function splitLength(length: number, min: number, max: number, rng: Rng): number[] {
  const out: number[] = [];
  let left = length;
  while (left > max) {
    const w = Math.min(rng.range(min, max), left - min);
    out.push(w);
    left -= w;
  }
  if (left > 0) out.push(left);
  return out;
}

/** Buildings of one block of size w × h in the block's own frame (origin at its south-west corner). */
function blockBuildings(zone: Zone, w: number, h: number, rng: Rng): LocalBuilding[] {
  const out: LocalBuilding[] = [];
  const add = (outer: number[], floors: number, use: string, holes: number[][] = [], roofM = 1.2) =>
    out.push({ outer, holes, heightM: floorsToHeight(floors, rng, roofM), floors, use, yearBuilt: yearFor(zone, rng) });

  if (zone === 'houses') {
    // Detached houses on lots along the south and north edges.
    for (const side of [0, 1] as const) {
      let x = 2;
      for (const lot of splitLength(w - 4, 13, 19, rng)) {
        const fw = Math.min(lot - 3, rng.range(7.5, 11));
        const fd = rng.range(7.5, 10.5);
        const setback = rng.range(4, 7);
        const x0 = x + (lot - fw) / 2;
        const y0 = side === 0 ? setback : h - setback - fd;
        const floors = rng.weighted([1, 2, 3], [35, 55, 10]);
        if (fw > 5 && h > 2 * (setback + fd) + 4) {
          if (rng.chance(0.25)) {
            // L-shaped house.
            const ew = fw * rng.range(0.35, 0.5), ed = rng.range(3.5, 5.5);
            const y1 = side === 0 ? y0 + fd : y0;
            const l =
              side === 0
                ? [x0, y0, x0 + fw, y0, x0 + fw, y1, x0 + ew, y1, x0 + ew, y1 + ed, x0, y1 + ed]
                : [x0, y1 - ed, x0 + ew, y1 - ed, x0 + ew, y1, x0 + fw, y1, x0 + fw, y0 + fd, x0, y0 + fd];
            add(l, floors, useFor(zone, rng), [], 2.5);
          } else {
            add(rect(x0, y0, x0 + fw, y0 + fd), floors, useFor(zone, rng), [], 2.5);
          }
        }
        x += lot;
      }
    }
    return out;
  }

  if (zone === 'industrial') {
    let x = 4;
    for (const part of splitLength(w - 8, 28, 70, rng)) {
      const d = h - 8;
      if (rng.chance(0.5) && d > 50) {
        const d1 = d * rng.range(0.4, 0.6);
        add(rect(x, 4, x + part - 6, 4 + d1), rng.int(2, 4), useFor(zone, rng), [], 0.8);
        add(rect(x, 4 + d1 + 6, x + part - 6, 4 + d), rng.int(2, 4), useFor(zone, rng), [], 0.8);
      } else if (part > 12) {
        add(rect(x, 4, x + part - 6, 4 + d), rng.int(2, 4), useFor(zone, rng), [], 0.8);
      }
      x += part;
    }
    return out;
  }

  if (zone === 'towers') {
    // A podium along the south edge and two to four towers behind it.
    add(rect(3, 3, w - 3, 18), rng.int(2, 3), 'commercial');
    const n = rng.int(2, 4);
    const slot = (w - 6) / n;
    for (let i = 0; i < n; i++) {
      const s = Math.min(slot - 8, rng.range(20, 34));
      const x0 = 3 + i * slot + (slot - s) / 2;
      const y0 = rng.range(26, Math.max(27, h - s - 6));
      if (y0 + s < h - 3 && s > 10) add(rect(x0, y0, x0 + s, y0 + s * rng.range(0.7, 1)), rng.int(12, 30), useFor(zone, rng), [], 3);
    }
    return out;
  }

  // Core and mixed: perimeter blocks.
  const baseFloors = zone === 'core' ? [4, 5, 6, 7] : [2, 3, 4, 5, 8];
  const weights = zone === 'core' ? [15, 35, 35, 15] : [20, 30, 25, 15, 10];
  const depth = rng.range(10, 15);
  if (w < 2 * depth + 8 || h < 2 * depth + 8) {
    // Too small for a courtyard: a row of buildings across the block.
    let x = 0;
    for (const p of splitLength(w, 8, 18, rng)) {
      add(rect(x, 0, x + p, h), rng.weighted(baseFloors, weights), useFor(zone, rng, true));
      x += p;
    }
    return out;
  }
  if (rng.chance(0.05)) {
    // One courtyard building (school, town hall, hospital): a polygon with a hole.
    const floors = rng.int(3, 5);
    out.push({
      outer: rect(2, 2, w - 2, h - 2),
      holes: [rect(depth + 2, depth + 2, w - depth - 2, h - depth - 2)],
      heightM: floorsToHeight(floors, rng),
      floors,
      use: 'public',
      yearBuilt: yearFor(zone, rng),
    });
    return out;
  }
  const lCornerWanted = rng.chance(0.35);
  // South and north edges run the full width (they own the corners); west and east fill between.
  const edges: { along: number; place: (a: number, b: number) => number[] }[] = [
    { along: w, place: (a, b) => rect(a, 0, b, depth) },
    { along: w, place: (a, b) => rect(a, h - depth, b, h) },
    { along: h - 2 * depth, place: (a, b) => rect(0, depth + a, depth, depth + b) },
    { along: h - 2 * depth, place: (a, b) => rect(w - depth, depth + a, w, depth + b) },
  ];
  // Parcels of every edge first, so the L-shaped corner can take the west row's first parcel.
  const parcels = edges.map((e) => splitLength(e.along, 8, 20, rng));
  const lCorner = lCornerWanted && parcels[0]![0]! > depth + 2;
  edges.forEach((edge, ei) => {
    let a = 0;
    parcels[ei]!.forEach((p, pi) => {
      const floors = rng.weighted(baseFloors, weights);
      if (lCorner && ei === 2 && pi === 0) {
        // Part of the L-shaped corner building made with the south row.
        a += p;
        return;
      }
      if (lCorner && ei === 0 && pi === 0) {
        const b = depth + parcels[2]![0]!;
        add([0, 0, p, 0, p, depth, depth, depth, depth, b, 0, b], floors, useFor(zone, rng, true));
        a += p;
        return;
      }
      add(edge.place(a, a + p), floors, useFor(zone, rng, true));
      a += p;
    });
  });
  // An annex in large courtyards.
  const cw = w - 2 * depth, ch = h - 2 * depth;
  if (cw > 30 && ch > 30 && rng.chance(0.4)) {
    const aw = rng.range(8, Math.min(20, cw - 16)), ah = rng.range(8, Math.min(16, ch - 16));
    const ax = depth + rng.range(8, cw - aw - 8), ay = depth + rng.range(8, ch - ah - 8);
    add(rect(ax, ay, ax + aw, ay + ah), rng.int(1, 2), useFor(zone, rng));
  }
  return out;
}

function zoneAt(x: number, y: number, widthM: number, heightM: number, rng: Rng): Zone {
  // Towers: a business cluster south-east of the centre.
  const tx = widthM * 0.16, ty = -heightM * 0.28;
  if (Math.hypot(x - tx, y - ty) < 170) return 'towers';
  // Industrial: the north-east corner.
  if (x > widthM * 0.3 && y > heightM * 0.25) return 'industrial';
  const r = Math.hypot(x / (widthM / 2), y / (heightM / 2));
  if (r < 0.45) return 'core';
  if (r < 0.8) return rng.chance(0.85) ? 'mixed' : 'houses';
  return rng.chance(0.7) ? 'houses' : 'mixed';
}

/** Generates the district. */
export function generateDemoDistrict(options: DemoOptions): DemoDistrict {
  const p: Required<DemoOptions> = {
    seed: options.seed,
    centerLonDeg: options.centerLonDeg ?? -1.68,
    centerLatDeg: options.centerLatDeg ?? 48.11,
    widthM: options.widthM ?? 2400,
    heightM: options.heightM ?? 1900,
  };
  const rng = createRng(p.seed);
  const frame = enuFrame({ lonDeg: p.centerLonDeg, latDeg: p.centerLatDeg, heightM: 0 });
  const toDeg = (x: number, y: number): [number, number] => {
    const g = frame.toGeodetic(x, y, 0);
    return [Math.round(g.lonDeg * 1e8) / 1e8, Math.round(g.latDeg * 1e8) / 1e8];
  };

  // Street lines: x positions of north–south streets, y positions of east–west streets.
  const lines = (extent: number): { at: number; width: number; avenue: boolean }[] => {
    const out: { at: number; width: number; avenue: boolean }[] = [];
    let at = -extent / 2;
    let i = 0;
    while (at <= extent / 2) {
      const avenue = i % 4 === 0;
      out.push({ at, width: avenue ? rng.range(22, 28) : rng.range(11, 16), avenue });
      at += rng.range(85, 140);
      i++;
    }
    return out;
  };
  const xs = lines(p.widthM);
  const ys = lines(p.heightM);

  const streets: DemoStreet[] = [];
  xs.forEach((l, i) =>
    streets.push({
      name: `${l.avenue ? 'Avenue' : 'Rue'} ${i + 1} (synthetic)`,
      kind: l.avenue ? 'avenue' : 'street',
      widthM: Math.round(l.width * 10) / 10,
      line: [toDeg(l.at, ys[0]!.at), toDeg(l.at, ys[ys.length - 1]!.at)],
    }),
  );
  ys.forEach((l, j) =>
    streets.push({
      name: `${l.avenue ? 'Boulevard' : 'Rue'} ${String.fromCharCode(65 + (j % 26))}${j >= 26 ? j : ''} (synthetic)`,
      kind: l.avenue ? 'avenue' : 'street',
      widthM: Math.round(l.width * 10) / 10,
      line: [toDeg(xs[0]!.at, l.at), toDeg(xs[xs.length - 1]!.at, l.at)],
    }),
  );

  const buildings: BuildingRecord[] = [];
  const squares: DemoSquare[] = [];
  let squareCount = 0;
  for (let j = 0; j + 1 < ys.length; j++) {
    for (let i = 0; i + 1 < xs.length; i++) {
      const x0 = xs[i]!.at + xs[i]!.width / 2, x1 = xs[i + 1]!.at - xs[i + 1]!.width / 2;
      const y0 = ys[j]!.at + ys[j]!.width / 2, y1 = ys[j + 1]!.at - ys[j + 1]!.width / 2;
      const w = x1 - x0, h = y1 - y0;
      if (w < 20 || h < 20) continue;
      const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
      // Turn the block by up to ±3° about its centre: organic, and streets stay ≥ 5 m wide.
      const angle = rng.range(-3, 3) * (Math.PI / 180);
      const ca = Math.cos(angle), sa = Math.sin(angle);
      const place = (lx: number, ly: number): [number, number] => {
        const dx = lx - w / 2, dy = ly - h / 2;
        return toDeg(cx + dx * ca - dy * sa, cy + dx * sa + dy * ca);
      };
      const ringToDeg = (ring: readonly number[]): number[] => {
        const out: number[] = [];
        for (let k = 0; k < ring.length; k += 2) out.push(...place(ring[k]!, ring[k + 1]!));
        return out;
      };
      const zone = zoneAt(cx, cy, p.widthM, p.heightM, rng);
      const isSquare = zone !== 'industrial' && zone !== 'towers' && rng.chance(zone === 'core' ? 0.07 : 0.05);
      if (isSquare) {
        squareCount++;
        const kind = rng.chance(0.6) ? 'park' : 'plaza';
        const ring = ringToDeg(rect(0, 0, w, h));
        const pairs: [number, number][] = [];
        for (let k = 0; k < ring.length; k += 2) pairs.push([ring[k]!, ring[k + 1]!]);
        pairs.push(pairs[0]!);
        squares.push({ name: `${kind === 'park' ? 'Parc' : 'Place'} ${squareCount} (synthetic)`, kind, ring: pairs });
        continue;
      }
      for (const lb of blockBuildings(zone, w, h, rng)) {
        const polygon: PolygonDeg = { outer: ringToDeg(lb.outer), holes: lb.holes.map(ringToDeg) };
        buildings.push({
          id: `D${String(buildings.length + 1).padStart(5, '0')}`,
          polygons: [polygon],
          baseM: 0,
          heightM: lb.heightM,
          heightSource: 'synthetic',
          floors: lb.floors,
          use: lb.use,
          yearBuilt: lb.yearBuilt,
          source: 'Jumeau demo (synthetic)',
        });
      }
    }
  }
  return { buildings, streets, squares, parameters: p };
}
