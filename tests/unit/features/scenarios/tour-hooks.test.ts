import { describe, expect, it } from 'vitest';
import { createTourHooks } from '../../../../src/app/tour-hooks.ts';
import { addStop, createTour, stopFromView, type Tour } from '../../../../src/features/tours/model.ts';

/** How the scenario feature saves and reads the tours that travel with a scenario (through ctx.tours, not the tours feature). */

const tour = (id: string, scenarioId: string | null, sample = false): Tour => {
  const t = addStop(createTour({ id, name: id, cityId: 'demo' }), stopFromView('s1', 'Stop', { camera: { lonDeg: -1.68, latDeg: 48.1, heightM: 500, headingDeg: 0, pitchDeg: -30, rollDeg: 0 }, scenarioId, layers: null, timeMs: null, selected: null }));
  return sample ? { ...t, sample: true } : t;
};

describe('tour hooks for scenario files', () => {
  it('ofScenario: the saved tours showing the scenario (not samples), none until the tours feature registers', () => {
    const hooks = createTourHooks();
    const saved = [tour('a', 'sc-1'), tour('b', 'sc-2'), tour('c', 'sc-1', true)];
    expect(hooks.ofScenario('sc-1')).toEqual([]);
    const off = hooks.provideTours({ adopt: () => undefined, all: () => saved });
    expect(hooks.ofScenario('sc-1').map((t) => t.id)).toEqual(['a']);
    off();
    expect(hooks.ofScenario('sc-1')).toEqual([]);
  });

  it('adoptFrom: valid tours join the city, bad ones are named; problems are told even without the tours feature', () => {
    const hooks = createTourHooks();
    const doc = { format: 'jumeau-scenario', tours: [tour('a', 'sc-1'), { id: 'broken' }] };
    expect(hooks.adoptFrom(doc)).toHaveLength(1);
    const adopted: Tour[] = [];
    hooks.provideTours({ adopt: (t) => adopted.push(...t), all: () => adopted });
    const problems = hooks.adoptFrom(doc);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/scenario tours\[1\]/);
    expect(adopted.map((t) => t.id)).toEqual(['a']);
    expect(hooks.adoptFrom({ format: 'jumeau-scenario' })).toEqual([]);
    expect(hooks.adoptFrom({ tours: 'x' })).toEqual(['scenario: "tours" is not a list']);
    expect(adopted).toHaveLength(1);
  });
});
