import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRng, type Rng } from '../../core/random.ts';

/**
 * A synthetic city of any size for scale tests and benchmarks (`npm run city -- synth`): a grid
 * of parcels around central Rennes, one building each, written as a GeoJSON FeatureCollection in
 * Lambert-93 (EPSG:2154) with the attributes of IGN BD TOPO V3 (`cleabs`, `hauteur`,
 * `nombre_d_etages`, `usage_1`, `date_d_apparition`, `altitude_minimale_sol`), so that the whole
 * pipeline runs on it: streamed read, reprojection, cleaning, heights, tiling.
 *
 * Footprints mix rectangles, L shapes, courtyards (holes) and "digitised" outlines with extra
 * nearly collinear vertices, about 8 vertices per building on average like cadastral data. Some
 * buildings have no height (storeys only, or nothing: the default). Deterministic: same seed,
 * same bytes. Everything it writes is synthetic.
 */

export interface SynthOptions {
  buildings: number;
  seed?: number;
  /** Centre, Lambert-93 metres (default: Place de la République, Rennes). */
  centerX?: number;
  centerY?: number;
  /** Parcel size, metres. */
  cellM?: number;
}

/** Default seed of the synthetic city. */
export const SYNTH_SEED = 20260621;
const USES = ['Résidentiel', 'Commercial et services', 'Industriel', 'Annexe', 'Sportif', 'Religieux', 'Agricole'];
const USE_WEIGHTS = [60, 15, 8, 12, 2, 1, 2];

type Ring = [number, number][];

function rotate(ring: Ring, cx: number, cy: number, a: number): Ring {
  const c = Math.cos(a), s = Math.sin(a);
  return ring.map(([x, y]) => [cx + (x - cx) * c - (y - cy) * s, cy + (x - cx) * s + (y - cy) * c]);
}

function rect(x0: number, y0: number, x1: number, y1: number): Ring {
  return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]];
}

/** Adds nearly collinear vertices along the edges (as digitised outlines have). */
function digitise(ring: Ring, rng: Rng): Ring {
  const out: Ring = [];
  for (let i = 0; i < ring.length; i++) {
    const [ax, ay] = ring[i]!, [bx, by] = ring[(i + 1) % ring.length]!;
    out.push([ax, ay]);
    const extra = rng.int(0, 3);
    for (let k = 1; k <= extra; k++) {
      const t = k / (extra + 1);
      const len = Math.hypot(bx - ax, by - ay);
      const off = rng.range(-0.05, 0.05);
      out.push([ax + (bx - ax) * t + (-(by - ay) / len) * off, ay + (by - ay) * t + ((bx - ax) / len) * off]);
    }
  }
  return out;
}

function closeAndRound(ring: Ring, reverse: boolean): number[][] {
  const r = (reverse ? ring.slice().reverse() : ring).map(([x, y]) => [Math.round(x * 100) / 100, Math.round(y * 100) / 100]);
  r.push([...r[0]!]);
  return r;
}

/** The i-th feature of the synthetic city. */
function feature(i: number, rng: Rng, grid: number, o: Required<SynthOptions>) {
  const gx = i % grid, gy = Math.floor(i / grid);
  const x0 = o.centerX + (gx - grid / 2) * o.cellM, y0 = o.centerY + (gy - grid / 2) * o.cellM;
  const m = o.cellM;
  const w = rng.range(0.3, 0.8) * m, d = rng.range(0.3, 0.8) * m;
  const ox = x0 + rng.range(0.05, 0.95 - w / m) * m, oy = y0 + rng.range(0.05, 0.95 - d / m) * m;
  const kind = rng.weighted(['rect', 'L', 'court', 'digitised'], [45, 20, 8, 27]);
  let outer: Ring;
  const holes: Ring[] = [];
  if (kind === 'L') {
    const cx = w * rng.range(0.4, 0.7), cy = d * rng.range(0.4, 0.7);
    outer = [[ox, oy], [ox + w, oy], [ox + w, oy + cy], [ox + cx, oy + cy], [ox + cx, oy + d], [ox, oy + d]];
  } else if (kind === 'court' && w > 8 && d > 8) {
    outer = rect(ox, oy, ox + w, oy + d);
    holes.push(rect(ox + w * 0.35, oy + d * 0.35, ox + w * 0.65, oy + d * 0.65));
  } else {
    outer = rect(ox, oy, ox + w, oy + d);
    if (kind === 'digitised') outer = digitise(outer, rng);
  }
  const a = rng.range(-0.2, 0.2);
  const cx = ox + w / 2, cy = oy + d / 2;
  outer = rotate(outer, cx, cy, a);
  const rings = [closeAndRound(outer, true), ...holes.map((h) => closeAndRound(rotate(h, cx, cy, a), false))];
  const floors = rng.weighted([1, 2, 3, 4, 5, 6, 8, 12], [20, 25, 20, 12, 10, 7, 4, 2]);
  const heightKnown = rng.chance(0.95);
  const floorsKnown = rng.chance(0.6);
  const year = rng.chance(0.7) ? rng.int(1800, 2024) : null;
  return {
    type: 'Feature',
    properties: {
      cleabs: `BATIMENT${String(i + 1).padStart(16, '0')}`,
      nature: 'Indifférenciée',
      usage_1: rng.weighted(USES, USE_WEIGHTS),
      hauteur: heightKnown ? Math.round((floors * 3 + rng.range(0.2, 2.5)) * 10) / 10 : null,
      nombre_d_etages: floorsKnown || (!heightKnown && rng.chance(0.8)) ? floors : null,
      date_d_apparition: year === null ? null : `${year}-01-01`,
      altitude_minimale_sol: Math.round(rng.range(30, 70) * 10) / 10,
    },
    geometry: { type: 'Polygon', coordinates: rings },
  };
}

/** Writes a synthetic city of `buildings` features to a GeoJSON file (streamed). */
export async function writeSynthGeoJson(path: string, options: SynthOptions, onProgress?: (done: number) => void): Promise<void> {
  const o: Required<SynthOptions> = { seed: SYNTH_SEED, centerX: 351870, centerY: 6789330, cellM: 22, ...options };
  if (!Number.isInteger(o.buildings) || o.buildings < 1) throw new Error(`--buildings must be a positive integer, not ${o.buildings}`);
  const rng = createRng(o.seed);
  const grid = Math.ceil(Math.sqrt(o.buildings));
  const out = createWriteStream(path);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write(
    `{"type":"FeatureCollection","name":"Synthetic city (${o.buildings} buildings, seed ${o.seed})",` +
      `"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[\n`,
  );
  let chunk = '';
  for (let i = 0; i < o.buildings; i++) {
    chunk += (i > 0 ? ',\n' : '') + JSON.stringify(feature(i, rng, grid, o));
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
      onProgress?.(i + 1);
    }
  }
  await write(`${chunk}\n]}\n`);
  out.end();
  await once(out, 'close');
  onProgress?.(o.buildings);
}
