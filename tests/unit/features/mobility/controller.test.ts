import { describe, expect, it } from 'vitest';
import { availabilityOf, createMobilityController, type MobilityEffects, type MobilityMessage, type RunOutcome } from '../../../../src/features/mobility/controller.ts';
import { FILES, parkOutput, WALK, walkOutput } from './fixtures.ts';

/** The mobility controller: what a pack allows, the run flow, what it keeps between runs and cities. */

/** Effects that record what the controller asks, with the runs' results given in advance. */
function fakeEffects(results: RunOutcome<unknown>[]) {
  const log: string[] = [];
  const messages: (MobilityMessage | null)[] = [];
  const inputs: Record<string, unknown>[] = [];
  const fx: MobilityEffects = {
    run: async <T,>(sim: string, input: Record<string, unknown>) => {
      log.push(`run ${sim}`);
      inputs.push(input);
      return results.shift()! as RunOutcome<T>;
    },
    cancel: (sim) => log.push(`cancel ${sim}`),
    setRunning: (on) => log.push(`running ${on}`),
    setMessage: (m) => messages.push(m),
    showWalk: (o) => log.push(`walk ${o.edgeBand.length}`),
    showPark: (_o, ms, first) => log.push(`park ${ms} ${first}`),
    clear: () => log.push('clear'),
  };
  return { fx, log, messages, inputs };
}

const ok = <T,>(value: T, ms = 12): RunOutcome<T> => ({ ok: true, value, info: { ms } });

describe('mobility controller', () => {
  it('tells what a pack allows, amenity types in the study order', () => {
    expect(availabilityOf(FILES)).toEqual({ streets: true, population: true, types: ['metro-stations', 'bike-share', 'trambus-stops'], scenario: true, parks: true, parkAndRide: false });
    expect(availabilityOf({ parking: 'p' })).toEqual({ streets: false, population: false, types: [], scenario: false, parks: true, parkAndRide: false });
  });
});

describe('mobility controller: runs', () => {
  it('refuses a walk without streets, runs one, then reports its figures', async () => {
    const { fx, log, messages } = fakeEffects([ok(walkOutput())]);
    const c = createMobilityController(fx);
    await c.runWalk(WALK);
    expect(messages).toEqual([{ key: 'mobility.walk.noStreets', level: 'error' }]);
    expect(log).toEqual([]);
    c.openCity(FILES);
    expect(c.isOpen()).toBe(true);
    await c.runWalk(WALK);
    expect(log).toEqual(['running true', 'run walk-isochrones', 'running false', 'walk 2']);
    expect(c.lastWalk()).not.toBeNull();
    expect(c.testState()).toMatchObject({ running: false, error: null, walk: { edges: 2, areaCells: 1, origins: 2, kpis: [{ type: 'metro-stations', share: 0.6, qpvShare: 0.4 }], scenarioDelta: null } });
  });

  it('is running while the worker works, and says when a run fails or is cancelled', async () => {
    let release: (r: RunOutcome<unknown>) => void = () => undefined;
    const { fx, messages } = fakeEffects([]);
    fx.run = <T,>() => new Promise<RunOutcome<T>>((res) => (release = res as (r: RunOutcome<unknown>) => void));
    const c = createMobilityController(fx);
    c.openCity(FILES);
    const running = c.runPark({ seed: 1, parkAndRide: false, edits: [] });
    expect(c.testState().running).toBe(true);
    release({ ok: false, error: { code: 'kernel', message: 'no car parks in the file' }, info: { ms: 1 } });
    await running;
    expect(c.testState()).toMatchObject({ running: false, error: 'no car parks in the file', park: null });
    expect(messages.at(-1)).toEqual({ key: 'mobility.failed', params: { reason: 'no car parks in the file' }, level: 'error' });
    const again = c.runWalk(WALK);
    release({ ok: false, error: { code: 'cancelled', message: 'cancelled' }, info: { ms: 1 } });
    await again;
    expect(messages.at(-1)).toEqual({ key: 'mobility.cancelled', level: 'info' });
  });

  it('fills the car-park table on the first day only; clearing keeps that day as the baseline, closing the city forgets it', async () => {
    const { fx, log, inputs } = fakeEffects([ok(parkOutput(false), 40), ok(parkOutput(true), 50), ok(parkOutput(false), 60)]);
    const c = createMobilityController(fx);
    c.openCity(FILES);
    const edits = [{ id: 'a', open: true, capacity: 60, priceEurH: 2 }];
    await c.runPark({ seed: 1, parkAndRide: false, edits });
    expect(c.testState().park).toEqual({ rmse: 4, visitors: 100, baselineCruiseS: 60, scenarioCruiseS: null, baselineWalkM: 200, scenarioWalkM: null, parks: 3 });
    c.clear();
    expect(c.testState().park).toBeNull();
    await c.runPark({ seed: 1, parkAndRide: false, edits });
    expect(inputs[1]).toMatchObject({ scenario: { capacity: { a: 60 } } });
    expect(c.testState().park).toMatchObject({ scenarioCruiseS: 120 });
    c.setPoint([-1.6, 48.1]);
    c.closeCity();
    expect(c.isOpen()).toBe(false);
    expect(c.point()).toBeNull();
    expect(c.files()).toEqual({});
    c.openCity(FILES);
    await c.runPark({ seed: 1, parkAndRide: false, edits });
    expect(log.filter((l) => l.startsWith('park') || l.startsWith('cancel') || l === 'clear')).toEqual([
      'park 40 true', 'clear', 'park 50 false', 'cancel walk-isochrones', 'cancel parking-search', 'clear', 'park 60 true',
    ]);
    // After the city closed there is no baseline: the capacity edit is not a scenario.
    expect('scenario' in inputs[2]!).toBe(false);
  });

  it('keeps the picking flag and the point for the tests and the walking origin', async () => {
    const { fx, inputs } = fakeEffects([ok(walkOutput())]);
    const c = createMobilityController(fx);
    c.openCity(FILES);
    c.setPicking(true);
    expect(c.testState().picking).toBe(true);
    c.setPicking(false);
    c.setPoint([-1.67, 48.1]);
    await c.runWalk({ ...WALK, origin: 'point' });
    expect(inputs[0]).toMatchObject({ origin: { point: [-1.67, 48.1] } });
    // testState is a copy: changing it changes nothing.
    const s = c.testState();
    s.running = true;
    expect(c.testState().running).toBe(false);
  });
});
