import type { BuildingStatsOutput } from './contract.ts';
import { runOutput, type KpiProvider, type KpiRun, type KpiSide } from '../../scenarios/kpi.ts';

/**
 * Building indicators from the `building-stats` simulation (the city's geometry with the
 * scenario's edits): number of buildings, built footprint, gross floor area, tallest building.
 */

export const BUILDING_STATS_RUN: KpiRun = {
  id: 'building-stats',
  simulation: 'building-stats',
  title: { fr: 'Statistiques des bâtiments', en: 'Building statistics' },
  input: (ctx) => ({
    area: ctx.areaPolygon,
    city: { tileset: ctx.study.city.tileset, ...(ctx.study.city.idProperties !== undefined ? { idProperties: [...ctx.study.city.idProperties] } : {}) },
    ...(ctx.scenario !== undefined ? { scenario: ctx.scenario } : {}),
  }),
};

function stats(side: KpiSide): BuildingStatsOutput['totals'] {
  return runOutput<BuildingStatsOutput>(side, BUILDING_STATS_RUN).totals;
}

const METHOD = {
  fr: 'Simulation « statistiques des bâtiments » sur la géométrie 3D (scénario compris) : bâtiments dont le centre de l’emprise est dans la zone d’étude.',
  en: '“Building statistics” simulation on the 3D geometry (scenario included): buildings whose footprint centre lies in the study area.',
};

export const buildingCountKpi: KpiProvider = {
  id: 'building-count',
  label: { fr: 'Nombre de bâtiments', en: 'Number of buildings' },
  unit: '',
  better: 'neutral',
  decimals: 0,
  runs: [BUILDING_STATS_RUN],
  compute: (b, s) => ({ baseline: stats(b).count, scenario: stats(s).count }),
  method: METHOD,
};

export const footprintKpi: KpiProvider = {
  id: 'footprint',
  label: { fr: 'Emprise bâtie', en: 'Built footprint' },
  unit: 'm²',
  better: 'neutral',
  decimals: 0,
  runs: [BUILDING_STATS_RUN],
  compute: (b, s) => ({ baseline: stats(b).footprintM2, scenario: stats(s).footprintM2 }),
  method: METHOD,
};

export const floorAreaKpi: KpiProvider = {
  id: 'floor-area',
  label: { fr: 'Surface de plancher (estimée)', en: 'Floor area (estimated)' },
  unit: 'm²',
  better: 'neutral',
  decimals: 0,
  runs: [BUILDING_STATS_RUN],
  compute: (b, s) => ({ baseline: stats(b).floorAreaM2, scenario: stats(s).floorAreaM2 }),
  method: { fr: `${METHOD.fr} Emprise × niveaux (déclarés, ou hauteur / 3 m).`, en: `${METHOD.en} Footprint × floors (declared, or height / 3 m).` },
};

export const maxHeightKpi: KpiProvider = {
  id: 'max-height',
  label: { fr: 'Hauteur maximale', en: 'Maximum height' },
  unit: 'm',
  better: 'neutral',
  decimals: 1,
  runs: [BUILDING_STATS_RUN],
  compute: (b, s) => ({ baseline: stats(b).maxHeightM, scenario: stats(s).maxHeightM }),
  method: METHOD,
};
