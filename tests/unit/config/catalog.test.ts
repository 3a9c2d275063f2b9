import { describe, expect, it } from 'vitest';
import { chooseCity, loadCatalog, type CatalogEntry } from '../../../src/config/catalog.ts';
import { CITY_FILES, cityFromFile } from '../../../src/config/cities.ts';

const RENNES = cityFromFile(CITY_FILES[0]!, '/packs/', null);
const DEMO = cityFromFile({ ...CITY_FILES[1]!, home: { lonDeg: -1.68, latDeg: 48.1, heightM: 750, headingDeg: 0, pitchDeg: -35, rollDeg: 0 }, bbox: [-1.7, 48.1, -1.66, 48.12] }, '/packs/', null);

const demoPack = {
  format: 'jumeau-city-pack', version: 1, id: 'demo', name: 'Demo district', synthetic: true,
  bbox: [-1.7, 48.1, -1.66, 48.12], home: { lonDeg: -1.68, latDeg: 48.09, heightM: 900, headingDeg: 0, pitchDeg: -35, rollDeg: 0 },
  sourceCrs: 'EPSG:4326', sources: [{ title: 'Demo buildings', publisher: 'Jumeau', licence: 'CC0', date: 'generated', status: 'synthetic' }],
  report: { buildings: 10, rejected: [], warnings: [] },
};

function fakeFetch(files: Record<string, unknown>) {
  return async (url: string) => {
    if (!(url in files)) throw new Error(`${url}: HTTP 404 Not Found`);
    const v = files[url];
    if (v instanceof Error) throw v;
    return v;
  };
}

describe('city catalog', () => {
  it('adds packs from the index; a pack named by a city file opens through that file', async () => {
    const { entries, notices } = await loadCatalog({
      packsBaseUrl: '/packs/',
      fetchJson: fakeFetch({
        '/packs/index.json': { format: 'jumeau-pack-index', version: 1, packs: [{ id: 'demo', name: 'Demo district', synthetic: true }, { id: 'lyon-1er', name: 'Lyon 1er', synthetic: false }] },
        '/packs/demo/city.json': demoPack,
      }),
    });
    expect(notices).toEqual([]);
    expect(entries.map((e) => [e.id, e.origin])).toEqual([['rennes', 'builtin'], ['demo', 'builtin'], ['paris', 'builtin'], ['lyon-1er', 'pack']]);
    const demo = await entries[1]!.load();
    expect(demo.buildings?.url).toBe('/packs/demo/tileset.json');
    expect(demo.synthetic).toBe(true);
    // The pack knows its real extent; the city file gives the time zone and the basemaps.
    expect(demo.bbox).toEqual(demoPack.bbox);
    expect(demo.timeZone).toBe('Europe/Paris');
    expect(demo.basemaps.map((b) => b.id)).toEqual(['osm']);
    // A listed pack whose manifest is missing fails when opened, with the file named.
    await expect(entries[3]!.load()).rejects.toThrow(/city.json/);
    // A city file whose pack is missing and which gives no extent fails the same way.
    await expect(entries[2]!.load()).rejects.toThrow(/city.json/);
  });

  it('keeps the built-in cities when there is no packs folder, and says so when the index is broken', async () => {
    const none = await loadCatalog({ packsBaseUrl: '/packs/', fetchJson: fakeFetch({}) });
    expect(none.entries.map((e) => e.id)).toEqual(['rennes', 'demo', 'paris']);
    expect(none.notices).toEqual([]);
    const broken = await loadCatalog({ packsBaseUrl: '/packs/', fetchJson: fakeFetch({ '/packs/index.json': { packs: 'nope' } }) });
    expect(broken.entries.map((e) => e.id)).toEqual(['rennes', 'demo', 'paris']);
    expect(broken.notices[0]?.key).toBe('msg.catalogFailed');
    expect(broken.notices[0]?.params.reason).toMatch(/index.json/);
  });

  it('rejects a manifest with a wrong id or invalid fields, naming the field', async () => {
    const deps = (m: unknown) => ({ packsBaseUrl: '/packs/', cityFiles: [], fetchJson: fakeFetch({ '/packs/index.json': { format: 'jumeau-pack-index', version: 1, packs: [{ id: 'rennes', name: 'R', synthetic: false }, { id: 'demo', name: 'D', synthetic: true }] }, '/packs/demo/city.json': m }) });
    const wrongId = await loadCatalog(deps({ ...demoPack, id: 'other' }));
    await expect(wrongId.entries[1]!.load()).rejects.toThrow(/does not match/);
    const badBbox = await loadCatalog(deps({ ...demoPack, bbox: [10, 10, 0, 0] }));
    await expect(badBbox.entries[1]!.load()).rejects.toThrow(/bbox/);
  });
});

describe('start-up city choice', () => {
  const entries: CatalogEntry[] = [RENNES, DEMO].map((c) => ({ id: c.id, name: c.name, synthetic: c.synthetic, online: c.online, origin: 'builtin' as const, load: () => Promise.resolve(c) }));
  const up = async () => ({ ok: true as const });
  const down = async () => ({ ok: false as const, reason: 'no answer within 2500 ms' });

  it('takes the URL city when it exists', async () => {
    expect((await chooseCity(entries, { requested: 'demo', defaultCity: '', fallbackCity: 'demo', offline: false, probe: up })).entry.id).toBe('demo');
  });
  it('falls back with a notice for an unknown URL city', async () => {
    const r = await chooseCity(entries, { requested: 'atlantis', defaultCity: '', fallbackCity: 'demo', offline: false, probe: down });
    expect(r.entry.id).toBe('demo');
    expect(r.notices.map((n) => n.key)).toEqual(['msg.unknownCity', 'msg.cityUnreachable']);
    expect(r.notices[0]!.params).toMatchObject({ id: 'atlantis', fallback: 'Demo district' });
  });
  it('uses the configured default, else the online city if it answers, else the demo', async () => {
    expect((await chooseCity(entries, { defaultCity: 'demo', fallbackCity: 'demo', offline: false, probe: up })).entry.id).toBe('demo');
    expect((await chooseCity(entries, { defaultCity: '', fallbackCity: 'demo', offline: false, probe: up })).entry.id).toBe('rennes');
    const r = await chooseCity(entries, { defaultCity: '', fallbackCity: 'demo', offline: false, probe: down });
    expect(r.entry.id).toBe('demo');
    expect(r.notices[0]!.params.reason).toMatch(/2500 ms/);
  });
  it('does not probe anything offline', async () => {
    let probed = false;
    const r = await chooseCity(entries, { defaultCity: '', fallbackCity: 'demo', offline: true, probe: async () => { probed = true; return { ok: true }; } });
    expect(r.entry.id).toBe('demo');
    expect(probed).toBe(false);
  });
});
