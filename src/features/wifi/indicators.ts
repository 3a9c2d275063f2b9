import type { WifiCoverageOutput } from './contract.ts';
import { sideAccessPoints, wifiInput } from './inputs.ts';
import { runOutput, type KpiProvider, type KpiRun, type KpiSide } from '../../scenarios/kpi.ts';

/**
 * Wifi indicator (issue 7's simulation): residents of the study area covered by wifi, with the
 * open-data access points on the baseline side and, on the scenario side, the hotspots the
 * scenario adds, moves or removes; added buildings and models are walls for both the signal
 * and the street-level cells.
 */

export const WIFI_RUN: KpiRun = {
  id: 'wifi-coverage',
  simulation: 'wifi-coverage',
  title: { fr: 'Couverture wifi', en: 'Wifi coverage' },
  input: (ctx) => {
    const sites = ctx.study.data?.wifiSites;
    if (sites === undefined) throw new Error('the wifi access points of this city could not be loaded');
    const population = ctx.study.data?.population;
    if (population === undefined) throw new Error('this city has no population grid (population-grid)');
    return wifiInput({
      ring: ctx.study.area,
      city: ctx.study.city,
      accessPoints: sideAccessPoints(sites, ctx.effect.hotspots),
      params: { cellM: ctx.study.cellM },
      population,
      ...(ctx.scenario !== undefined ? { scenario: ctx.scenario } : {}),
    });
  },
};

/** Residents covered on one side. */
export function coveredResidents(side: KpiSide): number {
  const o = runOutput<WifiCoverageOutput>(side, WIFI_RUN);
  if (!o.kpi.hasPopulation || !(o.kpi.residents > 0)) throw new Error('no resident in the study area');
  return o.kpi.coveredResidents;
}

export const wifiResidentsKpi: KpiProvider = {
  id: 'wifi-residents',
  label: { fr: 'Habitants couverts par le wifi', en: 'Residents covered by wifi' },
  unit: '',
  better: 'higher',
  decimals: 0,
  runs: [WIFI_RUN],
  compute: (b, s) => ({ baseline: coveredResidents(b), scenario: coveredResidents(s) }),
  method: {
    fr: 'Simulation « couverture wifi » (UIT-R P.1411, murs des bâtiments du scénario compris) sur la zone d’étude : bornes ouvertes en service (données ouvertes), puis bornes ajoutées, déplacées ou retirées par le scénario ; habitants des carreaux INSEE 200 m répartis sur les mailles de rue, couverts au-delà de −70 dBm.',
    en: '“Wifi coverage” simulation (ITU-R P.1411, walls of the scenario’s buildings included) over the study area: open-data access points in service, then hotspots added, moved or removed by the scenario; residents of the INSEE 200 m squares spread over street cells, covered at −70 dBm or more.',
  },
};
