import { describe, expect, it } from 'vitest';
import type { SimProgress } from '../../../../src/core/simulation/types.ts';
import type { LayerDefinition, LayerFeature } from '../../../../src/layers/types.ts';
import { wifiCoverageInput, type WifiCoverageOutput } from '../../../../src/features/wifi/contract.ts';
import { ringAreaKm2, squareAround } from '../../../../src/features/wifi/area.ts';
import {
  createWifiController,
  DEFAULT_SIDE_M,
  type ApForm,
  type OpenDataStatus,
  type PlacedAp,
  type WifiCity,
  type WifiMarker,
  type WifiNotice,
  type WifiParams,
  type WifiRunResult,
  type WifiShown,
} from '../../../../src/features/wifi/controller.ts';

/** The wifi controller with fake ports: what it shows, runs and writes to the URL. */

const BBOX = [-1.69, 48.1, -1.67, 48.12] as const;
const CITY: WifiCity = { config: { bbox: BBOX, buildings: { url: 'packs/demo/tileset.json', idProperties: ['id'] } as never, synthetic: true } };

const point = (id: string, lon: number, lat: number, properties: LayerFeature['properties'] = {}): LayerFeature => ({ id, name: `Site ${id}`, geometry: { type: 'point', coordinates: [lon, lat] }, properties });
const square = (id: string, lon: number, lat: number, properties: LayerFeature['properties'] = {}): LayerFeature => ({
  id,
  name: `Square ${id}`,
  geometry: { type: 'polygon', polygons: [[[[lon - 1e-4, lat - 1e-4], [lon + 1e-4, lat - 1e-4], [lon + 1e-4, lat + 1e-4], [lon - 1e-4, lat + 1e-4]]]] },
  properties,
});

function output(o: { picks?: string[]; coveredCells?: number; facades?: boolean } = {}): WifiCoverageOutput {
  const kpi = { cells: 100, coveredCells: o.coveredCells ?? 40, residents: 50, coveredResidents: 20, cellAreaM2: 16, areaShare: 0.4, residentsShare: 0.4, unplacedResidents: 0, hasPopulation: true, districts: [], priority: null };
  return {
    kpi,
    picks: (o.picks ?? []).map((id, k) => ({ id, candidate: k, residentsGain: 5, areaGainM2: 32, residentsAfter: 25, areaAfterM2: 672 })),
    facades: o.facades === true ? { kpi: { receivers: 30, areaM2: 300, coveredAreaM2: 120, areaShare: 0.4, buildings: 3, coveredBuildings: 2 } } : null,
    rays: 1234,
    plannedCovered: null,
    thresholdDbm: -70,
  } as unknown as WifiCoverageOutput;
}

const ok = (o = output()): WifiRunResult => ({ ok: true, value: o, info: { ms: 1500, parts: 2 } });
const failed = (code: string, message: string): WifiRunResult => ({ ok: false, error: { code, message }, info: { ms: 10, parts: 0 } }) as WifiRunResult;

/** A controller over fake ports; layers answer from `layers` (by layer id), runs from `answer`. */
function setup(o: { layers?: Record<string, LayerFeature[] | Error>; answer?: (input: Record<string, unknown>) => Promise<WifiRunResult> } = {}) {
  const log = {
    notices: [] as (WifiNotice | null)[],
    openData: [] as OpenDataStatus[],
    hotspots: [] as (readonly PlacedAp[])[],
    candidates: [] as number[],
    markers: [] as WifiMarker[][],
    url: [] as (string | null)[],
    running: [] as boolean[],
    progress: [] as SimProgress[],
    results: [] as (WifiShown | null)[],
    inputs: [] as Record<string, unknown>[],
    cancels: 0,
  };
  const form: ApForm = { heightM: 6, eirpDbm: 20, band: '2.4', pattern: 'omni', azimuthDeg: 0 };
  const params: WifiParams = { thresholdDbm: -70, wallLossDb: 10, cellM: 4, receiverHeightM: 1.5, place: 3, useOpenData: true, facades: false, facadeSpacingM: 3 };
  const layers = o.layers ?? {};
  const ctl = createWifiController<WifiCity>({
    layer: (_city, def: LayerDefinition) => {
      const v = layers[def.id];
      return v instanceof Error ? Promise.reject(v) : Promise.resolve(v ?? null);
    },
    sourceOf: (id) => `source of ${id}`,
    simulate: (input, onProgress) => {
      log.inputs.push(input);
      onProgress({ stage: 'rays', done: 1, total: 2 });
      return (o.answer ?? (() => Promise.resolve(ok())))(input);
    },
    cancel: () => log.cancels++,
    absoluteUrl: (url) => `http://host/${url}`,
    form: () => form,
    params: () => params,
    show: {
      message: (n) => log.notices.push(n),
      openData: (s) => log.openData.push(s),
      hotspots: (aps) => log.hotspots.push(aps),
      candidates: (n) => log.candidates.push(n),
      markers: (list) => log.markers.push(list),
      url: (p) => log.url.push(p),
      running: (on) => log.running.push(on),
      progress: (p) => log.progress.push(p),
      result: (r) => log.results.push(r),
    },
  });
  return { ctl, log, form, params };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('wifi controller: the scenario access points', () => {
  it('reads the URL parameter when a city opens (ids H1, H2…) and reports the entries it skips', () => {
    const { ctl, log } = setup();
    const issues = ctl.openCity(CITY, '-1.68_48.11_4_20_2.4_o~nonsense~-1.681_48.111_8_23_5_90');
    expect(issues).toHaveLength(1);
    expect(issues[0]!.where).toContain('entry 2');
    expect(log.hotspots.at(-1)!.map((a) => [a.id, a.band, a.azimuthDeg, a.groundM])).toEqual([['H1', '2.4', null, 0], ['H2', '5', 90, 0]]);
    expect(ctl.snapshot().scenarioAps).toBe(2);
    expect(log.markers.at(-1)!.filter((m) => m.kind === 'scenario').map((m) => [m.label, m.heightM])).toEqual([['H1', 4], ['H2', 8]]);
  });

  it('places an access point with the form clamped, writes it to the URL, and clears the URL when the last one goes', () => {
    const { ctl, log, form } = setup();
    ctl.openCity(CITY, '');
    Object.assign(form, { heightM: 999, eirpDbm: Number.NaN, band: '5', pattern: 'sector', azimuthDeg: 400 });
    ctl.addScenarioAp({ lonDeg: -1.68, latDeg: 48.11, heightM: -3 });
    const ap = log.hotspots.at(-1)![0]!;
    expect(ap).toMatchObject({ id: 'H1', heightM: 300, eirpDbm: 20, band: '5', azimuthDeg: 360, groundM: 0 });
    expect(log.url.at(-1)).toBe('-1.68_48.11_300_20_5_360');
    ctl.addScenarioAp({ lonDeg: -1.681, latDeg: 48.111, heightM: 12.5 });
    expect(log.hotspots.at(-1)!.map((a) => [a.id, a.groundM])).toEqual([['H1', 0], ['H2', 12.5]]);
    ctl.removeScenarioAp('H1');
    ctl.removeScenarioAp('H2');
    expect(log.url.at(-1)).toBeNull();
    expect(ctl.snapshot().scenarioAps).toBe(0);
    // Without a result, changing the scenario runs nothing.
    expect(log.inputs).toHaveLength(0);
  });
});

describe('wifi controller: open data and candidates', () => {
  it('loads the open-data access points in service inside the city, and shows them as markers only while included', async () => {
    const { ctl, log, params } = setup({ layers: { wifi: [point('a', -1.68, 48.11), point('b', -1.68, 48.11, { etat2: 'En travaux' }), point('far', 2.35, 48.85)] } });
    ctl.openCity(CITY, '');
    expect(log.openData[0]).toEqual({ state: 'loading' });
    await settle();
    // 'b' is not in service, 'far' is outside the city.
    expect(log.openData.at(-1)).toEqual({ state: 'loaded', count: 1, source: 'source of wifi' });
    expect(ctl.snapshot().openDataAps).toBe(1);
    expect(ctl.markers().filter((m) => m.kind === 'open-data')).toEqual([{ id: 'open:a', kind: 'open-data', lonDeg: -1.68, latDeg: 48.11, heightM: 4 }]);
    params.useOpenData = false;
    ctl.openDataToggled();
    expect(log.markers.at(-1)!.some((m) => m.kind === 'open-data')).toBe(false);
  });

  it('says when there is no open data, or why it failed', async () => {
    const none = setup({ layers: { wifi: [] } });
    none.ctl.openCity(CITY, '');
    await settle();
    expect(none.log.openData.at(-1)).toEqual({ state: 'none' });
    const broken = setup({ layers: { wifi: new Error('404 on wifi.geojson') } });
    broken.ctl.openCity(CITY, '');
    await settle();
    expect(broken.log.openData.at(-1)).toEqual({ state: 'failed', reason: '404 on wifi.geojson' });
    expect(broken.ctl.snapshot().openDataAps).toBe(0);
  });

  it('ignores open data that arrives after its city closed', async () => {
    const { ctl, log } = setup({ layers: { wifi: [point('a', -1.68, 48.11)] } });
    ctl.openCity(CITY, '');
    ctl.closeCity();
    await settle();
    expect(log.openData).toEqual([{ state: 'loading' }]);
    expect(ctl.snapshot().openDataAps).toBe(0);
    expect(log.cancels).toBe(1);
  });

  it('takes the centres of the squares as candidates once each; says when the city has none', async () => {
    const { ctl, log } = setup({ layers: { 'demo-squares': [square('1', -1.68, 48.11), square('2', -1.685, 48.105), point('p', -1.68, 48.11)] } });
    ctl.openCity(CITY, '');
    await ctl.addSquareCandidates();
    await ctl.addSquareCandidates();
    expect(ctl.snapshot().candidates).toBe(2);
    const c = ctl.markers().filter((m) => m.kind === 'candidate');
    expect(c.map((m) => m.id)).toEqual(['square:1', 'square:2']);
    expect(c[0]!.lonDeg).toBeCloseTo(-1.68, 9);
    ctl.addCandidate({ lonDeg: -1.681, latDeg: 48.111, heightM: Number.NaN });
    expect(ctl.markers().filter((m) => m.kind === 'candidate').at(-1)).toMatchObject({ id: 'drawn:1', heightM: 4 });
    ctl.clearCandidates();
    expect(log.candidates.at(-1)).toBe(0);

    const empty = setup();
    empty.ctl.openCity(CITY, '');
    await empty.ctl.addSquareCandidates();
    expect(empty.log.notices.at(-1)).toEqual({ key: 'wifi.noSquares', level: 'info' });
  });
});

describe('wifi controller: runs', () => {
  it('refuses to run without a city with buildings, or without any access point or candidate', async () => {
    const a = setup();
    await a.ctl.run();
    expect(a.log.notices.at(-1)).toEqual({ key: 'wifi.noCity', level: 'error' });
    a.ctl.openCity(CITY, '');
    await a.ctl.run();
    expect(a.log.notices.at(-1)).toEqual({ key: 'wifi.needAp', level: 'error' });
    expect(a.log.inputs).toHaveLength(0);
  });

  it('runs over the default square around the city centre, with valid input, and shows the result', async () => {
    const { ctl, log } = setup({ layers: { 'population-grid': [square('p', -1.68, 48.11, { ind_c: 120 })], 'demo-squares': [square('1', -1.68, 48.11)] }, answer: () => Promise.resolve(ok(output({ picks: ['square:1'] }))) });
    ctl.openCity(CITY, '-1.68_48.11_4_20_2.4_o');
    await ctl.addSquareCandidates();
    await ctl.run();
    const input = log.inputs[0]!;
    const parsed = wifiCoverageInput.parse(input);
    expect(parsed.city.tileset).toBe('http://host/packs/demo/tileset.json');
    expect(parsed.accessPoints.map((a) => [a.id, a.origin])).toEqual([['H1', 'scenario']]);
    expect(parsed.candidates.map((a) => a.id)).toEqual(['square:1']);
    expect(parsed.place).toBe(3);
    expect(parsed.population?.features).toHaveLength(1);
    expect(input.districts).toBeUndefined();
    const ring = (input.area as { coordinates: [number, number][][] }).coordinates[0]!.slice(0, 4);
    expect(ring).toEqual(squareAround(-1.68, 48.11, DEFAULT_SIDE_M));
    expect(log.running).toEqual([true, false]);
    expect(log.progress).toEqual([{ stage: 'rays', done: 1, total: 2 }]);
    const shown = log.results.at(-1)!;
    expect(shown).toMatchObject({ apCount: 1, ms: 1500, workers: 2, qpvData: false, askedToPlace: true, synthetic: true });
    expect(shown.nameOf('square:1')).toBe('Square 1');
    expect(shown.nameOf('other')).toBe('other');
    expect(ctl.snapshot()).toMatchObject({ running: false, error: null, runs: 1, result: { coveredCells: 40, cells: 100, picks: 1, rays: 1234, aps: 1, facades: null } });
    // The picked candidate is drawn as a pick, with its name.
    expect(log.markers.at(-1)!.find((m) => m.id === 'square:1')).toMatchObject({ kind: 'pick', label: '+ Square 1' });
  });

  it('runs over the drawn area and clamps the facade spacing and the hotspots to place', async () => {
    const { ctl, log, params } = setup();
    ctl.openCity(CITY, '-1.68_48.11_4_20_2.4_o');
    const ring: [number, number][] = [[-1.681, 48.109], [-1.679, 48.109], [-1.679, 48.111], [-1.681, 48.111]];
    expect(ctl.setArea(ring)).toBeCloseTo(ringAreaKm2(ring), 12);
    Object.assign(params, { facades: true, facadeSpacingM: 99, place: 7 });
    await ctl.run();
    const input = log.inputs[0]!;
    expect((input.area as { coordinates: unknown[][] }).coordinates[0]).toEqual([...ring, ring[0]]);
    expect(input.facades).toEqual({ spacingM: 20 });
    // No candidates: nothing to place.
    expect(input.place).toBe(0);
  });

  it('follows the scenario: adding or removing an access point after a result runs again', async () => {
    const { ctl, log } = setup({ answer: () => Promise.resolve(ok(output({ coveredCells: 10 * log.inputs.length }))) });
    ctl.openCity(CITY, '-1.68_48.11_4_20_2.4_o');
    await ctl.run();
    ctl.addScenarioAp({ lonDeg: -1.681, latDeg: 48.111, heightM: 0 });
    await settle();
    expect(log.inputs).toHaveLength(2);
    expect((log.inputs[1]!.accessPoints as unknown[]).length).toBe(2);
    expect(ctl.snapshot()).toMatchObject({ runs: 2, result: { coveredCells: 20, aps: 2 } });
    ctl.clearResult();
    expect(ctl.snapshot().result).toBeNull();
    expect(log.results.at(-1)).toBeNull();
    ctl.removeScenarioAp('H2');
    await settle();
    expect(log.inputs).toHaveLength(2);
  });

  it('reports failures as data: cancelled (info), failed (error); a replaced run leaves the newer one running', async () => {
    const cancelled = setup({ answer: () => Promise.resolve(failed('cancelled', 'cancelled')) });
    cancelled.ctl.openCity(CITY, '-1.68_48.11_4_20_2.4_o');
    await cancelled.ctl.run();
    expect(cancelled.log.notices.at(-1)).toEqual({ key: 'wifi.cancelled', level: 'info' });
    expect(cancelled.ctl.snapshot()).toMatchObject({ running: false, error: 'cancelled', runs: 0 });

    const broken = setup({ answer: () => Promise.resolve(failed('kernel', 'tile 3 is broken')) });
    broken.ctl.openCity(CITY, '-1.68_48.11_4_20_2.4_o');
    await broken.ctl.run();
    expect(broken.log.notices.at(-1)).toEqual({ key: 'wifi.failed', params: { reason: 'tile 3 is broken' }, level: 'error' });
    expect(broken.log.running).toEqual([true, false]);

    const replaced = setup({ answer: () => Promise.resolve(failed('cancelled', 'replaced by a newer run')) });
    replaced.ctl.openCity(CITY, '-1.68_48.11_4_20_2.4_o');
    await replaced.ctl.run();
    expect(replaced.log.running).toEqual([true]);
    expect(replaced.ctl.snapshot()).toMatchObject({ running: true, error: null });
    expect(replaced.log.notices).toEqual([null]);
  });

  it('drops a result whose city closed while it ran', async () => {
    let release: (r: WifiRunResult) => void = () => undefined;
    const { ctl, log } = setup({ answer: () => new Promise((r) => (release = r)) });
    ctl.openCity(CITY, '-1.68_48.11_4_20_2.4_o');
    const running = ctl.run();
    await settle();
    ctl.closeCity();
    release(ok());
    await running;
    expect(log.results).toEqual([null]);
    expect(ctl.snapshot().runs).toBe(0);
  });

  it('gives the end-to-end tests a copy of its state', async () => {
    const { ctl } = setup({ answer: () => Promise.resolve(ok(output({ facades: true }))) });
    ctl.openCity(CITY, '-1.68_48.11_4_20_2.4_o');
    await ctl.run();
    const a = ctl.snapshot();
    a.result!.facades!.coveredBuildings = 99;
    a.runs = 42;
    expect(ctl.snapshot().result!.facades!.coveredBuildings).toBe(2);
    expect(ctl.snapshot().runs).toBe(1);
    ctl.setCapturing(true);
    expect(ctl.snapshot().capturing).toBe(true);
  });
});

describe('wifi controller: geometry helpers', () => {
  it('a default square of 1,000 m has an area of 1 km²', () => {
    expect(ringAreaKm2(squareAround(-1.68, 48.11, DEFAULT_SIDE_M))).toBeCloseTo(1, 6);
    expect(ringAreaKm2(squareAround(2.35, 48.85, 200))).toBeCloseTo(0.04, 6);
  });
});
