import { enuFrame } from '../../core/geodesy.ts';
import { multiSourceDijkstra } from './dijkstra.ts';
import type { KernelRun } from '../../core/simulation/kernel.ts';
import { KernelError } from '../../core/simulation/kernel.ts';
import { indexNodes, largestComponent, WALK, type NodeIndex, type StreetGraph } from './street-graph.ts';

/**
 * Walking isochrones and 15-minute accessibility. From origins (a clicked point or every amenity
 * of a type) a multi-source Dijkstra over the walkable arcs gives each node its walking time;
 * streets are coloured by band and an area raster spreads node times a short way off the street.
 * For every amenity type, residents of the population grid (cell centroid snapped to the nearest
 * walkable node) are counted within the KPI threshold, per district and QPV vs elsewhere; a
 * scenario adds planned stops to a type and reports the change.
 */

export interface PointSet {
  lon: Float64Array;
  lat: Float64Array;
}

export interface PopulationCells extends PointSet {
  residents: Float64Array;
  /** District index of each cell (−1: outside every district; such cells are not counted). */
  district: Int32Array;
  /** 1 when the cell centroid is in a priority area (QPV). */
  qpv: Uint8Array;
  districtNames: string[];
}

export interface WalkPlan {
  graph: StreetGraph;
  speedMps: number;
  /** Band limits, seconds, increasing (default 300, 600, 900). */
  bandsS: number[];
  origins: PointSet;
  /** Farthest a point may be from the graph to join it, metres. */
  maxSnapM: number;
  /** Area raster cell, metres. */
  cellM: number;
  /** How far off the street the area spreads, metres. */
  spreadM: number;
  kpiS: number;
  population: PopulationCells | null;
  amenities: { id: string; points: PointSet }[];
  scenario: { id: string; baseType: string; added: PointSet } | null;
}

export interface AccessKpi {
  type: string;
  /** Points of the type that reached the graph. */
  points: number;
  residents: number;
  within: number;
  share: number;
  qpvShare: number;
  elsewhereShare: number;
  districts: { name: string; residents: number; share: number }[];
}

export interface WalkOutput {
  /** Nodes and edges; `mainNodes`: nodes of the largest walkable component (points join it). */
  graph: { nodes: number; edges: number; mainNodes: number };
  origins: { snapped: number; unsnapped: number };
  /** Walking time of each node from the nearest origin, s (NaN beyond the last band). */
  nodeTimeS: Float32Array;
  /** Reached edges to draw: lon/lat of both ends, band index. */
  edgeCoords: Float64Array;
  edgeBand: Uint8Array;
  area: { frame: { lonDeg: number; latDeg: number; heightM: number }; grid: { x0: number; y0: number; cellM: number; cols: number; rows: number }; band: Uint8Array };
  bandsS: number[];
  /** Street length reached within each band, metres. */
  bandLengthM: number[];
  settled: number;
  kpis: AccessKpi[];
  scenario: { id: string; baseType: string; before: AccessKpi; after: AccessKpi } | null;
}

/** Largest area raster. */
export const MAX_AREA_CELLS = 4_000_000;

function snapAll(plan: WalkPlan, index: NodeIndex, pts: PointSet): { nodes: Uint32Array; startM: Float64Array; unsnapped: number } {
  const nodes: number[] = [], startM: number[] = [];
  let unsnapped = 0;
  for (let i = 0; i < pts.lon.length; i++) {
    const hit = index.nearest(pts.lon[i]!, pts.lat[i]!, WALK, plan.maxSnapM);
    if (hit === null) unsnapped++;
    else {
      nodes.push(hit.node);
      startM.push(hit.distanceM);
    }
  }
  return { nodes: Uint32Array.from(nodes), startM: Float64Array.from(startM), unsnapped };
}

function kpiFor(type: string, points: number, distM: Float64Array, pop: PopulationCells, cellNode: Int32Array, cellSnapM: Float64Array, speed: number, kpiS: number): AccessKpi {
  const nd = pop.districtNames.length;
  const dRes = new Float64Array(nd), dIn = new Float64Array(nd);
  let res = 0, inn = 0, qRes = 0, qIn = 0;
  for (let c = 0; c < pop.residents.length; c++) {
    const d = pop.district[c]!;
    if (d < 0) continue;
    const r = pop.residents[c]!;
    const n = cellNode[c]!;
    const tS = n < 0 ? Infinity : (distM[n]! + cellSnapM[c]!) / speed;
    const ok = tS <= kpiS;
    res += r;
    dRes[d]! += r;
    if (pop.qpv[c] === 1) qRes += r;
    if (ok) {
      inn += r;
      dIn[d]! += r;
      if (pop.qpv[c] === 1) qIn += r;
    }
  }
  const share = (a: number, b: number) => (b > 0 ? a / b : 0);
  return {
    type,
    points,
    residents: res,
    within: inn,
    share: share(inn, res),
    qpvShare: share(qIn, qRes),
    elsewhereShare: share(inn - qIn, res - qRes),
    districts: pop.districtNames.map((name, i) => ({ name, residents: dRes[i]!, share: share(dIn[i]!, dRes[i]!) })),
  };
}

// The walking component and node index of a graph, computed once per graph object.
const indexes = new WeakMap<StreetGraph, { index: NodeIndex; mainNodes: number }>();
function walkIndex(g: StreetGraph): { index: NodeIndex; mainNodes: number } {
  let hit = indexes.get(g);
  if (hit === undefined) {
    const main = largestComponent(g, WALK);
    let mainNodes = 0;
    for (let i = 0; i < main.length; i++) mainNodes += main[i]!;
    hit = { index: indexNodes(g, 100, main), mainNodes };
    indexes.set(g, hit);
  }
  return hit;
}

/** The kernel. */
export function* walkIsochronesKernel(plan: WalkPlan): KernelRun<WalkOutput> {
  const g = plan.graph;
  if (g.nodeCount === 0) throw new KernelError('empty-graph', 'the street graph has no walkable street', 'streets');
  const bands = plan.bandsS;
  const maxS = bands[bands.length - 1]!;
  const { index, mainNodes } = walkIndex(g);
  yield { stage: 'isochrone', done: 0, total: 1 };
  const o = snapAll(plan, index, plan.origins);
  if (o.nodes.length === 0) throw new KernelError('no-origin', `no origin within ${plan.maxSnapM} m of a walkable street`, 'origins');
  const maxM = maxS * plan.speedMps;
  const dj = multiSourceDijkstra(g, o.nodes, o.startM, WALK, maxM + plan.spreadM);
  const nodeTimeS = new Float32Array(g.nodeCount).fill(NaN);
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  for (let n = 0; n < g.nodeCount; n++) {
    const t = dj.distM[n]! / plan.speedMps;
    if (t <= maxS) {
      nodeTimeS[n] = t;
      minLon = Math.min(minLon, g.lon[n]!);
      maxLon = Math.max(maxLon, g.lon[n]!);
      minLat = Math.min(minLat, g.lat[n]!);
      maxLat = Math.max(maxLat, g.lat[n]!);
    }
  }
  const bandOf = (t: number) => {
    for (let b = 0; b < bands.length; b++) if (t <= bands[b]!) return b;
    return 255;
  };
  // Edges: a reached edge takes the band of its farther end (partly reached edges are drawn whole
  // when one end is within the last band).
  const coords: number[] = [], eband: number[] = [];
  const bandLengthM = bands.map(() => 0);
  for (let e = 0; e < g.edgeA.length; e++) {
    if ((g.edgeFlags[e]! & WALK) === 0) continue;
    const a = g.edgeA[e]!, b = g.edgeB[e]!;
    const ta = nodeTimeS[a]!, tb = nodeTimeS[b]!;
    if (Number.isNaN(ta) && Number.isNaN(tb)) continue;
    const t = Number.isNaN(ta) ? tb : Number.isNaN(tb) ? ta : Math.max(ta, tb);
    const band = bandOf(t);
    if (band === 255) continue;
    coords.push(g.lon[a]!, g.lat[a]!, g.lon[b]!, g.lat[b]!);
    eband.push(band);
    let len = 0;
    for (let k = g.offsets[a]!; k < g.offsets[a + 1]!; k++) if (g.target[k] === b) len = g.lengthM[k]!;
    bandLengthM[band]! += len;
  }
  yield { stage: 'area', done: 0, total: 1 };
  // Area raster in an east-north-up frame at the centre of what was reached.
  const frameOrigin = { lonDeg: Number.isFinite(minLon) ? (minLon + maxLon) / 2 : g.lon[0]!, latDeg: Number.isFinite(minLat) ? (minLat + maxLat) / 2 : g.lat[0]!, heightM: 0 };
  const frame = enuFrame(frameOrigin);
  const [x0r, y0r] = Number.isFinite(minLon) ? frame.fromGeodetic(minLon, minLat, 0) : [0, 0];
  const [x1r, y1r] = Number.isFinite(minLon) ? frame.fromGeodetic(maxLon, maxLat, 0) : [0, 0];
  const cell = plan.cellM, spread = plan.spreadM;
  const x0 = Math.floor((x0r - spread) / cell) * cell, y0 = Math.floor((y0r - spread) / cell) * cell;
  let cols = Math.ceil((x1r + spread - x0) / cell), rows = Math.ceil((y1r + spread - y0) / cell);
  if (cols * rows > MAX_AREA_CELLS) throw new KernelError('too-large', `the area raster would have ${cols * rows} cells; use larger cells`, 'cellM');
  if (!Number.isFinite(minLon)) cols = rows = 0;
  const best = new Float32Array(cols * rows).fill(Infinity);
  const r = Math.ceil(spread / cell);
  let done = 0;
  for (let n = 0; n < g.nodeCount; n++) {
    const t = nodeTimeS[n]!;
    if (Number.isNaN(t)) continue;
    const [x, y] = frame.fromGeodetic(g.lon[n]!, g.lat[n]!, 0);
    const cx = Math.floor((x - x0) / cell), cy = Math.floor((y - y0) / cell);
    for (let dy = -r; dy <= r; dy++) {
      const j = cy + dy;
      if (j < 0 || j >= rows) continue;
      for (let dx = -r; dx <= r; dx++) {
        const i = cx + dx;
        if (i < 0 || i >= cols) continue;
        const d = Math.hypot(x0 + (i + 0.5) * cell - x, y0 + (j + 0.5) * cell - y);
        if (d > spread) continue;
        const tt = t + d / plan.speedMps;
        const k = j * cols + i;
        if (tt < best[k]!) best[k] = tt;
      }
    }
    if (++done % 4096 === 0) yield { stage: 'area', done: n, total: g.nodeCount };
  }
  const band = Uint8Array.from(best, (t) => bandOf(t));
  // Accessibility for every amenity type (and the scenario).
  const kpis: AccessKpi[] = [];
  let scenario: WalkOutput['scenario'] = null;
  const pop = plan.population;
  if (pop !== null) {
    const cellNode = new Int32Array(pop.lon.length).fill(-1);
    const cellSnapM = new Float64Array(pop.lon.length);
    for (let c = 0; c < pop.lon.length; c++) {
      if (pop.district[c]! < 0) continue;
      const hit = index.nearest(pop.lon[c]!, pop.lat[c]!, WALK, plan.maxSnapM);
      if (hit !== null) {
        cellNode[c] = hit.node;
        cellSnapM[c] = hit.distanceM;
      }
    }
    const kpiM = plan.kpiS * plan.speedMps;
    const total = plan.amenities.length + (plan.scenario !== null ? 1 : 0);
    for (let a = 0; a < plan.amenities.length; a++) {
      yield { stage: 'accessibility', done: a, total };
      const am = plan.amenities[a]!;
      const s = snapAll(plan, index, am.points);
      const d = multiSourceDijkstra(g, s.nodes, s.startM, WALK, kpiM);
      kpis.push(kpiFor(am.id, s.nodes.length, d.distM, pop, cellNode, cellSnapM, plan.speedMps, plan.kpiS));
    }
    if (plan.scenario !== null) {
      yield { stage: 'accessibility', done: total - 1, total };
      const sc = plan.scenario;
      const base = plan.amenities.find((x) => x.id === sc.baseType);
      const baseLon = base?.points.lon ?? new Float64Array(0), baseLat = base?.points.lat ?? new Float64Array(0);
      const merged: PointSet = { lon: Float64Array.from([...baseLon, ...sc.added.lon]), lat: Float64Array.from([...baseLat, ...sc.added.lat]) };
      const s = snapAll(plan, index, merged);
      const d = multiSourceDijkstra(g, s.nodes, s.startM, WALK, kpiM);
      const after = kpiFor(sc.id, s.nodes.length, d.distM, pop, cellNode, cellSnapM, plan.speedMps, plan.kpiS);
      const before = kpis.find((k) => k.type === sc.baseType) ?? kpiFor(sc.baseType, 0, new Float64Array(g.nodeCount).fill(Infinity), pop, cellNode, cellSnapM, plan.speedMps, plan.kpiS);
      scenario = { id: sc.id, baseType: sc.baseType, before, after };
    }
  }
  return {
    graph: { nodes: g.nodeCount, edges: g.edgeA.length, mainNodes },
    origins: { snapped: o.nodes.length, unsnapped: o.unsnapped },
    nodeTimeS,
    edgeCoords: Float64Array.from(coords),
    edgeBand: Uint8Array.from(eband),
    area: { frame: frameOrigin, grid: { x0, y0, cellM: cell, cols, rows }, band },
    bandsS: [...bands],
    bandLengthM,
    settled: dj.settled,
    kpis,
    scenario,
  };
}
