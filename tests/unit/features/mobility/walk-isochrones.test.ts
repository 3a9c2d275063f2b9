import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KernelError, runToEnd } from '../../../../src/core/simulation/kernel.ts';
import { carParks, inPolygons, occupancyObservations, pointsFromGeoJson, populationCells, streetLinesFromGeoJson } from '../../../../src/features/mobility/data.ts';
import { buildStreetGraph, WALK, type StreetLines } from '../../../../src/features/mobility/street-graph.ts';
import { walkIsochronesKernel, type WalkPlan } from '../../../../src/features/mobility/walk-kernel.ts';
import { isochroneGeoJson } from '../../../../src/features/mobility/walk-contract.ts';

/** Walking isochrones and indicators on a small known street, and the data readers (fuzzed). */

const LON = -1.68, LAT = 48.11;
const dLon = 1 / (111_195 * Math.cos((LAT * Math.PI) / 180)), dLat = 1 / 111_195;
const at = (e: number, n: number): [number, number] => [LON + e * dLon, LAT + n * dLat];

/** One straight street 2 km long, a vertex every 100 m. */
function street(): StreetLines {
  const coords: number[] = [];
  for (let i = 0; i <= 20; i++) coords.push(...at(i * 100, 0));
  return { coords: Float64Array.from(coords), starts: Uint32Array.of(0, 21), flags: Uint8Array.of(WALK) };
}

function plan(over: Partial<WalkPlan> = {}): WalkPlan {
  const origin = at(0, 0);
  return {
    graph: buildStreetGraph(street()),
    speedMps: 1,
    bandsS: [300, 600],
    origins: { lon: Float64Array.of(origin[0]), lat: Float64Array.of(origin[1]) },
    maxSnapM: 300,
    cellM: 20,
    spreadM: 40,
    kpiS: 600,
    population: null,
    amenities: [],
    scenario: null,
    ...over,
  };
}

describe('walk-isochrones kernel', () => {
  it('times along a street at 1 m/s, bands by the farther end, reached length per band', () => {
    const o = runToEnd(walkIsochronesKernel(plan({ bandsS: [350, 650] })));
    expect(o.nodeTimeS[0]).toBeCloseTo(0, 3);
    expect(o.nodeTimeS[3]).toBeCloseTo(300, 0);
    expect(o.nodeTimeS[6]).toBeCloseTo(600, 0);
    expect(Number.isNaN(o.nodeTimeS[7]!)).toBe(true);
    // Six edges wholly reached, and the edge 6–7 drawn from its reached end.
    expect(Array.from(o.edgeBand)).toEqual([0, 0, 0, 1, 1, 1, 1]);
    expect(o.bandLengthM[0]).toBeCloseTo(300, -1);
    expect(o.bandLengthM[1]).toBeCloseTo(400, -1);
    // The area spreads at most spreadM beyond the last reached node.
    expect(o.area.grid.cols * o.area.grid.cellM).toBeLessThanOrEqual(650 + 2 * 40 + 2 * 20);
    expect(o.area.band.filter((b) => b === 0).length).toBeGreaterThan(0);
  });

  it('counts residents within the threshold, per district and QPV vs elsewhere; a scenario point raises the share', () => {
    const cells = [at(100, 50), at(500, 50), at(1500, 50), at(1900, 50)];
    const population = {
      lon: Float64Array.from(cells.map((c) => c[0])),
      lat: Float64Array.from(cells.map((c) => c[1])),
      residents: Float64Array.of(100, 200, 300, 400),
      district: Int32Array.of(0, 0, 1, 1),
      qpv: Uint8Array.of(0, 1, 0, 0),
      districtNames: ['west', 'east'],
    };
    const station = at(0, 0), planned = at(2000, 0);
    const o = runToEnd(walkIsochronesKernel(plan({
      population,
      amenities: [{ id: 'metro', points: { lon: Float64Array.of(station[0]), lat: Float64Array.of(station[1]) } }],
      scenario: { id: 'metro+', baseType: 'metro', added: { lon: Float64Array.of(planned[0]), lat: Float64Array.of(planned[1]) } },
    })));
    const k = o.kpis[0]!;
    // Cells at 100 m and 500 m along (+50 m to the street) are within 600 s; 1,500 m and 1,900 m are not.
    expect(k.residents).toBe(1000);
    expect(k.within).toBe(300);
    expect(k.share).toBeCloseTo(0.3, 10);
    expect(k.qpvShare).toBe(1);
    expect(k.elsewhereShare).toBeCloseTo(100 / 800, 10);
    expect(k.districts).toEqual([{ name: 'west', residents: 300, share: 1 }, { name: 'east', residents: 700, share: 0 }]);
    expect(o.scenario!.before.share).toBeCloseTo(0.3, 10);
    expect(o.scenario!.after.share).toBeCloseTo(1, 10);
  });

  it('refuses origins far from every street', () => {
    const far = at(0, 5000);
    expect(() => runToEnd(walkIsochronesKernel(plan({ origins: { lon: Float64Array.of(far[0]), lat: Float64Array.of(far[1]) } })))).toThrow(KernelError);
  });

  it('point in polygon with a hole', () => {
    const outer = [at(0, 0), at(100, 0), at(100, 100), at(0, 100)];
    const hole = [at(40, 40), at(60, 40), at(60, 60), at(40, 60)];
    expect(inPolygons(...at(20, 20), [[outer, hole]])).toBe(true);
    expect(inPolygons(...at(50, 50), [[outer, hole]])).toBe(false);
    expect(inPolygons(...at(150, 50), [[outer]])).toBe(false);
  });
});

describe('mobility data readers', () => {
  const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

  it('read streets, points, population and car parks from GeoJSON', () => {
    const fc1 = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { highway: 'residential', oneway: 'yes' }, geometry: { type: 'LineString', coordinates: [at(0, 0), at(100, 0)] } },
        { type: 'Feature', properties: { name: 'no tag' }, geometry: { type: 'LineString', coordinates: [at(0, 0), at(0, 100)] } },
      ],
    };
    const s = streetLinesFromGeoJson(enc(fc1), 'streets.geojson');
    expect(s.lines.flags.length).toBe(1);
    expect(s.skipped).toBe(1);
    const sq = [at(0, 0), at(200, 0), at(200, 200), at(0, 200), at(0, 0)];
    const pop = populationCells(
      enc({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { ind_c: 12 }, geometry: { type: 'Polygon', coordinates: [sq] } }, { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [sq] } }] }),
      'pop',
      enc({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { nomsquart: 'Centre' }, geometry: { type: 'Polygon', coordinates: [[at(-10, -10), at(300, -10), at(300, 300), at(-10, 300), at(-10, -10)]] } }] }),
      'districts',
      null,
      '',
    );
    expect(Array.from(pop.residents)).toEqual([12]);
    expect(pop.skipped).toBe(1);
    expect(pop.districtNames).toEqual(['Centre']);
    expect(Array.from(pop.district)).toEqual([0]);
    const pts = pointsFromGeoJson(enc({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { nom: 'A' }, geometry: { type: 'Point', coordinates: at(5, 5) } }] }), 'pts');
    expect(pts.lon.length).toBe(1);
    const parks = carParks(enc({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 7, key: 'P', max: '120', tarif_1h_eur: 1.5 }, geometry: { type: 'Point', coordinates: at(0, 0) } }] }), 'parks');
    expect(parks[0]).toMatchObject({ id: '7', name: 'P', capacity: 120, priceEurH: 1.5 });
    const obs = occupancyObservations(enc('collected_at,id,key,free,max,status\n2026-10-06T10:20:43+02:00,7,P,30,120,OUVERT\nbad,7,P,1,2,X\n'), 'occ.csv', parks, () => 120);
    expect(obs.obs).toEqual([{ park: 0, minute: 620, occupancy: 0.75 }]);
    expect(obs.skipped).toBe(1);
    expect(obs.date).toBe('2026-10-06');
  });

  it('answer any bytes with data or a KernelError naming the file (fuzz)', () => {
    const readers = [
      (b: Uint8Array) => streetLinesFromGeoJson(b, 'fuzz.geojson'),
      (b: Uint8Array) => pointsFromGeoJson(b, 'fuzz.geojson'),
      (b: Uint8Array) => populationCells(b, 'fuzz.geojson', b, 'fuzz-d.geojson', null, ''),
      (b: Uint8Array) => carParks(b, 'fuzz.geojson'),
      (b: Uint8Array) => occupancyObservations(b, 'fuzz.csv', [{ id: '1', lon: 0, lat: 0, capacity: 1, priceEurH: 0, subscribers: 0, weight: 1, closed: false }], () => 0),
    ];
    const geo = fc.record({
      type: fc.constantFrom('FeatureCollection', 'Feature', 'x'),
      features: fc.array(fc.record({ type: fc.constant('Feature'), properties: fc.dictionary(fc.constantFrom('highway', 'ind_c', 'max', 'id', 'oneway', 'nom'), fc.oneof(fc.string(), fc.double(), fc.constant(null))), geometry: fc.oneof(fc.constant(null), fc.record({ type: fc.constantFrom('Point', 'LineString', 'Polygon'), coordinates: fc.anything() })) }), { maxLength: 5 }),
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), geo.map(enc), fc.string().map(enc)), (bytes) => {
        for (const read of readers) {
          try {
            read(bytes);
          } catch (e) {
            if (!(e instanceof KernelError) || !e.message.includes('fuzz')) return false;
          }
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe('isochrone polygons', () => {
  it('cover exactly the reached cells of each band, cumulatively', () => {
    const o = runToEnd(walkIsochronesKernel(plan({ bandsS: [350, 650] })));
    const gj = isochroneGeoJson(o);
    expect(gj.features.map((f) => f.properties.minutes)).toEqual([350 / 60, 650 / 60]);
    const count = (b: number) => o.area.band.filter((x) => x <= b).length;
    expect(gj.features[0]!.properties.cells).toBe(count(0));
    expect(gj.features[1]!.properties.cells).toBe(count(1));
    // Total rectangle area equals the cells' area (rectangles do not overlap).
    const m = 111_195, k = Math.cos((LAT * Math.PI) / 180);
    for (const [b, f] of gj.features.entries()) {
      let area = 0;
      for (const poly of f.geometry.coordinates) {
        const r = poly[0]!;
        area += Math.abs((r[1]![0]! - r[0]![0]!) * m * k * (r[2]![1]! - r[1]![1]!) * m);
      }
      expect(area / (count(b) * o.area.grid.cellM ** 2)).toBeCloseTo(1, 2);
    }
  });
});

describe('mobility inputs', () => {
  it('refuse bad form values with the field named', async () => {
    const { parseInput } = await import('../../../../workers/runtime.ts');
    const walk = { streets: 's.geojson', origin: { amenity: 'metro' }, amenities: [{ id: 'metro', url: 'm.geojson' }] };
    const bad: [string, Record<string, unknown>, string][] = [
      ['walk-isochrones', { ...walk, bandsMin: [10, 5] }, 'bandsMin.1'],
      ['walk-isochrones', { ...walk, speedMps: Number.NaN }, 'speedMps'],
      ['walk-isochrones', { ...walk, origin: { amenity: 'tram' } }, 'origin.amenity'],
      ['walk-isochrones', { ...walk, origin: { point: [200, 48] } }, 'origin.point.0'],
      ['parking-search', { parks: 'p.geojson', seed: -1 }, 'seed'],
      ['parking-search', { parks: 'p.geojson', scenario: { capacity: { '74': -5 } } }, 'scenario.capacity.74'],
      ['parking-search', { parks: 'p.geojson', scenario: { price: { '74': 'x' } } }, 'scenario.price.74'],
    ];
    for (const [id, input, path] of bad) {
      const r = parseInput(id, input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.path).toBe(path);
    }
  });
});
