import type { ParkingSearchOutput } from './parking-contract.ts';
import { packFiles, parkingInput, parkingScenarioOf, TRANSIT_AMENITY, walkInput } from './inputs.ts';
import type { WalkIsochronesOutput } from './walk-contract.ts';
import { runOutput, type KpiProvider, type KpiRun, type KpiSide, type KpiSource, type KpiStudyAdditions } from '../../scenarios/kpi.ts';

/**
 * Mobility indicators (issue 8's simulations) from the city pack's files: the mean time drivers
 * spend cruising for a space (`parking-search`, the scenario's closed, changed and added car
 * parks), and the residents within 15 minutes' walk of a metro station (`walk-isochrones`).
 * A city whose pack lacks the files gets the reason on the row, never a number.
 */

/** The study's `files`: the open city pack's layer files, as absolute URLs (headless callers set them). */
const withPackFiles = (source: KpiSource): Promise<KpiStudyAdditions> => Promise.resolve({ files: packFiles(source.city.packUrl, source.city.packLayers, source.base) });

export const PARKING_RUN: KpiRun = {
  id: 'parking-search',
  simulation: 'parking-search',
  title: { fr: 'Recherche de stationnement', en: 'Parking search' },
  prepare: withPackFiles,
  input: (ctx) => parkingInput(ctx.study.files ?? {}, { seed: 1, scenario: ctx.side === 'scenario' ? parkingScenarioOf(ctx.effect.carParks) : null }),
};

export const TRANSIT_RUN: KpiRun = {
  id: 'walk-transit',
  simulation: 'walk-isochrones',
  title: { fr: 'Accès à pied aux transports', en: 'Walking access to transit' },
  prepare: withPackFiles,
  input: (ctx) => {
    const files = ctx.study.files ?? {};
    if (files['metro-stations'] === undefined) throw new Error('this city’s pack has no transit stations layer (metro-stations)');
    if (files['population-grid'] === undefined) throw new Error('this city’s pack has no population grid (population-grid)');
    return walkInput(files, { origin: { amenity: TRANSIT_AMENITY }, amenities: [TRANSIT_AMENITY], kpiMin: 15 });
  },
};

/** Mean cruising time of one side, minutes: the run's scenario day on the scenario side. */
export function meanCruiseMin(side: KpiSide): number {
  const o = runOutput<ParkingSearchOutput>(side, PARKING_RUN);
  const day = side.side === 'scenario' ? (o.scenario ?? o.baseline) : o.baseline;
  return day.meanCruiseS / 60;
}

/** Residents within the threshold of a transit station on one side. */
export function residentsNearTransit(side: KpiSide): number {
  const o = runOutput<WalkIsochronesOutput>(side, TRANSIT_RUN);
  const k = o.kpis.find((x) => x.type === TRANSIT_AMENITY);
  if (k === undefined || !(k.residents > 0)) throw new Error('no resident counted: the population grid does not meet the street graph');
  return k.within;
}

export const parkingCruiseKpi: KpiProvider = {
  id: 'parking-cruise',
  label: { fr: 'Temps moyen de recherche de stationnement', en: 'Mean parking cruising time' },
  unit: 'min',
  better: 'lower',
  decimals: 2,
  runs: [PARKING_RUN],
  compute: (b, s) => ({ baseline: meanCruiseMin(b), scenario: meanCruiseMin(s) }),
  method: {
    fr: 'Simulation « recherche de stationnement » (multi-agents, une journée, graine 1, calibrée sur l’occupation relevée) ; scénario : parkings fermés, capacités et prix changés, parkings ajoutés (prix 1,5 €/h s’il n’est pas donné ; un déplacement de parking n’est pas simulé). Temps de recherche moyen par visiteur, minutes.',
    en: '“Parking search” simulation (agent-based, one day, seed 1, calibrated on recorded occupancy); scenario: closed car parks, changed capacities and prices, added car parks (€1.5/h when no price is given; moving a car park is not simulated). Mean search time per visitor, minutes.',
  },
};

export const transitAccessKpi: KpiProvider = {
  id: 'transit-15min',
  label: { fr: 'Habitants à moins de 15 min à pied d’une station', en: 'Residents within 15 min walk of transit' },
  unit: '',
  better: 'higher',
  decimals: 0,
  runs: [TRANSIT_RUN],
  compute: (b, s) => ({ baseline: residentsNearTransit(b), scenario: residentsNearTransit(s) }),
  method: {
    fr: 'Simulation « isochrones à pied » depuis toutes les stations de métro du pack, sur le graphe des rues OSM, 1,4 m/s ; habitants des carreaux INSEE 200 m (toute la ville, pas seulement la zone d’étude) à moins de 15 min. Les modifications du scénario ne touchent pas encore le réseau ni les stations : seuls les paramètres de « walk-isochrones » changent ce chiffre.',
    en: '“Walking isochrones” simulation from every metro station of the pack, over the OSM street graph, 1.4 m/s; residents of the INSEE 200 m squares (the whole city, not only the study area) within 15 min. Scenario edits do not change the network or stations yet: only “walk-isochrones” parameters change this number.',
  },
};
