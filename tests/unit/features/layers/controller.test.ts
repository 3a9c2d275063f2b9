import { describe, expect, it } from 'vitest';
import type { Attribution } from '../../../../src/core/schemas/attribution.ts';
import { fromZoned } from '../../../../src/core/time.ts';
import { createLayersController, type LayersPorts } from '../../../../src/features/layers/controller.ts';
import type { LayerLoad, LayerRowState } from '../../../../src/features/layers/model.ts';
import type { CityForLayers } from '../../../../src/layers/resolve.ts';
import type { LayerDefinition, LayerFeature, OnlineSource, ParsedLayer } from '../../../../src/layers/types.ts';

const ATTR: Attribution = { title: 'Streets 2024', publisher: 'City', licence: 'ODbL', date: '2024', status: 'recorded' };
const WMTS: Extract<OnlineSource, { kind: 'wmts' }> = { kind: 'wmts', input: 'ortho', url: 'https://tiles.example/wmts', layer: 'ortho', format: 'image/jpeg', tileMatrixSetID: 'PM', tileMatrixPrefix: '', maximumLevel: 19, attribution: { ...ATTR, title: 'Ortho' }, maxBytes: 0, cache: false };

/** A layer read from the pack file `packLayer` (no parser runs here: the fake fetch answers). */
function layer(id: string, o: Partial<LayerDefinition> = {}): LayerDefinition {
  return {
    id,
    theme: 'streets',
    title: 'layers.demoStreets.title',
    description: 'layers.demoStreets.description',
    inputs: [{ name: id, packLayer: id, format: 'geojson', maxBytes: 1e6 }],
    online: [],
    prefer: 'pack',
    parse: () => ({ features: [], issues: [] }),
    variants: [
      { id: 'lines', label: 'layers.variant.ribbons', symbols: [] },
      { id: 'fills', label: 'layers.variant.areas', symbols: [] },
    ],
    legend: { title: 'layers.demoStreets.legend' },
    ...o,
  };
}

const streets = layer('streets', { defaultOn: true });
const parks = layer('parks', { keyProperties: ['capacity'] });
const ortho = layer('ortho', { inputs: [], online: [WMTS], prefer: 'online' });
const CATALOG = [streets, parks, ortho];

const city = (...packLayers: string[]): CityForLayers => ({ bbox: [-1.7, 48.1, -1.6, 48.2], packLayers: packLayers.map((l) => ({ id: l, title: `${l} file`, file: `${l}.geojson`, format: 'geojson', layer: l, attribution: ATTR })) });

const point = (id: string, name: string, properties: LayerFeature['properties'] = {}): LayerFeature => ({ id, name, geometry: { type: 'point', coordinates: [-1.65, 48.15] }, properties });

/** The recorded day: 08:00 and 10:00 in Paris. */
const TZ = 'Europe/Paris';
const AT8 = fromZoned('2024-03-05', 8 * 60, TZ), AT10 = fromZoned('2024-03-05', 10 * 60, TZ);
const PARKS: ParsedLayer = { features: [point('p1', 'Gare', { capacity: 300, kind: 'car park' }), point('p2', 'Colombier')], issues: [], series: { quantity: 'occupancy', timesMs: [AT8, AT10], values: { p1: [0.2, 0.6], p2: [0.1, 0.3], gone: [NaN, NaN] }, timeZone: TZ } };

const features = (parsed: ParsedLayer, title = 'streets file'): LayerLoad => ({ ok: true, kind: 'features', parsed, provenance: [{ input: 'x', title, attribution: ATTR }], notes: [], bytes: 10, fetchMs: 1, parseMs: 1 });

/** Ports that record what the controller does; loads wait until the test answers them. */
function harness(o: { url?: { layers?: string; ptime?: string }; available?: boolean; selected?: string; infoOpen?: boolean } = {}) {
  const log: string[] = [];
  const said: { level: string; key: string; params: Record<string, string | number>; dedupe: string }[] = [];
  const loads: { id: string; bbox: readonly number[]; answer(r: LayerLoad): Promise<void>; cancelled: boolean }[] = [];
  const rows = new Map<string, LayerRowState>();
  const urls: { layers: string; ptime: string | null }[] = [];
  const selected: { layerId: string; id: string; properties: Record<string, unknown> }[] = [];
  const drawn = new Map<string, { variant: string; opacity: number; labels?: boolean }>();
  const values = new Map<string, Map<string, number>>();
  const ticks: { fn: () => void; stopped: boolean }[] = [];
  const times: { id: string; minutes: number; explanation: string; playing: boolean }[] = [];
  let imagery: ((r: { ok: true } | { ok: false; reason: string }) => Promise<void>) | null = null;
  const ports: LayersPorts = {
    t: (key, params) => (params === undefined || Object.keys(params).length === 0 ? key : `${key} ${JSON.stringify(params)}`),
    formatNumber: (v, d) => v.toFixed(d),
    fetch(def, _plan, bbox) {
      let resolve!: (r: LayerLoad) => void;
      const result = new Promise<LayerLoad>((r) => (resolve = r));
      const load = { id: def.id, bbox, cancelled: false, answer: async (r: LayerLoad) => (resolve(r), await flush()) };
      loads.push(load);
      return { result, cancel: () => (load.cancelled = true) };
    },
    view: {
      available: o.available ?? true,
      isDrawn: (id) => drawn.has(id),
      draw(def, variant, _parsed, x) {
        log.push(`draw ${def.id} ${variant}`);
        drawn.set(def.id, { variant, ...x });
      },
      undraw: (id) => void drawn.delete(id),
      addImagery(id, _source, centre, opacity, current) {
        log.push(`imagery ${id} ${centre.lonDeg.toFixed(2)},${centre.latDeg.toFixed(2)} ${opacity}`);
        return new Promise((resolve) => (imagery = async (r) => (resolve(current() ? r : null), await flush())));
      },
      setShown: (id, shown) => void log.push(`shown ${id} ${shown}`),
      setOpacity: (id, opacity) => void log.push(`opacity ${id} ${opacity}`),
      setValues: (id, _q, v) => void values.set(id, v),
      zoomTo: (id, count) => void log.push(`zoom ${id} ${count}`),
      flyToFeature: (id, index) => void log.push(`fly ${id} ${index}`),
      requestRender: () => undefined,
      clear: () => (drawn.clear(), log.push('clear')),
    },
    panel: {
      setRows: (rs) => rs.forEach((r) => rows.set(r.def.id, r)),
      updateRow: (r) => void rows.set(r.def.id, r),
      updateTime: (id, time) => void times.push({ id, ...time }),
    },
    refreshSearch: () => void log.push('search'),
    say: (level, key, params, dedupe) => void said.push({ level, key, params, dedupe }),
    writeUrl: (layers, ptime) => void urls.push({ layers, ptime }),
    refreshSources: () => void log.push('sources'),
    describe: () => void log.push('describe'),
    selected: () => o.selected,
    infoOpen: () => o.infoOpen ?? false,
    select: (item) => void selected.push(item),
    every(_ms, fn) {
      const tick = { fn, stopped: false };
      ticks.push(tick);
      return () => (tick.stopped = true);
    },
  };
  const ctrl = createLayersController(CATALOG, o.url ?? {}, ports);
  return { ctrl, log, said, loads, rows, urls, selected, drawn, values, ticks, times, answerImagery: (r: { ok: true } | { ok: false; reason: string }) => imagery!(r) };
}

const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('layers controller', () => {
  it('reads layers= and ptime= from the link and reports what it ignores', () => {
    const h = harness({ url: { layers: 'parks:50:fills,nope', ptime: '25:99' } });
    expect(h.ctrl.entries().map((l) => [l.def.id, l.on, l.opacity, l.variant])).toEqual([['streets', false, 1, 'lines'], ['parks', true, 0.5, 'fills'], ['ortho', false, 1, 'lines']]);
    // An unknown id may be a generic layer of the city: it is reported when the city opens.
    expect(h.said.map((s) => s.dedupe)).toEqual(['url:ptime']);
    h.ctrl.openCity(city(), false);
    expect(h.said.map((s) => s.dedupe)).toEqual(['url:ptime', 'url:layers:nope']);
    expect(h.ctrl.timeMin).toBe(18 * 60);
    expect(harness({ url: { ptime: '07:30' } }).ctrl.timeMin).toBe(7 * 60 + 30);
  });

  it('opens a city: default layers where their data exists, loaded and drawn; the others say why not', async () => {
    const h = harness();
    h.ctrl.openCity(city('streets'), false);
    expect(h.loads.map((l) => l.id)).toEqual(['streets']);
    expect(h.rows.get('streets')!.status).toEqual({ kind: 'loading' });
    expect(h.rows.get('parks')!.status).toEqual({ kind: 'unavailable', reason: 'layers.why.noSource' });
    expect(h.rows.get('ortho')!.provenance.map((p) => p.title)).toEqual(['Ortho']);
    await h.loads[0]!.answer(features({ features: [point('s1', 'Rue de Brest')], issues: [] }));
    expect(h.rows.get('streets')!.status).toEqual({ kind: 'ready', count: 1, issues: [] });
    expect(h.drawn.get('streets')).toEqual({ variant: 'lines', opacity: 1 });
    expect(h.log).toContain('shown streets true');
    expect(h.ctrl.sources()).toEqual([{ role: 'layer', attribution: { ...ATTR, title: 'layers.demoStreets.title — Streets 2024' }, shown: true }]);
    expect(h.ctrl.description()).toBe('a11y.layers {"list":"layers.demoStreets.title"}');

    // Another city without the streets: the default layer stays off there.
    h.ctrl.closeCity();
    expect(h.drawn.size).toBe(0);
    h.ctrl.openCity(city(), false);
    expect(h.ctrl.entry('streets')!.on).toBe(false);
    expect(h.ctrl.description()).toBeNull();
  });

  it('cancels a load when its layer is switched off, and ignores the late answer', async () => {
    const h = harness();
    h.ctrl.openCity(city('parks'), false);
    h.ctrl.setOn('parks', true);
    expect(h.urls.at(-1)).toEqual({ layers: 'parks', ptime: null });
    h.ctrl.setOn('parks', false);
    expect(h.loads[0]!.cancelled).toBe(true);
    expect(h.ctrl.entry('parks')!.status).toEqual({ kind: 'off' });
    await h.loads[0]!.answer(features(PARKS));
    expect(h.ctrl.entry('parks')!.result).toBeNull();
    expect(h.drawn.has('parks')).toBe(false);
    expect(h.urls.at(-1)).toEqual({ layers: '', ptime: null });
  });

  it('ignores a load that finishes after its city closed', async () => {
    const h = harness();
    h.ctrl.openCity(city('streets'), false);
    h.ctrl.closeCity();
    expect(h.loads[0]!.cancelled).toBe(true);
    await h.loads[0]!.answer(features({ features: [point('s1', 'Rue')], issues: [] }));
    expect(h.drawn.size).toBe(0);
  });

  it('shows a failed load as an error with its reason, said once per layer', async () => {
    const h = harness();
    h.ctrl.openCity(city('streets'), false);
    await h.loads[0]!.answer({ ok: false, where: 'streets.geojson', reason: 'not valid JSON', provenance: [], notes: [] });
    expect(h.rows.get('streets')!.status).toEqual({ kind: 'error', where: 'streets.geojson', reason: 'not valid JSON' });
    expect(h.said).toEqual([{ level: 'warning', key: 'layers.msg.failed', params: { name: 'layers.demoStreets.title', reason: 'streets.geojson: not valid JSON' }, dedupe: 'layer:streets' }]);
  });

  it('makes layers unavailable without a 3D view, without fetching', () => {
    const h = harness({ available: false });
    h.ctrl.openCity(city('streets'), false);
    expect(h.loads).toEqual([]);
    expect(h.rows.get('streets')!.status).toEqual({ kind: 'unavailable', reason: 'layers.why.noViewer' });
  });

  it('adds imagery at the city centre, unless the city closed meanwhile', async () => {
    const h = harness();
    h.ctrl.openCity(city(), false);
    h.ctrl.setOn('ortho', true);
    await h.loads[0]!.answer({ ok: true, kind: 'imagery', source: WMTS, provenance: [], notes: [] });
    expect(h.log).toContain('imagery ortho -1.65,48.15 1');
    await h.answerImagery({ ok: true });
    expect(h.rows.get('ortho')!.status).toEqual({ kind: 'ready', count: 0, issues: [] });

    h.ctrl.closeCity();
    h.ctrl.openCity(city(), false);
    await h.loads[1]!.answer({ ok: true, kind: 'imagery', source: WMTS, provenance: [], notes: [] });
    h.ctrl.closeCity();
    await h.answerImagery({ ok: true });
    expect(h.ctrl.entry('ortho')!.status).toEqual({ kind: 'loading' });
  });

  it('shows recorded series at the time chosen: values drawn, explanation, info panel and ptime=', async () => {
    const h = harness();
    h.ctrl.openCity(city('parks'), false);
    h.ctrl.setOn('parks', true);
    await h.loads[0]!.answer(features(PARKS));
    // 18:00 after the last snapshot: its values.
    expect(h.values.get('parks')).toEqual(new Map([['p1', 0.6], ['p2', 0.3]]));
    expect(h.rows.get('parks')!.time).toMatchObject({ day: '2024-03-05', minutes: 1080, explanation: 'layers.time.afterLast {"time":"10:00"}', snapshots: ['08:00', '10:00'] });
    h.ctrl.setTime(9 * 60 + 0.2);
    expect(h.values.get('parks')!.get('p1')).toBeCloseTo(0.4);
    expect(h.values.get('parks')!.get('p2')).toBeCloseTo(0.2);
    expect(h.values.get('parks')!.has('gone')).toBe(false);
    expect(h.times.at(-1)).toMatchObject({ id: 'parks', minutes: 540, explanation: 'layers.time.interpolated {"from":"08:00","to":"10:00"}' });
    expect(h.urls.at(-1)).toEqual({ layers: 'parks', ptime: '09:00' });
    const item = h.ctrl.item('parks', 0)!;
    expect(Object.keys(item.properties)).toEqual(['capacity', 'kind', 'layers.prop.occupancy', 'layers.prop.layer']);
    expect(item.properties['layers.prop.occupancy']).toBe('40 % (09:00, interpolated)');
    expect(h.ctrl.chartOf('parks', 'p1')).toMatchObject({ name: 'Gare', values: [0.2, 0.6], nowMs: fromZoned('2024-03-05', 540, TZ) });
    h.ctrl.setTime(5000);
    expect(h.ctrl.timeMin).toBe(1439);
    h.ctrl.setOn('parks', false);
    expect(h.urls.at(-1)).toEqual({ layers: '', ptime: null });
  });

  it('offers only the layers a city file lists, with its defaults, and shows series in the city time zone', async () => {
    const h = harness();
    // Tokyo: the snapshots at 08:00 and 10:00 Paris time are 16:00 and 18:00 there.
    h.ctrl.openCity({ ...city('streets', 'parks'), timeZone: 'Asia/Tokyo', layers: [{ display: 'parks', defaultOn: true }] as unknown as CityForLayers['layers'] }, false);
    expect([...h.rows.keys()]).toEqual(['parks']);
    expect(h.ctrl.sources().length).toBe(0);
    expect(h.ctrl.shown().map((l) => l.id)).toEqual(['parks']);
    expect(h.loads.map((l) => l.id)).toEqual(['parks']);
    await h.loads[0]!.answer(features(PARKS));
    expect(h.rows.get('parks')!.time).toMatchObject({ day: '2024-03-05', snapshots: ['16:00', '18:00'] });
    expect(h.ctrl.chartOf('parks', 'p1')).toMatchObject({ timeZone: 'Asia/Tokyo' });
    // A layer the city file does not list stays off, even when asked for.
    h.ctrl.setOn('streets', true);
    expect(h.loads.map((l) => l.id)).toEqual(['parks']);
  });

  it("offers a city's generic layers for that city only, and applies the link's entries for them", async () => {
    const zones = layer('zones', { inputs: [], online: [{ kind: 'geojson', input: 'zones', url: 'https://example.org/z.geojson', attribution: ATTR, maxBytes: 1e6, cache: false }], prefer: 'online', defaultOn: true });
    const h = harness({ url: { layers: 'zones:50,bogus' } });
    expect(h.said).toEqual([]);
    h.ctrl.openCity({ ...city(), extraLayers: [zones] }, false);
    expect(h.ctrl.shown()).toEqual([{ id: 'zones', opacity: 0.5, variant: 'lines' }]);
    expect(h.said.map((x) => x.params.value)).toEqual(['bogus']);
    expect(h.loads.map((l) => l.id)).toEqual(['zones']);
    h.ctrl.closeCity();
    h.ctrl.openCity(city(), false);
    expect(h.rows.has('zones')).toBe(true); // the fake panel keeps old rows; the controller no longer knows it:
    expect(h.ctrl.shown()).toEqual([]);
  });

  it('reloads a live layer every refreshS seconds while shown, until the city closes', async () => {
    const live = layer('live', { inputs: [], online: [{ kind: 'geojson', input: 'live', url: 'https://example.org/live.geojson', attribution: ATTR, maxBytes: 1e6, cache: false }], prefer: 'online', defaultOn: true, refreshS: 60 });
    const h = harness();
    h.ctrl.openCity({ ...city(), extraLayers: [live] }, false);
    await h.loads[0]!.answer(features({ features: [point('a', 'A')], issues: [] }));
    expect(h.ticks).toHaveLength(1);
    h.ticks[0]!.fn();
    expect(h.loads.map((l) => l.id)).toEqual(['live', 'live']);
    await h.loads[1]!.answer(features({ features: [point('a', 'A'), point('b', 'B')], issues: [] }));
    expect(h.log.filter((x) => x === 'draw live lines')).toHaveLength(2);
    expect(h.ctrl.entries().find((l) => l.def.id === 'live')!.status).toMatchObject({ kind: 'ready', count: 2 });
    expect(h.ticks).toHaveLength(1);
    h.ctrl.closeCity();
    expect(h.ticks[0]!.stopped).toBe(true);
  });

  it('plays the day 5 minutes a tick, from 06:00 when at the end, and stops at 23:00', () => {
    const h = harness({ url: { ptime: '23:30' } });
    h.ctrl.togglePlay();
    expect(h.ctrl.timeMin).toBe(6 * 60);
    h.ticks[0]!.fn();
    expect(h.ctrl.timeMin).toBe(6 * 60 + 5);
    h.ctrl.setTime(22 * 60 + 57);
    h.ticks[0]!.fn();
    expect(h.ctrl.timeMin).toBe(23 * 60);
    expect(h.ticks[0]!.stopped).toBe(true);
    h.ctrl.togglePlay();
    h.ctrl.togglePlay();
    expect(h.ticks[1]!.stopped).toBe(true);
  });

  it('changes opacity and variant: the drawing follows and the URL keeps them', async () => {
    const h = harness();
    h.ctrl.openCity(city('streets'), false);
    await h.loads[0]!.answer(features({ features: [point('s1', 'Rue')], issues: [] }));
    h.ctrl.setOpacity('streets', 0.4);
    h.ctrl.setVariant('streets', 'fills');
    expect(h.log).toContain('opacity streets 0.4');
    expect(h.drawn.get('streets')).toEqual({ variant: 'fills', opacity: 0.4 });
    expect(h.urls.at(-1)!.layers).toBe('streets:40:fills');
    h.ctrl.zoomTo('streets');
    expect(h.log).toContain('zoom streets 1');
  });

  it('shows exactly the layers a tour stop asks for, and reports the unknown ones', async () => {
    const h = harness();
    h.ctrl.openCity(city('streets', 'parks'), false);
    await h.loads[0]!.answer(features({ features: [point('s1', 'Rue')], issues: [] }));
    h.ctrl.show([{ id: 'parks', opacity: 0.5, variant: 'fills' }, { id: 'lava', opacity: 1, variant: 'x' }]);
    expect(h.ctrl.shown()).toEqual([{ id: 'parks', opacity: 0.5, variant: 'fills' }]);
    expect(h.log).toContain('shown streets false');
    expect(h.loads.map((l) => l.id)).toEqual(['streets', 'parks']);
    expect(h.said.map((s) => s.dedupe)).toEqual(['tour:layer:lava']);
    expect(h.urls.at(-1)!.layers).toBe('parks:50:fills');
  });

  it('searches the layers shown; choosing a result selects the feature and flies to it', async () => {
    const h = harness();
    h.ctrl.openCity(city('parks'), false);
    h.ctrl.setOn('parks', true);
    expect(h.ctrl.search('gare')).toEqual({ layers: 0, results: [] });
    await h.loads[0]!.answer(features(PARKS));
    const r = h.ctrl.search('gare');
    expect(r.layers).toBe(1);
    expect(r.results.map((x) => [x.name, x.layerTitle])).toEqual([['Gare', 'layers.demoStreets.title']]);
    h.ctrl.choose(r.results[0]!.key);
    expect(h.selected.map((s) => s.id)).toEqual(['p1']);
    expect(h.log).toContain('fly parks 0');
    expect(h.ctrl.selectById('parks', 'p2')).toBe(true);
    expect(h.ctrl.selectById('parks', 'nope')).toBe(false);
    expect(h.ctrl.itemTitle('parks', 'p2')).toBe('Colombier');
    expect(h.ctrl.itemTitle('parks', 'zz')).toBe('layers.demoStreets.title zz');
  });

  it('restores the selection of the link once its layer is loaded, and only once', async () => {
    const h = harness({ url: { layers: 'streets,parks' }, selected: 'parks:p2' });
    h.ctrl.openCity(city('streets', 'parks'), false);
    await h.loads[0]!.answer(features({ features: [point('s1', 'Rue')], issues: [] }));
    expect(h.selected).toEqual([]);
    await h.loads[1]!.answer(features(PARKS));
    expect(h.selected.map((s) => s.id)).toEqual(['p2']);
    h.ctrl.setOn('streets', false);
    h.ctrl.setOn('streets', true);
    expect(h.selected.length).toBe(1);
  });
});
