import type { SimResult } from '../../core/simulation/types.ts';
import { AMENITY_LAYERS, type PackFiles } from './inputs.ts';
import type { ParkingSearchOutput } from './parking-contract.ts';
import type { WalkIsochronesOutput } from './walk-contract.ts';
import { parkRequest, parkSummary, type ParkFigures, type ParkParams, type ParkRequest } from './park-controller.ts';
import { walkRequest, walkSummary, type WalkFigures, type WalkParams, type WalkRequest } from './walk-controller.ts';

/**
 * The mobility feature's state and decisions, without DOM or Cesium: which studies the open
 * city's pack allows, the run flow (running, cancelled, failed) and what the end-to-end tests
 * read. The inputs and the figures of each study are in walk-controller.ts and
 * park-controller.ts. Side effects (the worker, the panel, the scene) are injected as
 * `MobilityEffects`.
 */

/** The two simulations of the feature. */
export type MobilitySim = 'walk-isochrones' | 'parking-search';
export const MOBILITY_SIMS: readonly MobilitySim[] = ['walk-isochrones', 'parking-search'];

/** What the open city's pack allows (amenity types by id, in the study's order). */
export interface PackAvailability {
  streets: boolean;
  population: boolean;
  types: string[];
  scenario: boolean;
  parks: boolean;
  parkAndRide: boolean;
}

/** The studies a pack's files allow. */
export function availabilityOf(files: PackFiles): PackAvailability {
  return {
    streets: files['osm-streets'] !== undefined,
    population: files['population-grid'] !== undefined,
    types: AMENITY_LAYERS.filter((a) => files[a.layer] !== undefined).map((a) => a.id),
    scenario: files['trambus-stops'] !== undefined && files['metro-stations'] !== undefined,
    parks: files.parking !== undefined,
    parkAndRide: files['trambus-park-and-ride'] !== undefined,
  };
}

/** Why a study cannot run (a message key of the feature). */
export type RequestError = Extract<WalkRequest | ParkRequest, { ok: false }>['error'];

/** What the end-to-end tests read (window.__jumeauMobility). */
export interface MobilityTestState {
  running: boolean;
  error: string | null;
  picking: boolean;
  walk: WalkFigures | null;
  park: ParkFigures | null;
}

/** A message of the panel's status line. */
export interface MobilityMessage {
  key: RequestError | 'mobility.cancelled' | 'mobility.failed';
  params?: Record<string, string>;
  level: 'info' | 'error';
}

/** A finished run: the simulation's result and how long it took. */
export type RunOutcome<T> = SimResult<T> & { info: { ms: number } };

/** The side effects the controller drives. */
export interface MobilityEffects {
  /** Runs a simulation in the feature's worker (progress goes to the panel). */
  run<T>(sim: MobilitySim, input: Record<string, unknown>): Promise<RunOutcome<T>>;
  cancel(sim: MobilitySim): void;
  /** A run starts (true) or ends (false). */
  setRunning(running: boolean): void;
  setMessage(message: MobilityMessage | null): void;
  /** Draws and shows a walking result (the previous drawings are gone). */
  showWalk(o: WalkIsochronesOutput, p: WalkParams): void;
  /** Draws and shows a parking day; `first` when the city had none yet (the table is filled). */
  showPark(o: ParkingSearchOutput, ms: number, first: boolean): void;
  /** Removes the drawings, the results and the message. */
  clear(): void;
}

export interface MobilityController {
  /** A city opened: its pack's files by layer id. */
  openCity(files: PackFiles): void;
  /** The city closed: runs cancelled, results cleared, the point and the last day forgotten. */
  closeCity(): void;
  isOpen(): boolean;
  availability(): PackAvailability;
  files(): PackFiles;
  setPoint(point: [number, number] | null): void;
  point(): [number, number] | null;
  setPicking(on: boolean): void;
  runWalk(p: WalkParams): Promise<void>;
  runPark(p: ParkParams): Promise<void>;
  /** Cancels both simulations. */
  cancel(): void;
  /** Clears results and drawings (the last parking day stays the table's baseline). */
  clear(): void;
  lastWalk(): WalkIsochronesOutput | null;
  /** A copy of what the tests read. */
  testState(): MobilityTestState;
}

/** The controller: the open city's files, the clicked point, the last results and the run state. */
export function createMobilityController(fx: MobilityEffects): MobilityController {
  let open = false;
  let files: PackFiles = {};
  let point: [number, number] | null = null;
  let lastWalk: WalkIsochronesOutput | null = null;
  let lastPark: ParkingSearchOutput | null = null;
  const test: MobilityTestState = { running: false, error: null, picking: false, walk: null, park: null };

  const begin = () => {
    fx.setMessage(null);
    test.running = true;
    test.error = null;
    fx.setRunning(true);
  };
  const end = (error: string | null, cancelled: boolean) => {
    test.running = false;
    test.error = error;
    fx.setRunning(false);
    if (cancelled) fx.setMessage({ key: 'mobility.cancelled', level: 'info' });
    else if (error !== null) fx.setMessage({ key: 'mobility.failed', params: { reason: error }, level: 'error' });
  };
  /** Runs a request; resolves the result, or null when it could not run, failed or was cancelled. */
  async function run<T>(sim: MobilitySim, req: WalkRequest | ParkRequest): Promise<RunOutcome<T> | null> {
    if (!req.ok) {
      fx.setMessage({ key: req.error, level: 'error' });
      return null;
    }
    begin();
    const r = await fx.run<T>(sim, req.input);
    if (!r.ok) {
      end(r.error.message, r.error.code === 'cancelled');
      return null;
    }
    end(null, false);
    return r;
  }
  const cancel = () => MOBILITY_SIMS.forEach((s) => fx.cancel(s));
  const clear = () => {
    test.walk = null;
    test.park = null;
    lastWalk = null;
    fx.clear();
  };

  return {
    openCity(f) {
      files = f;
      open = true;
    },
    closeCity() {
      cancel();
      clear();
      lastPark = null;
      point = null;
      files = {};
      open = false;
    },
    isOpen: () => open,
    availability: () => availabilityOf(files),
    files: () => files,
    setPoint(p) {
      point = p;
    },
    point: () => point,
    setPicking(on) {
      test.picking = on;
    },
    async runWalk(p) {
      const r = await run<WalkIsochronesOutput>('walk-isochrones', walkRequest(files, p, point));
      if (r === null || !r.ok) return;
      lastWalk = r.value;
      fx.showWalk(r.value, p);
      test.walk = walkSummary(r.value);
    },
    async runPark(p) {
      const r = await run<ParkingSearchOutput>('parking-search', parkRequest(files, p, lastPark));
      if (r === null || !r.ok) return;
      const first = lastPark === null;
      lastPark = r.value;
      fx.showPark(r.value, r.info.ms, first);
      test.park = parkSummary(r.value);
    },
    cancel,
    clear,
    lastWalk: () => lastWalk,
    testState: () => JSON.parse(JSON.stringify(test)) as MobilityTestState,
  };
}
