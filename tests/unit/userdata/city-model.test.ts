import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../../src/features/userdata/formats.ts';
import { readCityJson } from '../../../src/city/cityjson-reader.ts';
import { buildUserCity, USERDATA_CITY_VERSION, type UserCityRequest } from '../../../src/features/userdata/city-kernel.ts';

const FIXTURE = join(import.meta.dirname, '../../fixtures/userdata/buildings.city.json');
const text = () => readFileSync(FIXTURE, 'utf8');
const enc = new TextEncoder();
const req = (name: string, bytes: Uint8Array, format: 'citygml' | 'cityjson', crs?: string): UserCityRequest => ({ version: USERDATA_CITY_VERSION, name, bytes, format, ...(crs !== undefined ? { crs } : {}) });

/** A CityGML 2.0 document with one LOD2 box building (10 × 8 m, 12 m) in CC46, srsName optional. */
function cityGml(srs: string | null): string {
  const x0 = 1843000, y0 = 5175000, z0 = 170, z1 = 182;
  const ring = (pts: number[][]) => `<gml:LinearRing><gml:posList>${[...pts, pts[0]!].map((p) => p.join(' ')).join(' ')}</gml:posList></gml:LinearRing>`;
  const surf = (kind: string, pts: number[][]) => `<bldg:boundedBy><bldg:${kind}><bldg:lod2MultiSurface><gml:MultiSurface><gml:surfaceMember><gml:Polygon><gml:exterior>${ring(pts)}</gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></bldg:lod2MultiSurface></bldg:${kind}></bldg:boundedBy>`;
  const g = [[x0, y0, z0], [x0 + 10, y0, z0], [x0 + 10, y0 + 8, z0], [x0, y0 + 8, z0]];
  const t = g.map(([x, y]) => [x!, y!, z1]);
  const walls = [0, 1, 2, 3].map((i) => surf('WallSurface', [g[i]!, g[(i + 1) % 4]!, t[(i + 1) % 4]!, t[i]!])).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<CityModel xmlns="http://www.opengis.net/citygml/2.0" xmlns:gml="http://www.opengis.net/gml" xmlns:bldg="http://www.opengis.net/citygml/building/2.0">
<cityObjectMember><bldg:Building gml:id="BAT_1"><bldg:measuredHeight uom="m">12</bldg:measuredHeight><bldg:yearOfConstruction>1901</bldg:yearOfConstruction>
${srs !== null ? `<gml:boundedBy><gml:Envelope srsName="${srs}" srsDimension="3"><gml:lowerCorner>${x0} ${y0} ${z0}</gml:lowerCorner><gml:upperCorner>${x0 + 10} ${y0 + 8} ${z1}</gml:upperCorner></gml:Envelope></gml:boundedBy>` : ''}
${surf('GroundSurface', [g[0]!, g[3]!, g[2]!, g[1]!])}${surf('RoofSurface', t)}${walls}
</bldg:Building></cityObjectMember></CityModel>`;
}

describe('CityJSON reader', () => {
  it('reads buildings with their parts, best LOD, semantics, transform and CRS', () => {
    const r = readCityJson(text());
    expect(r.version).toBe('2.0');
    expect(r.srsName).toBe('https://www.opengis.net/def/crs/EPSG/0/3946');
    expect(r.buildings.map((b) => b.source.id)).toEqual(['A', 'B', 'C']);
    const a = r.buildings[0]!.source;
    // LOD 2.2 chosen over LOD 1: six surfaces of the solid, with their semantic kinds.
    expect(a.surfaces.map((s) => s.kind)).toEqual(['ground', 'roof', 'wall', 'wall', 'wall', 'wall']);
    expect(a.properties).toMatchObject({ measuredHeight: 12, storeysAboveGround: 4, yearOfConstruction: 1890, function: 'residential' });
    // transform: integers × 0.001 + translate.
    expect(a.surfaces[0]!.rings[0]!.slice(0, 3)).toEqual([1843000, 5175000, 170]);
    // B's geometry comes from its BuildingPart child.
    expect(r.buildings[1]!.source.surfaces).toHaveLength(6);
    expect(r.buildings[1]!.source.properties).toMatchObject({ yearOfConstruction: 1975 });
    expect(r.notes.some((n) => /1 city objects other than buildings/.test(n))).toBe(true);
  });

  it('reads CityJSON 1.0 without transform and a URN referenceSystem', () => {
    const doc = {
      type: 'CityJSON',
      version: '1.0',
      metadata: { referenceSystem: 'urn:ogc:def:crs:EPSG::2154' },
      CityObjects: { X: { type: 'Building', geometry: [{ type: 'MultiSurface', lod: 1, boundaries: [[[0, 1, 2]]] }] } },
      vertices: [[1, 2, 3], [4, 2, 3], [4, 6, 3]],
    };
    const r = readCityJson(JSON.stringify(doc));
    expect(r.srsName).toBe('urn:ogc:def:crs:EPSG::2154');
    expect(r.buildings[0]!.source.surfaces[0]!.rings[0]).toEqual([1, 2, 3, 4, 2, 3, 4, 6, 3]);
  });

  it('refuses what is not CityJSON it can read, naming why', () => {
    expect(() => readCityJson('{')).toThrow(/invalid JSON/);
    expect(() => readCityJson('{"type":"FeatureCollection"}')).toThrow(/not CityJSON/);
    expect(() => readCityJson('{"type":"CityJSON","version":"3.0","CityObjects":{},"vertices":[]}')).toThrow(/version "3.0" is not read/);
    expect(() => readCityJson('{"type":"CityJSON","version":"2.0","CityObjects":{},"vertices":[]}')).toThrow(/requires a "transform"/);
    expect(() => readCityJson('{"type":"CityJSON","version":"1.1","transform":{"scale":[1,1],"translate":[0,0,0]},"CityObjects":{},"vertices":[]}')).toThrow(/"transform" needs/);
    const many = { type: 'CityJSON', version: '1.0', CityObjects: { a: { type: 'Building' }, b: { type: 'Building' } }, vertices: [] };
    expect(() => readCityJson(many, { maxBuildings: 1 })).toThrow(/more than 1 buildings/);
  });

  it('never throws anything but an Error on arbitrary JSON-like input (fuzz)', () => {
    const vertexIdx = fc.oneof(fc.integer({ min: -2, max: 12 }), fc.constant('x'), fc.constant(null));
    const ring = fc.array(vertexIdx, { maxLength: 6 });
    const geometry = fc.record({
      type: fc.constantFrom('MultiSurface', 'CompositeSurface', 'Solid', 'MultiSolid', 'GeometryInstance', 'Point'),
      lod: fc.oneof(fc.constantFrom(1, 2, '2.2', 'x'), fc.double()),
      boundaries: fc.oneof(fc.array(fc.array(ring, { maxLength: 3 }), { maxLength: 4 }), fc.array(fc.array(fc.array(ring, { maxLength: 2 }), { maxLength: 3 }), { maxLength: 2 }), fc.anything()),
      semantics: fc.oneof(fc.constant(undefined), fc.record({ surfaces: fc.array(fc.record({ type: fc.constantFrom('RoofSurface', 'WallSurface', 'X') }), { maxLength: 3 }), values: fc.anything() })),
    });
    const obj = fc.record({ type: fc.constantFrom('Building', 'BuildingPart', 'Road'), geometry: fc.oneof(fc.array(geometry, { maxLength: 3 }), fc.anything()), children: fc.oneof(fc.constant(['a', 'b']), fc.anything()), parents: fc.oneof(fc.constant(['a']), fc.anything()), attributes: fc.anything() });
    const doc = fc.record({
      type: fc.constantFrom('CityJSON', 'CityJSON', 'X'),
      version: fc.constantFrom('1.0', '1.1', '2.0', '0.9'),
      transform: fc.oneof(fc.constant({ scale: [0.01, 0.01, 0.01], translate: [0, 0, 0] }), fc.anything()),
      CityObjects: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), obj),
      vertices: fc.array(fc.oneof(fc.tuple(fc.integer(), fc.integer(), fc.integer()), fc.anything()), { maxLength: 12 }),
      metadata: fc.anything(),
    });
    fc.assert(
      fc.property(doc, (d) => {
        try {
          const r = readCityJson(d);
          for (const b of r.buildings) for (const s of b.source.surfaces) for (const ring of s.rings) expect(ring.length % 3).toBe(0);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('city models in the user-data worker', () => {
  it('reaches only browser-safe pipeline modules (no node: import, nothing compiling code at load)', () => {
    const root = join(import.meta.dirname, '../../..');
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, 'utf8');
      // Static imports only: dynamic import() (glb-compress.ts) is loaded when compressing, never in the browser.
      for (const m of src.matchAll(/^import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)) {
        const spec = m[1]!;
        expect(spec.startsWith('node:') || spec === '@gltf-transform/functions' || spec === 'meshoptimizer' || spec === 'sharp', `${file} imports ${spec}`).toBe(false);
        if (spec.startsWith('.')) visit(join(file, '..', spec));
      }
    };
    visit(join(root, 'src/features/userdata/city-kernel.ts'));
    expect([...seen].some((f) => f.endsWith('src/city/glb.ts'))).toBe(true);
    expect([...seen].some((f) => f.endsWith('glb-compress.ts'))).toBe(false);
  });

  it('detects CityGML and CityJSON from their bytes', () => {
    expect(detectFormat('x.json', enc.encode(text()))).toEqual({ ok: true, format: 'cityjson' });
    expect(detectFormat('b.gml', enc.encode(cityGml(null)))).toEqual({ ok: true, format: 'citygml' });
    expect(detectFormat('a.xml', enc.encode('<?xml version="1.0"?>\n<core:CityModel xmlns:core="x">'))).toEqual({ ok: true, format: 'citygml' });
    expect(detectFormat('f.jsonl', enc.encode('{"type":"CityJSONFeature","id":"x"}'))).toMatchObject({ ok: false, reason: /CityJSON Lines/ });
  });

  it('builds CityJSON into a glb with building metadata, a one-tile tileset and a report with reasons', async () => {
    const r = await buildUserCity(req('buildings.city.json', enc.encode(text()), 'cityjson'));
    if (!r.ok) throw new Error(r.error.reason);
    const { report, glb, tileset, fields } = r.result;
    expect(report).toMatchObject({ buildings: 2, rejectedCount: 1, crs: 'EPSG:3946', crsDeclared: true });
    expect(report.rejected[0]).toMatchObject({ id: 'C', reason: expect.stringMatching(/flat building/) });
    expect(report.warnings[0]).toBe('CityJSON 2.0');
    // Lyon: the region is around 4.83° E, 45.76° N.
    const [w, s, e, n, lo, hi] = tileset.root.boundingVolume.region.map((x, i) => (i < 4 ? (x * 180) / Math.PI : x));
    expect(w).toBeGreaterThan(4.7);
    expect(e).toBeLessThan(5);
    expect(s).toBeGreaterThan(45.6);
    expect(n).toBeLessThan(45.9);
    expect(lo).toBeLessThan(0);
    expect(hi).toBeGreaterThan(12);
    expect(tileset.root.transform).toHaveLength(16);
    const doc = await new WebIO().registerExtensions(ALL_EXTENSIONS).readBinary(glb);
    expect(doc.getRoot().listMeshes()[0]!.listPrimitives()[0]!.getAttribute('_FEATURE_ID_0')).not.toBeNull();
    const json = JSON.parse(new TextDecoder().decode(glb.subarray(20, 20 + new DataView(glb.buffer, glb.byteOffset).getUint32(12, true)))) as { extensions: { EXT_structural_metadata: { propertyTables: { count: number }[] } } };
    expect(json.extensions.EXT_structural_metadata.propertyTables[0]!.count).toBe(2);
    const heights = fields.find((f) => f.name === 'heightM')!;
    expect(heights).toMatchObject({ kind: 'numeric', min: 6, max: 12 });
    expect(fields.find((f) => f.name === 'heightSource')!.values.sort()).toEqual(['attribute', 'geometry']);
  });

  it('asks for the CRS of a CityGML file that declares none, then builds it with the CRS given', async () => {
    const bytes = enc.encode(cityGml(null));
    const first = await buildUserCity(req('b.gml', bytes, 'citygml'));
    expect(first).toMatchObject({ ok: false, needsCrs: true, error: { where: 'b.gml', reason: expect.stringMatching(/declares no CRS: choose it on the row/) } });
    const second = await buildUserCity(req('b.gml', bytes, 'citygml', 'EPSG:3946'));
    if (!second.ok) throw new Error(second.error.reason);
    expect(second.result.report).toMatchObject({ buildings: 1, rejectedCount: 0, crs: 'EPSG:3946', crsDeclared: false });
    expect(second.result.fields.find((f) => f.name === 'id')!.values).toEqual(['BAT_1']);
    const declared = await buildUserCity(req('b.gml', enc.encode(cityGml('EPSG:3946')), 'citygml', 'EPSG:2154'));
    expect(declared).toMatchObject({ ok: false, error: { reason: expect.stringMatching(/declares EPSG:3946 but the CRS chosen is EPSG:2154/) } });
    // A wrong CRS puts the building outside that CRS's area: rejected with the reason.
    const l93 = await buildUserCity(req('b.gml', bytes, 'citygml', 'EPSG:2154'));
    expect(l93).toMatchObject({ ok: false, error: { reason: expect.stringMatching(/no building could be built .*outside the area of use of EPSG:2154/) } });
  });

  it('refuses broken or oversized files with the reason, never throwing', async () => {
    expect(await buildUserCity(req('x.gml', enc.encode('<CityModel><bldg:Building'), 'citygml', 'EPSG:3946'))).toMatchObject({ ok: false, error: { reason: expect.stringMatching(/invalid XML|unclosed|no building/) } });
    expect(await buildUserCity(req('x.json', enc.encode('{"type":"CityJSON"'), 'cityjson'))).toMatchObject({ ok: false, error: { where: 'x.json', reason: expect.stringMatching(/invalid JSON/) } });
    expect(await buildUserCity(req('x.json', enc.encode('{"type":"CityJSON","version":"2.0","transform":{"scale":[1,1,1],"translate":[0,0,0]},"CityObjects":{},"vertices":[]}'), 'cityjson'))).toMatchObject({ ok: false, error: { reason: /no building in the file/ } });
    const big = { length: 500 * 1048576 } as unknown as Uint8Array;
    expect(await buildUserCity(req('big.gml', big, 'citygml'))).toMatchObject({ ok: false, error: { reason: expect.stringMatching(/500 MB, more than the limit/) } });
    expect(await buildUserCity({ ...req('v.gml', new Uint8Array(1), 'citygml'), version: 0 as never })).toMatchObject({ ok: false });
  });
});
