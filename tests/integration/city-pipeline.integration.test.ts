import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geodeticToEcef } from '../../src/core/geodesy.ts';
import { cityPackSchema } from '../../src/core/schemas/city-pack.ts';
import { buildCity, readBuildings, type BuildResult } from '../../src/city/node/build.ts';
import { checkPack } from '../../src/city/node/checks.ts';
import type { BuildingRecord } from '../../src/city/types.ts';
import { decodePack, vertexHausdorff } from '../support/decode-pack.ts';
import { countWithLoadersGl } from '../support/loadersgl-consumer.ts';

/**
 * The city pipeline on the real open data in ../shared/data (read in place; these tests fail,
 * never skip, when it is missing): Lyon 1er BD TOPO in EPSG:3946 and WGS84, the Rennes 2 campus,
 * and the Lyon CityGML houses with their textures.
 */

const DATA = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'data');
const LYON_3946 = join(DATA, 'lyon', 'buildings', 'buildings_lyon1er_bdtopo_EPSG3946.geojson');
const LYON_WGS84 = join(DATA, 'lyon', 'buildings', 'buildings_lyon1er_bdtopo_wgs84.geojson');
const CAMPUS = join(DATA, 'rennes', 'buildings', 'campus_rennes2_bati3d_heights.geojson');
const CITYGML = join(DATA, 'lyon', 'citygml');
const IGN = { publisher: 'IGN', licence: 'Licence Ouverte 2.0', date: '2019', title: 'BD TOPO bâtiments' };

interface SourceFeature {
  properties: Record<string, unknown>;
}

async function sourceFeatures(path: string): Promise<SourceFeature[]> {
  return (JSON.parse(await readFile(path, 'utf8')) as { features: SourceFeature[] }).features;
}

function ecefOf(r: BuildingRecord): number[] {
  const out: number[] = [];
  for (const p of r.polygons) for (const ring of [p.outer, ...p.holes]) for (let i = 0; i < ring.length; i += 2) out.push(...geodeticToEcef(ring[i]!, ring[i + 1]!, 0));
  return out;
}

describe('Lyon 1er BD TOPO (2,576 buildings)', () => {
  let tmp: string;
  let a: BuildResult;
  let b: BuildResult;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'jumeau-lyon-'));
    a = await buildCity({ inputs: [LYON_3946], outDir: join(tmp, 'packs', 'lyon-3946'), attribution: IGN, workers: 2 });
    b = await buildCity({ inputs: [LYON_WGS84], outDir: join(tmp, 'packs', 'lyon-wgs84'), attribution: IGN, workers: 2 });
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('builds every building, with the height and id of its source record', async () => {
    expect(a.buildings).toBe(2576);
    expect(a.rejected).toEqual([]);
    expect(a.sourceCrs).toBe('EPSG:3946');
    expect(b.sourceCrs).toBe('EPSG:4326');
    const source = new Map((await sourceFeatures(LYON_3946)).map((f) => [String(f.properties.ID), f.properties]));
    const decoded = await decodePack(join(tmp, 'packs', 'lyon-3946'));
    expect(decoded.size).toBe(2576);
    for (const [id, f] of decoded) {
      const src = source.get(id)!;
      expect(src, id).toBeDefined();
      expect(f.props.heightM, id).toBe(Math.fround(src.HAUTEUR as number));
      expect(f.props.heightSource, id).toBe(0); // 'attribute'
      // No ground altitude in the source (null): the declared noData value.
      expect(f.props.groundAltitudeM, id).toBe(src.Z_MIN_SOL === null ? -9999 : Math.fround(src.Z_MIN_SOL as number));
      expect(f.props.baseM, id).toBe(0); // standing on the ellipsoid
    }
  });

  it('passes the glTF validator and the structural checks; loaders.gl counts the same features as the report', async () => {
    const dir = join(tmp, 'packs', 'lyon-3946');
    const check = await checkPack(dir);
    expect(check.errors).toEqual([]);
    expect(check.features).toBe(2576);
    const manifest = cityPackSchema.parse(JSON.parse(await readFile(join(dir, 'city.json'), 'utf8')));
    const consumer = await countWithLoadersGl(dir);
    expect(consumer.features).toBe(manifest.report.buildings);
    expect(consumer.featureIdsOnVertices).toBe(manifest.report.buildings);
    expect(new Set(consumer.ids).size).toBe(2576);
    expect(manifest.bbox[0]).toBeCloseTo(4.814, 3);
    expect(manifest.bbox[3]).toBeCloseTo(45.7747, 3);
  });

  it('the EPSG:3946 and WGS84 copies give the same buildings within 1 cm', async () => {
    const [ra, rb] = await Promise.all([readBuildings({ inputs: [LYON_3946], attribution: IGN }), readBuildings({ inputs: [LYON_WGS84], attribution: IGN })]);
    const byId = new Map(rb.records.map((r) => [r.id, r]));
    let worst = 0;
    for (const r of ra.records) {
      const o = byId.get(r.id)!;
      expect(o, r.id).toBeDefined();
      expect([o.heightM, o.heightSource, o.floors, o.use, o.yearBuilt, o.groundAltitudeM]).toEqual([r.heightM, r.heightSource, r.floors, r.use, r.yearBuilt, r.groundAltitudeM]);
      expect(o.polygons.map((p) => p.holes.length)).toEqual(r.polygons.map((p) => p.holes.length));
      worst = Math.max(worst, vertexHausdorff(ecefOf(r), ecefOf(o)));
    }
    expect(byId.size).toBe(ra.records.length);
    expect(worst).toBeLessThan(0.01);
  });

  it('and the same packs: same tiles, features and properties, vertices within 1 cm plus the quantization step', async () => {
    const ta = JSON.parse(await readFile(join(tmp, 'packs', 'lyon-3946', 'tileset.json'), 'utf8')) as { root: unknown };
    const tb = JSON.parse(await readFile(join(tmp, 'packs', 'lyon-wgs84', 'tileset.json'), 'utf8')) as { root: unknown };
    const shape = (t: unknown): unknown => {
      const x = t as { content?: { uri: string }; children?: unknown[]; refine?: string };
      return { uri: x.content?.uri, refine: x.refine, children: (x.children ?? []).map(shape) };
    };
    expect(shape(tb.root)).toEqual(shape(ta.root));
    const [da, db] = await Promise.all([decodePack(join(tmp, 'packs', 'lyon-3946')), decodePack(join(tmp, 'packs', 'lyon-wgs84'))]);
    expect(db.size).toBe(da.size);
    let worstExcess = 0;
    const moved: string[] = [];
    for (const [id, fa] of da) {
      const fb = db.get(id)!;
      expect(fb, id).toBeDefined();
      expect(fb.props, id).toEqual(fa.props);
      if (fb.tile !== fa.tile) moved.push(id);
      worstExcess = Math.max(worstExcess, vertexHausdorff(fa.ecef, fb.ecef) - (fa.stepM + fb.stepM));
    }
    expect(worstExcess).toBeLessThan(0.01);
    // A tile keeps the most prominent buildings of its area (size rounded to the metre): a
    // building whose footprint diagonal lies within the copies' difference (~7 mm, the 7
    // decimals of the WGS84 copy) of a rounding boundary, at the cut, may change tile. Today one
    // does; every other building is in the same tile.
    expect(moved.length).toBeLessThanOrEqual(2);
  });
});

describe('Rennes 2 campus buildings (177 parts)', () => {
  let tmp: string;
  let r: BuildResult;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'jumeau-campus-'));
    r = await buildCity({ inputs: [CAMPUS], outDir: join(tmp, 'packs', 'campus'), attribution: { publisher: 'Université Rennes 2 / Master SIGAT', licence: 'unknown', date: '2019' }, workers: 0 });
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('builds every part or says why not, with the hauteur of its record, unique ids, and passes the checks', async () => {
    const features = await sourceFeatures(CAMPUS);
    expect(r.buildings + r.rejected.length).toBe(features.length);
    expect(r.rejected).toEqual([]);
    expect(r.sourceCrs).toBe('EPSG:4326');
    expect(r.warnings.join('\n')).toMatch(/shared an id with an earlier one and got a suffix ~2/);
    const decoded = await decodePack(join(tmp, 'packs', 'campus'));
    expect(decoded.size).toBe(features.length);
    // Ids are the source "Id" in file order, later duplicates suffixed: check each height.
    const seen = new Map<string, number>();
    for (const f of features) {
      const id = String(f.properties.Id);
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      const d = decoded.get(n === 1 ? id : `${id}~${n}`)!;
      expect(d, `${id} #${n}`).toBeDefined();
      expect(d.props.heightM).toBe(Math.fround(f.properties.hauteur as number));
    }
    const check = await checkPack(join(tmp, 'packs', 'campus'));
    expect(check.errors).toEqual([]);
    expect((await countWithLoadersGl(join(tmp, 'packs', 'campus'))).features).toBe(r.buildings);
  });
});

describe('Lyon CityGML LOD2 houses with textures', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'jumeau-citygml-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('needs --crs (no srsName), then keeps the real surfaces and textures on the ground', async () => {
    const attribution = { publisher: 'Métropole de Lyon', licence: 'Licence Ouverte', date: '2015' };
    await expect(buildCity({ inputs: [CITYGML], outDir: join(tmp, 'packs', 'gml'), attribution, workers: 0 })).rejects.toThrow(/declares no CRS \(no srsName\): pass --crs EPSG:n .*EPSG:3946/);
    const r = await buildCity({ inputs: [CITYGML], outDir: join(tmp, 'packs', 'gml'), attribution, workers: 0, crs: 'EPSG:3946' });
    expect(r.buildings).toBe(2);
    expect(r.rejected).toEqual([]);
    const dir = join(tmp, 'packs', 'gml');
    const check = await checkPack(dir);
    expect(check.errors).toEqual([]);
    const decoded = await decodePack(dir);
    expect(decoded.get('BU_69381AB133')!.props).toMatchObject({ heightM: Math.fround(10.384), groundAltitudeM: Math.fround(197.4), textured: 1, heightSource: 0 });
    expect(decoded.get('BU_69382AN2')!.props).toMatchObject({ heightM: Math.fround(4.797), groundAltitudeM: Math.fround(166.5), textured: 1 });
    const consumer = await countWithLoadersGl(dir);
    expect(consumer.features).toBe(2);
    expect(consumer.texturedPrimitives).toBe(2);
    // Each house stands on the ellipsoid: its lowest vertex at height 0 (within quantization).
    const { ecefToGeodetic } = await import('../../src/core/geodesy.ts');
    for (const f of decoded.values()) {
      let lo = Infinity, hi = -Infinity;
      for (let i = 0; i < f.ecef.length; i += 3) {
        const h = ecefToGeodetic(f.ecef[i]!, f.ecef[i + 1]!, f.ecef[i + 2]!).heightM;
        lo = Math.min(lo, h);
        hi = Math.max(hi, h);
      }
      expect(Math.abs(lo), f.id).toBeLessThan(0.05);
      expect(hi, f.id).toBeGreaterThan(4);
      expect(hi, f.id).toBeLessThan(11);
    }
  });
});
