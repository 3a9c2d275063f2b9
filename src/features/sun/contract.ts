import { z } from 'zod';
import { enuFrame, metresPerDegree } from '../../core/geodesy.ts';
import { zoneOffsetMinutes } from '../../core/time.ts';
import type { PolygonM } from '../../core/grid.ts';
import { mergeSunHours, type LocalDay, type SunHoursPart, type SunHoursPlan, type SunHoursResult } from './kernel.ts';
import { area, areaBbox, areaKm2, areaPolygons, isoDate, isTimeZone } from '../../core/simulation/schemas.ts';
import { simScenarioSchema } from '../../core/simulation/scenario-input.ts';
import { splitIntoParts, type MethodCard, type SimulationDefinition } from '../../core/simulation/types.ts';

/**
 * `sun-hours`: hours of direct sun on ground and roof cells of an area, and on facades, for a
 * date or a period, by ray casts through the city's buildings.
 */

/** Largest study area, km², and cells. */
export const MAX_AREA_KM2 = 4;
export const MAX_CELLS = 4_000_000;
/** Largest number of rays a study may ask for (cells × days × sunlit steps, estimated). */
export const MAX_RAYS = 3e9;

/** The scenario edits a study takes (shared by every simulation of the city). */
export const scenarioSchema = simScenarioSchema;

const baseInput = z
  .object({
    area: area.describe('study area: GeoJSON Polygon or MultiPolygon in lon/lat degrees, bare or as a Feature'),
    city: z
      .object({
        tileset: z.string().min(1).max(2000).describe('URL (or path, headless) of the buildings tileset.json'),
        idProperties: z.array(z.string().min(1).max(100)).min(1).max(20).optional().describe('metadata properties holding building ids, tried in order'),
      })
      .strict(),
    date: isoDate.describe('first local day, YYYY-MM-DD'),
    endDate: isoDate.optional().describe('last local day of a period (inclusive)'),
    dayStep: z.number().int().min(1).max(31).default(1).describe('in a period, one day in every dayStep'),
    timeZone: z.string().refine(isTimeZone, 'unknown IANA time zone').default('Europe/Paris').describe('IANA time zone of the local days and steps'),
    stepMin: z.number().min(1).max(120).default(15).describe('time step, minutes'),
    cellM: z.number().min(0.5).max(50).default(2).describe('grid cell size, metres'),
    horizonM: z.number().min(150).max(5000).default(500).describe('buildings farther than this along a ray are ignored, metres'),
    facades: z.boolean().default(true).describe('also sample facades for per-building statistics'),
    facadeSpacingM: z.number().min(0.5).max(20).default(3).describe('spacing between facade samples, metres'),
    groundHeightM: z.number().min(-500).max(9000).optional().describe('ground height (ellipsoid), metres; default: from building bases'),
    scenario: scenarioSchema.optional().describe('scenario edits applied before tracing: buildings added, removed, imported models, clipped areas'),
    part: z.object({ index: z.number().int().min(0), count: z.number().int().min(1).max(256) }).strict().optional().describe('internal: the share of one worker'),
  })
  .strict();

function dayCount(input: z.output<typeof baseInput>): number {
  if (input.endDate === undefined) return 1;
  const d0 = Date.parse(`${input.date}T00:00:00Z`), d1 = Date.parse(`${input.endDate}T00:00:00Z`);
  return Math.floor(Math.round((d1 - d0) / 86_400_000) / input.dayStep) + 1;
}

export const sunHoursInput = baseInput.superRefine((v, ctx) => {
  if (v.endDate !== undefined && v.endDate < v.date) ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'endDate is before date' });
  if (v.endDate !== undefined && Date.parse(`${v.endDate}T00:00:00Z`) - Date.parse(`${v.date}T00:00:00Z`) > 366 * 86_400_000) {
    ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'a period is at most 366 days' });
  }
  if (v.part !== undefined && v.part.index >= v.part.count) ctx.addIssue({ code: 'custom', path: ['part', 'index'], message: 'part index must be below part count' });
  const [w, s, e, n] = areaBbox(v.area);
  const m = metresPerDegree((s + n) / 2);
  if ((e - w) * m.lonM > 5000 || (n - s) * m.latM > 5000) ctx.addIssue({ code: 'custom', path: ['area'], message: 'the area must fit in 5 km × 5 km' });
  const km2 = areaKm2(v.area);
  if (!(km2 > 0)) ctx.addIssue({ code: 'custom', path: ['area'], message: 'the area is empty' });
  else if (km2 > MAX_AREA_KM2) ctx.addIssue({ code: 'custom', path: ['area'], message: `the area is ${km2.toFixed(2)} km², more than ${MAX_AREA_KM2} km²` });
  const cells = (km2 * 1e6) / (v.cellM * v.cellM);
  if (cells > MAX_CELLS) ctx.addIssue({ code: 'custom', path: ['cellM'], message: `${Math.round(cells).toLocaleString('en-US')} cells, more than ${MAX_CELLS.toLocaleString('en-US')}: use larger cells` });
  const rays = cells * dayCount(v) * (720 / v.stepMin);
  if (rays > MAX_RAYS) ctx.addIssue({ code: 'custom', path: ['dayStep'], message: `about ${rays.toExponential(1)} rays, more than ${MAX_RAYS.toExponential(0)}: sample fewer days (dayStep), or use larger cells or steps` });
});

export type SunHoursInput = z.output<typeof sunHoursInput>;

/** The local days of a study, with their offset from UT at local noon. */
export function studyDays(input: Pick<SunHoursInput, 'date' | 'endDate' | 'dayStep' | 'timeZone'>): LocalDay[] {
  const days: LocalDay[] = [];
  const d0 = Date.parse(`${input.date}T00:00:00Z`);
  const d1 = input.endDate !== undefined ? Date.parse(`${input.endDate}T00:00:00Z`) : d0;
  for (let t = d0; t <= d1; t += input.dayStep * 86_400_000) {
    const d = new Date(t);
    const year = d.getUTCFullYear(), month = d.getUTCMonth() + 1, day = d.getUTCDate();
    days.push({ year, month, day, tzOffsetHours: zoneOffsetMinutes(Date.UTC(year, month - 1, day, 12), input.timeZone) / 60 });
  }
  return days;
}

/** The kernel's plan: the area moved into the model frame, the days, the part. */
export function planSunHours(input: SunHoursInput, frameOrigin: { lonDeg: number; latDeg: number }): SunHoursPlan {
  const frame = enuFrame({ lonDeg: frameOrigin.lonDeg, latDeg: frameOrigin.latDeg, heightM: 0 });
  const polygons: PolygonM[] = areaPolygons(input.area).map((poly) =>
    poly.map((r) => {
      const out: number[] = [];
      const pts = r.length > 3 && r[0]![0] === r.at(-1)![0] && r[0]![1] === r.at(-1)![1] ? r.slice(0, -1) : r;
      for (const p of pts) {
        const [e, n] = frame.fromGeodetic(p[0]!, p[1]!, 0);
        out.push(e, n);
      }
      return out;
    }),
  );
  const [w, s, e, n] = areaBbox(input.area);
  return {
    frame: { lonDeg: frameOrigin.lonDeg, latDeg: frameOrigin.latDeg, heightM: 0 },
    site: { lonDeg: (w + e) / 2, latDeg: (s + n) / 2 },
    polygons,
    cellM: input.cellM,
    days: studyDays(input),
    stepMin: input.stepMin,
    horizonM: input.horizonM,
    facadeSpacingM: input.facades ? input.facadeSpacingM : 0,
    groundHeightM: input.groundHeightM ?? null,
    part: input.part ?? { index: 0, count: 1 },
  };
}

/** One worker's share, as it comes back from the worker. */
export interface SunHoursPartOutput extends SunHoursPart {
  frame: { lonDeg: number; latDeg: number; heightM: number };
  /** Ids of the model buildings this part refers to: [number, id] pairs. */
  ids: [number, string][];
  tiles: number;
  notes: string[];
}

/** The merged output of `sun-hours`. */
export interface SunHoursOutput extends SunHoursResult {
  frame: { lonDeg: number; latDeg: number; heightM: number };
  days: number;
  stepMin: number;
  tiles: number;
  notes: string[];
}

const f32 = z.instanceof(Float32Array);
const summary = z.object({ count: z.number().int().min(0), mean: z.number(), min: z.number(), max: z.number(), p10: z.number(), p50: z.number(), p90: z.number() });

export const sunHoursOutput: z.ZodType<SunHoursOutput> = z
  .object({
    frame: z.object({ lonDeg: z.number(), latDeg: z.number(), heightM: z.number() }),
    grid: z.object({ x0: z.number(), y0: z.number(), cellM: z.number().positive(), cols: z.number().int().min(0), rows: z.number().int().min(0) }),
    sunHours: f32,
    surface: z.instanceof(Uint8Array),
    heightM: f32,
    cellBuilding: z.instanceof(Int32Array),
    buildings: z.object({
      ids: z.array(z.string()),
      roofCells: z.instanceof(Uint32Array),
      roofMeanH: f32,
      facadeAreaM2: f32,
      facadeMeanH: f32,
      facadeByOrientationH: f32,
    }),
    ground: summary,
    roofs: summary,
    rays: z.number().int().min(0),
    dayLengthH: z.number().min(0).max(24),
    sunSteps: z.number().int().min(0),
    days: z.number().int().min(1),
    stepMin: z.number().positive(),
    tiles: z.number().int().min(0),
    notes: z.array(z.string()),
  })
  .superRefine((o, ctx) => {
    const n = o.grid.cols * o.grid.rows;
    for (const k of ['sunHours', 'surface', 'heightM', 'cellBuilding'] as const) if (o[k].length !== n) ctx.addIssue({ code: 'custom', path: [k], message: `has ${o[k].length} cells, grid has ${n}` });
    const nb = o.buildings.ids.length;
    if (o.buildings.roofCells.length !== nb || o.buildings.facadeByOrientationH.length !== 4 * nb) ctx.addIssue({ code: 'custom', path: ['buildings'], message: 'per-building arrays disagree in length' });
    for (let i = 0; i < o.sunHours.length; i++) {
      const h = o.sunHours[i]!;
      if (o.surface[i] === 0 ? !Number.isNaN(h) : !(h >= 0 && h <= o.dayLengthH + 1e-3)) {
        ctx.addIssue({ code: 'custom', path: ['sunHours', i], message: `cell ${i}: ${h} h with a day of ${o.dayLengthH} h` });
        break;
      }
    }
  }) as unknown as z.ZodType<SunHoursOutput>;

export const SUN_HOURS_CARD: MethodCard = {
  title: { fr: 'Heures d’ensoleillement direct', en: 'Hours of direct sun' },
  summary: {
    fr: 'Durée moyenne par jour pendant laquelle chaque maille du sol et des toits, et chaque façade, reçoit le soleil direct, compte tenu des bâtiments.',
    en: 'Mean time per day during which each ground and roof cell, and each facade, receives direct sun, buildings taken into account.',
  },
  model: {
    fr: 'Lancer de rayons : depuis le centre de chaque maille (et des points répartis sur les façades), un rayon part vers le Soleil à chaque pas de temps ; la maille est au soleil si aucun triangle des bâtiments n’est rencontré avant l’horizon d’étude. Le Soleil est placé par NREL SPA (direction apparente, réfraction comprise) au centre de la zone. Chaque pas compte pour sa part située entre le lever et le coucher. Les bâtiments sont ceux des tuiles 3D affichées, dans un BVH (three-mesh-bvh). Le sol est un terrain estimé par les bases des bâtiments voisins ; le relief lui-même ne porte pas d’ombre.',
    en: 'Ray casting: from the centre of each cell (and from points spread over the facades) a ray goes towards the Sun at every time step; the cell is sunlit when it meets no building triangle before the study horizon. The Sun is placed by NREL SPA (apparent direction, refraction included) at the centre of the area. Each step counts for its part between sunrise and sunset. Buildings are those of the 3D tiles shown, in a BVH (three-mesh-bvh). The ground is a surface estimated from the bases of nearby buildings; relief itself casts no shadow.',
  },
  equations: [
    { label: { fr: 'Heures par jour d’une maille', en: 'Hours per day of a cell' }, formula: 'H = (1/D) · Σ_jours Σ_pas  Δt_k · V(p, s_k),   Δt_k = |[t_k, t_k + Δt] ∩ [lever, coucher]|' },
    { label: { fr: 'Visibilité du Soleil', en: 'Sun visibility' }, formula: 'V(p, s) = 1 si aucun triangle sur le rayon p + 0,05 n + u·s, 0 < u ≤ horizon ; 0 sinon' },
    { label: { fr: 'Direction du Soleil (ENU)', en: 'Sun direction (ENU)' }, formula: 's = (sin A·cos e, cos A·cos e, sin e),  A azimut, e hauteur apparente au milieu de la part éclairée du pas' },
    { label: { fr: 'Façades', en: 'Facades' }, formula: 'H_façade = Σ_triangles aire · H̄_points / Σ aire ;  points R2 (≈ aire / espacement²), soleil compté si n·s > 0' },
    { label: { fr: 'Ombre d’une boîte (contrôle)', en: 'Shadow of a box (check)' }, formula: 'L = h / tan(e)' },
  ],
  parameters: [
    { name: 'cellM', value: '2', unit: 'm', meaning: { fr: 'taille des mailles', en: 'cell size' } },
    { name: 'stepMin', value: '15', unit: 'min', meaning: { fr: 'pas de temps', en: 'time step' } },
    { name: 'horizonM', value: '500', unit: 'm', meaning: { fr: 'portée des rayons (bâtiments plus lointains ignorés)', en: 'reach of rays (farther buildings ignored)' } },
    { name: 'facadeSpacingM', value: '3', unit: 'm', meaning: { fr: 'espacement des points de façade', en: 'spacing of facade points' } },
    { name: 'offset', value: '0.05', unit: 'm', meaning: { fr: 'décalage de l’origine des rayons hors de la surface', en: 'offset of ray origins off the surface' } },
    { name: 'roof |n_z|', value: '≥ 0.3', unit: '', meaning: { fr: 'pente au-delà de laquelle une surface est un mur', en: 'slope beyond which a surface is a wall' } },
    { name: 'timeZone', value: 'Europe/Paris', unit: '', meaning: { fr: 'fuseau des jours et des pas', en: 'time zone of days and steps' } },
  ],
  sources: [
    { label: 'NREL SPA (see the sun-position card) for the Sun’s direction' },
    { label: 'three-mesh-bvh 0.9 (MIT), surface-area-heuristic BVH', url: 'https://github.com/gkjohnson/three-mesh-bvh' },
    { label: 'Möller T., Trumbore B. (1997), Fast, minimum storage ray-triangle intersection, J. Graphics Tools 2(1)' },
    { label: 'Roberts M. (2018), The unreasonable effectiveness of quasirandom sequences (R2 sequence)' },
  ],
  validity: [
    { fr: 'Soleil direct seulement : ni rayonnement diffus, ni réflexions, ni nuages (ciel clair).', en: 'Direct sun only: no diffuse light, reflections or clouds (clear sky).' },
    { fr: 'Bâtiments LOD1 des tuiles (toits plats, sans balcons ni arbres) ; la végétation ne fait pas d’ombre.', en: 'LOD1 buildings from the tiles (flat roofs, no balconies or trees); vegetation casts no shadow.' },
    { fr: 'Le relief ne porte pas d’ombre ; le sol est estimé par les bases des bâtiments à moins de 150 m.', en: 'Relief casts no shadow; the ground is estimated from building bases within 150 m.' },
    { fr: 'Bâtiments au-delà de l’horizon d’étude ignorés (à 5° de hauteur, une tour de 40 m porte son ombre à 457 m).', en: 'Buildings beyond the study horizon are ignored (at 5° elevation a 40 m tower casts a 457 m shadow).' },
    { fr: 'Erreur d’échantillonnage : au plus un demi-pas à chaque passage soleil/ombre ; une maille vaut pour son centre.', en: 'Sampling error: at most half a step at each change between sun and shade; a cell stands for its centre.' },
  ],
  reference: {
    fr: 'Contrôles analytiques (tests/unit/workers/sun-hours.test.ts) : sol plat dégagé = durée du jour SPA ; une boîte isolée porte une ombre de longueur h / tan(e) à une maille près ; résultats identiques octet pour octet entre deux exécutions et entre 1, 2 ou 3 parts de travail.',
    en: 'Analytic checks (tests/unit/workers/sun-hours.test.ts): open flat ground = SPA day length; a lone box casts a shadow of length h / tan(e) within one cell; results identical byte for byte between runs and between 1, 2 or 3 shares of work.',
  },
};

export const sunHoursSimulation: SimulationDefinition<SunHoursInput, SunHoursOutput, SunHoursPartOutput> = {
  id: 'sun-hours',
  version: 1,
  title: { fr: 'Heures d’ensoleillement', en: 'Sun hours' },
  input: sunHoursInput,
  output: sunHoursOutput,
  card: SUN_HOURS_CARD,
  needsCity: true,
  seeded: false,
  split: (input, workers) => splitIntoParts(input, workers),
  merge(parts, input) {
    const ids = new Map<number, string>();
    for (const p of parts) for (const [b, id] of p.ids) ids.set(b, id);
    let maxB = -1;
    for (const b of ids.keys()) if (b > maxB) maxB = b;
    const lookup = Array.from({ length: maxB + 1 }, (_, b) => ids.get(b) ?? String(b));
    const r = mergeSunHours(parts, lookup);
    return { ...r, frame: parts[0]!.frame, days: studyDays(input).length, stepMin: input.stepMin, tiles: parts[0]!.tiles, notes: parts[0]!.notes };
  },
  example: {
    area: {
      type: 'Polygon',
      coordinates: [[[-1.6812, 48.1085], [-1.6788, 48.1085], [-1.6788, 48.1101], [-1.6812, 48.1101], [-1.6812, 48.1085]]],
    },
    city: { tileset: 'packs/demo/tileset.json' },
    date: '2026-03-20',
    cellM: 4,
    stepMin: 30,
  },
};
