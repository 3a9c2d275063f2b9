import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityPackSchema } from '../../../src/core/schemas/city-pack.ts';
import { checkPack } from '../../../src/city/node/checks.ts';
import { fetchCity, parseBbox, type FetchCityOptions } from '../../../src/city/node/fetch.ts';
import { startReplayServer, type ReplayServer } from '../../../src/city/node/wfs-replay.ts';
import { pageUrl } from '../../../src/city/node/wfs.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'city');
const BBOX: [number, number, number, number] = [-1.681, 48.109, -1.678, 48.112];

describe('fetch from a WFS (replayed answers)', () => {
  let tmp: string;
  let good: ReplayServer;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'jumeau-wfs-'));
    good = await startReplayServer(join(FIXTURES, 'wfs'));
  });
  afterAll(async () => {
    await good.close();
    await rm(tmp, { recursive: true, force: true });
  });

  const options = (url: string, out: string, extra: Partial<FetchCityOptions> = {}): FetchCityOptions => ({
    source: 'ign-bdtopo',
    url,
    bbox: BBOX,
    pageSize: 3,
    outDir: join(tmp, 'packs', out),
    workers: 0,
    date: '2026-10-06',
    policy: { retries: 3, backoffMs: 1, sleep: async () => undefined },
    ...extra,
  });

  it('builds the documented GetFeature URL', () => {
    const u = new URL(pageUrl({ url: 'https://data.geopf.fr/wfs/ows', typeName: 'BDTOPO_V3:batiment', srsName: 'EPSG:4326', bbox: [-1.7, 48.095, -1.655, 48.125], pageSize: 5000 }, 10000, 5000));
    expect(Object.fromEntries(u.searchParams)).toEqual({
      SERVICE: 'WFS', VERSION: '2.0.0', REQUEST: 'GetFeature', TYPENAMES: 'BDTOPO_V3:batiment', OUTPUTFORMAT: 'application/json', SRSNAME: 'EPSG:4326',
      BBOX: '48.095,-1.7,48.125,-1.655,urn:ogc:def:crs:EPSG::4326', COUNT: '5000', STARTINDEX: '10000',
    });
    expect(parseBbox('-1.7, 48.095,-1.655,48.125')).toEqual([-1.7, 48.095, -1.655, 48.125]);
    expect(() => parseBbox('48.095,-1.7,48.125')).toThrow(/west,south,east,north/);
    expect(() => parseBbox('-1.6,48.1,-1.7,48.2')).toThrow(/west < east/);
  });

  it('pages, retries transient failures, drops duplicates and builds the pack', async () => {
    const before = good.requests.length;
    const r = await fetchCity(options(good.url, 'wfs'));
    const reqs = good.requests.slice(before).map((q) => q.STARTINDEX);
    expect(reqs).toEqual(['0', '3', '3', '3', '6']); // two 503s on the second page, retried
    expect(r.fetch).toMatchObject({ features: 6, pages: 3, pagesReused: 0, requests: 5, duplicates: 1, swappedAxes: false });
    expect(r.build.buildings).toBe(6);
    expect(r.build.rejected).toEqual([]);
    const manifest = cityPackSchema.parse(JSON.parse(await readFile(join(tmp, 'packs', 'wfs', 'city.json'), 'utf8')));
    expect(manifest.sources[0]).toMatchObject({ title: 'BD TOPO bâtiments (IGN)', publisher: 'IGN', licence: 'Licence Ouverte 2.0', date: '2026-10-06', status: 'recorded' });
    expect(manifest.report.warnings.join('\n')).toMatch(/1 features seen twice across WFS pages were dropped/);
    expect(manifest.report.warnings.join('\n')).toMatch(/1 building had no height: default 10 m/);
    expect(manifest.bbox[0]).toBeGreaterThan(-1.681);
    expect((await checkPack(join(tmp, 'packs', 'wfs'))).errors).toEqual([]);
  });

  it('resumes an interrupted fetch without asking again for the pages it has', async () => {
    // A server that answers the first page and then keeps failing.
    const broken = join(tmp, 'broken');
    await mkdir(broken, { recursive: true });
    await copyFile(join(FIXTURES, 'wfs', 'page-0.json'), join(broken, 'page-0.json'));
    await writeFile(join(broken, 'replay.json'), JSON.stringify({ format: 'jumeau-wfs-replay', version: 1, responses: [{ match: { STARTINDEX: '0' }, body: 'page-0.json' }, { match: { STARTINDEX: '3' }, drop: true }] }));
    const bad = await startReplayServer(broken);
    const port = Number(new URL(bad.url).port);
    try {
      await expect(fetchCity(options(bad.url, 'resume', { policy: { retries: 2, backoffMs: 1, sleep: async () => undefined } }))).rejects.toThrow(/network error .*after 3 attempts/);
      expect(bad.requests.map((q) => q.STARTINDEX)).toEqual(['0', '3', '3', '3']);
    } finally {
      await bad.close();
    }
    // The service is back (same URL).
    const back = await startReplayServer(join(FIXTURES, 'wfs'), port);
    try {
      const r = await fetchCity(options(back.url, 'resume'));
      expect(back.requests.map((q) => q.STARTINDEX)).toEqual(['3', '3', '3', '6']);
      expect(r.fetch.pagesReused).toBe(1);
      expect(r.build.buildings).toBe(6);
    } finally {
      await back.close();
    }
    // A different request (another bbox) does not reuse the cache.
    const other = await fetchCity(options(good.url, 'resume', { bbox: [-1.682, 48.109, -1.678, 48.112] }));
    expect(other.fetch.pagesReused).toBe(0);
    expect(other.fetch.notes).toEqual(['the cache held another request: started again']);
  });

  it('reports service exceptions and missing layers clearly', async () => {
    await expect(fetchCity(options(good.url, 'nope', { typeName: 'BDTOPO_V3:nope' }))).rejects.toThrow(/HTTP 400: Feature type BDTOPO_V3:nope unknown/);
    await expect(fetchCity(options(good.url, 'rm', { source: 'rennes-metropole' }))).rejects.toThrow(/Rennes Métropole \(WFS\) has no known buildings layer: pass --type-name/);
    await expect(fetchCity(options(good.url, 'x', { source: 'osm' }))).rejects.toThrow(/unknown --source "osm"/);
  });

  it('puts swapped axes back in longitude, latitude order', async () => {
    const swapped = await startReplayServer(join(FIXTURES, 'wfs-swapped'));
    try {
      const r = await fetchCity(options(swapped.url, 'swapped'));
      expect(r.fetch.swappedAxes).toBe(true);
      expect(r.build.buildings).toBe(2);
      expect(r.build.warnings.join('\n')).toMatch(/latitude first/);
      const manifest = cityPackSchema.parse(JSON.parse(await readFile(join(tmp, 'packs', 'swapped', 'city.json'), 'utf8')));
      expect(manifest.bbox[1]).toBeCloseTo(48.11, 2);
    } finally {
      await swapped.close();
    }
  });
});
