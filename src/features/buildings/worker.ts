import { areaBbox } from '../../core/simulation/schemas.ts';
import { cityFacts, startWithCity, type WorkerBindings } from '../../city/analysis/env.ts';
import { planBuildingStats, type BuildingStatsInput } from './contract.ts';
import { buildingStatsKernel } from './kernel.ts';

/** The building statistics bound to their kernel (worker side; see city/analysis/env.ts). */
export const bindings: WorkerBindings = {
  'building-stats': {
    start(raw, env) {
      const input = raw as BuildingStatsInput;
      return startWithCity(
        env,
        input,
        { bboxDeg: areaBbox(input.area), reachM: input.reachM },
        (city) => {
          const g = city.geometry;
          return buildingStatsKernel(planBuildingStats(input, city.frame), { positions: g.positions, index: g.index, vertexBuilding: g.vertexBuilding, buildingIds: [...g.buildingIds] });
        },
        (r, city) => ({ ...r, ...cityFacts(city), storeyHeightM: input.storeyHeightM }),
      );
    },
  },
};
