import { z } from 'zod';
import { enuFrame, metresPerDegree } from '../../core/geodesy.ts';
import { polygonAreaM2, type GridSpec, type PolygonM } from '../../core/grid.ts';
import { FACADE_SPACING_M, mergeWifiParts, P1411, type AntennaPattern, type Transmitter, type WifiFacades, type WifiPart, type WifiPlan } from './kernel.ts';
import { area, areaBbox, areaGeometry, areaPolygons, lonLat } from '../../core/simulation/schemas.ts';
import { simScenarioSchema as scenarioSchema } from '../../core/simulation/scenario-input.ts';
import { splitIntoParts, type MethodCard, type SimulationDefinition } from '../../core/simulation/types.ts';
import { planHotspots, residentsPerCell, wifiKpis, type HotspotPick, type LonLatPolygons, type NamedArea, type PopulationSquare, type WifiKpis } from './figures.ts';

/**
 * `wifi-coverage`: best-server wifi signal at street level over an area, with buildings in the
 * way, the share of area and residents covered (per district, in priority areas and elsewhere),
 * and the greedy placement of new hotspots among candidate sites.
 */

export const WIFI_MAX_AREA_KM2 = 4;
export const WIFI_MAX_CELLS = 1_000_000;
/** Largest number of transmitter–cell pairs a study may ask for (a bound before cuts). */
export const WIFI_MAX_PAIRS = 5e9;

/** Centre frequency used for each band, GHz. */
export const BAND_GHZ = { '2.4': 2.4, '5': 5.5 } as const;

const pattern = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('omni') }).strict(),
  z
    .object({
      kind: z.literal('sector'),
      azimuthDeg: z.number().min(0).max(360).describe('main lobe direction, degrees clockwise from north'),
      beamwidthDeg: z.number().min(10).max(180).default(90).describe('half-power beamwidth, degrees'),
      frontToBackDb: z.number().min(0).max(40).default(20).describe('largest attenuation off the main lobe, dB'),
    })
    .strict(),
]);

export const accessPointSchema = z
  .object({
    id: z.string().min(1).max(200),
    name: z.string().max(300).optional(),
    position: lonLat.describe('[lon, lat] degrees'),
    heightM: z.number().min(0).max(300).default(4).describe('antenna height above ground, metres'),
    eirpDbm: z.number().min(-10).max(40).default(20).describe('EIRP in the main lobe, dBm (20 dBm is the 2.4 GHz limit in Europe)'),
    band: z.enum(['2.4', '5']).default('2.4').describe('2.4 GHz or 5 GHz (computed at 5.5 GHz)'),
    pattern: pattern.default({ kind: 'omni' }),
    origin: z.enum(['open-data', 'scenario', 'candidate']).default('scenario'),
  })
  .strict();
export type AccessPoint = z.output<typeof accessPointSchema>;

const polygonFeature = z.object({
  type: z.literal('Feature'),
  geometry: areaGeometry,
  properties: z.record(z.string(), z.unknown()).nullable().optional(),
});
const featureCollection = z.object({ type: z.literal('FeatureCollection'), features: z.array(polygonFeature).max(200_000) });
type PolygonFC = z.output<typeof featureCollection>;

const baseInput = z
  .object({
    area: area.describe('study area: GeoJSON Polygon or MultiPolygon in lon/lat degrees, bare or as a Feature'),
    city: z
      .object({
        tileset: z.string().min(1).max(2000).describe('URL (or path, headless) of the buildings tileset.json'),
        idProperties: z.array(z.string().min(1).max(100)).min(1).max(20).optional(),
      })
      .strict(),
    accessPoints: z.array(accessPointSchema).max(5000).default([]).describe('access points in service (open data and scenario)'),
    candidates: z.array(accessPointSchema).max(500).default([]).describe('candidate sites for new hotspots'),
    place: z.number().int().min(0).max(50).default(0).describe('number of new hotspots to place among the candidates'),
    cellM: z.number().min(1).max(50).default(4).describe('grid cell size, metres'),
    receiverHeightM: z.number().min(0).max(30).default(1.5).describe('receiver height above ground, metres'),
    thresholdDbm: z.number().min(-110).max(-20).default(-70).describe('a cell is covered at or above this RSSI, dBm'),
    floorDbm: z.number().min(-130).max(-40).default(-95).describe('weaker signals are shown as none, dBm'),
    wallLossDb: z.number().min(0).max(60).default(10).describe('loss per building wall crossed, dB'),
    environment: z.enum(['urban', 'residential']).default('urban').describe('P.1411 NLoS coefficients: urban high-rise or residential'),
    maxRangeM: z.number().min(10).max(1000).default(600).describe('transmitters farther than this are ignored, metres'),
    groundHeightM: z.number().min(-500).max(9000).optional().describe('ground height (ellipsoid), metres; default: from building bases'),
    facades: z
      .object({ spacingM: z.number().min(FACADE_SPACING_M.min).max(FACADE_SPACING_M.max).default(3).describe('spacing between facade receivers, metres') })
      .strict()
      .optional()
      .describe('also compute on the facades of the buildings in the area (receivers just outside the walls)'),
    population: featureCollection.optional().describe('population squares (INSEE 200 m grid) as GeoJSON polygons'),
    populationField: z.string().min(1).max(100).default('ind_c').describe('property holding the residents of a square'),
    districts: featureCollection.optional().describe('districts as GeoJSON polygons'),
    districtNameFields: z.array(z.string().min(1).max(100)).min(1).max(10).default(['nomsquart', 'l_aroff', 'nom_qp', 'nom', 'name']),
    priorityAreas: featureCollection.optional().describe('priority areas (QPV) as GeoJSON polygons'),
    scenario: scenarioSchema.optional().describe('buildings added or removed before tracing'),
    part: z.object({ index: z.number().int().min(0), count: z.number().int().min(1).max(256) }).strict().optional(),
  })
  .strict();

function studyAreaKm2(a: z.output<typeof area>): number {
  const [w, s, e, n] = areaBbox(a);
  const m = metresPerDegree((s + n) / 2);
  const cx = (w + e) / 2, cy = (s + n) / 2;
  let total = 0;
  for (const poly of areaPolygons(a)) total += polygonAreaM2(poly.map((r) => r.flatMap((p) => [(p[0]! - cx) * m.lonM, (p[1]! - cy) * m.latM])));
  return total / 1e6;
}

export const wifiCoverageInput = baseInput.superRefine((v, ctx) => {
  if (v.part !== undefined && v.part.index >= v.part.count) ctx.addIssue({ code: 'custom', path: ['part', 'index'], message: 'part index must be below part count' });
  if (v.floorDbm > v.thresholdDbm) ctx.addIssue({ code: 'custom', path: ['floorDbm'], message: 'the floor must not be above the coverage threshold' });
  const [w, s, e, n] = areaBbox(v.area);
  const m = metresPerDegree((s + n) / 2);
  if ((e - w) * m.lonM > 5000 || (n - s) * m.latM > 5000) ctx.addIssue({ code: 'custom', path: ['area'], message: 'the area must fit in 5 km × 5 km' });
  const km2 = studyAreaKm2(v.area);
  if (!(km2 > 0)) ctx.addIssue({ code: 'custom', path: ['area'], message: 'the area is empty' });
  else if (km2 > WIFI_MAX_AREA_KM2) ctx.addIssue({ code: 'custom', path: ['area'], message: `the area is ${km2.toFixed(2)} km², more than ${WIFI_MAX_AREA_KM2} km²` });
  const cells = (km2 * 1e6) / (v.cellM * v.cellM);
  if (cells > WIFI_MAX_CELLS) ctx.addIssue({ code: 'custom', path: ['cellM'], message: `${Math.round(cells).toLocaleString('en-US')} cells, more than ${WIFI_MAX_CELLS.toLocaleString('en-US')}: use larger cells` });
  const pairs = cells * (v.accessPoints.length + v.candidates.length);
  if (pairs > WIFI_MAX_PAIRS) ctx.addIssue({ code: 'custom', path: ['accessPoints'], message: `${pairs.toExponential(1)} access point × cell pairs, more than ${WIFI_MAX_PAIRS.toExponential(0)}` });
  const ids = new Set<string>();
  for (const [key, list] of [['accessPoints', v.accessPoints], ['candidates', v.candidates]] as const) {
    list.forEach((ap, k) => {
      if (ids.has(ap.id)) ctx.addIssue({ code: 'custom', path: [key, k, 'id'], message: `duplicate id "${ap.id}"` });
      ids.add(ap.id);
    });
  }
  v.population?.features.forEach((f, k) => {
    const r = residentsOf(f.properties?.[v.populationField]);
    if (r === null) ctx.addIssue({ code: 'custom', path: ['population', 'features', k, 'properties', v.populationField], message: `residents must be a number ≥ 0, got ${JSON.stringify(f.properties?.[v.populationField] ?? null)}` });
  });
});

export type WifiCoverageInput = z.output<typeof wifiCoverageInput>;

function residentsOf(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

const ringsOf = (g: z.output<typeof areaGeometry>): LonLatPolygons => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates);

/** An access point as the kernel's transmitter, in the model frame. */
export function toTransmitter(ap: AccessPoint, frame: { lonDeg: number; latDeg: number }): Transmitter {
  const f = enuFrame({ lonDeg: frame.lonDeg, latDeg: frame.latDeg, heightM: 0 });
  const [x, y] = f.fromGeodetic(ap.position[0], ap.position[1], 0);
  const p: AntennaPattern = ap.pattern.kind === 'omni' ? { kind: 'omni' } : { kind: 'sector', azimuthDeg: ap.pattern.azimuthDeg, beamwidthDeg: ap.pattern.beamwidthDeg, frontToBackDb: ap.pattern.frontToBackDb };
  return { x: x!, y: y!, heightM: ap.heightM, eirpDbm: ap.eirpDbm, fGHz: BAND_GHZ[ap.band], pattern: p };
}

/** The kernel's plan: everything moved into the model frame. */
export function planWifi(input: WifiCoverageInput, frame: { lonDeg: number; latDeg: number }): WifiPlan {
  const f = enuFrame({ lonDeg: frame.lonDeg, latDeg: frame.latDeg, heightM: 0 });
  const polygons: PolygonM[] = areaPolygons(input.area).map((poly) =>
    poly.map((r) => {
      const pts = r.length > 3 && r[0]![0] === r.at(-1)![0] && r[0]![1] === r.at(-1)![1] ? r.slice(0, -1) : r;
      return pts.flatMap((p) => f.fromGeodetic(p[0]!, p[1]!, 0).slice(0, 2));
    }),
  );
  return {
    polygons,
    cellM: input.cellM,
    receiverHeightM: input.receiverHeightM,
    thresholdDbm: input.thresholdDbm,
    floorDbm: input.floorDbm,
    wallLossDb: input.wallLossDb,
    environment: input.environment,
    maxRangeM: input.maxRangeM,
    groundHeightM: input.groundHeightM ?? null,
    servers: input.accessPoints.map((ap) => toTransmitter(ap, frame)),
    candidates: input.candidates.map((ap) => toTransmitter(ap, frame)),
    facades: input.facades !== undefined ? { spacingM: input.facades.spacingM } : null,
    part: input.part ?? { index: 0, count: 1 },
  };
}

/** One worker's share, as it comes back from the worker. */
export interface WifiPartOutput extends WifiPart {
  frame: { lonDeg: number; latDeg: number; heightM: number };
  tiles: number;
  notes: string[];
}

/** Key figures on facades. */
export interface WifiFacadeKpi {
  receivers: number;
  /** Facade area studied and the part of it at or above the threshold, m². */
  areaM2: number;
  coveredAreaM2: number;
  areaShare: number;
  /** Buildings with facade receivers, and those with at least one covered. */
  buildings: number;
  coveredBuildings: number;
}

/** Facade results: receivers (in the frame) with their signal, grouped by building. */
export interface WifiFacadeOutput extends Omit<WifiFacades, 'building'> {
  kpi: WifiFacadeKpi;
}

/** Facade area and buildings covered (≥ threshold). */
export function wifiFacadeKpi(f: Pick<WifiFacades, 'offsets' | 'areaM2' | 'rssiDbm'>, thresholdDbm: number): WifiFacadeKpi {
  let areaM2 = 0, coveredAreaM2 = 0, buildings = 0, coveredBuildings = 0;
  for (let b = 0; b + 1 < f.offsets.length; b++) {
    const a = f.offsets[b]!, e = f.offsets[b + 1]!;
    if (e > a) buildings++;
    let any = false;
    for (let k = a; k < e; k++) {
      areaM2 += f.areaM2[k]!;
      if (f.rssiDbm[k]! >= thresholdDbm) {
        coveredAreaM2 += f.areaM2[k]!;
        any = true;
      }
    }
    if (any) coveredBuildings++;
  }
  return { receivers: f.areaM2.length, areaM2, coveredAreaM2, areaShare: areaM2 > 0 ? coveredAreaM2 / areaM2 : 0, buildings, coveredBuildings };
}

export interface WifiCoverageOutput {
  frame: { lonDeg: number; latDeg: number; heightM: number };
  grid: GridSpec;
  rssiDbm: Float32Array;
  server: Int16Array;
  surface: Uint8Array;
  /** Ground height of street-level cells in the frame, m (NaN elsewhere). */
  groundZ: Float32Array;
  /** 1 where the best server reaches the threshold. */
  covered: Uint8Array;
  thresholdDbm: number;
  kpi: WifiKpis;
  /** Cells each candidate would cover alone. */
  candidateCells: number[];
  picks: (HotspotPick & { id: string })[];
  /** Key figures once the picked hotspots are added (null when none was placed). */
  planned: WifiKpis | null;
  /** 1 where a picked hotspot covers a cell not covered before (null when none was placed). */
  plannedCovered: Uint8Array | null;
  /** Signal on facades (null unless asked for). */
  facades: WifiFacadeOutput | null;
  rays: number;
  links: number;
  tiles: number;
  notes: string[];
}

function areasOf(fc: PolygonFC | undefined, nameFields: readonly string[]): NamedArea[] {
  return (fc?.features ?? []).map((f, k) => {
    const name = nameFields.map((n) => f.properties?.[n]).find((v) => typeof v === 'string' && v !== '' || typeof v === 'number');
    return { name: name !== undefined ? String(name) : `#${k + 1}`, polygons: ringsOf(f.geometry) };
  });
}

/** Merges the parts and computes the key figures and the hotspot plan. */
export function mergeWifi(parts: readonly WifiPartOutput[], input: WifiCoverageInput): WifiCoverageOutput {
  const m = mergeWifiParts(parts);
  const frame = parts[0]!.frame;
  const n = m.grid.cols * m.grid.rows;
  const covered = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (m.surface[i] === 1 && m.rssiDbm[i]! >= input.thresholdDbm) covered[i] = 1;
  const population: PopulationSquare[] = (input.population?.features ?? []).map((f) => ({ polygons: ringsOf(f.geometry), residents: residentsOf(f.properties?.[input.populationField]) ?? 0 }));
  const studyArea = areaPolygons(input.area) as LonLatPolygons;
  const kpiBase = { frame, grid: m.grid, surface: m.surface, studyArea, population, districts: areasOf(input.districts, input.districtNameFields), priorityAreas: (input.priorityAreas?.features ?? []).map((f) => ringsOf(f.geometry)) };
  const people = residentsPerCell(kpiBase);
  const kpi = wifiKpis({ ...kpiBase, covered }, people);
  const picks = planHotspots(m.candidateCells, m.candidateOffsets, covered, people.perCell, m.grid.cellM * m.grid.cellM, input.place);
  let planned: WifiKpis | null = null;
  let plannedCovered: Uint8Array | null = null;
  if (picks.length > 0) {
    const after = covered.slice();
    plannedCovered = new Uint8Array(n);
    for (const p of picks) for (let j = m.candidateOffsets[p.candidate]!; j < m.candidateOffsets[p.candidate + 1]!; j++) {
      const i = m.candidateCells[j]!;
      if (covered[i] === 0) plannedCovered[i] = 1;
      after[i] = 1;
    }
    planned = wifiKpis({ ...kpiBase, covered: after }, people);
  }
  const candidateCells = Array.from({ length: m.candidateOffsets.length - 1 }, (_, k) => m.candidateOffsets[k + 1]! - m.candidateOffsets[k]!);
  return {
    frame,
    grid: m.grid,
    rssiDbm: m.rssiDbm,
    server: m.server,
    surface: m.surface,
    groundZ: m.groundZ,
    covered,
    thresholdDbm: input.thresholdDbm,
    kpi,
    candidateCells,
    picks: picks.map((p) => ({ ...p, id: input.candidates[p.candidate]!.id })),
    planned,
    plannedCovered,
    facades: input.facades !== undefined ? facadeOutput(m.facades, input.thresholdDbm) : null,
    rays: m.rays,
    links: m.links,
    tiles: parts[0]!.tiles,
    notes: parts[0]!.notes,
  };
}

function facadeOutput(f: WifiFacades, thresholdDbm: number): WifiFacadeOutput {
  const { building: _building, ...rest } = f;
  return { ...rest, kpi: wifiFacadeKpi(f, thresholdDbm) };
}

const tallySchema = z.object({ cells: z.number().int().min(0), coveredCells: z.number().int().min(0), residents: z.number().min(0), coveredResidents: z.number().min(0) });
const kpiSchema = tallySchema.extend({
  cellAreaM2: z.number().positive(),
  areaShare: z.number().min(0).max(1),
  residentsShare: z.number(),
  unplacedResidents: z.number().min(0),
  hasPopulation: z.boolean(),
  districts: z.array(tallySchema.extend({ name: z.string() })),
  priority: z.object({ inside: tallySchema, outside: tallySchema }).nullable(),
});

export const wifiCoverageOutput: z.ZodType<WifiCoverageOutput> = z
  .object({
    frame: z.object({ lonDeg: z.number(), latDeg: z.number(), heightM: z.number() }),
    grid: z.object({ x0: z.number(), y0: z.number(), cellM: z.number().positive(), cols: z.number().int().min(0), rows: z.number().int().min(0) }),
    rssiDbm: z.instanceof(Float32Array),
    server: z.instanceof(Int16Array),
    surface: z.instanceof(Uint8Array),
    groundZ: z.instanceof(Float32Array),
    covered: z.instanceof(Uint8Array),
    thresholdDbm: z.number(),
    kpi: kpiSchema,
    candidateCells: z.array(z.number().int().min(0)),
    picks: z.array(z.object({ id: z.string(), candidate: z.number().int().min(0), residentsGain: z.number().min(0), areaGainM2: z.number().min(0), residentsAfter: z.number().min(0), areaAfterM2: z.number().min(0) })),
    planned: kpiSchema.nullable(),
    plannedCovered: z.instanceof(Uint8Array).nullable(),
    facades: z
      .object({
        offsets: z.instanceof(Uint32Array),
        xyz: z.instanceof(Float32Array),
        normal: z.instanceof(Float32Array),
        areaM2: z.instanceof(Float32Array),
        rssiDbm: z.instanceof(Float32Array),
        server: z.instanceof(Int16Array),
        rays: z.number().int().min(0),
        kpi: z.object({
          receivers: z.number().int().min(0),
          areaM2: z.number().min(0),
          coveredAreaM2: z.number().min(0),
          areaShare: z.number().min(0).max(1),
          buildings: z.number().int().min(0),
          coveredBuildings: z.number().int().min(0),
        }),
      })
      .nullable(),
    rays: z.number().int().min(0),
    links: z.number().int().min(0),
    tiles: z.number().int().min(0),
    notes: z.array(z.string()),
  })
  .superRefine((o, ctx) => {
    const n = o.grid.cols * o.grid.rows;
    for (const k of ['rssiDbm', 'server', 'surface', 'groundZ', 'covered'] as const) if (o[k].length !== n) ctx.addIssue({ code: 'custom', path: [k], message: `has ${o[k].length} cells, grid has ${n}` });
    const f = o.facades;
    if (f !== null) {
      const m = f.areaM2.length;
      if (f.xyz.length !== 3 * m || f.normal.length !== 3 * m || f.rssiDbm.length !== m || f.server.length !== m || f.offsets.at(-1) !== m) ctx.addIssue({ code: 'custom', path: ['facades'], message: `facade arrays disagree in length (${m} receivers)` });
    }
    for (let i = 0; i < n; i++) {
      const v = o.rssiDbm[i]!;
      if (o.surface[i] !== 1 ? !Number.isNaN(v) : !(Number.isNaN(v) || v <= 60)) {
        ctx.addIssue({ code: 'custom', path: ['rssiDbm', i], message: `cell ${i}: ${v} dBm on surface ${o.surface[i]}` });
        break;
      }
    }
  }) as unknown as z.ZodType<WifiCoverageOutput>;

const c = P1411;
export const WIFI_COVERAGE_CARD: MethodCard = {
  title: { fr: 'Couverture wifi', en: 'Wifi coverage' },
  summary: {
    fr: 'Signal reçu (RSSI) du meilleur point d’accès dans chaque maille au niveau de la rue et, en option, sur les façades, bâtiments compris ; part de la surface et des habitants couverts, par quartier et en QPV ; surface de façade et bâtiments couverts ; placement glouton de nouveaux points d’accès.',
    en: 'Received signal (RSSI) of the best access point in each street-level cell and, optionally, on facades, buildings taken into account; share of area and residents covered, per district and in priority areas; facade area and buildings covered; greedy placement of new hotspots.',
  },
  model: {
    fr: 'Affaiblissement de parcours : modèle « site-general » de la Recommandation UIT-R P.1411 (§4.1.1, émetteur et récepteur sous les toits), valeurs médianes. Un rayon lancé du récepteur vers l’antenne à travers les bâtiments (BVH three-mesh-bvh) décide de la visibilité directe. Un trajet obstrué prend la meilleure de deux voies : à travers les bâtiments (perte en visibilité + une perte par mur traversé) ou autour (perte P.1411 hors visibilité, jamais inférieure à celle en visibilité). Le diagramme d’antenne secteur suit 3GPP TR 36.814. Une maille est couverte si son meilleur RSSI atteint le seuil. Habitants : carreaux INSEE de 200 m pondérés par leur part de surface dans la zone (turf), répartis sur leurs mailles au niveau de la rue. Planification : à chaque étape, le site candidat qui ajoute le plus d’habitants couverts (puis de surface). Calcul : pour chaque maille, les points d’accès sont visités du plus fort au plus faible en visibilité directe (bornes supérieures sans logarithme, tas binaire) et la recherche s’arrête quand aucun ne peut battre le meilleur trouvé ; les murs ne sont comptés que tant que traverser peut encore l’emporter ; le triangle qui masquait un point d’accès pour la maille voisine est essayé avant de parcourir le BVH. Ces raccourcis ne changent aucun résultat. Façades (option) : des récepteurs répartis sur les murs des bâtiments dont le centre est dans la zone (suite R2, environ aire / espacement² par triangle de mur, le même échantillonneur que l’ensoleillement), à 0,1 m du mur vers l’extérieur, reçoivent le même calcul ; leur propre mur est derrière eux et ne bloque donc que les points d’accès situés de l’autre côté ; un récepteur qui se trouve sous un toit (mur mitoyen, dans le bâtiment voisin) est écarté. Chacun représente l’aire de mur qui lui revient ; une façade est couverte là où son RSSI atteint le seuil.',
    en: 'Path loss: the site-general model of Recommendation ITU-R P.1411 (§4.1.1, both ends below rooftops), median values. A ray cast from the receiver to the antenna through the buildings (three-mesh-bvh BVH) decides line of sight. An obstructed path takes the stronger of two ways: through the buildings (line-of-sight loss plus a loss per wall crossed) or around them (P.1411 non-line-of-sight loss, never below the line-of-sight one). The sector antenna pattern follows 3GPP TR 36.814. A cell is covered when its best RSSI reaches the threshold. Residents: INSEE 200 m squares weighted by their share of area in the study (turf), spread over their street-level cells. Planning: at each step, the candidate site that adds the most covered residents (then area). Computation: in each cell the access points are visited from the strongest to the weakest in line of sight (logarithm-free upper bounds, a binary heap) and the search stops when none can beat the best found; walls are counted only while going through can still win; the triangle that hid an access point from the neighbouring cell is tried before traversing the BVH. None of these shortcuts changes a result. Facades (option): receivers spread over the walls of the buildings whose centre is in the area (R2 sequence, about area / spacing² per wall triangle, the same sampler as sun hours), 0.1 m off the wall outwards, get the same computation; their own wall is behind them, so it blocks only access points on its other side; a receiver under a roof (a party wall, inside the neighbouring building) is left out. Each stands for its share of wall area; a facade is covered where its RSSI reaches the threshold.',
  },
  equations: [
    { label: { fr: 'Affaiblissement P.1411 (médiane)', en: 'P.1411 loss (median)' }, formula: 'L(d, f) = 10·α·log10(d) + β + 10·γ·log10(f),   d distance 3D (m), f (GHz)' },
    { label: { fr: 'Espace libre (UIT-R P.525, contrôle)', en: 'Free space (ITU-R P.525, check)' }, formula: 'L_fs = 20·log10(4π·d·f / c)   (100 m à 2,4 GHz : 80,05 dB)' },
    { label: { fr: 'Trajet obstrué', en: 'Obstructed path' }, formula: 'L = min( L_LoS + n_murs·L_mur ,  max(L_NLoS, L_LoS) )' },
    { label: { fr: 'Signal reçu', en: 'Received signal' }, formula: 'RSSI = PIRE + G(φ) − L ;   G(φ) = −min(12·(φ/φ3dB)², A_m) (secteur), 0 (omni)' },
    { label: { fr: 'Façades couvertes', en: 'Facades covered' }, formula: 'A_couverte = Σ_récepteurs (A_triangle / n_triangle) · [RSSI ≥ seuil] ;  n_triangle = max(1, round(A_triangle / espacement²))' },
    { label: { fr: 'Habitants couverts', en: 'Residents covered' }, formula: 'R = Σ_carreaux P · (A(carreau ∩ zone)/A(carreau)) · (mailles couvertes / mailles de rue du carreau)' },
  ],
  parameters: [
    { name: 'LoS α, β, γ (σ)', value: `${c.los.alpha}, ${c.los.beta}, ${c.los.gamma} (${c.los.sigmaDb} dB)`, unit: '', meaning: { fr: 'visibilité directe, rue urbaine ; valable 0,8–73 GHz, 5–660 m', en: 'line of sight, urban street; valid 0.8–73 GHz, 5–660 m' } },
    { name: 'NLoS urban α, β, γ (σ)', value: `${c.nlos.urban.alpha}, ${c.nlos.urban.beta}, ${c.nlos.urban.gamma} (${c.nlos.urban.sigmaDb} dB)`, unit: '', meaning: { fr: 'hors visibilité, urbain dense ; valable 0,8–38 GHz, 30–715 m', en: 'non line of sight, urban high-rise; valid 0.8–38 GHz, 30–715 m' } },
    { name: 'NLoS residential α, β, γ (σ)', value: `${c.nlos.residential.alpha}, ${c.nlos.residential.beta}, ${c.nlos.residential.gamma} (${c.nlos.residential.sigmaDb} dB)`, unit: '', meaning: { fr: 'hors visibilité, résidentiel ; valable 0,8–73 GHz, 30–170 m', en: 'non line of sight, residential; valid 0.8–73 GHz, 30–170 m' } },
    { name: 'f', value: '2.4 / 5.5', unit: 'GHz', meaning: { fr: 'fréquence des bandes 2,4 et 5 GHz', en: 'frequency of the 2.4 and 5 GHz bands' } },
    { name: 'eirpDbm', value: '20', unit: 'dBm', meaning: { fr: 'PIRE par défaut (limite européenne à 2,4 GHz, ETSI EN 300 328)', en: 'default EIRP (European limit at 2.4 GHz, ETSI EN 300 328)' } },
    { name: 'heightM', value: '4', unit: 'm', meaning: { fr: 'hauteur d’antenne par défaut (mobilier urbain, façade)', en: 'default antenna height (street furniture, facade)' } },
    { name: 'receiverHeightM', value: '1.5', unit: 'm', meaning: { fr: 'hauteur du terminal', en: 'receiver height' } },
    { name: 'thresholdDbm', value: '−70', unit: 'dBm', meaning: { fr: 'seuil de couverture (service web confortable)', en: 'coverage threshold (comfortable web use)' } },
    { name: 'floorDbm', value: '−95', unit: 'dBm', meaning: { fr: 'en dessous : pas de signal', en: 'below: no signal' } },
    { name: 'wallLossDb', value: '10', unit: 'dB', meaning: { fr: 'perte par mur traversé (hypothèse : mur maçonné à 2,4 GHz, cf. UIT-R P.2040 / P.1238)', en: 'loss per wall crossed (assumption: masonry wall at 2.4 GHz, cf. ITU-R P.2040 / P.1238)' } },
    { name: 'A_m, φ3dB', value: '20, 90', unit: 'dB, °', meaning: { fr: 'antenne secteur : atténuation maximale, ouverture', en: 'sector antenna: largest attenuation, beamwidth' } },
    { name: 'cellM', value: '4', unit: 'm', meaning: { fr: 'taille des mailles', en: 'cell size' } },
    { name: 'facades.spacingM', value: '3 (1–20)', unit: 'm', meaning: { fr: 'espacement des récepteurs sur les façades (option)', en: 'spacing of facade receivers (option)' } },
    { name: 'FACADE_OFFSET_M', value: '0.1', unit: 'm', meaning: { fr: 'distance du récepteur de façade à son mur', en: 'distance of a facade receiver off its wall' } },
  ],
  sources: [
    { label: 'ITU-R P.1411-10 (2019), Propagation data and prediction methods for the planning of short-range outdoor radiocommunication systems… §4.1.1, Table 4', url: 'https://www.itu.int/rec/R-REC-P.1411' },
    { label: 'ITU-R P.525-4, Calculation of free-space attenuation', url: 'https://www.itu.int/rec/R-REC-P.525' },
    { label: '3GPP TR 36.814 v9.2.0, Table A.2.1.1-2 (sector antenna pattern)' },
    { label: 'INSEE, Filosofi 200 m population squares (population grid layer)' },
    { label: 'Nemhauser, Wolsey, Fisher (1978), An analysis of approximations for maximizing submodular set functions (greedy bound 1 − 1/e)' },
    { label: 'three-mesh-bvh 0.9 (MIT)', url: 'https://github.com/gkjohnson/three-mesh-bvh' },
  ],
  validity: [
    { fr: 'Valeurs médianes : le modèle a un écart type de 5 à 8 dB autour d’elles ; un seuil à −70 dBm est donc atteint environ une fois sur deux au bord de la zone couverte.', en: 'Median values: the model has a standard deviation of 5 to 8 dB around them, so a −70 dBm threshold is reached about half the time at the edge of the covered area.' },
    { fr: 'Distances valables : 5–660 m en visibilité, 30–715 m hors visibilité (urbain) ; plus près, la formule est prolongée (au moins 1 m) ; au-delà de maxRangeM, ignoré.', en: 'Valid distances: 5–660 m in line of sight, 30–715 m out of it (urban); closer, the formula is extended (at least 1 m); beyond maxRangeM, ignored.' },
    { fr: 'Extérieur : au niveau de la rue et, en option, juste devant les façades ; l’intérieur des bâtiments n’est pas calculé (ajouter la perte d’un mur pour un récepteur juste derrière la façade). Façades : les murs doivent être orientés vers l’extérieur (triangles dans le sens direct vus du dehors), comme pour l’ensoleillement ; les candidats à la planification ne comptent que les mailles de rue.', en: 'Outdoors: at street level and, optionally, just in front of facades; inside buildings is not computed (add one wall loss for a receiver just behind the facade). Facades: walls must face outwards (triangles counter-clockwise seen from outside), as for sun hours; planning candidates count street cells only.' },
    { fr: 'Bâtiments LOD1 (sans arbres, véhicules ni mobilier) ; la perte par mur est une hypothèse à adapter aux matériaux.', en: 'LOD1 buildings (no trees, vehicles or street furniture); the wall loss is an assumption to adapt to materials.' },
    { fr: 'Pas d’interférences entre points d’accès, ni de capacité (nombre d’utilisateurs).', en: 'No interference between access points, and no capacity (number of users).' },
    { fr: 'Habitants supposés répartis uniformément sur les mailles de rue de leur carreau.', en: 'Residents assumed evenly spread over the street cells of their square.' },
  ],
  reference: {
    fr: 'Contrôles (tests/unit/workers/wifi-coverage.test.ts) : espace libre 100 m à 2,4 GHz = 80,05 dB ; valeurs P.1411 = formule de la Recommandation à 10, 50, 100 et 400 m ; RSSI décroissant avec la distance ; un mur entre point d’accès et récepteur retire exactement la perte par mur ; résultats identiques octet pour octet entre exécutions, entre 1, 2 ou 3 parts, et avec le noyau d’avant les optimisations (conservé comme référence, tests/unit/workers/wifi-coverage-v1.ts) ; façades : un mur face au point d’accès reçoit exactement la valeur en visibilité, le mur opposé du même bâtiment la valeur à travers deux murs ou par contournement, mêmes octets pour 1, 2 ou 3 parts, résultats de rue inchangés, pas de récepteur sur un mur mitoyen ; glouton comparé à la recherche exhaustive sur de petits cas.',
    en: 'Checks (tests/unit/workers/wifi-coverage.test.ts): free space 100 m at 2.4 GHz = 80.05 dB; P.1411 values = the Recommendation’s formula at 10, 50, 100 and 400 m; RSSI decreasing with distance; a wall between access point and receiver removes exactly the wall loss; results identical byte for byte between runs, between 1, 2 or 3 parts, and with the kernel before the speed work (kept as the reference, tests/unit/workers/wifi-coverage-v1.ts); facades: a wall facing the access point gets exactly the line-of-sight value, the opposite wall of the same building the through-two-walls or around value, the same bytes for 1, 2 or 3 parts, street results unchanged, no receiver on a party wall; greedy compared with exhaustive search on small cases.',
  },
};

export const wifiCoverageSimulation: SimulationDefinition<WifiCoverageInput, WifiCoverageOutput, WifiPartOutput> = {
  id: 'wifi-coverage',
  version: 2,
  title: { fr: 'Couverture wifi', en: 'Wifi coverage' },
  input: wifiCoverageInput,
  output: wifiCoverageOutput,
  card: WIFI_COVERAGE_CARD,
  needsCity: true,
  seeded: false,
  split: (input, workers) => splitIntoParts(input, workers),
  merge: (parts, input) => mergeWifi(parts, input),
  fileInputs: ['population', 'districts', 'priorityAreas'],
  example: {
    area: {
      type: 'Polygon',
      coordinates: [[[-1.6812, 48.1085], [-1.6788, 48.1085], [-1.6788, 48.1101], [-1.6812, 48.1101], [-1.6812, 48.1085]]],
    },
    city: { tileset: 'packs/demo/tileset.json' },
    accessPoints: [{ id: 'ap-1', position: [-1.68, 48.1093], heightM: 4, eirpDbm: 20, band: '2.4' }],
    candidates: [
      { id: 'c-1', position: [-1.6805, 48.1089], origin: 'candidate' },
      { id: 'c-2', position: [-1.6795, 48.1097], origin: 'candidate' },
    ],
    place: 1,
    cellM: 4,
  },
};
