import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityPackSchema } from '../../../src/core/schemas/city-pack.ts';
import { buildCity, defaultWorkers, type BuildResult } from '../../../src/city/node/build.ts';
import { checkPack } from '../../../src/city/node/checks.ts';
import { footprintToRecord, newCounters } from '../../../src/city/clean.ts';
import { toWgs84 } from '../../../src/city/crs.ts';
import { readFootprintFeature } from '../../../src/city/geojson-reader.ts';

const HOSTILE = join(import.meta.dirname, '..', '..', 'fixtures', 'city', 'hostile.geojson');
const ATTRIBUTION = { publisher: 'test', licence: 'CC0 1.0', date: '2026' };

/** What each feature of tests/fixtures/city/hostile.geojson must give: built, or rejected with this reason. */
const EXPECTED: Record<number, 'built' | RegExp> = {
  0: 'built',
  1: /null geometry/,
  2: /no ring \(empty geometry\)/,
  3: /self-intersection \(the outer ring crosses itself/,
  4: /invalid JSON/,
  5: /non-finite coordinate/,
  6: /coordinate that is not a number/,
  7: /hauteur: negative height -5 m/,
  8: /hauteur: absurd height 5000 m/,
  9: 'built', // "12 m"
  10: /hauteur: "douze" is not a length/,
  11: /geometry type "Point" is not supported/,
  12: /outer ring has [0-2] distinct vertices/,
  13: /outer ring has no area/,
  14: 'built', // duplicate vertices, unclosed ring: cleaned
  15: /self-intersection \(hole 1 crosses the outer ring\)/,
  16: /hole 1 lies outside the outer ring/,
  17: /cannot be transformed from EPSG:2154|outside the area of use of EPSG:2154/,
  18: /spans 10\.0 km/,
  19: 'built', // no height: default, flagged
  20: 'built', // storeys only
  21: /the feature is string, not a GeoJSON object/,
  22: /type is "Banana", expected "Feature"/,
  23: /properties is an array/,
  24: /polygon 1 ring 0 is|polygon 1: the outer ring has/,
  25: /hauteur: height 0 m/,
  26: 'built', // MultiPolygon with a hole
  27: 'built', // degenerate hole dropped
  28: /vertex 0 is not a position/,
  29: /vertex 0 is not a position/,
  30: 'built', // same id as 0: renamed
};

describe('city build on a hostile corpus', () => {
  let tmp: string;
  let r: BuildResult;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'jumeau-hostile-'));
    r = await buildCity({ inputs: [HOSTILE], outDir: join(tmp, 'packs', 'hostile'), attribution: ATTRIBUTION, workers: 0 });
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('rejects each hostile case with its reason and builds the rest', () => {
    const rejected = new Map(r.rejected.map((x) => [x.index, x]));
    for (const [i, want] of Object.entries(EXPECTED)) {
      const got = rejected.get(Number(i));
      if (want === 'built') expect(got, `feature ${i} should be built`).toBeUndefined();
      else {
        expect(got, `feature ${i} should be rejected`).toBeDefined();
        expect(got!.reason, `feature ${i}`).toMatch(want);
      }
    }
    expect(r.rejected.length + r.buildings).toBe(Object.keys(EXPECTED).length);
    // The id is reported when the source has one.
    expect(rejected.get(7)!.id).toBe('HOSTILE-07');
  });

  it('reports what it changed or assumed, and flags default heights per building', async () => {
    const text = r.warnings.join('\n');
    expect(text).toMatch(/1 building had no height: default 10 m, flagged heightSource "default"/);
    expect(text).toMatch(/1 building got their height from a number of storeys × 3 m/);
    expect(text).toMatch(/1 building shared an id with an earlier one and got a suffix ~2.*"HOSTILE-00"/);
    expect(text).toMatch(/1 degenerate hole .* dropped/);
    expect(text).toMatch(/duplicate or spike vertices removed/);
    const manifest = cityPackSchema.parse(JSON.parse(await readFile(join(tmp, 'packs', 'hostile', 'city.json'), 'utf8')));
    expect(manifest.report.buildings).toBe(r.buildings);
    expect(manifest.report.rejected).toEqual(r.rejected);
    expect(manifest.sourceCrs).toBe('EPSG:2154');
    expect(manifest.sources[0]).toMatchObject({ publisher: 'test', licence: 'CC0 1.0', date: '2026', status: 'recorded' });
  });

  it('writes a pack that passes the checks, with as many features as the report', async () => {
    const check = await checkPack(join(tmp, 'packs', 'hostile'));
    expect(check.errors).toEqual([]);
    expect(check.features).toBe(r.buildings);
  });

  it('refuses, with a clear error, what cannot be built at all', async () => {
    const bad = join(tmp, 'bad.geojson');
    await writeFile(bad, '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}');
    await expect(buildCity({ inputs: [bad], outDir: join(tmp, 'packs', 'bad'), attribution: ATTRIBUTION, workers: 0 })).rejects.toThrow(/bad\.geojson: unexpected end of the file inside feature 0 \(from byte 40\) \(byte 90, line 1\)/);
    await writeFile(bad, '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null}]}');
    await expect(buildCity({ inputs: [bad], outDir: join(tmp, 'packs', 'bad'), attribution: ATTRIBUTION, workers: 0 })).rejects.toThrow(/no building could be built .*1 record rejected; #0: null geometry/);
    const projected = join(tmp, 'projected.geojson');
    await writeFile(projected, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { hauteur: 5 }, geometry: { type: 'Polygon', coordinates: [[[351870, 6789330], [351880, 6789330], [351880, 6789340], [351870, 6789330]]] } }] }));
    await expect(buildCity({ inputs: [projected], outDir: join(tmp, 'packs', 'p'), attribution: ATTRIBUTION, workers: 0 })).rejects.toThrow(/declares no CRS and its coordinates are not WGS84 longitude\/latitude .* pass --crs EPSG:n/);
    await expect(buildCity({ inputs: [HOSTILE], outDir: join(tmp, 'packs', 'h2'), attribution: ATTRIBUTION, workers: 0, crs: 'EPSG:3948' })).rejects.toThrow(/declares EPSG:2154 but --crs says EPSG:3948/);
    await expect(buildCity({ inputs: [HOSTILE], outDir: join(tmp, 'packs', 'Bad_Name'), attribution: ATTRIBUTION, workers: 0 })).rejects.toThrow(/pack id "Bad_Name"/);
    await expect(buildCity({ inputs: [join(tmp, 'nope.geojson')], outDir: join(tmp, 'packs', 'n'), attribution: ATTRIBUTION, workers: 0 })).rejects.toThrow(/does not exist/);
    await expect(buildCity({ inputs: [HOSTILE], outDir: join(tmp, 'packs', 'c'), attribution: ATTRIBUTION, workers: 0, crs: 'EPSG:9999' })).rejects.toThrow(/unsupported CRS "EPSG:9999"/);
  });

  it('refuses a --crs that puts the data where its numbers look like another CRS, unless --force-crs', async () => {
    // Lambert-93 numbers (Lyon) without a crs member, read as Web Mercator: they would build in Germany.
    const l93 = join(tmp, 'l93.geojson');
    const square = (x: number, y: number) => [[[x, y], [x + 10, y], [x + 10, y + 10], [x, y + 10], [x, y]]];
    await writeFile(l93, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { hauteur: 5 }, geometry: { type: 'Polygon', coordinates: square(842000, 6519000) } }] }));
    await expect(buildCity({ inputs: [l93], outDir: join(tmp, 'packs', 'm'), attribution: ATTRIBUTION, workers: 0, crs: 'EPSG:3857' })).rejects.toThrow(/--crs EPSG:3857 puts its first vertex \(842000, 6519000\) at lon 7\.56\d+, lat 50\.41\d+, but these numbers look like EPSG:2154 .*pass --force-crs/);
    const forced = await buildCity({ inputs: [l93], outDir: join(tmp, 'packs', 'm'), attribution: ATTRIBUTION, workers: 0, crs: 'EPSG:3857', forceCrs: true });
    expect(forced.buildings).toBe(1);
    // The right CRS builds; real Web Mercator numbers in France are not suspected.
    expect((await buildCity({ inputs: [l93], outDir: join(tmp, 'packs', 'm'), attribution: ATTRIBUTION, workers: 0, crs: 'EPSG:2154' })).buildings).toBe(1);
    const merc = join(tmp, 'merc.geojson');
    await writeFile(merc, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { hauteur: 5 }, geometry: { type: 'Polygon', coordinates: square(535000, 5740000) } }] }));
    expect((await buildCity({ inputs: [merc], outDir: join(tmp, 'packs', 'm'), attribution: ATTRIBUTION, workers: 0, crs: 'EPSG:3857' })).buildings).toBe(1);
    // Beside an input that declares its CRS (Web Mercator, in France), one read with --crs 1,000 km away is refused.
    const lyon = join(tmp, 'lyon.geojson');
    await writeFile(lyon, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } }, features: [{ type: 'Feature', properties: { hauteur: 5 }, geometry: { type: 'Polygon', coordinates: square(535000, 5740000) } }] }));
    const far = join(tmp, 'far.geojson');
    await writeFile(far, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { hauteur: 5 }, geometry: { type: 'Polygon', coordinates: square(-500000, 4500000) } }] }));
    await expect(buildCity({ inputs: [lyon, far], outDir: join(tmp, 'packs', 'm'), attribution: ATTRIBUTION, workers: 0, crs: 'EPSG:3857' })).rejects.toThrow(/far\.geojson: --crs EPSG:3857 puts it at .* \d+ km from the inputs that declare their CRS/);
    expect((await buildCity({ inputs: [lyon, far], outDir: join(tmp, 'packs', 'm'), attribution: ATTRIBUTION, workers: 0, crs: 'EPSG:3857', forceCrs: true })).buildings).toBe(2);
  });

  it('uses worker threads by default only where they help: never on fewer than 4 cores or small builds', () => {
    expect(defaultWorkers(50_000, 2)).toBe(0);
    expect(defaultWorkers(50_000, 3)).toBe(0);
    expect(defaultWorkers(4_999, 16)).toBe(0);
    expect(defaultWorkers(50_000, 8)).toBe(7);
  });

  it('reads the CRS member wherever it is: after the features, the file is read again with it', async () => {
    const late = join(tmp, 'late.geojson');
    await writeFile(
      late,
      JSON.stringify({
        type: 'FeatureCollection',
        features: [{ type: 'Feature', properties: { hauteur: 5 }, geometry: { type: 'Polygon', coordinates: [[[351870, 6789330], [351880, 6789330], [351880, 6789340], [351870, 6789340], [351870, 6789330]]] } }],
        crs: { type: 'name', properties: { name: 'EPSG:2154' } },
      }),
    );
    // The first feature does not fit WGS84; the rest of the file is scanned for a "crs" member,
    // found, and the file is read again with it.
    const r1 = await buildCity({ inputs: [late], outDir: join(tmp, 'packs', 'late'), attribution: ATTRIBUTION, workers: 0 });
    expect(r1.buildings).toBe(1);
    expect(r1.sourceCrs).toBe('EPSG:2154');
    const r2 = await buildCity({ inputs: [late], outDir: join(tmp, 'packs', 'late'), attribution: ATTRIBUTION, workers: 0, crs: 'EPSG:2154' });
    expect(r2.buildings).toBe(1);
  });
});

describe('GeoJSON feature reader and cleaning (fuzz)', () => {
  const crs = toWgs84('EPSG:2154');
  const rules = { base: 'ellipsoid' as const, geoidUndulationM: 0, source: 'fuzz' };
  const near = fc.tuple(fc.double({ min: 351800, max: 351900, noNaN: true }), fc.double({ min: 6789300, max: 6789400, noNaN: true }));
  const ring = fc.array(fc.oneof({ weight: 8, arbitrary: near.map(([x, y]) => [x, y]) }, fc.constant([NaN, 0]), fc.constant(['a', 1]), fc.constant([1]), fc.jsonValue()), { minLength: 0, maxLength: 12 });
  const geometry = fc.oneof(
    fc.record({ type: fc.constant('Polygon'), coordinates: fc.array(ring, { maxLength: 3 }) }),
    fc.record({ type: fc.constant('MultiPolygon'), coordinates: fc.array(fc.array(ring, { maxLength: 2 }), { maxLength: 3 }) }),
    fc.constant(null),
    fc.jsonValue(),
  );
  const feature = fc.oneof(
    { weight: 6, arbitrary: fc.record({ type: fc.constant('Feature'), id: fc.option(fc.oneof(fc.string(), fc.integer())), properties: fc.oneof(fc.dictionary(fc.constantFrom('hauteur', 'HAUTEUR', 'height', 'building:levels', 'ID', 'Z_MIN_SOL', 'x'), fc.oneof(fc.string(), fc.double(), fc.constant(null))), fc.constant(null), fc.jsonValue()), geometry }) },
    fc.anything(),
  );

  it('never throws: every feature gives a record or a reason', () => {
    fc.assert(
      fc.property(feature, (f) => {
        const src = readFootprintFeature(f);
        if (!src.ok) {
          expect(src.reason.length).toBeGreaterThan(3);
          return;
        }
        const r = footprintToRecord(src.value, crs, rules, newCounters(), '#0');
        if (!r.ok) expect(r.reason.length).toBeGreaterThan(3);
        else {
          expect(r.record.heightM).toBeGreaterThan(0);
          for (const p of r.record.polygons) {
            expect(p.outer.length).toBeGreaterThanOrEqual(6);
            expect(p.outer.every(Number.isFinite)).toBe(true);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('city build from CityJSON', () => {
  it('reads a .city.json like CityGML (declared CRS, parts, rejections with reasons) into a pack', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'jumeau-cityjson-'));
    try {
      const input = join(import.meta.dirname, '..', '..', 'fixtures', 'userdata', 'buildings.city.json');
      const r = await buildCity({ inputs: [input], outDir: join(tmp, 'packs', 'cj'), attribution: ATTRIBUTION, workers: 0, compress: false });
      expect(r.buildings).toBe(2);
      expect(r.sourceCrs).toBe('EPSG:3946');
      expect(r.rejected).toEqual([{ index: 2, id: 'C', reason: expect.stringMatching(/flat building/) as unknown as string }]);
      // A plain .json holding CityJSON is recognised from its first bytes, and --crs must agree.
      const plain = join(tmp, 'b.json');
      await writeFile(plain, await readFile(input));
      await expect(buildCity({ inputs: [plain], outDir: join(tmp, 'packs', 'cj2'), attribution: ATTRIBUTION, workers: 0, crs: 'EPSG:2154' })).rejects.toThrow(/declares EPSG:3946 but --crs says EPSG:2154/);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
