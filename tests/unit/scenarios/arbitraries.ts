import fc from 'fast-check';
import type { Edit, LonLat } from '../../../src/scenarios/edits.ts';
import { BUILDING_USES } from '../../../src/scenarios/edits.ts';
import type { Scenario } from '../../../src/scenarios/model.ts';

/** fast-check generators of valid edits and scenarios (Rennes, around the demo city). */

const lon = fc.double({ min: -1.70, max: -1.66, noNaN: true });
const lat = fc.double({ min: 48.10, max: 48.12, noNaN: true });
const id = fc.stringMatching(/^[a-z0-9]{1,12}$/);

/** A rectangle of 5 to 80 m a side, turned by an angle (never self-crossing). */
export const arbRing: fc.Arbitrary<LonLat[]> = fc.record({ x: lon, y: lat, w: fc.double({ min: 5, max: 80, noNaN: true }), h: fc.double({ min: 5, max: 80, noNaN: true }), a: fc.double({ min: 0, max: 3, noNaN: true }) }).map(({ x, y, w, h, a }) => {
  const mLon = 111_320 * Math.cos((y * Math.PI) / 180), mLat = 110_540;
  const c = Math.cos(a), s = Math.sin(a);
  return ([[0, 0], [w, 0], [w, h], [0, h]] as const).map(([u, v]) => [x + (u * c - v * s) / mLon, y + (u * s + v * c) / mLat] as LonLat);
});

export function arbEdit(): fc.Arbitrary<Edit> {
  return fc.oneof(
    fc.record({ kind: fc.constant('add-building' as const), id, footprint: arbRing, heightM: fc.double({ min: 1, max: 300, noNaN: true }), use: fc.constantFrom(...BUILDING_USES) }),
    fc.record({ kind: fc.constant('remove-building' as const), id, buildingId: fc.string({ minLength: 1, maxLength: 30 }) }),
    fc.record({ kind: fc.constant('hide-building' as const), id, buildingId: fc.string({ minLength: 1, maxLength: 30 }), lonDeg: lon, latDeg: lat }),
    fc.record({ kind: fc.constant('clip' as const), id, ring: arbRing, depthM: fc.double({ min: 1, max: 200, noNaN: true }) }),
    fc.record({ kind: fc.constant('add-hotspot' as const), id, lonDeg: lon, latDeg: lat, heightM: fc.double({ min: 0, max: 300, noNaN: true }), eirpDbm: fc.double({ min: 0, max: 40, noNaN: true }), bandGHz: fc.constantFrom(2.4 as const, 5 as const), pattern: fc.constant('omni' as const) }),
    fc.record({ kind: fc.constant('close-car-park' as const), id, carParkId: fc.string({ minLength: 1, maxLength: 30 }) }),
    fc.record({ kind: fc.constant('add-car-park' as const), id, lonDeg: lon, latDeg: lat, capacity: fc.integer({ min: 1, max: 20000 }) }),
    fc.record({ kind: fc.constant('set-parameter' as const), id, simulation: fc.constantFrom('sun-hours', 'wifi-coverage'), name: fc.constantFrom('stepMin', 'cellM'), value: fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.boolean(), fc.string({ maxLength: 20 })) }),
  );
}

/** A valid scenario with distinct edit ids. */
export const arbScenario: fc.Arbitrary<Scenario> = fc
  .record({
    name: fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim() !== ''),
    description: fc.string({ maxLength: 200 }),
    edits: fc.array(arbEdit(), { maxLength: 12 }),
    withView: fc.boolean(),
    date: fc.constantFrom('2026-03-21', '2026-06-21', '2026-12-21'),
  })
  .map(({ name, description, edits, withView, date }) => ({
    id: 'scn1',
    name: name.trim(),
    cityId: 'demo',
    description,
    createdAt: '2026-01-02T03:04:05Z',
    updatedAt: '2026-01-02T03:04:05Z',
    edits: edits.map((e, i) => ({ ...e, id: `e${i}` })),
    study: { area: null, date, stepMin: 30, cellM: 4 },
    ...(withView ? { view: { lonDeg: -1.68, latDeg: 48.1, heightM: 650, headingDeg: 10, pitchDeg: -45, rollDeg: 0 } } : {}),
  }));
