import { decodeUtf8, readGeoJsonFeatures } from '../../layers/parse/geojson.ts';
import type { LayerFeature, Position } from '../../layers/types.ts';
import { readCsvObjects } from '../../core/csv.ts';
import { KernelError } from '../../core/simulation/kernel.ts';
import type { Observation, Park } from './parking-kernel.ts';
import { osmFlags, type StreetLines } from './street-graph.ts';
import type { PointSet, PopulationCells } from './walk-kernel.ts';

/**
 * From open-data files (bytes) to the typed arrays the mobility kernels take: street lines with
 * walk/drive/one-way flags, amenity points, population cells with their district and priority
 * area, car parks and their recorded occupancy. Pure; every refusal names the file.
 */

function features(bytes: Uint8Array, where: string): LayerFeature[] {
  try {
    return readGeoJsonFeatures(bytes, where).features;
  } catch (e) {
    throw new KernelError('bad-file', e instanceof Error ? e.message : String(e), where);
  }
}

/** OSM-tagged lines → street lines (features without a usable highway tag are skipped). */
export function streetLinesFromGeoJson(bytes: Uint8Array, where: string): { lines: StreetLines; skipped: number } {
  const coords: number[] = [], starts = [0], flags: number[] = [];
  let skipped = 0;
  for (const f of features(bytes, where)) {
    if (f.geometry.type !== 'line') continue;
    const fl = osmFlags(f.properties);
    if (fl === 0) {
      skipped++;
      continue;
    }
    for (const l of f.geometry.lines) {
      for (const p of l) coords.push(p[0], p[1]);
      starts.push(coords.length / 2);
      flags.push(fl);
    }
  }
  if (flags.length === 0) throw new KernelError('empty-graph', `${where}: no street line with a highway tag`, where);
  return { lines: { coords: Float64Array.from(coords), starts: Uint32Array.from(starts), flags: Uint8Array.from(flags) }, skipped };
}

function centroid(rings: Position[][]): Position {
  const r = rings[0]!;
  let x = 0, y = 0;
  for (const p of r) {
    x += p[0];
    y += p[1];
  }
  return [x / r.length, y / r.length];
}

/** Points of a file (polygons count by the centroid of their outer ring, lines by their middle vertex). */
export function pointsFromGeoJson(bytes: Uint8Array, where: string): PointSet & { names: string[] } {
  const lon: number[] = [], lat: number[] = [], names: string[] = [];
  for (const f of features(bytes, where)) {
    const g = f.geometry;
    const p = g.type === 'point' ? g.coordinates : g.type === 'polygon' ? centroid(g.polygons[0]!) : g.lines[0]![Math.floor(g.lines[0]!.length / 2)]!;
    lon.push(p[0]);
    lat.push(p[1]);
    names.push(f.name ?? f.id);
  }
  return { lon: Float64Array.from(lon), lat: Float64Array.from(lat), names };
}

/** Even-odd test of a point in polygons (holes included). */
export function inPolygons(x: number, y: number, polygons: Position[][][]): boolean {
  for (const poly of polygons) {
    let inside = false;
    for (const ring of poly) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i]!, [xj, yj] = ring[j]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    if (inside) return true;
  }
  return false;
}

const NAME_FIELDS = ['nomsquart', 'nom', 'name', 'l_ar', 'nom_qp', 'libelle'];
const RESIDENT_FIELDS = ['ind_c', 'ind', 'population', 'pop', 'residents'];

/**
 * Population cells (their centroids) joined to districts and priority areas. Cells outside
 * every district get district −1 (not counted in the indicators).
 */
export function populationCells(pop: Uint8Array, popWhere: string, districts: Uint8Array | null, districtsWhere: string, qpv: Uint8Array | null, qpvWhere: string): PopulationCells & { skipped: number } {
  const dFeatures = districts === null ? [] : features(districts, districtsWhere).filter((f) => f.geometry.type === 'polygon');
  const dNames = dFeatures.map((f) => {
    for (const k of NAME_FIELDS) if (typeof f.properties[k] === 'string') return f.properties[k];
    return f.name ?? f.id;
  });
  const qFeatures = qpv === null ? [] : features(qpv, qpvWhere).filter((f) => f.geometry.type === 'polygon');
  const lon: number[] = [], lat: number[] = [], res: number[] = [], dist: number[] = [], q: number[] = [];
  let skipped = 0;
  for (const f of features(pop, popWhere)) {
    const field = RESIDENT_FIELDS.find((k) => typeof f.properties[k] === 'number' || (typeof f.properties[k] === 'string' && Number.isFinite(Number(f.properties[k]))));
    const r = field === undefined ? NaN : Number(f.properties[field]);
    if (!(r >= 0) || f.geometry.type === 'line') {
      skipped++;
      continue;
    }
    const c = f.geometry.type === 'point' ? f.geometry.coordinates : centroid(f.geometry.polygons[0]!);
    let d = districts === null ? 0 : -1;
    for (let i = 0; i < dFeatures.length && d < 0; i++) {
      const g = dFeatures[i]!.geometry;
      if (g.type === 'polygon' && inPolygons(c[0], c[1], g.polygons)) d = i;
    }
    let inQ = 0;
    for (const qf of qFeatures) if (qf.geometry.type === 'polygon' && inPolygons(c[0], c[1], qf.geometry.polygons)) inQ = 1;
    lon.push(c[0]);
    lat.push(c[1]);
    res.push(r);
    dist.push(d);
    q.push(inQ);
  }
  if (res.length === 0) throw new KernelError('bad-file', `${popWhere}: no cell with a resident count (${RESIDENT_FIELDS.join(', ')})`, popWhere);
  return {
    lon: Float64Array.from(lon),
    lat: Float64Array.from(lat),
    residents: Float64Array.from(res),
    district: Int32Array.from(dist),
    qpv: Uint8Array.from(q),
    districtNames: districts === null ? ['all'] : dNames,
    skipped,
  };
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
}

/** Car parks: id, name, capacity (`max`, `capacity`, `nb_max_places`), price for one hour. */
export function carParks(bytes: Uint8Array, where: string, o: { defaultPriceEurH?: number; accessM?: number } = {}): (Park & { name: string })[] {
  const out: (Park & { name: string })[] = [];
  for (const f of features(bytes, where)) {
    if (f.geometry.type !== 'point') continue;
    const cap = [f.properties.max, f.properties.capacity, f.properties.nb_max_places, f.properties.capacite].map(num).find((v) => Number.isFinite(v));
    if (cap === undefined || !(cap >= 0)) continue;
    const price = num(f.properties.tarif_1h_eur);
    const id = String(f.properties.id ?? f.id);
    const name = typeof f.properties.key === 'string' ? f.properties.key : typeof f.properties.nom === 'string' ? f.properties.nom : (f.name ?? id);
    out.push({
      id,
      name,
      lon: f.geometry.coordinates[0],
      lat: f.geometry.coordinates[1],
      capacity: Math.round(cap),
      priceEurH: Number.isFinite(price) ? price : (o.defaultPriceEurH ?? 0),
      subscribers: 0,
      weight: 1,
      closed: false,
      ...(o.accessM !== undefined ? { accessM: o.accessM } : {}),
    });
  }
  if (out.length === 0) throw new KernelError('bad-file', `${where}: no car park with a capacity`, where);
  return out;
}

/**
 * Recorded occupancy (`collected_at,id,free,max` rows, Citédia's export) → observations at local
 * minutes of the day in `timeZone` offset hours. Rows of unknown car parks are skipped.
 */
export function occupancyObservations(bytes: Uint8Array, where: string, parks: readonly Park[], utcOffsetMin: (ms: number) => number): { obs: Observation[]; skipped: number; date: string | null } {
  const text = decodeUtf8(bytes);
  const errors: string[] = [];
  const { rows } = readCsvObjects(text, (line, reason) => errors.push(`line ${line}: ${reason}`));
  const obs: Observation[] = [];
  let skipped = 0, date: string | null = null;
  for (const r of rows) {
    const v = r.values;
    const park = parks.findIndex((p) => p.id === v.id);
    const free = num(v.free), max = num(v.max);
    const ms = Date.parse(v.collected_at ?? '');
    if (park < 0 || !(max > 0) || !(free >= 0) || !Number.isFinite(ms)) {
      skipped++;
      continue;
    }
    const local = ms + utcOffsetMin(ms) * 60_000;
    const d = new Date(local);
    date ??= d.toISOString().slice(0, 10);
    obs.push({ park, minute: d.getUTCHours() * 60 + d.getUTCMinutes(), occupancy: Math.max(0, Math.min(1, (max - free) / max)) });
  }
  if (obs.length === 0) throw new KernelError('bad-file', `${where}: no usable occupancy row (need collected_at, id, free, max)${errors.length > 0 ? `; ${errors[0]}` : ''}`, where);
  return { obs, skipped, date };
}
