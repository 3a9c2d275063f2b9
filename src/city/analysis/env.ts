import type { KernelRun } from '../../core/simulation/kernel.ts';
import type { ScenarioEdits } from './scenario.ts';
import type { CityGeometry } from './geometry.ts';

/**
 * What a simulation's worker side gets from the runtime (workers/runtime.ts), and the one helper
 * every simulation that needs the city's buildings uses to get them: {@link startWithCity}.
 * A feature binds its simulations to kernels in its `worker.ts` (`WorkerBindings`), which the
 * runtime loads lazily from the feature list (src/app/features.ts).
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

export interface KernelEnv {
  /** The city's buildings for a study (cached by the runtime). */
  city(req: CityRequest): Promise<LoadedCity>;
  /** The bytes of a file or URL (cached by the runtime). */
  bytes(url: string): Promise<Uint8Array>;
}

/** The worker side of one simulation: from a parsed input to a running kernel. */
export interface SimulationImpl {
  start(input: unknown, env: KernelEnv): Promise<KernelRun<unknown>>;
}

/** A feature's simulations bound to their kernels, by simulation id. */
export type WorkerBindings = Readonly<Record<string, SimulationImpl>>;

/** The city part of an input, as every city simulation's contract has it. */
export interface CityInput {
  city: { tileset: string; idProperties?: readonly string[] | undefined };
  scenario?: ScenarioEdits | undefined;
}

/**
 * Loads the city a study needs (the tiles within `reachM` of `bboxDeg`, with the input's
 * scenario applied), then starts `run` on it and lets `finish` add what the page needs from the
 * city (frame, tile count, notes) to the kernel's result.
 */
export async function startWithCity<R, O>(
  env: KernelEnv,
  input: CityInput,
  area: { bboxDeg: [number, number, number, number]; reachM: number },
  run: (city: LoadedCity) => KernelRun<R>,
  finish: (result: R, city: LoadedCity) => O,
): Promise<KernelRun<O>> {
  const city = await env.city({
    tileset: input.city.tileset,
    ...(input.city.idProperties !== undefined ? { idProperties: input.city.idProperties } : {}),
    bboxDeg: area.bboxDeg,
    reachM: area.reachM,
    ...(input.scenario !== undefined ? { scenario: input.scenario } : {}),
  });
  return (function* () {
    const r = yield* run(city);
    return finish(r, city);
  })();
}

/** What every city result carries from its city: the frame, tiles read and loading notes. */
export const cityFacts = (city: LoadedCity) => ({ frame: city.frame, tiles: city.tiles, notes: city.notes });
