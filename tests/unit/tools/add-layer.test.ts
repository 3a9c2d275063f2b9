import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityPackSchema } from '../../../src/core/schemas/city-pack.ts';
import { addLayer } from '../../../src/city/node/add-layer.ts';
import { writeCityPack } from '../../../src/city/node/pack.ts';
import { generateDemoDistrict } from '../../../src/city/demo.ts';

describe('add-layer', () => {
  let tmp: string;
  let pack: string;
  const attribution = { publisher: 'Test publisher', licence: 'CC0', date: '2026' };
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'jumeau-layer-'));
    pack = join(tmp, 'packs', 'small');
    const d = generateDemoDistrict({ seed: 3, widthM: 300, heightM: 300 });
    await writeCityPack(d.buildings, { outDir: pack, id: 'small', name: 'Small', synthetic: true, sourceCrs: 'EPSG:4326', sources: [{ title: 'b', publisher: 'p', licence: 'l', date: 'd', status: 'synthetic' }] });
    await writeFile(join(tmp, 'points.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'a' }, geometry: { type: 'Point', coordinates: [-1.68, 48.11] } }] }));
    await writeFile(join(tmp, 'table.csv'), 'id,lon,lat\n1,-1.68,48.11\n');
    await writeFile(join(tmp, 'bad.geojson'), '{"type": "FeatureCollection", "features": [');
    await writeFile(join(tmp, 'array.geojson'), '[1,2,3]');
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('copies GeoJSON and CSV into the pack and records them with their attribution', async () => {
    await addLayer({ packDir: pack, file: join(tmp, 'points.geojson'), layer: 'wifi', title: 'Points', attribution });
    await addLayer({ packDir: pack, file: join(tmp, 'table.csv'), id: 'table', attribution: { ...attribution, status: 'live' } });
    const m = cityPackSchema.parse(JSON.parse(await readFile(join(pack, 'city.json'), 'utf8')));
    expect(m.layers.map((l) => [l.id, l.file, l.format, l.layer, l.attribution.status])).toEqual([
      ['points', 'layers/points.geojson', 'geojson', 'wifi', 'recorded'],
      ['table', 'layers/table.csv', 'csv', undefined, 'live'],
    ]);
    expect(await readFile(join(pack, 'layers/table.csv'), 'utf8')).toBe('id,lon,lat\n1,-1.68,48.11\n');
    // Adding the same id again replaces it.
    await addLayer({ packDir: pack, file: join(tmp, 'points.geojson'), title: 'Points again', attribution });
    const m2 = cityPackSchema.parse(JSON.parse(await readFile(join(pack, 'city.json'), 'utf8')));
    expect(m2.layers.filter((l) => l.id === 'points').map((l) => l.title)).toEqual(['Points again']);
  });

  it('refuses bad files and incomplete attributions with the file and reason named, changing nothing', async () => {
    const before = await readFile(join(pack, 'city.json'), 'utf8');
    await expect(addLayer({ packDir: pack, file: join(tmp, 'bad.geojson'), attribution })).rejects.toThrow(/bad.geojson: not valid JSON/);
    await expect(addLayer({ packDir: pack, file: join(tmp, 'array.geojson'), attribution })).rejects.toThrow(/FeatureCollection/);
    await expect(addLayer({ packDir: pack, file: join(tmp, 'missing.geojson'), attribution })).rejects.toThrow(/no such file/);
    await expect(addLayer({ packDir: pack, file: join(tmp, 'points.geojson'), attribution: { publisher: 'x' } })).rejects.toThrow(/licence.*date|give --publisher/);
    await expect(addLayer({ packDir: pack, file: join(tmp, 'table.csv'), format: 'gtfs', attribution })).rejects.toThrow(/not a zip/);
    await expect(addLayer({ packDir: join(tmp, 'nowhere'), file: join(tmp, 'points.geojson'), attribution })).rejects.toThrow(/city.json/);
    expect(await readFile(join(pack, 'city.json'), 'utf8')).toBe(before);
  });

  it('refuses a pack whose manifest is invalid', async () => {
    const broken = join(tmp, 'packs', 'broken');
    await cp(pack, broken, { recursive: true });
    await writeFile(join(broken, 'city.json'), JSON.stringify({ format: 'jumeau-city-pack', version: 1, id: 'broken' }));
    await expect(addLayer({ packDir: broken, file: join(tmp, 'points.geojson'), attribution })).rejects.toThrow(/name/);
  });
});
