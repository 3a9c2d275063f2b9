/**
 * A street graph for walking and driving: nodes where line vertices meet (snapped within a
 * tolerance), directed arcs in compressed sparse rows with their geodesic length and who may use
 * them. Pure: typed arrays in, typed arrays out.
 */

/** Mean Earth radius, metres (IUGG). */
export const EARTH_RADIUS_M = 6_371_008.8;

/** Who may use a line or an arc. */
export const WALK = 1;
export const DRIVE = 2;
/** Line flags: drivers may only follow the line forward (or backward, `ONEWAY_REVERSE`). */
export const ONEWAY = 4;
export const ONEWAY_REVERSE = 8;

/** Polylines: `coords` holds lon/lat pairs, line i is points starts[i] … starts[i+1]−1. */
export interface StreetLines {
  coords: Float64Array;
  starts: Uint32Array;
  /** WALK | DRIVE | ONEWAY | ONEWAY_REVERSE per line. */
  flags: Uint8Array;
}

export interface StreetGraph {
  nodeCount: number;
  lon: Float64Array;
  lat: Float64Array;
  /** Arcs leaving node n: offsets[n] … offsets[n+1]−1. */
  offsets: Uint32Array;
  target: Uint32Array;
  lengthM: Float64Array;
  /** WALK and/or DRIVE per arc. */
  arcFlags: Uint8Array;
  /** Undirected edges (for drawing): endpoints and flags. */
  edgeA: Uint32Array;
  edgeB: Uint32Array;
  edgeFlags: Uint8Array;
}

/** Great-circle distance between two lon/lat points, metres (haversine). */
export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const r = Math.PI / 180;
  const dLat = (lat2 - lat1) * r, dLon = (lon2 - lon1) * r;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Walk/drive/one-way flags of an OpenStreetMap way from its tags. */
export function osmFlags(tags: Record<string, unknown>): number {
  const hw = typeof tags.highway === 'string' ? tags.highway : '';
  const noWalk = new Set(['motorway', 'motorway_link', 'trunk', 'trunk_link']);
  const noDrive = new Set(['footway', 'pedestrian', 'path', 'steps', 'cycleway', 'bridleway', 'track', 'corridor', 'platform', 'elevator']);
  let f = 0;
  if (hw !== '' && !noWalk.has(hw) && tags.foot !== 'no') f |= WALK;
  if (hw !== '' && !noDrive.has(hw) && tags.motor_vehicle !== 'no' && tags.access !== 'no') f |= DRIVE;
  const ow = typeof tags.oneway === 'string' ? tags.oneway : typeof tags.oneway === 'number' ? String(tags.oneway) : '';
  if (ow === 'yes' || ow === 'true' || ow === '1' || tags.junction === 'roundabout' || (hw === 'motorway' && ow !== 'no')) f |= ONEWAY;
  else if (ow === '-1' || ow === 'reverse') f |= ONEWAY_REVERSE;
  return f;
}

/**
 * Builds the graph. Vertices closer than `snapM` become one node, so ways that share or nearly
 * share a vertex are connected (ways that cross without a shared vertex are not: bridges and
 * tunnels stay apart). Every segment is an edge; walking is both ways, driving follows one-way
 * flags. Segments of zero length after snapping are dropped.
 */
export function buildStreetGraph(lines: StreetLines, snapM = 1): StreetGraph {
  const nPts = lines.coords.length / 2;
  let lat0 = 0;
  for (let i = 0; i < nPts; i++) lat0 += lines.coords[2 * i + 1]!;
  lat0 = nPts > 0 ? lat0 / nPts : 0;
  const mLat = (Math.PI / 180) * EARTH_RADIUS_M;
  const mLon = mLat * Math.cos((lat0 * Math.PI) / 180);
  const cell = Math.max(snapM, 1e-6);
  const grid = new Map<number, number[]>();
  const cellKey = (gx: number, gy: number) => (gx + 2 ** 25) * 2 ** 26 + (gy + 2 ** 25);
  const lon: number[] = [], lat: number[] = [];
  const nodeOf = new Uint32Array(nPts);
  for (let i = 0; i < nPts; i++) {
    const x = lines.coords[2 * i]!, y = lines.coords[2 * i + 1]!;
    const gx = Math.floor((x * mLon) / cell), gy = Math.floor((y * mLat) / cell);
    let found = -1;
    let best = snapM;
    for (let dx = -1; dx <= 1 && snapM > 0; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const list = grid.get(cellKey(gx + dx, gy + dy));
        if (list === undefined) continue;
        for (const n of list) {
          const d = Math.hypot((lon[n]! - x) * mLon, (lat[n]! - y) * mLat);
          if (d <= best) {
            best = d;
            found = n;
          }
        }
      }
    }
    if (found < 0 && snapM <= 0) {
      const list = grid.get(cellKey(gx, gy));
      if (list !== undefined) for (const n of list) if (lon[n] === x && lat[n] === y) found = n;
    }
    if (found < 0) {
      found = lon.length;
      lon.push(x);
      lat.push(y);
      const key = cellKey(gx, gy);
      const list = grid.get(key);
      if (list === undefined) grid.set(key, [found]);
      else list.push(found);
    }
    nodeOf[i] = found;
  }
  // Undirected edges, deduplicated by (a, b) keeping the union of flags.
  const edgeIndex = new Map<number, number>();
  const ea: number[] = [], eb: number[] = [], ef: number[] = [], el: number[] = [];
  const nodeCount = lon.length;
  for (let l = 0; l + 1 < lines.starts.length; l++) {
    const f = lines.flags[l]!;
    if ((f & (WALK | DRIVE)) === 0) continue;
    for (let p = lines.starts[l]!; p + 1 < lines.starts[l + 1]!; p++) {
      let a = nodeOf[p]!, b = nodeOf[p + 1]!;
      if (a === b) continue;
      // Direction bits relative to a → b: 16 = drive forward allowed, 32 = drive backward allowed.
      let dir = 0;
      if ((f & DRIVE) !== 0) dir = (f & ONEWAY) !== 0 ? 16 : (f & ONEWAY_REVERSE) !== 0 ? 32 : 48;
      let flags = (f & WALK) | dir;
      if (a > b) {
        [a, b] = [b, a];
        flags = (flags & WALK) | ((dir & 16) << 1) | ((dir & 32) >> 1);
      }
      const key = a * nodeCount + b;
      const e = edgeIndex.get(key);
      if (e === undefined) {
        edgeIndex.set(key, ea.length);
        ea.push(a);
        eb.push(b);
        ef.push(flags);
        el.push(haversineM(lon[a]!, lat[a]!, lon[b]!, lat[b]!));
      } else ef[e] = ef[e]! | flags;
    }
  }
  const degree = new Uint32Array(nodeCount + 1);
  const arcs = (e: number, visit: (from: number, to: number, flags: number) => void) => {
    const f = ef[e]!, walk = f & WALK;
    const fwd = walk | ((f & 16) !== 0 ? DRIVE : 0), back = walk | ((f & 32) !== 0 ? DRIVE : 0);
    if (fwd !== 0) visit(ea[e]!, eb[e]!, fwd);
    if (back !== 0) visit(eb[e]!, ea[e]!, back);
  };
  for (let e = 0; e < ea.length; e++) arcs(e, (from) => degree[from + 1]!++);
  for (let n = 0; n < nodeCount; n++) degree[n + 1]! += degree[n]!;
  const offsets = degree;
  const fill = offsets.slice(0, nodeCount);
  const arcCount = offsets[nodeCount]!;
  const target = new Uint32Array(arcCount), lengthM = new Float64Array(arcCount), arcFlags = new Uint8Array(arcCount);
  for (let e = 0; e < ea.length; e++) {
    arcs(e, (from, to, flags) => {
      const k = fill[from]!++;
      target[k] = to;
      lengthM[k] = el[e]!;
      arcFlags[k] = flags;
    });
  }
  const edgeFlags = Uint8Array.from(ef, (f) => (f & WALK) | ((f & 48) !== 0 ? DRIVE : 0));
  return { nodeCount, lon: Float64Array.from(lon), lat: Float64Array.from(lat), offsets, target, lengthM, arcFlags, edgeA: Uint32Array.from(ea), edgeB: Uint32Array.from(eb), edgeFlags };
}

/**
 * The nodes of the largest connected component of the arcs usable in `mode` (arcs taken as
 * undirected): 1 for its nodes, 0 elsewhere. Points are joined to this component so that an
 * origin does not land on a fragment cut off from the network.
 */
export function largestComponent(g: StreetGraph, mode: number): Uint8Array {
  const parent = new Int32Array(g.nodeCount);
  for (let i = 0; i < g.nodeCount; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (let n = 0; n < g.nodeCount; n++) {
    for (let k = g.offsets[n]!; k < g.offsets[n + 1]!; k++) {
      if ((g.arcFlags[k]! & mode) === 0) continue;
      const a = find(n), b = find(g.target[k]!);
      if (a !== b) parent[a] = b;
    }
  }
  const size = new Uint32Array(g.nodeCount);
  let best = -1;
  for (let n = 0; n < g.nodeCount; n++) {
    const r = find(n);
    size[r]!++;
    if (best < 0 || size[r]! > size[best]!) best = r;
  }
  return Uint8Array.from({ length: g.nodeCount }, (_, n) => (best >= 0 && find(n) === best ? 1 : 0));
}

/** A grid index of a graph's nodes for nearest-node queries. */
export interface NodeIndex {
  nearest(lon: number, lat: number, mode: number, maxM: number): { node: number; distanceM: number } | null;
}

/** Builds a nearest-node index over the nodes that have an arc usable in `mode` (and are in `keep`, if given). */
export function indexNodes(g: StreetGraph, cellM = 100, keep?: Uint8Array): NodeIndex {
  let lat0 = 0;
  for (let i = 0; i < g.nodeCount; i++) lat0 += g.lat[i]!;
  lat0 = g.nodeCount > 0 ? lat0 / g.nodeCount : 0;
  const mLat = (Math.PI / 180) * EARTH_RADIUS_M, mLon = mLat * Math.cos((lat0 * Math.PI) / 180);
  const cells = new Map<number, number[]>();
  const cellKey = (gx: number, gy: number) => (gx + 2 ** 25) * 2 ** 26 + (gy + 2 ** 25);
  const modes = new Uint8Array(g.nodeCount);
  for (let n = 0; n < g.nodeCount; n++) {
    for (let k = g.offsets[n]!; k < g.offsets[n + 1]!; k++) modes[n] = modes[n]! | g.arcFlags[k]!;
    // Nodes only reached (one-way ends) still count for their incoming mode.
    for (let k = g.offsets[n]!; k < g.offsets[n + 1]!; k++) modes[g.target[k]!] = modes[g.target[k]!]! | g.arcFlags[k]!;
  }
  for (let n = 0; n < g.nodeCount; n++) {
    if (keep !== undefined && keep[n] === 0) continue;
    const key = cellKey(Math.floor((g.lon[n]! * mLon) / cellM), Math.floor((g.lat[n]! * mLat) / cellM));
    const list = cells.get(key);
    if (list === undefined) cells.set(key, [n]);
    else list.push(n);
  }
  return {
    nearest(lon, lat, mode, maxM) {
      const gx = Math.floor((lon * mLon) / cellM), gy = Math.floor((lat * mLat) / cellM);
      const r = Math.ceil(maxM / cellM);
      let best = -1, bestD = Infinity;
      for (let ring = 0; ring <= r; ring++) {
        for (let dx = -ring; dx <= ring; dx++) {
          for (let dy = -ring; dy <= ring; dy++) {
            if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
            const list = cells.get(cellKey(gx + dx, gy + dy));
            if (list === undefined) continue;
            for (const n of list) {
              if ((modes[n]! & mode) === 0) continue;
              const d = Math.hypot((g.lon[n]! - lon) * mLon, (g.lat[n]! - lat) * mLat);
              if (d < bestD) {
                bestD = d;
                best = n;
              }
            }
          }
        }
        // Anything in a further ring is at least ring·cellM away.
        if (best >= 0 && bestD <= ring * cellM) break;
      }
      return best >= 0 && bestD <= maxM ? { node: best, distanceM: bestD } : null;
    },
  };
}
