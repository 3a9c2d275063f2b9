import { describe, expect, it } from 'vitest';
import { runToEnd } from '../../../../src/core/simulation/kernel.ts';
import { DAY_STEPS, occupancyAt, simulateParking, type ParkingParams, type Park, type ParkingRun } from '../../../../src/features/mobility/parking-kernel.ts';
import { calibrateParking, occupancyRmse } from '../../../../src/features/mobility/calibration-kernel.ts';

/** Parking search: conservation, the two capacity limits, determinism, calibration. */

const PARAMS: ParkingParams = {
  seed: 7,
  visitorsPerDay: 3000,
  arrivalProfile: [0, 0, 0, 0, 0, 0, 1, 3, 6, 8, 8, 7, 6, 6, 6, 5, 5, 5, 4, 3, 2, 1, 0, 0],
  meanStayH: 2.5,
  informedShare: 0.5,
  walkCostPerM: 0.01,
  priceCostPerEur: 1,
  zoneRadiusM: 300,
  streetSpacesPerZone: 20,
  streetSearchS: 240,
  cruiseSpeedMps: 5.5,
  detour: 1.4,
  walkDetour: 1.3,
  maxSearchS: 1200,
  co2GPerKm: 120,
  sampleMin: 10,
};

function parks(capacity: number): Park[] {
  return [
    { id: 'A', lon: -1.68, lat: 48.11, capacity, priceEurH: 2, subscribers: 0, weight: 2, closed: false },
    { id: 'B', lon: -1.675, lat: 48.112, capacity, priceEurH: 1.5, subscribers: 0, weight: 1, closed: false },
    { id: 'C', lon: -1.685, lat: 48.105, capacity, priceEurH: 2.5, subscribers: 0, weight: 1, closed: false },
  ];
}

function conserved(r: ParkingRun): boolean {
  for (let t = 0; t < DAY_STEPS; t++) if (r.arrived[t] !== r.parked[t]! + r.cruising[t]! + r.gaveUp[t]!) return false;
  return true;
}

describe('parking search', () => {
  it('conserves drivers at every step: arrived = parked + cruising + gave up', () => {
    for (const cap of [0, 50, 300, 5000]) {
      for (const street of [0, 20]) {
        const r = runToEnd(simulateParking(parks(cap), { ...PARAMS, streetSpacesPerZone: street }));
        expect(conserved(r)).toBe(true);
        expect(r.arrived[DAY_STEPS - 1]).toBe(r.visitors);
      }
    }
  });

  it('with unlimited capacity nobody cruises', () => {
    const r = runToEnd(simulateParking(parks(1e6), PARAMS));
    expect(r.visitors).toBe(3000);
    expect(r.cruisedDrivers).toBe(0);
    expect(r.meanCruiseS).toBe(0);
    expect(r.extraKm).toBe(0);
    expect(r.gaveUpTotal).toBe(0);
    expect(r.parkedInParks).toBe(3000);
  });

  it('with zero capacity and no street spaces every driver cruises or gives up, and nobody parks', () => {
    const r = runToEnd(simulateParking(parks(0), { ...PARAMS, streetSpacesPerZone: 0 }));
    expect(r.parkedInParks + r.parkedOnStreet).toBe(0);
    expect(r.gaveUpTotal + r.cruising[DAY_STEPS - 1]!).toBe(r.visitors);
  });

  it('a full centre makes drivers cruise, costs km and CO2, and closing a car park makes it worse', () => {
    const base = runToEnd(simulateParking(parks(150), PARAMS));
    expect(base.cruisedDrivers).toBeGreaterThan(0);
    expect(base.extraKm).toBeGreaterThan(0);
    expect(base.co2Kg).toBeCloseTo((base.extraKm * 120) / 1000, 6);
    const closed = parks(150).map((p) => (p.id === 'A' ? { ...p, closed: true } : p));
    const r = runToEnd(simulateParking(closed, PARAMS));
    expect(r.meanCruiseS).toBeGreaterThan(base.meanCruiseS);
    // The closed car park holds nobody all day.
    for (let k = 0; k < r.occupancy.length / 3; k++) expect(r.occupancy[k * 3]).toBe(0);
  });

  it('is deterministic for a seed and changes with the seed', () => {
    const a = runToEnd(simulateParking(parks(150), PARAMS));
    const b = runToEnd(simulateParking(parks(150), PARAMS));
    const c = runToEnd(simulateParking(parks(150), { ...PARAMS, seed: 8 }));
    expect(Buffer.from(a.occupancy.buffer).equals(Buffer.from(b.occupancy.buffer))).toBe(true);
    expect(a.meanCruiseS).toBe(b.meanCruiseS);
    expect(Buffer.from(a.occupancy.buffer).equals(Buffer.from(c.occupancy.buffer))).toBe(false);
  });

  it('calibration brings occupancy toward a recorded sample', () => {
    const ps = parks(400);
    // A synthetic "recorded" day made by the model itself with other weights and subscribers.
    const truth = ps.map((p, i) => ({ ...p, weight: [1, 3, 0.5][i]!, subscribers: [100, 20, 200][i]! }));
    const ref = runToEnd(simulateParking(truth, { ...PARAMS, visitorsPerDay: 4000 }));
    const obs = [620, 645, 955, 980, 1285, 1315].flatMap((minute) => ps.map((_, park) => ({ park, minute, occupancy: occupancyAt(ref, truth, park, minute, PARAMS.sampleMin) })));
    const before = occupancyRmse(runToEnd(simulateParking(ps, PARAMS)), ps, obs, PARAMS.sampleMin);
    const cal = runToEnd(calibrateParking(ps, PARAMS, obs, 12));
    expect(cal.rmse).toBeLessThan(before);
    expect(cal.rmse).toBeLessThan(10);
  });
});
