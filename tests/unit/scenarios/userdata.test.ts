import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readScenarioFile, sha256Hex, writeScenarioFile, type ScenarioAsset } from '../../../src/scenarios/file.ts';
import { MAX_SCENARIO_USERDATA_BYTES, readUserData, sameUserItem, withUserData, type LeftOutUserItem, type ScenarioUserItem } from '../../../src/scenarios/userdata.ts';
import { arbScenario } from './arbitraries.ts';

/** My data saved with a scenario: export then import is the identity, the byte cap, bad items named and skipped. */

const NONE = new Map<string, ScenarioAsset>();
const SCENARIO = fc.sample(arbScenario, { numRuns: 1, seed: 11 })[0]!;
const noNegZero = (v: number) => (v === 0 ? 0 : v);
const num = (min: number, max: number) => fc.double({ min, max, noNaN: true }).map(noNegZero);
const text = (max: number) => fc.string({ maxLength: max });
const name = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim() !== '');

const arbItem: fc.Arbitrary<ScenarioUserItem> = fc.record(
  {
    name,
    format: fc.constantFrom('geojson', 'csv', 'gpx', 'kml', 'kmz', 'shapefile', 'glb', 'tileset', 'citygml', 'cityjson', 'wms', 'wmts', 'xyz'),
    licence: text(40),
    publisher: text(40),
    styleField: fc.option(text(20), { nil: null }),
    options: fc.record({ csv: fc.record({ xField: text(10), yField: fc.option(text(10), { nil: null }), crs: fc.constantFrom('EPSG:4326', 'EPSG:2154') }, { requiredKeys: [] }), city: fc.record({ crs: fc.constant('EPSG:3948') }, { requiredKeys: [] }) }, { requiredKeys: [] }),
    placement: fc.record({ lonDeg: num(-180, 180), latDeg: num(-90, 90), heightM: num(-100, 500), headingDeg: num(0, 359), scale: num(0.01, 100) }),
    source: fc.oneof(
      fc.record({ kind: fc.constant('url' as const), url: fc.webUrl({ validSchemes: ['https'] }), layers: text(20) }, { requiredKeys: ['kind', 'url'] }),
      fc.record({ kind: fc.constant('file' as const), bytes: fc.uint8Array({ maxLength: 300 }) }),
    ),
  },
  { requiredKeys: ['name', 'format', 'licence', 'publisher', 'styleField', 'options', 'source'] },
);

async function fileWith(items: readonly (ScenarioUserItem | LeftOutUserItem)[], cap?: number): Promise<{ text: string; leftOut: LeftOutUserItem[] }> {
  const { doc, leftOut } = await withUserData(JSON.parse(writeScenarioFile(SCENARIO, NONE)) as object, items, cap);
  return { text: JSON.stringify(doc), leftOut };
}

const geo = new TextEncoder().encode('{"type":"FeatureCollection","features":[]}');
const good = (n: string, bytes = geo): ScenarioUserItem => ({ name: n, format: 'geojson', licence: 'ODbL', publisher: 'Ville de Rennes', styleField: 'type', options: {}, source: { kind: 'file', bytes } });

describe('My data in the scenario file', () => {
  it('export then import is the identity, and the scenario still reads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(arbItem, { maxLength: 6 }), async (items) => {
        const { text, leftOut } = await fileWith(items);
        expect(leftOut).toEqual([]);
        const r = await readScenarioFile(text);
        expect(r.ok).toBe(true);
        const back = await readUserData(JSON.parse(text));
        expect(back.problems).toEqual([]);
        expect(back.items).toEqual(items);
      }),
      { numRuns: 60 },
    );
  });

  it('older files without userData still read, with no items', async () => {
    const text = writeScenarioFile(SCENARIO, NONE);
    expect(JSON.parse(text)).not.toHaveProperty('userData');
    expect((await readScenarioFile(text)).ok).toBe(true);
    expect(await readUserData(JSON.parse(text))).toEqual({ items: [], leftOut: [], problems: [] });
    // No items: the file is unchanged (no empty list).
    expect((await withUserData({ a: 1 }, [])).doc).toEqual({ a: 1 });
  });

  it('embeds file items up to the byte cap; the others are listed by name with why', async () => {
    expect(MAX_SCENARIO_USERDATA_BYTES).toBe(25 * 1024 * 1024);
    const ten = (n: string) => good(n, new Uint8Array(10).fill(n.charCodeAt(0)));
    const url: ScenarioUserItem = { ...good('ortho'), format: 'wms', source: { kind: 'url', url: 'https://example.org/wms', layers: 'ORTHO' } };
    const local: LeftOutUserItem = { name: 'tiles.3tz', format: 'tileset', reason: 'a 3D Tiles archive from disk is not saved' };
    const { text, leftOut } = await fileWith([ten('a'), ten('b'), url, ten('c'), local, good('d', new Uint8Array(5))], 25);
    // a and b (20 bytes) fit; c would make 30; d (5 bytes) still fits; URL items cost nothing.
    expect(leftOut.map((l) => l.name)).toEqual(['c', 'tiles.3tz']);
    expect(leftOut[0]!.reason).toMatch(/at most 0 MB of My data files/);
    const back = await readUserData(JSON.parse(text));
    expect(back.items.map((i) => i.name)).toEqual(['a', 'b', 'ortho', 'd']);
    expect(back.leftOut).toEqual([{ name: 'c', format: 'geojson', reason: leftOut[0]!.reason }, { name: 'tiles.3tz', format: 'tileset', reason: local.reason }]);
    expect(back.problems).toEqual([]);
    expect((await readScenarioFile(text)).ok).toBe(true);
  });

  it('a corrupt or invalid item is named and skipped; the others and the scenario are kept', async () => {
    const { text } = await fileWith([good('ok.geojson'), good('tampered.geojson'), good('badb64.geojson'), good('wrong.geojson'), { ...good('ftp'), source: { kind: 'url', url: 'https://x.org/a.json' } }]);
    const doc = JSON.parse(text) as { userData: Record<string, unknown>[] };
    (doc.userData[1]!.source as { data: string }).data = Buffer.from('{"type":"FeatureCollection","features":[1]}').toString('base64');
    (doc.userData[2]!.source as { data: string }).data = '@@@@';
    doc.userData[3]!.format = 'exe';
    (doc.userData[4]!.source as { url: string }).url = 'ftp://x.org/a.json';
    const t2 = JSON.stringify(doc);
    expect((await readScenarioFile(t2)).ok).toBe(true);
    const back = await readUserData(JSON.parse(t2));
    expect(back.items.map((i) => i.name)).toEqual(['ok.geojson']);
    expect(back.problems).toHaveLength(4);
    expect(back.problems[0]).toMatch(/^userData\[1\] "tampered\.geojson": corrupted \(its SHA-256 is [0-9a-f]{12}…, the file says [0-9a-f]{12}…\)$/);
    expect(back.problems[1]).toMatch(/^userData\[2\] "badb64\.geojson": base64: invalid character "@"/);
    expect(back.problems[2]).toMatch(/^userData\[3\]\.format: /);
    expect(back.problems[3]).toMatch(/^userData\[4\]\.source\.url: an http or https address$/);
    expect(await readUserData({ userData: 'x' })).toEqual({ items: [], leftOut: [], problems: ['userData: not a list'] });
  });

  it('reading any userData list never throws and accounts for every entry', async () => {
    const { text } = await fileWith([good('a.geojson'), { ...good('w'), source: { kind: 'url', url: 'https://e.org/wms' } }, { name: 'l', format: 'glb', reason: 'r' }]);
    const valid = (JSON.parse(text) as { userData: unknown[] }).userData;
    const mutated = fc.tuple(fc.constantFrom(...valid), fc.constantFrom('name', 'format', 'licence', 'source', 'options', 'placement', 'leftOut', 'extra'), fc.jsonValue()).map(([e, k, v]) => ({ ...(e as object), [k]: v }));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.jsonValue(), mutated, fc.constantFrom(...valid)), { maxLength: 8 }), async (list) => {
        const r = await readUserData({ userData: list });
        expect(r.items.length + r.leftOut.length + r.problems.length).toBe(list.length);
        for (const p of r.problems) expect(p).toMatch(/^userData\[\d+\]/);
        const doc = JSON.parse(text) as Record<string, unknown>;
        expect((await readScenarioFile(JSON.stringify({ ...doc, userData: list }))).ok).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('the same data is recognised: same URL, or same name and bytes', async () => {
    const a = good('a.geojson');
    expect(sameUserItem(a, { name: 'a.geojson', source: { kind: 'file', bytes: geo.slice() } })).toBe(true);
    expect(sameUserItem(a, { name: 'b.geojson', source: { kind: 'file', bytes: geo } })).toBe(false);
    expect(sameUserItem(a, { name: 'a.geojson', source: { kind: 'file', bytes: new Uint8Array(geo.length) } })).toBe(false);
    expect(sameUserItem(a, { name: 'a.geojson', source: { kind: 'archive' } })).toBe(false);
    const u: ScenarioUserItem = { ...a, source: { kind: 'url', url: 'https://e.org/x.json' } };
    expect(sameUserItem(u, { name: 'other', source: { kind: 'url', url: 'https://e.org/x.json' } })).toBe(true);
    expect(sameUserItem(u, { name: 'a.geojson', source: { kind: 'url', url: 'https://e.org/y.json' } })).toBe(false);
    expect(await sha256Hex(geo)).toMatch(/^[0-9a-f]{64}$/);
  });
});
