import { metresPerDegree } from '../core/geodesy.ts';
import type { BuildingRecord, BuildingSummary } from './types.ts';

/**
 * Spatial tiling of buildings into a quadtree with ADD refinement: each tile holds the most
 * prominent buildings of its area (tallest or largest), its children add the smaller ones. A
 * tile's geometric error is the size of the largest building it leaves to its descendants, so
 * it decreases with depth and reaches 0 at the leaves; a far view shows the skyline first.
 */

export interface TilerOptions {
  /**
   * `rtree` (default): buildings packed by sort-tile-recursive into leaf tiles of about
   * `targetFeatures` each, grouped under content-free parents of at most `fanout` children
   * (two levels up to `fanout` × `targetFeatures` buildings). `skyline`: the quadtree whose
   * internal tiles hold the most prominent buildings of their area (ADD), children the rest.
   */
  layout?: 'rtree' | 'skyline';
  /** Buildings per leaf tile aimed at by the `rtree` layout (default 900, at most maxFeatures). */
  targetFeatures?: number;
  /** Children per content-free parent in the `rtree` layout (default 64). */
  fanout?: number;
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
  return buildings.map((b, index) => summariseOne(b, index));
}

/** The tiling summary of one building, numbered `index`. */
export function summariseOne(b: BuildingRecord, index: number): BuildingSummary {
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
}

/** The tiling summaries of many buildings as typed columns (~72 B per building): row i = building i. */
export class SummaryColumns {
  count = 0;
  cx = new Float64Array(1024);
  cy = new Float64Array(1024);
  west = new Float64Array(1024);
  south = new Float64Array(1024);
  east = new Float64Array(1024);
  north = new Float64Array(1024);
  minH = new Float64Array(1024);
  maxH = new Float64Array(1024);
  importance = new Float64Array(1024);

  /** Appends a summary (its `index` must be `count`). */
  push(b: BuildingSummary): void {
    if (b.index !== this.count) throw new Error(`summary ${b.index} pushed as row ${this.count}`);
    if (this.count === this.cx.length) {
      const grow = (a: Float64Array) => {
        const g = new Float64Array(a.length * 2);
        g.set(a);
        return g;
      };
      this.cx = grow(this.cx);
      this.cy = grow(this.cy);
      this.west = grow(this.west);
      this.south = grow(this.south);
      this.east = grow(this.east);
      this.north = grow(this.north);
      this.minH = grow(this.minH);
      this.maxH = grow(this.maxH);
      this.importance = grow(this.importance);
    }
    const i = this.count++;
    this.cx[i] = b.centroidLon;
    this.cy[i] = b.centroidLat;
    this.west[i] = b.west;
    this.south[i] = b.south;
    this.east[i] = b.east;
    this.north[i] = b.north;
    this.minH[i] = b.minH;
    this.maxH[i] = b.maxH;
    this.importance[i] = b.importanceM;
  }

  /** Forgets the rows from `count` on. */
  truncate(count: number): void {
    this.count = Math.min(this.count, count);
  }

  /** Row i as a summary object. */
  get(i: number): BuildingSummary {
    return { index: i, centroidLon: this.cx[i]!, centroidLat: this.cy[i]!, west: this.west[i]!, south: this.south[i]!, east: this.east[i]!, north: this.north[i]!, minH: this.minH[i]!, maxH: this.maxH[i]!, importanceM: this.importance[i]! };
  }

  static from(all: readonly BuildingSummary[]): SummaryColumns {
    const c = new SummaryColumns();
    all.forEach((b, i) => c.push(b.index === i ? b : { ...b, index: i }));
    return c;
  }
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

/** regionOf for rows of summary columns. */
function regionOfRows(c: SummaryColumns, rows: ArrayLike<number>): Region {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity, lo = Infinity, hi = -Infinity;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    if (c.west[i]! < w) w = c.west[i]!;
    if (c.south[i]! < s) s = c.south[i]!;
    if (c.east[i]! > e) e = c.east[i]!;
    if (c.north[i]! > n) n = c.north[i]!;
    if (c.minH[i]! < lo) lo = c.minH[i]!;
    if (c.maxH[i]! > hi) hi = c.maxH[i]!;
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
  if (buildings.length === 0) throw new Error('no buildings to tile');
  return buildTileTreeFromSummaries(summarise(buildings), options);
}

/**
 * Builds the tile tree from the buildings' summaries alone (the compact index a streaming
 * build keeps in memory): `content` holds the summaries' `index` values.
 */
export function buildTileTreeFromSummaries(all: BuildingSummary[] | SummaryColumns, options: TilerOptions = {}): TileNode {
  const columns = all instanceof SummaryColumns ? all : SummaryColumns.from(all);
  if (columns.count === 0) throw new Error('no buildings to tile');
  if ((options.layout ?? 'rtree') === 'rtree') return rtreeTiles(columns, options);
  return skylineTiles(all instanceof SummaryColumns ? Array.from({ length: all.count }, (_, i) => all.get(i)) : all, options);
}

/** Grid step of the centroids the `rtree` layout sorts on, degrees (about 1 m). */
const RTREE_GRID = 1e5;

/**
 * Sort-tile-recursive packing: leaves of ~targetFeatures buildings in compact rectangles, then
 * the same packing on the leaves' centres, level by level, until one parent holds them all.
 * Content only in leaves; a parent's geometric error is `errorScale` × its largest building.
 * Centroids are compared on a ~1 m grid (ties by input index), so data a few millimetres apart
 * is tiled the same way.
 */
function rtreeTiles(all: SummaryColumns, options: TilerOptions): TileNode {
  const maxFeatures = options.maxFeatures ?? 1000;
  const target = Math.max(1, Math.min(options.targetFeatures ?? 900, maxFeatures));
  const fanout = Math.max(2, options.fanout ?? 64);
  const errorScale = options.errorScale ?? 4;
  const n = all.count;
  let latSum = 0;
  for (let i = 0; i < n; i++) latSum += all.cy[i]!;
  const kx = Math.cos((latSum / n) * (Math.PI / 180));
  type Item<T> = { x: number; y: number; key: number; value: T };
  /** Splits items into ceil(n / size) groups of near-equal size, as square as the data allows. */
  const pack = <T>(items: Item<T>[], size: number): T[][] => {
    const groups = Math.ceil(items.length / size);
    if (groups <= 1) return [items.map((i) => i.value)];
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (const i of items) {
      if (i.x < x0) x0 = i.x;
      if (i.x > x1) x1 = i.x;
      if (i.y < y0) y0 = i.y;
      if (i.y > y1) y1 = i.y;
    }
    const aspect = Math.max(1e-6, (x1 - x0) * kx) / Math.max(1e-6, y1 - y0);
    const slices = Math.max(1, Math.min(groups, Math.round(Math.sqrt(groups * aspect))));
    const sorted = items.slice().sort((a, b) => a.x - b.x || a.y - b.y || a.key - b.key);
    const out: T[][] = [];
    for (const [from, to, k] of sliceBounds(sorted.length, groups, slices)) {
      const slice = sorted.slice(from, to).sort((a, b) => a.y - b.y || a.x - b.x || a.key - b.key);
      for (const g of evenChunks(slice, k)) out.push(g.map((i) => i.value));
    }
    return out;
  };
  const grid = (v: number) => Math.round(v * RTREE_GRID);
  // The leaves, on typed arrays (the index of a national build has millions of rows): the same
  // packing as `pack`, rows sorted by grid x, y, then row number.
  const gx = new Float64Array(n), gy = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    gx[i] = grid(all.cx[i]!);
    gy[i] = grid(all.cy[i]!);
  }
  const packRows = (rows: Uint32Array, size: number): Uint32Array[] => {
    const groups = Math.ceil(rows.length / size);
    if (groups <= 1) return [rows];
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let k = 0; k < rows.length; k++) {
      const x = gx[rows[k]!]!, y = gy[rows[k]!]!;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    const aspect = Math.max(1e-6, (x1 - x0) * kx) / Math.max(1e-6, y1 - y0);
    const slices = Math.max(1, Math.min(groups, Math.round(Math.sqrt(groups * aspect))));
    const sorted = rows.slice().sort((a, b) => gx[a]! - gx[b]! || gy[a]! - gy[b]! || a - b);
    const out: Uint32Array[] = [];
    for (const [from, to, k] of sliceBounds(sorted.length, groups, slices)) {
      const slice = sorted.subarray(from, to);
      slice.sort((a, b) => gy[a]! - gy[b]! || gx[a]! - gx[b]! || a - b);
      for (let j = 0; j < k; j++) {
        const g = slice.slice(Math.floor((j * slice.length) / k), Math.floor(((j + 1) * slice.length) / k));
        if (g.length > 0) out.push(g);
      }
    }
    return out;
  };
  const rows = new Uint32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  const leafGroups = packRows(rows, target);
  let nodes: { node: TileNode; maxImportance: number; key: number }[] = leafGroups.map((g) => {
    const r = regionOfRows(all, g);
    const content = Array.from(g).sort((a, b) => a - b);
    let maxImportance = 0;
    for (let k = 0; k < g.length; k++) maxImportance = Math.max(maxImportance, all.importance[g[k]!]!);
    return { node: { level: 0, x: 0, y: 0, content, children: [], contentRegion: r, region: r, geometricErrorM: 0 }, maxImportance, key: content[0]! };
  });
  while (nodes.length > 1) {
    const groups = pack(nodes.map((n) => ({ x: grid(((n.node.region[0] + n.node.region[2]) / 2) * (180 / Math.PI)), y: grid(((n.node.region[1] + n.node.region[3]) / 2) * (180 / Math.PI)), key: n.key, value: n })), fanout);
    nodes = groups.map((g) => {
      const maxImportance = g.reduce((m, n) => Math.max(m, n.maxImportance), 0);
      return {
        node: { level: 0, x: 0, y: 0, content: [], children: g.map((n) => n.node), contentRegion: null, region: unionRegions(g.map((n) => n.node.region)), geometricErrorM: Math.max(maxImportance * errorScale, ...g.map((n) => n.node.geometricErrorM)) },
        maxImportance,
        key: g.reduce((m, n) => Math.min(m, n.key), Infinity),
      };
    });
  }
  const root = nodes[0]!.node;
  // Levels and positions: depth from the root, x = rank among the level's tiles.
  const next = new Map<number, number>();
  const number = (t: TileNode, level: number) => {
    t.level = level;
    t.x = next.get(level) ?? 0;
    next.set(level, t.x + 1);
    for (const c of t.children) number(c, level + 1);
  };
  number(root, 0);
  return root;
}

/**
 * Cuts n sorted items into `slices` runs holding `groups` groups in all, each run a whole number
 * of groups: [from, to, groups in the run]. With groups of n / groups items (± 1) everywhere,
 * the pack has exactly ceil(n / size) tiles, all about as full.
 */
function sliceBounds(n: number, groups: number, slices: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < slices; i++) {
    const g0 = Math.floor((i * groups) / slices), g1 = Math.floor(((i + 1) * groups) / slices);
    if (g1 === g0) continue;
    out.push([Math.floor((g0 * n) / groups), Math.floor((g1 * n) / groups), g1 - g0]);
  }
  return out;
}

/** Splits `items` into `k` consecutive chunks whose sizes differ by at most one. */
function evenChunks<T>(items: T[], k: number): T[][] {
  const out: T[][] = [];
  const n = items.length;
  for (let i = 0; i < k; i++) out.push(items.slice(Math.floor((i * n) / k), Math.floor(((i + 1) * n) / k)));
  return out.filter((c) => c.length > 0);
}

/** The quadtree whose internal tiles keep the most prominent buildings of their area. */
function skylineTiles(all: BuildingSummary[], options: TilerOptions): TileNode {
  const maxFeatures = options.maxFeatures ?? 1000;
  const internalFeatures = Math.min(options.internalFeatures ?? 300, maxFeatures);
  const maxDepth = options.maxDepth ?? 16;
  const errorScale = options.errorScale ?? 4;
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
