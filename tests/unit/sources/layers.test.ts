import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bikeLanesLayer } from '../../../src/layers/bike-lanes.ts';
import { parkingLayer } from '../../../src/layers/parking.ts';
import { parkAndRideLayer } from '../../../src/layers/park-and-ride.ts';
import { planLayer, type PackPlan } from '../../../src/layers/resolve.ts';
import { wifiLayer } from '../../../src/layers/wifi.ts';
import { inThreadParser, loadLayer, memoryCache, type LoadDeps } from '../../../src/sources/layers.ts';

/**
 * Loading layers with a scripted fetch: pack files, WFS and Opendatasoft paging, Overpass, the
 * offline cache, falling back to the pack, and every failure named.
 */

const FIX = join(import.meta.dirname, '..', '..', 'fixtures', 'layers');
const fixture = (n: string) => readFileSync(join(FIX, n));
const BBOX = [-1.75, 48.07, -1.62, 48.16] as const;

type Route = (url: string) => { status: number; body: string | Uint8Array } | 'network';

function fakeFetch(route: Route, log: string[] = []): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    log.push(url);
    const r = route(url);
    if (r === 'network') throw new TypeError('Failed to fetch');
    return new Response(r.body as unknown as BodyInit, { status: r.status });
  }) as typeof fetch;
}

function deps(route: Route, extra: Partial<LoadDeps> = {}, log: string[] = []): LoadDeps {
  return { parser: inThreadParser(), cache: memoryCache(), fetchImpl: fakeFetch(route, log), bbox: BBOX, now: () => 1_790_000_000_000, ...extra };
}

const parkingAttribution = parkingLayer.inputs[0]!.samples![0]!.attribution;
const packCity = {
  bbox: BBOX,
  packLayers: [
    { id: 'parking', title: 'Parkings', file: '/packs/demo/layers/parking.geojson', format: 'geojson', layer: 'parking', attribution: parkingAttribution },
    { id: 'parking-occupancy', title: 'Occupation', file: '/packs/demo/layers/parking-occupancy.csv', format: 'csv', layer: 'parking-occupancy', attribution: parkingLayer.inputs[1]!.samples![0]!.attribution },
  ],
};

describe('loading a layer', () => {
  it('reads the pack files and parses them', async () => {
    const plan = planLayer(parkingLayer, packCity, true);
    const r = await loadLayer(parkingLayer, plan, deps((u) => ({ status: 200, body: u.endsWith('.csv') ? fixture('occupancy.csv') : fixture('car-parks.geojson') })));
    expect(r.ok && r.kind === 'features' && r.parsed.features.length).toBe(3);
    expect(r.ok && r.kind === 'features' && r.parsed.series?.timesMs.length).toBe(3);
    expect(r.provenance.map((p) => p.attribution.status)).toEqual(['recorded', 'recorded']);
  });

  it('a missing required file fails the layer naming the file; a missing optional one is skipped', async () => {
    const plan = planLayer(parkingLayer, packCity, true);
    const noCsv = await loadLayer(parkingLayer, plan, deps((u) => (u.endsWith('.csv') ? { status: 404, body: '' } : { status: 200, body: fixture('car-parks.geojson') })));
    expect(noCsv.ok).toBe(true);
    const noParks = await loadLayer(parkingLayer, plan, deps((u) => (u.endsWith('.geojson') ? { status: 404, body: 'nope' } : { status: 200, body: fixture('occupancy.csv') })));
    expect(noParks).toMatchObject({ ok: false, where: '/packs/demo/layers/parking.geojson', reason: 'HTTP 404' });
  });

  it('a malformed file marks the layer in error with the file and the reason', async () => {
    const plan = planLayer(parkingLayer, packCity, true);
    const r = await loadLayer(parkingLayer, plan, deps(() => ({ status: 200, body: '{"type":"Feature' })));
    expect(r).toMatchObject({ ok: false, where: 'parking.geojson', reason: expect.stringMatching(/^not valid JSON/) });
  });

  it('online parking: pages of Opendatasoft records become a live reading, stored for offline reuse', async () => {
    const log: string[] = [];
    const cache = memoryCache();
    const records = (n: number, offset: number) => JSON.stringify({ total_count: 150, results: Array.from({ length: n }, (_, i) => ({ key: `P${offset + i}`, free: 10, max: 40, geo: { lon: -1.68, lat: 48.11 } })) });
    const plan = planLayer(parkingLayer, packCity, false);
    const r = await loadLayer(parkingLayer, plan, deps((u) => ({ status: 200, body: u.includes('offset=0') ? records(100, 0) : records(50, 100) }), { cache }, log));
    expect(log).toEqual([
      'https://data.rennesmetropole.fr/api/explore/v2.1/catalog/datasets/export-api-parking-citedia/records?limit=100&offset=0',
      'https://data.rennesmetropole.fr/api/explore/v2.1/catalog/datasets/export-api-parking-citedia/records?limit=100&offset=100',
    ]);
    expect(r.ok && r.kind === 'features' && r.parsed.features.length).toBe(150);
    expect(r.ok && r.kind === 'features' && r.parsed.series?.values.P0).toEqual([0.75]);
    expect(r.provenance[0]!.attribution.status).toBe('live');

    // Now the service is down: the cached answer is used and labelled recorded, with its date.
    const again = await loadLayer(parkingLayer, plan, deps(() => 'network', { cache, now: () => 1_790_000_500_000 }));
    expect(again.ok && again.kind === 'features' && again.parsed.features.length).toBe(150);
    expect(again.provenance[0]!.attribution).toMatchObject({ status: 'recorded', date: '2026-09-21 14:13 UTC (cache)' });
    expect(again.notes[0]).toMatchObject({ key: 'layers.cached', params: { reason: expect.stringMatching(/network error/) } });
  });

  it('online failure without a cache falls back to the pack copy, and says so', async () => {
    const plan = planLayer(parkingLayer, packCity, false);
    const r = await loadLayer(parkingLayer, plan, deps((u) => (u.startsWith('https://') ? { status: 503, body: '' } : { status: 200, body: u.endsWith('.csv') ? fixture('occupancy.csv') : fixture('car-parks.geojson') })));
    expect(r.ok).toBe(true);
    expect(r.notes).toEqual([{ key: 'layers.fallback', params: { reason: 'HTTP 503' } }]);
    expect(r.provenance[0]!.attribution.status).toBe('recorded');
  });

  it('online-only layer with the service down: an error naming the service', async () => {
    const plan = planLayer(parkAndRideLayer, { bbox: BBOX, packLayers: [] }, false);
    const r = await loadLayer(parkAndRideLayer, plan, deps(() => ({ status: 200, body: '<html>maintenance</html>' })));
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/not valid JSON/) });
    expect(r.ok ? '' : r.where).toContain('data.explore.star.fr');
  });

  it('WFS GetFeature is paged with count/startIndex until a short page; an exception report is an error', async () => {
    const log: string[] = [];
    const page = (n: number) => JSON.stringify({ type: 'FeatureCollection', features: Array.from({ length: n }, (_, i) => ({ type: 'Feature', properties: { id: i }, geometry: { type: 'LineString', coordinates: [[-1.68, 48.1], [-1.67, 48.1]] } })) });
    const plan = planLayer(bikeLanesLayer, { bbox: BBOX, packLayers: [] }, false);
    const r = await loadLayer(bikeLanesLayer, plan, deps((u) => ({ status: 200, body: u.includes('startIndex=0') ? page(5000) : page(12) }), {}, log));
    expect(log).toHaveLength(2);
    expect(log[1]).toBe('https://public.sig.rennesmetropole.fr/geoserver/ows?service=WFS&version=2.0.0&request=GetFeature&typeNames=trp_doux%3Av_voirie_amenagement_velo&outputFormat=application%2Fjson&srsName=EPSG%3A4326&count=5000&startIndex=5000');
    expect(r.ok && r.kind === 'features' && r.parsed.features.length).toBe(5012);
    const ex = await loadLayer(bikeLanesLayer, plan, deps(() => ({ status: 200, body: '{"exceptions":[{"code":"InvalidParameterValue"}]}' })));
    expect(ex).toMatchObject({ ok: false, reason: expect.stringMatching(/not a GeoJSON FeatureCollection \(an OGC exception report\?\)/) });
  });

  it('Overpass answers become features for any city (wifi hotspots from OpenStreetMap)', async () => {
    const log: string[] = [];
    const plan = planLayer(wifiLayer, { bbox: BBOX, packLayers: [] }, false);
    const r = await loadLayer(wifiLayer, plan, deps(() => ({ status: 200, body: JSON.stringify({ elements: [{ type: 'node', id: 1, lat: 48.11, lon: -1.68, tags: { name: 'Médiathèque', internet_access: 'wlan' } }, { type: 'way', id: 2, center: { lat: 48.1, lon: -1.67 }, tags: { name: 'Gare' } }] }) }), {}, log));
    expect(log[0]).toContain('(48.070000,-1.750000,48.160000,-1.620000)');
    expect(r.ok && r.kind === 'features' && r.parsed.features.map((f) => [f.id, f.name])).toEqual([['node/1', 'Médiathèque'], ['way/2', 'Gare']]);
  });

  it('a cancelled load stops and says so', async () => {
    const ac = new AbortController();
    ac.abort();
    const plan = planLayer(parkingLayer, packCity, true) as PackPlan;
    const r = await loadLayer(parkingLayer, plan, deps(() => ({ status: 200, body: fixture('car-parks.geojson') }), { signal: ac.signal }));
    expect(r).toMatchObject({ ok: false, reason: 'cancelled' });
  });

  it('an unavailable plan gives its reason', async () => {
    expect(await loadLayer(parkingLayer, { kind: 'unavailable', reason: 'offline' }, deps(() => 'network'))).toMatchObject({ ok: false, reason: 'offline' });
  });
});
