import { area as turfArea } from '@turf/area';
import { featureCollection, multiPolygon, polygon } from '@turf/helpers';
import { intersect } from '@turf/intersect';
import type { MultiPolygon, Polygon, Feature } from 'geojson';
import { enuFrame } from '../../core/geodesy.ts';
import { rasterizePolygons, type GridSpec, type PolygonM } from '../../core/grid.ts';

/**
 * Key figures of a wifi coverage study and the greedy hotspot planner, as pure functions over the
 * merged grid. Residents come from the INSEE 200 m squares: each square's population is first
 * weighted by the share of its area inside the study area (turf intersect and area, geodesic),
 * then spread evenly over its street-level cells in the study area; a cell is covered when its
 * best-server RSSI reaches the threshold. Districts and priority areas (QPV) own the cells whose
 * centre they contain.
 */

/** Polygons in lon/lat degrees: polygons → rings → [lon, lat]. */
export type LonLatPolygons = number[][][][];

export interface PopulationSquare {
  polygons: LonLatPolygons;
  residents: number;
}

export interface NamedArea {
  name: string;
  polygons: LonLatPolygons;
}

export interface CoverageTally {
  /** Street-level cells, and those covered. */
  cells: number;
  coveredCells: number;
  residents: number;
  coveredResidents: number;
}

export interface WifiKpis extends CoverageTally {
  cellAreaM2: number;
  /** Covered share of the street-level area, 0–1. */
  areaShare: number;
  /** Covered share of residents, 0–1 (NaN without population). */
  residentsShare: number;
  /** Residents of squares in the study that have no street-level cell there (counted, never covered). */
  unplacedResidents: number;
  hasPopulation: boolean;
  districts: (CoverageTally & { name: string })[];
  /** Inside and outside the priority areas; null when none was given. */
  priority: { inside: CoverageTally; outside: CoverageTally } | null;
}

export interface KpiInput {
  frame: { lonDeg: number; latDeg: number };
  grid: GridSpec;
  /** 1 for street-level cells in the study area. */
  surface: Uint8Array;
  covered: Uint8Array;
  studyArea: LonLatPolygons;
  population: PopulationSquare[];
  districts: NamedArea[];
  priorityAreas: LonLatPolygons[];
}

const toTurf = (p: LonLatPolygons): Feature<Polygon | MultiPolygon> => (p.length === 1 ? polygon(p[0]!) : multiPolygon(p));

function closeRing(r: number[][]): number[][] {
  const a = r[0]!, b = r.at(-1)!;
  return a[0] === b[0] && a[1] === b[1] ? r : [...r, a];
}

function bboxOf(p: LonLatPolygons): [number, number, number, number] {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (const poly of p) for (const r of poly) for (const q of r) {
    w = Math.min(w, q[0]!);
    e = Math.max(e, q[0]!);
    s = Math.min(s, q[1]!);
    n = Math.max(n, q[1]!);
  }
  return [w, s, e, n];
}

/** Polygons moved into the model frame (flat rings in metres). */
export function toFrame(p: LonLatPolygons, frame: { lonDeg: number; latDeg: number }): PolygonM[] {
  const f = enuFrame({ lonDeg: frame.lonDeg, latDeg: frame.latDeg, heightM: 0 });
  return p.map((poly) =>
    poly.map((r) => {
      const out: number[] = [];
      for (const q of r) {
        const [e, n] = f.fromGeodetic(q[0]!, q[1]!, 0);
        out.push(e!, n!);
      }
      return out;
    }),
  );
}

/** Residents of each grid cell (street-level cells only), and those that found no cell. */
export function residentsPerCell(input: Pick<KpiInput, 'frame' | 'grid' | 'surface' | 'studyArea' | 'population'>): { perCell: Float64Array; placed: number; unplaced: number } {
  const n = input.grid.cols * input.grid.rows;
  const perCell = new Float64Array(n);
  let placed = 0, unplaced = 0;
  const study = toTurf(input.studyArea.map((poly) => poly.map(closeRing)));
  const [sw, ss, se, sn] = bboxOf(input.studyArea);
  for (const sq of input.population) {
    if (!(sq.residents > 0)) continue;
    const [w, s, e, nn] = bboxOf(sq.polygons);
    if (e < sw || w > se || nn < ss || s > sn) continue;
    const shape = toTurf(sq.polygons.map((poly) => poly.map(closeRing)));
    const whole = turfArea(shape);
    if (!(whole > 0)) continue;
    const common = intersect(featureCollection([shape, study]));
    if (common === null) continue;
    const share = Math.min(1, turfArea(common) / whole);
    const residents = sq.residents * share;
    const mask = rasterizePolygons(toFrame(sq.polygons, input.frame), input.grid);
    let cells = 0;
    for (let i = 0; i < n; i++) if (mask[i] === 1 && input.surface[i] === 1) cells++;
    if (cells === 0) {
      unplaced += residents;
      continue;
    }
    const each = residents / cells;
    for (let i = 0; i < n; i++) if (mask[i] === 1 && input.surface[i] === 1) perCell[i]! += each;
    placed += residents;
  }
  return { perCell, placed, unplaced };
}

const tally = (): CoverageTally => ({ cells: 0, coveredCells: 0, residents: 0, coveredResidents: 0 });

function add(t: CoverageTally, covered: boolean, residents: number): void {
  t.cells++;
  t.residents += residents;
  if (covered) {
    t.coveredCells++;
    t.coveredResidents += residents;
  }
}

/** Every key figure of a study. */
export function wifiKpis(input: KpiInput, given?: { perCell: Float64Array; unplaced: number }): WifiKpis {
  const n = input.grid.cols * input.grid.rows;
  const people = given ?? residentsPerCell(input);
  const districtOf = new Int32Array(n).fill(-1);
  input.districts.forEach((d, k) => {
    const mask = rasterizePolygons(toFrame(d.polygons, input.frame), input.grid);
    for (let i = 0; i < n; i++) if (mask[i] === 1 && districtOf[i] === -1) districtOf[i] = k;
  });
  let priority: Uint8Array | null = null;
  if (input.priorityAreas.length > 0) {
    priority = new Uint8Array(n);
    for (const p of input.priorityAreas) {
      const mask = rasterizePolygons(toFrame(p, input.frame), input.grid);
      for (let i = 0; i < n; i++) priority[i]! |= mask[i]!;
    }
  }
  const total = tally();
  const districts = input.districts.map((d) => ({ name: d.name, ...tally() }));
  const inside = tally(), outside = tally();
  for (let i = 0; i < n; i++) {
    if (input.surface[i] !== 1) continue;
    const cov = input.covered[i] === 1;
    const r = people.perCell[i]!;
    add(total, cov, r);
    const k = districtOf[i]!;
    if (k >= 0) add(districts[k]!, cov, r);
    if (priority !== null) add(priority[i] === 1 ? inside : outside, cov, r);
  }
  const hasPopulation = input.population.length > 0;
  const residents = total.residents + people.unplaced;
  return {
    ...total,
    residents,
    cellAreaM2: input.grid.cellM * input.grid.cellM,
    areaShare: total.cells > 0 ? total.coveredCells / total.cells : 0,
    residentsShare: hasPopulation && residents > 0 ? total.coveredResidents / residents : NaN,
    unplacedResidents: people.unplaced,
    hasPopulation,
    districts: districts.filter((d) => d.cells > 0),
    priority: priority === null ? null : { inside, outside },
  };
}

export interface HotspotPick {
  /** Index in the candidate list. */
  candidate: number;
  residentsGain: number;
  areaGainM2: number;
  /** Residents and street-level area covered once this hotspot is added. */
  residentsAfter: number;
  areaAfterM2: number;
}

/**
 * Greedy placement of up to `k` hotspots among the candidates: each step takes the candidate
 * adding the most residents to those covered (then the most area, then the lowest index), and
 * stops early when no candidate adds anything. Greedy is within 1 − 1/e of the best choice for
 * this maximum-coverage objective (Nemhauser, Wolsey & Fisher 1978).
 */
export function planHotspots(candidateCells: Uint32Array, offsets: Uint32Array, covered: Uint8Array, perCell: Float64Array, cellAreaM2: number, k: number): HotspotPick[] {
  const cov = covered.slice();
  const nc = offsets.length - 1;
  const chosen = new Uint8Array(nc);
  let residents = 0, cells = 0;
  for (let i = 0; i < cov.length; i++) if (cov[i] === 1) {
    residents += perCell[i]!;
    cells++;
  }
  const picks: HotspotPick[] = [];
  for (let step = 0; step < k; step++) {
    let best = -1, bestR = 0, bestA = 0;
    for (let c = 0; c < nc; c++) {
      if (chosen[c] === 1) continue;
      let r = 0, a = 0;
      for (let j = offsets[c]!; j < offsets[c + 1]!; j++) {
        const i = candidateCells[j]!;
        if (cov[i] === 1) continue;
        r += perCell[i]!;
        a++;
      }
      if (r > bestR + 1e-9 || (Math.abs(r - bestR) <= 1e-9 && a > bestA)) {
        best = c;
        bestR = r;
        bestA = a;
      }
    }
    if (best < 0 || (bestR <= 1e-9 && bestA === 0)) break;
    chosen[best] = 1;
    for (let j = offsets[best]!; j < offsets[best + 1]!; j++) cov[candidateCells[j]!] = 1;
    residents += bestR;
    cells += bestA;
    picks.push({ candidate: best, residentsGain: bestR, areaGainM2: bestA * cellAreaM2, residentsAfter: residents, areaAfterM2: cells * cellAreaM2 });
  }
  return picks;
}
