import { metresPerDegree } from '../core/geodesy.ts';
import type { BuildingRecord, BuildingSummary } from './types.ts';

/**
 * Spatial tiling of buildings into a quadtree with ADD refinement: each tile holds the most
 * prominent buildings of its area (tallest or largest), its children add the smaller ones. A
 * tile's geometric error is the size of the largest building it leaves to its descendants, so
 * it decreases with depth and reaches 0 at the leaves; a far view shows the skyline first.
 */

export interface TilerOptions {
  /** Hard limit of features in one tile's content (issue: at most 1,000). */
  maxFeatures?: number;
  /** Features kept in an internal tile before its area is split (the rest go to children). */
  internalFeatures?: number;
  /** Depth limit; deeper tiles are split into same-area chunks. */
  maxDepth?: number;
  /**
   * Geometric error per metre of the largest building a tile leaves to its children. 1 is the
   * strict reading of the spec; the default 4 makes viewers refine at district scale, so every
   * building shows in a district view while far views keep only the prominent ones.
   */
  errorScale?: number;
}

export interface TileNode {
  level: number;
  x: number;
  y: number;
  /** Building indices (into the input array) whose geometry is in this tile's content. */
  content: number[];
  children: TileNode[];
  /** Region of the content only: [west, south, east, north] radians, [minH, maxH] metres. */
  contentRegion: Region | null;
  /** Region of the content and all descendants. */
  region: Region;
  geometricErrorM: number;
}

/** [west, south, east, north, minHeight, maxHeight]: radians and metres, as 3D Tiles regions. */
export type Region = [number, number, number, number, number, number];

const DEG = Math.PI / 180;

/** Summarises each building for tiling (bbox, centroid, heights, importance). LOD2 surfaces count whole. */
export function summarise(buildings: readonly BuildingRecord[]): BuildingSummary[] {
  return buildings.map((b, index) => {
    let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity;
    let sx = 0, sy = 0, n = 0;
    let minH = b.baseM, maxH = b.baseM + b.heightM;
    const add = (x: number, y: number) => {
      if (x < west) west = x;
      if (x > east) east = x;
      if (y < south) south = y;
      if (y > north) north = y;
      sx += x;
      sy += y;
      n++;
    };
    if (b.surfaces !== undefined) {
      minH = Infinity;
      maxH = -Infinity;
      for (const s of b.surfaces) {
        for (const ring of s.rings) {
          for (let i = 0; i < ring.length; i += 3) {
            add(ring[i]!, ring[i + 1]!);
            const h = ring[i + 2]!;
            if (h < minH) minH = h;
            if (h > maxH) maxH = h;
          }
        }
      }
    } else {
      for (const p of b.polygons) {
        const o = p.outer;
        for (let i = 0; i < o.length; i += 2) add(o[i]!, o[i + 1]!);
      }
    }
    const m = metresPerDegree((south + north) / 2);
    const diag = Math.hypot((east - west) * m.lonM, (north - south) * m.latM);
    // A flat LOD1 base (tangent at one corner) sits below the ellipsoid away from that corner.
    if (b.surfaces === undefined) minH -= (diag * diag) / (2 * 6_356_752);
    return {
      index,
      centroidLon: sx / n,
      centroidLat: sy / n,
      west, south, east, north,
      minH,
      maxH,
      // The footprint size is rounded to the metre (and tie groups are kept together, see
      // buildTileTree) so that data a few millimetres apart (the same buildings in two CRSs) is
      // tiled the same way.
      importanceM: Math.max(maxH - minH, Math.round(diag)),
    };
  });
}

/**
 * Padding of every region, metres: vertices are quantized to 16 bits over their tile, which can
 * move them a few centimetres past the exact footprint; bounding volumes must still contain them.
 */
export const REGION_PAD_M = 0.1;

function regionOf(items: readonly BuildingSummary[]): Region | null {
  if (items.length === 0) return null;
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity, lo = Infinity, hi = -Infinity;
  for (const b of items) {
    if (b.west < w) w = b.west;
    if (b.south < s) s = b.south;
    if (b.east > e) e = b.east;
    if (b.north > n) n = b.north;
    if (b.minH < lo) lo = b.minH;
    if (b.maxH > hi) hi = b.maxH;
  }
  const padLat = REGION_PAD_M / 6_356_752;
  const padLon = padLat / Math.max(0.01, Math.cos(((s + n) / 2) * DEG));
  return [w * DEG - padLon, s * DEG - padLat, e * DEG + padLon, n * DEG + padLat, lo - REGION_PAD_M, hi + REGION_PAD_M];
}

/** Union of regions (null entries ignored). */
export function unionRegions(regions: readonly (Region | null)[]): Region {
  const rs = regions.filter((r): r is Region => r !== null);
  if (rs.length === 0) throw new Error('union of no regions');
  return [
    Math.min(...rs.map((r) => r[0])),
    Math.min(...rs.map((r) => r[1])),
    Math.max(...rs.map((r) => r[2])),
    Math.max(...rs.map((r) => r[3])),
    Math.min(...rs.map((r) => r[4])),
    Math.max(...rs.map((r) => r[5])),
  ];
}

/** Builds the tile tree. Deterministic: ties are broken by input index. */
export function buildTileTree(buildings: readonly BuildingRecord[], options: TilerOptions = {}): TileNode {
  const maxFeatures = options.maxFeatures ?? 1000;
  const internalFeatures = Math.min(options.internalFeatures ?? 300, maxFeatures);
  const maxDepth = options.maxDepth ?? 16;
  const errorScale = options.errorScale ?? 4;
  if (buildings.length === 0) throw new Error('no buildings to tile');
  const all = summarise(buildings);
  // Bounds of centroids, squared up so quadrants stay roughly square on the ground.
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const b of all) {
    w = Math.min(w, b.centroidLon);
    e = Math.max(e, b.centroidLon);
    s = Math.min(s, b.centroidLat);
    n = Math.max(n, b.centroidLat);
  }
  // Bounds snapped outwards to 1e-4° (about 10 m), for the same reason: stable split lines.
  const SNAP = 1e4;
  w = Math.floor(w * SNAP) / SNAP;
  s = Math.floor(s * SNAP) / SNAP;
  e = Math.ceil(e * SNAP) / SNAP;
  n = Math.ceil(n * SNAP) / SNAP;
  const m = metresPerDegree((s + n) / 2);
  const sizeM = Math.max((e - w) * m.lonM, (n - s) * m.latM, 1);
  const cx = (w + e) / 2, cy = (s + n) / 2;
  const halfLon = (sizeM / 2 / m.lonM) * 1.0001, halfLat = (sizeM / 2 / m.latM) * 1.0001;

  const byImportance = (a: BuildingSummary, b: BuildingSummary) => b.importanceM - a.importanceM || a.index - b.index;

  const build = (items: BuildingSummary[], level: number, x: number, y: number, bw: number, bs: number, be: number, bn: number): TileNode => {
    if (items.length <= maxFeatures) {
      const content = items.map((b) => b.index).sort((a, b) => a - b);
      const r = regionOf(items)!;
      return { level, x, y, content, children: [], contentRegion: r, region: r, geometricErrorM: 0 };
    }
    const sorted = items.slice().sort(byImportance);
    // Keep buildings of equal importance on the same side of the cut (up to maxFeatures).
    let cut = internalFeatures;
    while (cut < sorted.length && cut < maxFeatures && sorted[cut]!.importanceM === sorted[cut - 1]!.importanceM) cut++;
    if (cut === maxFeatures && cut < sorted.length && sorted[cut]!.importanceM === sorted[cut - 1]!.importanceM) {
      cut = internalFeatures;
      while (cut > 1 && sorted[cut]!.importanceM === sorted[cut - 1]!.importanceM) cut--;
    }
    const mine = sorted.slice(0, cut);
    const rest = sorted.slice(cut);
    const children: TileNode[] = [];
    if (level >= maxDepth) {
      // Degenerate input (many buildings on one point): chunk without splitting the area.
      for (let i = 0, k = 0; i < rest.length; i += maxFeatures, k++) {
        children.push(build(rest.slice(i, i + maxFeatures), level + 1, 2 * x + k, 2 * y, bw, bs, be, bn));
      }
    } else {
      const mx = (bw + be) / 2, my = (bs + bn) / 2;
      const quads: BuildingSummary[][] = [[], [], [], []];
      for (const b of rest) {
        const qx = b.centroidLon < mx ? 0 : 1;
        const qy = b.centroidLat < my ? 0 : 1;
        quads[qy * 2 + qx]!.push(b);
      }
      const boxes: [number, number, number, number][] = [[bw, bs, mx, my], [mx, bs, be, my], [bw, my, mx, bn], [mx, my, be, bn]];
      quads.forEach((q, i) => {
        if (q.length === 0) return;
        const [qw, qs, qe, qn] = boxes[i]!;
        children.push(build(q, level + 1, 2 * x + (i % 2), 2 * y + (i >> 1), qw, qs, qe, qn));
      });
    }
    const contentRegion = regionOf(mine);
    return {
      level, x, y,
      content: mine.map((b) => b.index).sort((a, b) => a - b),
      children,
      contentRegion,
      region: unionRegions([contentRegion, ...children.map((c) => c.region)]),
      geometricErrorM: rest.length > 0 ? rest[0]!.importanceM * errorScale : 0,
    };
  };
  return build(all, 0, 0, 0, cx - halfLon, cy - halfLat, cx + halfLon, cy + halfLat);
}

/** Visits every tile, parents before children. */
export function* walkTiles(root: TileNode): Generator<TileNode> {
  const stack = [root];
  while (stack.length > 0) {
    const t = stack.pop()!;
    yield t;
    for (let i = t.children.length - 1; i >= 0; i--) stack.push(t.children[i]!);
  }
}
