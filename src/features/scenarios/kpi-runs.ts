import type { AppContext, OpenCity } from '../../app/context.ts';
import type { ModelTriangles } from '../../scenarios/simulate.ts';
import { computeKpiTable, prepareStudy, type KpiRunner } from '../../scenarios/kpi.ts';
import { applyEdits } from '../../scenarios/model.ts';
import { autoStudyArea, toSimScenario } from '../../scenarios/simulate.ts';
import { lazySimulationClient } from '../../simulations/client.ts';
import { createLayerData } from '../../sources/layer-data.ts';
import type { ControllerCity, KpiEngine } from './controller.ts';
import type { Outlines } from './tools-view.ts';

/**
 * How the scenario comparison runs on the page: every simulation on the app's shared worker
 * pool (cancelled with the comparison), and the layer data the indicator runs prepare (the
 * wifi access points and population squares may come from open-data services) loaded for the
 * open city and kept until it closes.
 */
export interface KpiRuns extends KpiEngine {
  /** The open city as the controller sees it (its buildings as the simulations take them). */
  city(): ControllerCity | null;
  /** The outlines of the city's buildings in `area` (a GeoJSON polygon), for snapping; null on failure. */
  outlines(area: unknown, tileset: string, idProperties: readonly string[]): Promise<Outlines | null>;
  /** Forgets the layer data of the city that closed. */
  clearCity(): void;
  dispose(): void;
}

/** The comparison engine of the page; `modelTriangles` gives an imported model's triangles. */
export function createKpiRuns(ctx: AppContext, o: { city(): OpenCity | null; modelTriangles(sha: string): ModelTriangles | null }): KpiRuns {
  const sims = lazySimulationClient(() => ctx.simulationPool(), { owned: false });
  const layerData = createLayerData(() => ctx.state.offline === true);
  return {
    autoArea: (edits) => autoStudyArea(edits),
    simScenario: (edits) => toSimScenario(applyEdits(edits), (sha) => o.modelTriangles(sha)),
    start() {
      const city = o.city();
      const ac = new AbortController();
      const c = sims.get();
      const runner: KpiRunner = async (sim, input, r) => {
        const res = await c.run(sim, input, { key: r.key, signal: ac.signal });
        return res.ok ? { ok: true, value: res.value, ms: res.info.ms } : { ok: false, error: res.error, ms: res.info.ms };
      };
      return {
        abort: () => ac.abort(),
        prepare: (providers, study) => {
          if (city === null) return Promise.reject(new Error('no city open'));
          return prepareStudy(providers, study, { city: city.config, base: location.href, features: (def) => layerData.features(city, def) });
        },
        compute: (providers, study, edits, simScenario, onStep) => computeKpiTable(providers, study, edits, runner, { simScenario, signal: ac.signal, onStep }),
      };
    },
    city() {
      const c = o.city();
      if (c === null) return null;
      return {
        synthetic: c.config.synthetic === true,
        ...(c.config.timeZone !== undefined ? { timeZone: c.config.timeZone } : {}),
        buildings: () => {
          const b = c.config.buildings;
          return b === undefined ? null : { tileset: new URL(b.url, location.href).href, idProperties: [...b.idProperties] };
        },
      };
    },
    outlines: (area, tileset, idProperties) =>
      sims
        .get()
        .run<Outlines>('building-stats', { area, city: { tileset, idProperties: [...idProperties] }, outlines: true, reachM: 0 }, { key: 'scenario-snap', parts: 1 })
        .then((r) => (r.ok ? r.value : null)),
    clearCity: () => layerData.clear(),
    dispose() {
      sims.dispose();
      layerData.dispose();
    },
  };
}
