import type { WifiCoverageOutput } from './contract.ts';
import { openWifiSites, polygonsFc, ringBbox, sideAccessPoints, wifiInput, type WifiSite } from './inputs.ts';
import { populationGridLayer } from '../../layers/population-grid.ts';
import { wifiLayer } from '../../layers/wifi.ts';
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
  /**
   * The study's layer data (`study.data`): the wifi access points in service (empty: the city has
   * none known; left out when they fail to load, and `input` says so) and the population squares
   * meeting the area (GeoJSON; left out when the city has none).
   */
  prepare: async (source, study) => {
    const [wifi, pop] = await Promise.all([source.features(wifiLayer).catch(() => undefined), source.features(populationGridLayer).catch(() => null)]);
    return {
      data: {
        ...(wifi !== undefined ? { wifiSites: openWifiSites(wifi ?? [], source.city.bbox) } : {}),
        ...(pop !== null ? { population: polygonsFc(pop, ringBbox(study.area)) } : {}),
      },
    };
  },
  input: (ctx) => {
    const data = ctx.study.data as { wifiSites?: readonly WifiSite[]; population?: unknown } | undefined;
    const sites = data?.wifiSites;
    if (sites === undefined) throw new Error('the wifi access points of this city could not be loaded');
    const population = data?.population;
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
