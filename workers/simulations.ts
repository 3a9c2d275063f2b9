import { planBuildingStats, type BuildingStatsInput, type BuildingStatsOutput } from '../src/simulations/building-stats.ts';
import { areaBbox } from '../src/simulations/schemas.ts';
import { planSunHours, type SunHoursInput, type SunHoursPartOutput } from '../src/simulations/sun-hours.ts';
import type { SunPositionInput } from '../src/simulations/sun-position.ts';
import type { KernelRun } from './kernels/kernel.ts';
import { buildingStatsKernel, type BuildingStatsResult } from './kernels/building-stats.ts';
import { sunHoursKernel } from './kernels/sun-hours.ts';
import { sunPositionKernel } from './kernels/sun-position.ts';
import { wifiCoverageKernel } from './kernels/wifi-coverage.ts';
import { planWifi, type WifiCoverageInput, type WifiPartOutput } from '../src/simulations/wifi-coverage.ts';
import type { CityGeometry } from './kernels/sun-hours.ts';
import type { ScenarioEdits } from './kernels/scenario.ts';
import type { ParkingSearchInput } from '../src/simulations/parking-search.ts';
import type { WalkIsochronesInput } from '../src/simulations/walk-isochrones.ts';
import { startParking, startWalk, type MobilityEnv } from './mobility.ts';

/**
 * The worker side of each simulation: from a parsed input to a running kernel. Loading the city
 * is asynchronous (tiles are fetched); the kernel then runs synchronously, checkpoint by
 * checkpoint. Kept apart from the definitions so the page never bundles three.js or loaders.gl.
 */

export interface CityRequest {
  tileset: string;
  idProperties?: readonly string[];
  /** [west, south, east, north] degrees of the study area. */
  bboxDeg: [number, number, number, number];
  /** Reach beyond the area, metres (the tiles within it are loaded). */
  reachM: number;
  scenario?: ScenarioEdits;
}

export interface LoadedCity {
  geometry: CityGeometry;
  frame: { lonDeg: number; latDeg: number; heightM: number };
  tiles: number;
  notes: string[];
}

export interface KernelEnv extends MobilityEnv {
  /** The city's buildings for a study (cached by the runtime). */
  city(req: CityRequest): Promise<LoadedCity>;
}

export interface SimulationImpl {
  start(input: unknown, env: KernelEnv): Promise<KernelRun<unknown>>;
}

function* withCity(run: KernelRun<Omit<SunHoursPartOutput, 'frame' | 'ids' | 'tiles' | 'notes'>>, city: LoadedCity): KernelRun<SunHoursPartOutput> {
  const part = yield* run;
  // The ids of the buildings this part refers to.
  const used = new Set<number>();
  for (const b of part.cellBuilding) if (b >= 0) used.add(b);
  for (const b of part.facades.building) used.add(b);
  const ids: [number, string][] = [...used].sort((a, b) => a - b).map((b) => [b, city.geometry.buildingIds[b] ?? String(b)]);
  return { ...part, frame: city.frame, ids, tiles: city.tiles, notes: city.notes };
}

function* withWifiFrame(run: KernelRun<Omit<WifiPartOutput, 'frame' | 'tiles' | 'notes'>>, city: LoadedCity): KernelRun<WifiPartOutput> {
  const part = yield* run;
  return { ...part, frame: city.frame, tiles: city.tiles, notes: city.notes };
}

function* withFrame(run: KernelRun<BuildingStatsResult>, city: LoadedCity, storeyHeightM: number): KernelRun<BuildingStatsOutput> {
  const r = yield* run;
  return { ...r, frame: city.frame, storeyHeightM, tiles: city.tiles, notes: city.notes };
}

export const IMPLEMENTATIONS: Record<string, SimulationImpl> = {
  'sun-position': {
    start: (input) => Promise.resolve(sunPositionKernel(input as SunPositionInput)),
  },
  'sun-hours': {
    async start(raw, env) {
      const input = raw as SunHoursInput;
      const city = await env.city({
        tileset: input.city.tileset,
        ...(input.city.idProperties !== undefined ? { idProperties: input.city.idProperties } : {}),
        bboxDeg: areaBbox(input.area),
        reachM: input.horizonM,
        ...(input.scenario !== undefined ? { scenario: input.scenario } : {}),
      });
      return withCity(sunHoursKernel(planSunHours(input, city.frame), city.geometry), city);
    },
  },
  'wifi-coverage': {
    async start(raw, env) {
      const input = raw as WifiCoverageInput;
      const city = await env.city({
        tileset: input.city.tileset,
        ...(input.city.idProperties !== undefined ? { idProperties: input.city.idProperties } : {}),
        bboxDeg: areaBbox(input.area),
        reachM: input.maxRangeM,
        ...(input.scenario !== undefined ? { scenario: input.scenario } : {}),
      });
      return withWifiFrame(wifiCoverageKernel(planWifi(input, city.frame), city.geometry), city);
    },
  },
  'walk-isochrones': {
    start: (input, env) => startWalk(input as WalkIsochronesInput, env),
  },
  'parking-search': {
    start: (input, env) => startParking(input as ParkingSearchInput, env),
  },
  'building-stats': {
    async start(raw, env) {
      const input = raw as BuildingStatsInput;
      const city = await env.city({
        tileset: input.city.tileset,
        ...(input.city.idProperties !== undefined ? { idProperties: input.city.idProperties } : {}),
        bboxDeg: areaBbox(input.area),
        reachM: input.reachM,
        ...(input.scenario !== undefined ? { scenario: input.scenario } : {}),
      });
      const g = city.geometry;
      const arrays = { positions: g.positions, index: g.index, vertexBuilding: g.vertexBuilding, buildingIds: [...g.buildingIds] };
      return withFrame(buildingStatsKernel(planBuildingStats(input, city.frame), arrays), city, input.storeyHeightM);
    },
  },
};
