import fc from 'fast-check';
import { mkdtemp, readFile, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import { MeshoptDecoder } from 'meshoptimizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecefToGeodetic, enuFrame } from '../../../src/core/geodesy.ts';
import { buildCity } from '../../../src/city/node/build.ts';
import { checkPack } from '../../../src/city/node/checks.ts';
import { CityGmlReader, imageResolver, readCityGmlFile, type CityGmlResult } from '../../../src/city/node/citygml-reader.ts';
import { lod2ToRecord, newCounters, type RecordRules } from '../../../src/city/clean.ts';
import { toWgs84 } from '../../../src/city/crs.ts';
import type { Tileset } from '../../../src/city/tileset.ts';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'city', 'citygml');
const FILE = join(DIR, 'four-buildings.gml');
const RULES: RecordRules = { base: 'ellipsoid', geoidUndulationM: 0, source: 'test' };
const ATTRIBUTION = { publisher: 'test', licence: 'CC0 1.0', date: '2026' };

describe('CityGML reader', () => {
  let res: CityGmlResult;
  let tmp: string;
  beforeAll(async () => {
    res = await readCityGmlFile(FILE);
    tmp = await mkdtemp(join(tmpdir(), 'jumeau-citygml-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('reads buildings, their best LOD, thematic surfaces, holes, attributes and textures', () => {
    expect(res.srsName).toBe('urn:ogc:def:crs:EPSG::3946');
    expect(res.themes).toEqual(['photo']);
    expect(res.buildings.map((b) => b.source.id)).toEqual(['BU_A', 'BU_B', 'BU_C', 'BU_D']);
    const a = res.buildings[0]!.source;
    expect(a.surfaces.map((s) => s.kind)).toEqual(['roof', 'wall', 'wall', 'wall', 'wall', 'ground']);
    expect(a.surfaces[0]!.rings).toHaveLength(2); // the roof's hole
    expect(a.surfaces[0]!.texture).toBe(join(DIR, 'facade.png'));
    expect(a.surfaces[0]!.uvs![1]).toEqual([0.1, 0.3, 0.1, 0.6, 0.3, 0.6, 0.3, 0.3, 0.1, 0.3]);
    expect(a.surfaces[5]!.texture).toBeNull();
    expect(a.properties).toMatchObject({ measuredHeight: 6, storeysAboveGround: 2, yearOfConstruction: '1932', USAGE: 'Résidentiel', HAUTEUR_SOURCE: 6, name: 'Maison A' });
    const d = res.buildings[3]!.source;
    expect(d.surfaces).toHaveLength(6); // LOD1 solid: the only geometry
    expect(d.surfaces[0]!.texture).toBe(join(DIR, 'missing.jpg')); // global appearance, after the buildings
    expect(res.notes).toEqual(['1 xlink:href surface references point to no polygon of their building']);
  });

  it('turns buildings into records with real surfaces, standing on the ellipsoid, or refuses them with a reason', () => {
    const crs = toWgs84('EPSG:3946');
    const counters = newCounters();
    const [a, b, c, d] = res.buildings.map((x) => lod2ToRecord(x.source, crs, RULES, counters, 'f'));
    if (!a!.ok || !d!.ok) throw new Error('A and D must build');
    expect(a!.record).toMatchObject({ id: 'BU_A', heightM: 6, heightSource: 'attribute', baseM: 0, groundAltitudeM: 100, floors: 2, yearBuilt: 1932, use: 'Résidentiel' });
    const zs = a!.record.surfaces!.flatMap((s) => s.rings.flatMap((r) => r.filter((_, i) => i % 3 === 2)));
    expect(Math.min(...zs)).toBe(0);
    expect(Math.max(...zs)).toBe(6);
    expect(a!.record.polygons).toHaveLength(1); // footprint from the ground surface
    expect(a!.record.surfaces!.filter((s) => s.texture !== null)).toHaveLength(2); // roof and wall 0; wall 1's coordinates do not match its ring
    expect(counters.untexturedSurfaces).toBe(1);
    // v is flipped to glTF's convention.
    expect(a!.record.surfaces![1]!.uvs![0]!.slice(0, 4)).toEqual([0, 1, 1, 1]);
    expect(b).toMatchObject({ ok: false, id: 'BU_B', reason: expect.stringMatching(/surface B-roof: self-intersection/) });
    expect(c).toMatchObject({ ok: false, id: 'BU_C', reason: expect.stringMatching(/surface C-wall ring 0 vertex 2: non-finite z/) });
    expect(d!.record).toMatchObject({ id: 'BU_D', heightSource: 'geometry', groundAltitudeM: 95, use: '1000' });
    expect(d!.record.heightM).toBeCloseTo(9.5, 9);
    // With --base source the source altitudes are kept, plus the geoid undulation.
    const s = lod2ToRecord(res.buildings[0]!.source, crs, { ...RULES, base: 'source', geoidUndulationM: 50 }, newCounters(), 'f');
    expect(s.ok && s.record.baseM).toBe(150);
    expect(s.ok && Math.min(...s.record.surfaces!.flatMap((x) => x.rings.flatMap((r) => r.filter((_, i) => i % 3 === 2))))).toBe(150);
  });

  it('builds a textured pack: the glb carries the image and texture coordinates that land where the source put them', async () => {
    const out = join(tmp, 'packs', 'gml');
    const r = await buildCity({ inputs: [FILE], outDir: out, attribution: ATTRIBUTION, workers: 0 });
    expect(r.buildings).toBe(2);
    expect(r.rejected.map((x) => [x.id, x.reason.split(':')[0]])).toEqual([['BU_B', 'surface B-roof'], ['BU_C', 'surface C-wall ring 0 vertex 2']]);
    expect(r.warnings.join('\n')).toMatch(/texture .*missing\.jpg cannot be read \(ENOENT\): its surfaces are drawn untextured/);
    const check = await checkPack(out);
    expect(check.errors).toEqual([]);
    expect(check.features).toBe(2);
    // Decode the tile and find the textured primitive.
    const tileset = JSON.parse(await readFile(join(out, 'tileset.json'), 'utf8')) as Tileset;
    await MeshoptDecoder.ready;
    const io = new NodeIO().registerExtensions(ALL_EXTENSIONS).registerDependencies({ 'meshopt.decoder': MeshoptDecoder });
    const doc = await io.read(join(out, tileset.root.content!.uri));
    const textures = doc.getRoot().listTextures();
    expect(textures).toHaveLength(1);
    expect(textures[0]!.getMimeType()).toBe('image/png');
    expect(Buffer.from(textures[0]!.getImage()!)).toEqual(await readFile(join(DIR, 'facade.png'))); // small PNG: kept as it is
    const prims = doc.getRoot().listMeshes()[0]!.listPrimitives();
    const textured = prims.find((p) => p.getAttribute('TEXCOORD_0') !== null)!;
    expect(textured.getMaterial()!.getDoubleSided()).toBe(true);
    // Wall 0 runs from (x0, y0) to (x0 + 10, y0) at z 0…6 with u 0…1 and v 1…0 (flipped).
    const origin = tileset.root.transform!;
    const frame = enuFrame(ecefOrigin(origin));
    const crs = toWgs84('EPSG:3946');
    const [lon, lat] = crs.forward(1841510, 5175880); // wall 0's far bottom corner
    const want = frame.fromGeodetic(lon, lat, 0);
    const pos = textured.getAttribute('POSITION')!, uv = textured.getAttribute('TEXCOORD_0')!;
    const m = doc.getRoot().listNodes()[0]!.getWorldMatrix(); // quantization scale and offset
    let best = Infinity, bestUv: number[] = [];
    for (let i = 0; i < pos.getCount(); i++) {
      const q = pos.getElement(i, []);
      const p = [0, 1, 2].map((k) => m[k]! * q[0]! + m[4 + k]! * q[1]! + m[8 + k]! * q[2]! + m[12 + k]!);
      const d = Math.hypot(p[0]! - want[0], -p[2]! - want[1], p[1]! - want[2]); // glTF y-up → ENU
      if (d < best) {
        best = d;
        bestUv = uv.getElement(i, []);
      }
    }
    expect(best).toBeLessThan(0.02 * Math.sqrt(3) + 1e-6); // the quantization budget: 2 cm along each axis
    expect(bestUv[0]).toBeCloseTo(1, 2);
    expect(bestUv[1]).toBeCloseTo(1, 2);
  });

  it('needs --crs when the file declares none, and says so', async () => {
    const text = (await readFile(FILE, 'utf8')).replace(' srsName="urn:ogc:def:crs:EPSG::3946"', '');
    const noSrs = join(tmp, 'no-srs.gml');
    await writeFile(noSrs, text);
    await copyFile(join(DIR, 'facade.png'), join(tmp, 'facade.png'));
    await expect(buildCity({ inputs: [noSrs], outDir: join(tmp, 'packs', 'x'), attribution: ATTRIBUTION, workers: 0 })).rejects.toThrow(/no-srs\.gml declares no CRS \(no srsName\): pass --crs EPSG:n/);
    const r = await buildCity({ inputs: [noSrs], outDir: join(tmp, 'packs', 'x'), attribution: ATTRIBUTION, workers: 0, crs: 'EPSG:3946' });
    expect(r.buildings).toBe(2);
    await expect(buildCity({ inputs: [FILE], outDir: join(tmp, 'packs', 'y'), attribution: ATTRIBUTION, workers: 0, theme: 'rgb' })).rejects.toThrow(/appearance theme "rgb" is not in the file \(themes: photo\)/);
  });

  it('never crashes or hangs on damaged files: an error with a message, or buildings refused with reasons (fuzz)', async () => {
    const text = await readFile(FILE, 'utf8');
    const crs = toWgs84('EPSG:3946');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(text.length), fc.nat(200), fc.constantFrom('', 'NaN', '<', '>', '</gml:posList>', '<gml:Polygon>', '"', '&amp;', '1e999', ' -1 ', '<bldg:Building>')), { minLength: 1, maxLength: 4 }),
        (edits) => {
          let t = text;
          for (const [at, len, insert] of edits) t = t.slice(0, at) + insert + t.slice(Math.min(t.length, at + len));
          const reader = new CityGmlReader({ resolveImage: imageResolver(DIR) });
          let result: CityGmlResult;
          try {
            reader.write(t);
            result = reader.end();
          } catch (e) {
            expect(e).toBeInstanceOf(Error);
            expect((e as Error).message.length).toBeGreaterThan(0);
            return;
          }
          for (const b of result.buildings) {
            const r = lod2ToRecord(b.source, crs, RULES, newCounters(), 'f');
            if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
            else expect(r.record.heightM).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Geodetic origin of a root tile transform (an ENU frame at a point). */
function ecefOrigin(m: readonly number[]) {
  return ecefToGeodetic(m[12]!, m[13]!, m[14]!);
}
