import { describe, expect, it } from 'vitest';
import { firstChangedPark, parkMarkers, parkRequest, parkSeries, parkShifts, type ParkParams } from '../../../../src/features/mobility/park-controller.ts';
import { FILES, parkOutput } from './fixtures.ts';

/** Parking-search decisions: the input from the panel's table, what a day draws and reports. */

describe('park controller', () => {
  it('builds the parking input: no scenario until something is edited, edits against the last day', () => {
    const same: ParkParams = { seed: 7, parkAndRide: false, edits: [{ id: 'a', open: true, capacity: 100, priceEurH: 2 }] };
    expect(parkRequest({}, same, null)).toEqual({ ok: false, error: 'mobility.park.noParks' });
    const first = parkRequest(FILES, same, null);
    expect(first.ok && first.input).toMatchObject({ parks: FILES.parking, seed: 7 });
    expect(first.ok && 'scenario' in first.input).toBe(false);
    // Without a previous day, capacities cannot be compared: only closures count.
    const closedOnly = parkRequest(FILES, { seed: -3, parkAndRide: false, edits: [{ id: 'a', open: true, capacity: 10, priceEurH: 2 }, { id: 'b', open: false, capacity: 50, priceEurH: 2 }] }, null);
    expect(closedOnly.ok && closedOnly.input).toMatchObject({ seed: 1, scenario: { closed: ['b'], capacity: {}, price: {}, parkAndRide: false, added: [] } });
    const edited = parkRequest(FILES, { seed: 2.5, parkAndRide: true, edits: [{ id: 'a', open: true, capacity: 80.6, priceEurH: -1 }, { id: 'b', open: true, capacity: Number.NaN, priceEurH: 2 }] }, parkOutput(false));
    expect(edited.ok && edited.input).toMatchObject({ seed: 1, scenario: { closed: [], capacity: { a: 81 }, price: { a: 0 }, parkAndRide: true } });
  });

  it('marks car parks by peak occupancy, the scenario beside today, park-and-rides only in a scenario', () => {
    const today = parkMarkers(parkOutput(false), (v) => String(Math.round(v)));
    expect(today.map((m) => [m.label, m.rgba])).toEqual([['A 96 %', [215, 48, 39, 255]], ['B 80 %', [252, 141, 89, 255]]]);
    const scen = parkMarkers(parkOutput(true), (v) => String(Math.round(v)));
    expect(scen.map((m) => [m.label, m.rgba])).toEqual([
      ['A 96 % → 99 %', [215, 48, 39, 255]],
      ['B 80 % → ×', [120, 120, 120, 255]],
      ['PR 0 % → 15 %', [26, 152, 80, 255]],
    ]);
    expect(scen[2]!.sizePx).toBeCloseTo(8 + Math.sqrt(200) / 4, 9);
  });

  it('tells where drivers go, the curves shown and the first car park the scenario changes', () => {
    expect(parkShifts(parkOutput(false))).toEqual([]);
    expect(parkShifts(parkOutput(true))).toEqual([{ name: 'B', d: -32.5 }, { name: 'PR', d: 25 }, { name: 'A', d: 16.5 }]);
    const series = parkSeries(parkOutput(true));
    expect(series.map((s) => s.name)).toEqual(['A', 'B', 'PR']);
    expect(series[0]).toEqual({ name: 'A', baseline: [0.5, 0.96], scenario: [0.8, 0.99], recorded: [{ hour: 10, value: 0.5 }] });
    expect(series[1]!.scenario).toEqual([0, 0]);
    expect(parkSeries(parkOutput(false)).map((s) => s.name)).toEqual(['A', 'B']);
    expect(firstChangedPark(parkOutput(true))).toBe(1);
    expect(firstChangedPark(parkOutput(false))).toBe(0);
  });
});
