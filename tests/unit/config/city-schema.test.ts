import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CITY_FILES, cityFromFile, cityFromPack } from '../../../src/config/cities.ts';
import { cityJsonSchema } from '../../../src/core/schemas/city-json-schema.ts';
import { cityPackSchema } from '../../../src/core/schemas/city-pack.ts';
import { DISPLAY_KINDS, jsonPath, parseCityText, validateCity } from '../../../src/core/schemas/city.ts';
import { LAYERS } from '../../../src/layers/catalog.ts';
import { main as validateMain } from '../../../tools/city/validate.ts';

/** A city described by JSON alone: no TypeScript anywhere (README "Adding a city"). */
const LYON = {
  format: 'jumeau-city', version: 1, id: 'lyon-test',
  names: { fr: 'Lyon (test)', en: 'Lyon (test)' },
  timeZone: 'Europe/Paris',
  home: { lonDeg: 4.835, latDeg: 45.76, heightM: 900, headingDeg: 0, pitchDeg: -40 },
  bbox: [4.82, 45.76, 4.84, 45.775],
  buildings: { url: 'https://example.org/lyon/tileset.json', heightProperties: ['hauteur'], attribution: { title: 'BD TOPO', publisher: 'IGN', licence: 'Licence Ouverte 2.0', date: '2024', status: 'recorded' } },
  basemaps: [
    { kind: 'xyz', id: 'osm', names: { fr: 'Plan', en: 'Map' }, url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png', attribution: { title: 'OSM', publisher: 'OpenStreetMap contributors', licence: 'ODbL 1.0', date: 'live', status: 'live' } },
    { kind: 'wms', id: 'ortho', names: { fr: 'Ortho', en: 'Aerial' }, url: 'https://data.geopf.fr/wms-r', layers: 'ORTHOIMAGERY.ORTHOPHOTOS', attribution: { title: 'Ortho', publisher: 'IGN', licence: 'Licence Ouverte 2.0', date: '2024', status: 'live' } },
  ],
  layers: [{ display: 'districts', defaultOn: true }, { display: 'parking' }],
};

describe('city files (src/core/schemas/city.ts)', () => {
  it('describes the shipped cities (Rennes, the demo, Paris) with their time zone and basemaps', () => {
    expect(CITY_FILES.map((c) => c.id)).toEqual(['rennes', 'demo', 'paris']);
    for (const c of CITY_FILES) {
      expect(c.timeZone).toBe('Europe/Paris');
      expect(c.basemaps.length).toBeGreaterThan(0);
    }
    expect(CITY_FILES[0]!.basemaps.map((b) => b.kind)).toEqual(['wmts', 'xyz']);
  });

  it('names every layer definition as a display kind', () => {
    expect([...DISPLAY_KINDS].sort()).toEqual(LAYERS.map((l) => l.id).sort());
  });

  it('builds a city from a JSON file alone', () => {
    const r = validateCity(LYON);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const c = cityFromFile(r.city, '/packs/', null);
    expect(c).toMatchObject({ id: 'lyon-test', name: 'Lyon (test)', timeZone: 'Europe/Paris', synthetic: false, online: false });
    expect(c.buildings).toMatchObject({ url: 'https://example.org/lyon/tileset.json', heightProperties: ['hauteur'], idProperties: ['id'] });
    expect(c.home.rollDeg).toBe(0);
    expect(c.basemaps.map((b) => [b.id, b.kind, b.maximumLevel])).toEqual([['osm', 'xyz', 19], ['ortho', 'wms', 19]]);
    expect(c.layers).toEqual([{ display: 'districts', defaultOn: true }, { display: 'parking' }]);
    expect(c.terrain).toBeUndefined();
  });

  it('names the JSON path and what was expected for every problem', () => {
    const broken = {
      ...LYON,
      id: 'Lyon!',
      names: { fr: 'Lyon' },
      timeZone: 'Europe/Lyonnais',
      basemaps: [{ ...LYON.basemaps[0], url: 'https://x/{z}/{x}.png' }, { kind: 'tiles' }],
      layers: [{ display: 'volcanoes' }],
    };
    const r = validateCity(broken);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const byPath = Object.fromEntries(r.issues.map((i) => [i.path, i.message]));
    expect(Object.keys(byPath)).toEqual(['$.id', '$.names.en', '$.timeZone', '$.basemaps[0].url', '$.basemaps[1].kind', '$.layers[0].display']);
    expect(byPath['$.names.en']).toMatch(/required: expected string/);
    expect(byPath['$.timeZone']).toMatch(/IANA/);
    expect(byPath['$.basemaps[0].url']).toMatch(/\{z\}, \{x\} and \{y\}/);
    expect(byPath['$.layers[0].display']).toMatch(/parking/);
    // Cross-field rules: a city without a pack needs its extent.
    const noPack = validateCity({ ...LYON, home: undefined, bbox: undefined });
    expect(noPack.ok ? [] : noPack.issues.map((i) => i.path)).toEqual(['$.home', '$.bbox']);
    // Syntax errors and other formats are named too.
    expect(parseCityText('{"format": ').ok).toBe(false);
    expect(validateCity({ format: 'jumeau-city-pack' })).toEqual({ ok: false, issues: [{ path: '$.format', message: 'expected "jumeau-city", got "jumeau-city-pack"' }] });
    expect(jsonPath(['a', 0, 'b-c'])).toBe('$.a[0]["b-c"]');
  });

  it('reads the city extension of a pack manifest, and packs without one as before', () => {
    const pack = cityPackSchema.parse({
      format: 'jumeau-city-pack', version: 1, id: 'lyon-1er', name: 'Lyon 1er', synthetic: false,
      bbox: [4.82, 45.76, 4.84, 45.775], home: { lonDeg: 4.83, latDeg: 45.76, heightM: 900, headingDeg: 0, pitchDeg: -35 },
      sourceCrs: 'EPSG:2154', sources: [{ title: 'BD TOPO', publisher: 'IGN', licence: 'LO 2.0', date: '2024', status: 'recorded' }],
      report: { buildings: 1, rejected: [], warnings: [] },
    });
    const plain = cityFromPack(pack, '/packs/lyon-1er/');
    expect(plain.timeZone).toBe('UTC');
    expect(plain.basemaps.map((b) => b.id)).toEqual(['osm']);
    const extended = cityFromPack({ ...pack, city: { timeZone: 'Europe/Paris', names: { fr: 'Lyon 1er', en: 'Lyon 1st' }, basemaps: [], layers: [{ display: 'districts' }] } }, '/packs/lyon-1er/');
    expect(extended).toMatchObject({ timeZone: 'Europe/Paris', names: { en: 'Lyon 1st' }, basemaps: [], layers: [{ display: 'districts' }] });
    expect(cityPackSchema.safeParse({ ...pack, city: { timeZone: 'Mars/Olympus' } }).success).toBe(false);
  });

  it('exports an up-to-date JSON Schema for editors (npx tsx tools/city-schema.ts)', async () => {
    const file = JSON.parse(await readFile(new URL('../../../schemas/city.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    expect(file).toEqual(JSON.parse(JSON.stringify(cityJsonSchema())));
    expect(file.required).toEqual(expect.arrayContaining(['format', 'version', 'id', 'names', 'timeZone']));
  });
});

describe('npm run city -- validate', () => {
  it('passes the shipped cities and packs, and prints file, JSON path and expectation for a broken one', async () => {
    const lines: string[] = [];
    expect(await validateMain(['src/config/cities'], (l) => lines.push(l))).toBe(0);
    expect(lines).toHaveLength(3);
    const dir = await mkdtemp(join(tmpdir(), 'city-validate-'));
    await writeFile(join(dir, 'lyon.json'), JSON.stringify({ ...LYON, timeZone: 'Nowhere/Land', basemaps: [{ ...LYON.basemaps[1], layers: undefined }] }));
    const bad: string[] = [];
    expect(await validateMain([dir], (l) => bad.push(l))).toBe(1);
    expect(bad).toContain(`${join(dir, 'lyon.json')}: $.timeZone: an IANA time zone such as "Europe/Paris"`);
    expect(bad.some((l) => l.includes('$.basemaps[0].layers: required'))).toBe(true);
  });
});
