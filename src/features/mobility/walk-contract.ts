import { z } from 'zod';
import { enuFrame } from '../../core/geodesy.ts';
import type { WalkOutput } from './walk-kernel.ts';
import { lonLat } from '../../core/simulation/schemas.ts';
import type { MethodCard, SimulationDefinition } from '../../core/simulation/types.ts';

/**
 * `walk-isochrones`: walking time over the street graph from a point or from every amenity of a
 * type, drawn as coloured streets and an area; the share of residents within 15 minutes of each
 * amenity type, per district and QPV vs elsewhere, and what planned stops would change.
 */

const url = z.string().min(1).max(2000);

const amenity = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{1,60}$/, 'lower-case letters, digits and dashes'),
    url: url.describe('GeoJSON of the amenities (points, or polygons counted by their centroid)'),
  })
  .strict();

export const walkIsochronesInput = z
  .object({
    streets: url.describe('GeoJSON of OSM-tagged street lines (highway, oneway, foot)'),
    origin: z
      .union([z.object({ point: lonLat }).strict(), z.object({ amenity: z.string().min(1).max(60) }).strict()])
      .describe('a clicked point, or the id of one of the amenity types'),
    amenities: z.array(amenity).max(12).default([]).describe('amenity types for origins and indicators'),
    population: url.optional().describe('GeoJSON population grid (ind_c or population per cell)'),
    districts: url.optional().describe('GeoJSON districts (cells outside every district are not counted)'),
    priorityAreas: url.optional().describe('GeoJSON priority areas (QPV)'),
    scenario: z
      .object({ id: z.string().regex(/^[a-z0-9-]{1,60}$/), baseType: z.string().min(1).max(60), url })
      .strict()
      .optional()
      .describe('planned stops added to an amenity type'),
    speedMps: z.number().min(0.3).max(3).default(1.4).describe('walking speed, m/s'),
    bandsMin: z.array(z.number().gt(0).max(60)).min(1).max(6).default([5, 10, 15]).describe('isochrone limits, minutes, increasing'),
    kpiMin: z.number().gt(0).max(60).default(15).describe('threshold of the indicators, minutes'),
    cellM: z.number().min(5).max(200).default(20).describe('area raster cell, metres'),
    spreadM: z.number().min(0).max(300).default(60).describe('how far the area spreads off the street, metres'),
    maxSnapM: z.number().min(10).max(2000).default(300).describe('farthest a point may be from a street, metres'),
    snapM: z.number().min(0).max(10).default(1).describe('vertices closer than this are one node, metres'),
  })
  .strict()
  .superRefine((v, ctx) => {
    for (let i = 1; i < v.bandsMin.length; i++) if (!(v.bandsMin[i]! > v.bandsMin[i - 1]!)) ctx.addIssue({ code: 'custom', path: ['bandsMin', i], message: 'bands must increase' });
    if ('amenity' in v.origin && !v.amenities.some((a) => a.id === (v.origin as { amenity: string }).amenity)) ctx.addIssue({ code: 'custom', path: ['origin', 'amenity'], message: 'not one of the amenity ids' });
    if (new Set(v.amenities.map((a) => a.id)).size !== v.amenities.length) ctx.addIssue({ code: 'custom', path: ['amenities'], message: 'amenity ids must be unique' });
  });

export type WalkIsochronesInput = z.output<typeof walkIsochronesInput>;

export interface WalkIsochronesOutput extends WalkOutput {
  notes: string[];
}

const kpi = z.object({ type: z.string(), points: z.number().int().min(0), residents: z.number().min(0), within: z.number().min(0), share: z.number().min(0).max(1), qpvShare: z.number().min(0).max(1), elsewhereShare: z.number().min(0).max(1), districts: z.array(z.object({ name: z.string(), residents: z.number().min(0), share: z.number().min(0).max(1) })) });

export const walkIsochronesOutput: z.ZodType<WalkIsochronesOutput> = z
  .object({
    graph: z.object({ nodes: z.number().int().min(0), edges: z.number().int().min(0), mainNodes: z.number().int().min(0) }),
    origins: z.object({ snapped: z.number().int().min(0), unsnapped: z.number().int().min(0) }),
    nodeTimeS: z.instanceof(Float32Array),
    edgeCoords: z.instanceof(Float64Array),
    edgeBand: z.instanceof(Uint8Array),
    area: z.object({ frame: z.object({ lonDeg: z.number(), latDeg: z.number(), heightM: z.number() }), grid: z.object({ x0: z.number(), y0: z.number(), cellM: z.number().positive(), cols: z.number().int().min(0), rows: z.number().int().min(0) }), band: z.instanceof(Uint8Array) }),
    bandsS: z.array(z.number().positive()),
    bandLengthM: z.array(z.number().min(0)),
    settled: z.number().int().min(0),
    kpis: z.array(kpi),
    scenario: z.object({ id: z.string(), baseType: z.string(), before: kpi, after: kpi }).nullable(),
    notes: z.array(z.string()),
  })
  .superRefine((o, ctx) => {
    if (o.edgeCoords.length !== 4 * o.edgeBand.length) ctx.addIssue({ code: 'custom', path: ['edgeBand'], message: 'edges and bands disagree' });
    if (o.area.band.length !== o.area.grid.cols * o.area.grid.rows) ctx.addIssue({ code: 'custom', path: ['area'], message: 'raster size disagrees with its grid' });
    if (o.nodeTimeS.length !== o.graph.nodes) ctx.addIssue({ code: 'custom', path: ['nodeTimeS'], message: 'one time per node' });
  }) as unknown as z.ZodType<WalkIsochronesOutput>;

export const WALK_CARD: MethodCard = {
  title: { fr: 'Accessibilité piétonne (isochrones, ville du quart d’heure)', en: 'Walking accessibility (isochrones, 15-minute city)' },
  summary: {
    fr: 'Temps de marche par les rues depuis un point ou depuis tous les équipements d’un type ; part des habitants à moins de 15 minutes de chaque type, par quartier et en QPV.',
    en: 'Walking time along streets from a point or from every amenity of a type; share of residents within 15 minutes of each type, per district and in priority areas (QPV).',
  },
  model: {
    fr: 'Graphe des rues OSM : un nœud par sommet (les sommets à moins de 1 m sont fusionnés, ce qui relie les voies aux carrefours), une arête par segment avec sa longueur géodésique (haversine). Les piétons empruntent toutes les voies sauf autoroutes et voies express, dans les deux sens. Dijkstra multi-sources (tas binaire) depuis les origines rattachées au nœud le plus proche du plus grand réseau connexe (la distance de rattachement est comptée). Les habitants d’un carreau INSEE de 200 m sont placés à son centre, rattaché de même.',
    en: 'OSM street graph: one node per vertex (vertices within 1 m are merged, which joins ways at junctions), one edge per segment with its geodesic (haversine) length. Walkers use every way except motorways and trunk roads, both ways. Multi-source Dijkstra (binary heap) from origins joined to their nearest node of the largest connected network (the joining distance counts). Residents of an INSEE 200 m cell are placed at its centre, joined the same way.',
  },
  equations: [
    { label: { fr: 'Temps de marche', en: 'Walking time' }, formula: 't(n) = min_o [ d_snap(o) + d_graphe(o, n) ] / v' },
    { label: { fr: 'Indicateur', en: 'Indicator' }, formula: 'part = Σ_carreaux pop · [t(carreau) ≤ 15 min] / Σ_carreaux pop' },
    { label: { fr: 'Surface', en: 'Area' }, formula: 't(maille) = min_n [ t(n) + |maille − n| / v ],  |maille − n| ≤ 60 m' },
  ],
  parameters: [
    { name: 'speedMps', value: '1.4', unit: 'm/s', meaning: { fr: 'vitesse de marche (≈ 5 km/h)', en: 'walking speed (≈ 5 km/h)' } },
    { name: 'bandsMin', value: '5, 10, 15', unit: 'min', meaning: { fr: 'limites des isochrones', en: 'isochrone limits' } },
    { name: 'kpiMin', value: '15', unit: 'min', meaning: { fr: 'seuil de l’indicateur', en: 'indicator threshold' } },
    { name: 'maxSnapM', value: '300', unit: 'm', meaning: { fr: 'distance maximale de rattachement au réseau', en: 'largest distance to join the network' } },
    { name: 'spreadM', value: '60', unit: 'm', meaning: { fr: 'étalement de la surface hors des rues', en: 'spread of the area off the streets' } },
  ],
  sources: [
    { label: 'OpenStreetMap contributors, Rennes named streets 2014 (ODbL)' },
    { label: 'INSEE, carroyage 200 m (Filosofi), Licence Ouverte' },
    { label: 'Dijkstra E. W. (1959), A note on two problems in connexion with graphs, Numerische Mathematik 1' },
    { label: 'Moreno C. et al. (2021), Introducing the “15-Minute City”, Smart Cities 4(1)' },
  ],
  validity: [
    { fr: 'Le fichier OSM de Rennes ne contient que les voies nommées (2014) : sentiers et traversées sans nom manquent, les temps sont donc des majorants.', en: 'The Rennes OSM file holds only named ways (2014): unnamed paths and crossings are missing, so times are upper bounds.' },
    { fr: 'Les voies qui se croisent sans sommet commun (ponts, tunnels, ou exports incomplets) ne sont pas reliées.', en: 'Ways that cross without a shared vertex (bridges, tunnels, or incomplete exports) are not connected.' },
    { fr: 'Pas d’attente aux feux, pas de pente ; vitesse uniforme.', en: 'No waiting at signals, no slope; uniform speed.' },
    { fr: 'Carroyage INSEE ancien (≈ 2010) ; un carreau compte pour son centre.', en: 'Old INSEE grid (≈ 2010); a cell counts for its centre.' },
  ],
  reference: {
    fr: 'Distances égales à un Dijkstra mono-source brut (sans tas) sur des graphes aléatoires (fast-check, tests/unit/features/mobility/street-graph.test.ts) ; graphe de Rennes et indicateurs sur les données réelles (tests/integration/mobility.integration.test.ts).',
    en: 'Distances equal a brute-force single-source Dijkstra (no heap) on random graphs (fast-check, tests/unit/features/mobility/street-graph.test.ts); the Rennes graph and indicators on the real data (tests/integration/mobility.integration.test.ts).',
  },
};

export const walkIsochronesSimulation: SimulationDefinition<WalkIsochronesInput, WalkIsochronesOutput> = {
  id: 'walk-isochrones',
  version: 1,
  title: { fr: 'Accessibilité à pied', en: 'Walking accessibility' },
  input: walkIsochronesInput,
  output: walkIsochronesOutput,
  card: WALK_CARD,
  needsCity: false,
  seeded: false,
  example: {
    streets: 'packs/demo/layers/osm-streets.geojson',
    origin: { amenity: 'metro-stations' },
    amenities: [{ id: 'metro-stations', url: 'packs/demo/layers/metro-stations.geojson' }],
  },
};

/**
 * The isochrone areas as GeoJSON: one MultiPolygon per band, made of the raster's cells reached
 * within the band (runs of cells along a row, merged with identical runs of the rows above), in
 * lon/lat degrees. Bands are cumulative (the 10-minute area contains the 5-minute one).
 */
export function isochroneGeoJson(o: Pick<WalkOutput, 'area' | 'bandsS'>): { type: 'FeatureCollection'; features: { type: 'Feature'; properties: { minutes: number; cells: number }; geometry: { type: 'MultiPolygon'; coordinates: number[][][][] } }[] } {
  const { grid, band, frame } = o.area;
  const f = enuFrame(frame);
  const ll = (x: number, y: number) => {
    const g = f.toGeodetic(x, y, 0);
    return [Math.round(g.lonDeg * 1e7) / 1e7, Math.round(g.latDeg * 1e7) / 1e7];
  };
  const features = o.bandsS.map((s, b) => {
    // Open rectangles keyed by "start,end" column run, with the row they started on.
    let open = new Map<string, number>();
    const rects: [number, number, number, number][] = [];
    let cells = 0;
    for (let r = 0; r <= grid.rows; r++) {
      const runs = new Map<string, number>();
      if (r < grid.rows) {
        let c = 0;
        while (c < grid.cols) {
          if (band[r * grid.cols + c]! > b) {
            c++;
            continue;
          }
          const c0 = c;
          while (c < grid.cols && band[r * grid.cols + c]! <= b) c++;
          cells += c - c0;
          const key = `${c0},${c}`;
          runs.set(key, open.get(key) ?? r);
        }
      }
      for (const [key, r0] of open) {
        if (runs.get(key) === r0) continue;
        const [c0, c1] = key.split(',').map(Number) as [number, number];
        rects.push([c0, r0, c1, r]);
      }
      open = runs;
    }
    const coordinates = rects.map(([c0, r0, c1, r1]) => {
      const x0 = grid.x0 + c0 * grid.cellM, x1 = grid.x0 + c1 * grid.cellM, y0 = grid.y0 + r0 * grid.cellM, y1 = grid.y0 + r1 * grid.cellM;
      return [[ll(x0, y0), ll(x1, y0), ll(x1, y1), ll(x0, y1), ll(x0, y0)]];
    });
    return { type: 'Feature' as const, properties: { minutes: s / 60, cells }, geometry: { type: 'MultiPolygon' as const, coordinates } };
  });
  return { type: 'FeatureCollection', features };
}
