import { z } from 'zod';
import { enuFrame, metresPerDegree } from '../../core/geodesy.ts';
import type { BuildingStatsPlan, BuildingStatsResult } from './kernel.ts';
import { area, areaBbox, areaInFrame } from '../../core/simulation/schemas.ts';
import { simScenarioSchema } from '../../core/simulation/scenario-input.ts';
import type { MethodCard, SimulationDefinition } from '../../core/simulation/types.ts';

/**
 * `building-stats`: the buildings of a study area as the simulations see them (the 3D tiles,
 * with a scenario's edits): count, footprint, height, floors and gross floor area, and the
 * outlines of buildings for snapping. The scenario comparison's building KPIs come from it.
 */

export const buildingStatsInput = z
  .object({
    area: area.describe('study area: GeoJSON Polygon or MultiPolygon in lon/lat degrees, bare or as a Feature'),
    city: z
      .object({
        tileset: z.string().min(1).max(2000).describe('URL (or path, headless) of the buildings tileset.json'),
        idProperties: z.array(z.string().min(1).max(100)).min(1).max(20).optional().describe('metadata properties holding building ids, tried in order'),
      })
      .strict(),
    storeyHeightM: z.number().min(2).max(6).default(3).describe('storey height turning heights into floors, metres'),
    reachM: z.number().min(0).max(5000).default(500).describe('tiles loaded around the area, metres (the same as a sun study shares its city)'),
    outlines: z.boolean().default(false).describe('also return the bottom edges of walls (for snapping)'),
    scenario: simScenarioSchema.optional().describe('scenario edits applied first'),
  })
  .strict()
  .superRefine((v, ctx) => {
    const [w, s, e, n] = areaBbox(v.area);
    const m = metresPerDegree((s + n) / 2);
    if ((e - w) * m.lonM > 10_000 || (n - s) * m.latM > 10_000) ctx.addIssue({ code: 'custom', path: ['area'], message: 'the area must fit in 10 km × 10 km' });
  });

export type BuildingStatsInput = z.output<typeof buildingStatsInput>;

export interface BuildingStatsOutput extends BuildingStatsResult {
  frame: { lonDeg: number; latDeg: number; heightM: number };
  storeyHeightM: number;
  tiles: number;
  notes: string[];
}

/** The kernel's plan for a model frame. */
export function planBuildingStats(input: BuildingStatsInput, frameOrigin: { lonDeg: number; latDeg: number }): BuildingStatsPlan {
  const frame = enuFrame({ ...frameOrigin, heightM: 0 });
  const polygons = areaInFrame(input.area, frame.fromGeodetic);
  let bounds: [number, number, number, number] | null = null;
  if (input.outlines) {
    bounds = [Infinity, Infinity, -Infinity, -Infinity];
    for (const poly of polygons) for (const r of poly) for (let i = 0; i < r.length; i += 2) {
      bounds[0] = Math.min(bounds[0], r[i]!);
      bounds[2] = Math.max(bounds[2], r[i]!);
      bounds[1] = Math.min(bounds[1], r[i + 1]!);
      bounds[3] = Math.max(bounds[3], r[i + 1]!);
    }
  }
  const sc = input.scenario;
  return {
    polygons,
    storeyHeightM: input.storeyHeightM,
    declaredFloors: [...(sc?.added ?? []), ...(sc?.meshes ?? [])].flatMap((b) => (b.floors !== undefined ? [[b.id, b.floors] as const] : [])),
    rasterFootprint: (sc?.meshes ?? []).map((m) => m.id),
    outlineBounds: bounds,
  };
}

const stat = z.object({ count: z.number().int().min(0), footprintM2: z.number().min(0), floorAreaM2: z.number().min(0), maxHeightM: z.number().min(0), maxHeightId: z.string().nullable() });

export const buildingStatsOutput: z.ZodType<BuildingStatsOutput> = z
  .object({
    frame: z.object({ lonDeg: z.number(), latDeg: z.number(), heightM: z.number() }),
    storeyHeightM: z.number(),
    ids: z.array(z.string()),
    footprintM2: z.instanceof(Float64Array),
    heightM: z.instanceof(Float32Array),
    floors: z.instanceof(Uint16Array),
    floorAreaM2: z.instanceof(Float64Array),
    centre: z.instanceof(Float32Array),
    totals: stat,
    outlines: z.instanceof(Float32Array),
    tiles: z.number().int().min(0),
    notes: z.array(z.string()),
  })
  .superRefine((o, ctx) => {
    const n = o.ids.length;
    if (o.footprintM2.length !== n || o.heightM.length !== n || o.floors.length !== n || o.floorAreaM2.length !== n || o.centre.length !== 2 * n) ctx.addIssue({ code: 'custom', path: ['ids'], message: 'per-building arrays disagree in length' });
    if (o.totals.count !== n) ctx.addIssue({ code: 'custom', path: ['totals', 'count'], message: `count ${o.totals.count} for ${n} buildings` });
    if (o.outlines.length % 4 !== 0) ctx.addIssue({ code: 'custom', path: ['outlines'], message: 'outlines are x0, y0, x1, y1 quadruples' });
  }) as unknown as z.ZodType<BuildingStatsOutput>;

export const BUILDING_STATS_CARD: MethodCard = {
  title: { fr: 'Statistiques des bâtiments', en: 'Building statistics' },
  summary: {
    fr: 'Nombre de bâtiments, emprise au sol, hauteur, niveaux et surface de plancher d’une zone, calculés sur la géométrie 3D que voient les simulations (scénario compris).',
    en: 'Number of buildings, footprint, height, floors and floor area of an area, computed on the 3D geometry the simulations see (scenario included).',
  },
  model: {
    fr: 'Pour chaque bâtiment des tuiles 3D (et de chaque ajout du scénario), on cumule la projection horizontale de ses triangles tournés vers le haut (toits) : c’est son emprise (exacte pour des extrusions LOD1 ; pour un modèle importé, dont les toits et terrasses peuvent se superposer, l’union de ces projections sur une grille de 0,25 m). Le bâtiment compte dans la zone si le centre de son emprise y est. Sa hauteur est l’écart entre son sommet le plus haut et le plus bas ; ses niveaux sont ceux déclarés dans le scénario, sinon la hauteur divisée par la hauteur d’étage, arrondie (au moins 1). La surface de plancher est l’emprise multipliée par les niveaux.',
    en: 'For each building of the 3D tiles (and each scenario addition), the horizontal projection of its upward-facing triangles (roofs) is summed: that is its footprint (exact for LOD1 extrusions; for an imported model, whose roofs and terraces may overlap, the union of those projections on a 0.25 m grid). A building counts in the area when the centre of its footprint lies in it. Its height is the difference between its highest and lowest vertices; its floors are those declared in the scenario, else its height divided by the storey height, rounded (at least 1). Floor area is footprint times floors.',
  },
  equations: [
    { label: { fr: 'Emprise', en: 'Footprint' }, formula: 'A = Σ_triangles, n_z ≥ 0,3  ½ |(b − a) × (c − a)|_z' },
    { label: { fr: 'Niveaux', en: 'Floors' }, formula: 'N = déclarés, sinon max(1, round(H / h_étage))' },
    { label: { fr: 'Surface de plancher', en: 'Floor area' }, formula: 'SP = A · N ;  total = Σ_bâtiments de la zone SP' },
  ],
  parameters: [
    { name: 'storeyHeightM', value: '3', unit: 'm', meaning: { fr: 'hauteur d’étage', en: 'storey height' } },
    { name: 'roof n_z', value: '≥ 0.3', unit: '', meaning: { fr: 'pente au-delà de laquelle un triangle est un mur (comme l’ensoleillement)', en: 'slope beyond which a triangle is a wall (as in sun hours)' } },
    { name: 'raster', value: '0.25', unit: 'm', meaning: { fr: 'maille de l’union des emprises des modèles importés', en: 'grid of the union of imported models’ footprints' } },
  ],
  sources: [{ label: 'City 3D tiles (LOD1/LOD2) decoded with loaders.gl; scenario edits as LOD1 extrusions (src/core/geometry/extrude.ts)' }],
  validity: [
    { fr: 'Surface de plancher estimée (emprise × niveaux) : ni retraits, ni combles, ni sous-sols ; pas la surface de plancher réglementaire.', en: 'Estimated floor area (footprint × floors): no setbacks, attics or basements; not the regulatory floor area.' },
    { fr: 'Les bâtiments coupés par le bord de la zone comptent entiers ou pas du tout (selon leur centre).', en: 'Buildings cut by the edge of the area count whole or not at all (by their centre).' },
    { fr: 'Hauteurs issues de la géométrie : le relief sous un bâtiment en pente s’ajoute à sa hauteur.', en: 'Heights from the geometry: the slope of the ground under a building adds to its height.' },
  ],
  reference: {
    fr: 'Contrôles (tests/unit/scenarios/kpi.test.ts) : boîtes de dimensions connues (emprise, hauteur, niveaux exacts), bâtiment démoli non compté ; sur la ville de démonstration, une tour ajoutée (+1 bâtiment, surface de plancher = emprise × niveaux) et une démolition (−1).',
    en: 'Checks (tests/unit/scenarios/kpi.test.ts): boxes of known size (exact footprint, height, floors), a demolished building not counted; on the demo city, an added tower (+1 building, floor area = footprint × floors) and a demolition (−1).',
  },
};

export const buildingStatsSimulation: SimulationDefinition<BuildingStatsInput, BuildingStatsOutput> = {
  id: 'building-stats',
  version: 1,
  title: { fr: 'Statistiques des bâtiments', en: 'Building statistics' },
  input: buildingStatsInput,
  output: buildingStatsOutput,
  card: BUILDING_STATS_CARD,
  needsCity: true,
  seeded: false,
  example: {
    area: { type: 'Polygon', coordinates: [[[-1.6812, 48.1085], [-1.6788, 48.1085], [-1.6788, 48.1101], [-1.6812, 48.1101], [-1.6812, 48.1085]]] },
    city: { tileset: 'packs/demo/tileset.json' },
  },
};
