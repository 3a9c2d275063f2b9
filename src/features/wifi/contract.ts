import { z } from 'zod';
import { enuFrame, metresPerDegree } from '../../core/geodesy.ts';
import type { PolygonM } from '../../core/grid.ts';
import { area, areaBbox, areaGeometry, areaKm2, areaPolygons, lonLat } from '../../core/simulation/schemas.ts';
import { simScenarioSchema as scenarioSchema } from '../../core/simulation/scenario-input.ts';
import { splitIntoParts, type SimulationDefinition } from '../../core/simulation/types.ts';
import { planHotspots, residentsPerCell, wifiKpis, type LonLatPolygons, type NamedArea, type PopulationSquare, type WifiKpis } from './figures.ts';
import { WIFI_COVERAGE_CARD } from './method-card.ts';
import { wifiCoverageOutput, wifiFacadeKpi, type WifiCoverageOutput, type WifiFacadeOutput, type WifiPartOutput } from './output.ts';
import { mergeWifiParts, type WifiFacades } from './parts.ts';
import { FACADE_SPACING_M, type WifiPlan } from './plan.ts';
import type { AntennaPattern, Transmitter } from './propagation.ts';

export { WIFI_COVERAGE_CARD } from './method-card.ts';
export { wifiCoverageOutput, wifiFacadeKpi, type WifiCoverageOutput, type WifiFacadeKpi, type WifiFacadeOutput, type WifiPartOutput } from './output.ts';

/**
 * `wifi-coverage`: best-server wifi signal at street level over an area, with buildings in the
 * way, the share of area and residents covered (per district, in priority areas and elsewhere),
 * and the greedy placement of new hotspots among candidate sites. The input schema, the plan
 * for the kernel, the merge of parts and the definition are here; the output schema is in
 * output.ts, the method card in method-card.ts.
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

export const wifiCoverageInput = baseInput.superRefine((v, ctx) => {
  if (v.part !== undefined && v.part.index >= v.part.count) ctx.addIssue({ code: 'custom', path: ['part', 'index'], message: 'part index must be below part count' });
  if (v.floorDbm > v.thresholdDbm) ctx.addIssue({ code: 'custom', path: ['floorDbm'], message: 'the floor must not be above the coverage threshold' });
  const [w, s, e, n] = areaBbox(v.area);
  const m = metresPerDegree((s + n) / 2);
  if ((e - w) * m.lonM > 5000 || (n - s) * m.latM > 5000) ctx.addIssue({ code: 'custom', path: ['area'], message: 'the area must fit in 5 km × 5 km' });
  const km2 = areaKm2(v.area);
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
