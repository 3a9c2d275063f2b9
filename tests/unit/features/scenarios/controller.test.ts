import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { AnySimulation } from '../../../../src/core/simulation/types.ts';
import type { Edit } from '../../../../src/scenarios/edits.ts';
import type { KpiProvider, KpiStudy, KpiTable } from '../../../../src/scenarios/kpi.ts';
import { createScenario, type Scenario } from '../../../../src/scenarios/model.ts';
import { createScenarioController, missingIndicators, ringKm2, TIME_ZONE, type ControllerDeps, type KpiJob, type ScenarioPort, type ScenarioView } from '../../../../src/features/scenarios/controller.ts';
import { drawnEdit, facilityEdit, parameterEdit, pickedBuildingEdit, placedModelEdit } from '../../../../src/features/scenarios/tool-edits.ts';

/** The scenarios feature's state and decisions, with the service, the texts and the comparison engine faked. */

const AREA: [number, number][] = [[-1.6814, 48.1085], [-1.6787, 48.1085], [-1.6787, 48.1103], [-1.6814, 48.1103]];
const TOWER: Edit = { kind: 'add-building', id: 'e1', use: 'office', heightM: 30, footprint: [[-1.68, 48.109], [-1.6798, 48.109], [-1.6798, 48.1092], [-1.68, 48.1092]] };
const PARAMS = { heightM: 30, floors: 10, use: 'office' as const, depthM: 8, capacity: 299.6 };
const T = (key: string, params?: Record<string, string | number>) => (params === undefined ? key : `${key} ${JSON.stringify(params)}`);

function fakePort(scenario: Scenario | null) {
  let ids = 0;
  const port = {
    pending: false,
    saveError: null as string | null,
    current: scenario,
    list: () => (port.current === null ? [] : [port.current]),
    active: () => port.current,
    canUndo: () => false,
    canRedo: () => false,
    newId: (p: string) => `${p}${++ids}`,
    select: (id: string | null) => Promise.resolve(id === null || id === port.current?.id),
    added: [] as Edit[],
    updated: [] as Edit[],
    meta: [] as unknown[],
    addEdit(e: Edit) {
      if (e.kind === 'add-building' && e.heightM > 1000) return { ok: false, error: 'too tall' };
      port.added.push(e);
      if (port.current !== null) port.current = { ...port.current, edits: [...port.current.edits, e] };
      return { ok: true };
    },
    updateEdit(e: Edit) {
      port.updated.push(e);
      return { ok: true };
    },
    updateMeta(p: unknown) {
      port.meta.push(p);
    },
  };
  return port satisfies ScenarioPort;
}

const table = (rows: Partial<KpiTable['rows'][number]>[] = []): KpiTable => ({ rows: rows as KpiTable['rows'], study: { city: { tileset: 't' }, area: AREA, date: '2026-06-21', stepMin: 30, cellM: 4, timeZone: TIME_ZONE }, runs: [], key: 'k' });
const provider = (id: string, prepare: boolean): KpiProvider => ({ id, label: { fr: id, en: id }, unit: '', better: 'neutral', decimals: 0, method: { fr: '', en: '' }, compute: () => ({ baseline: 0, scenario: 0 }), runs: [{ id: `${id}-run`, simulation: id, title: { fr: id, en: `${id} run` }, input: () => ({}), ...(prepare ? { prepare: () => Promise.resolve({}) } : {}) }] });

function setup(o: { scenario?: Scenario | null; extra?: Record<string, string>; indicators?: KpiProvider[]; job?: () => KpiJob; synthetic?: boolean; buildings?: boolean; timeZone?: string } = {}) {
  const port = fakePort(o.scenario === undefined ? { ...createScenario({ id: 's1', name: 'Tour', cityId: 'rennes', now: '2026-01-01T00:00:00Z' }), edits: [TOWER] } : o.scenario);
  const extra = o.extra ?? {};
  const views: ScenarioView[] = [];
  const messages: [string | null, string][] = [];
  const sync = vi.fn();
  const describe = vi.fn();
  const sims = [{ id: 'building-stats' }, { id: 'sun-hours' }, { id: 'wifi-coverage' }, { id: 'parking-search' }, { id: 'walk-isochrones', input: z.object({ speedMps: z.number().min(0.5).max(2) }) }] as unknown as AnySimulation[];
  const deps: ControllerDeps = {
    scenarios: port,
    t: T,
    lang: () => 'en',
    formatNumber: (v, d) => v.toFixed(d),
    url: { extra, sync },
    registry: { simulations: sims, findSimulation: (id) => sims.find((s) => s.id === id) ?? null, indicators: o.indicators ?? [provider('transit-15min', false)] },
    city: () => ({ synthetic: o.synthetic ?? false, ...(o.timeZone !== undefined ? { timeZone: o.timeZone } : {}), buildings: () => (o.buildings === false ? null : { tileset: 'https://x/tileset.json', idProperties: ['id'] }) }),
    kpis: {
      autoArea: (edits) => (edits.length === 0 ? null : AREA),
      simScenario: () => ({ scenario: { added: [], removed: [], meshes: [], clips: [] }, missing: [] }),
      start: o.job ?? (() => ({ abort: vi.fn(), prepare: (_p, s) => Promise.resolve(s), compute: (_p, s) => Promise.resolve({ ...table(), study: s }) })),
    },
    showMessage: (text, level) => messages.push([text, level]),
    render: (v) => views.push(v),
    describe,
  };
  return { c: createScenarioController(deps), port, extra, views, messages, sync, describe };
}

describe('tool edits', () => {
  it('a drawn footprint: a building with its floors and its base at the lowest vertex (cm), or an excavation', () => {
    expect(drawnEdit('building', 'e9', TOWER.kind === 'add-building' ? TOWER.footprint : [], [31.234, 30.119, 32], PARAMS)).toEqual({ kind: 'add-building', id: 'e9', footprint: (TOWER as Extract<Edit, { kind: 'add-building' }>).footprint, heightM: 30, use: 'office', floors: 10, baseM: 30.12 });
    expect(drawnEdit('clip', 'e9', AREA, [], { ...PARAMS, floors: null })).toEqual({ kind: 'clip', id: 'e9', ring: AREA, depthM: 8 });
    expect(drawnEdit('building', 'e9', AREA, [5], { ...PARAMS, floors: NaN })).not.toHaveProperty('floors');
  });

  it('a picked building or facility: rounded position, the layer and id of the item, its name as label; null for anything else', () => {
    const at = { lonDeg: -1.680000123456, latDeg: 48.10912345678, heightM: 40 };
    expect(pickedBuildingEdit('remove', 'e2', 'B12', at)).toEqual({ kind: 'remove-building', id: 'e2', buildingId: 'B12', lonDeg: -1.6800001, latDeg: 48.1091235 });
    expect(pickedBuildingEdit('hide', 'e2', 'B12', null)).toEqual({ kind: 'hide-building', id: 'e2', buildingId: 'B12' });
    let n = 0;
    const id = () => `f${++n}`;
    expect(facilityEdit(id, { layerId: 'parking', id: '74', properties: { nom: 'Colombier' } }, null)).toEqual({ kind: 'close-car-park', id: 'f1', carParkId: 'parking:74', label: 'Colombier' });
    expect(facilityEdit(id, { layerId: 'wifi', id: '3', properties: { name: '' } }, at)).toEqual({ kind: 'remove-hotspot', id: 'f2', hotspotId: 'wifi:3', lonDeg: -1.6800001, latDeg: 48.1091235 });
    expect(facilityEdit(id, { layerId: 'metro-stations', id: '1', properties: {} }, at)).toBeNull();
    expect(facilityEdit(id, { layerId: 'parking', id: null, properties: {} }, at)).toBeNull();
    expect(n).toBe(2);
  });

  it('a placed model: upright, scale 1, base to the cm, a name even when the file has none', () => {
    expect(placedModelEdit('e3', 'abc', '', { lonDeg: 1, latDeg: 2, heightM: 3.456 })).toEqual({ kind: 'add-model', id: 'e3', asset: 'abc', name: 'model.glb', lonDeg: 1, latDeg: 2, baseM: 3.46, headingDeg: 0, scale: 1 });
  });

  it('a parameter is checked against the simulation input field, and takes an id only when accepted', () => {
    const def = { input: z.object({ seed: z.number().int().min(0) }) } as unknown as AnySimulation;
    const id = vi.fn(() => 'p1');
    expect(parameterEdit(null, id, 'x', 'seed', 1)).toBeNull();
    expect(parameterEdit(def, id, 'parking-search', 'speed', 1)).toEqual({ ok: false, reason: 'parking-search: no parameter "speed"' });
    const bad = parameterEdit(def, id, 'parking-search', 'seed', -1);
    expect(bad?.ok === false && bad.reason.startsWith('parking-search.seed: ')).toBe(true);
    expect(id).not.toHaveBeenCalled();
    expect(parameterEdit(def, id, 'parking-search', 'seed', 7)).toEqual({ ok: true, edit: { kind: 'set-parameter', id: 'p1', simulation: 'parking-search', name: 'seed', value: 7 } });
  });
});

describe('pure helpers', () => {
  it('ringKm2: a 1 km × 1 km square', () => {
    const dLat = 1000 / 111_195;
    const dLon = dLat / Math.cos((48.11 * Math.PI) / 180);
    expect(ringKm2([[0, 48.11], [dLon, 48.11], [dLon, 48.11 + dLat], [0, 48.11 + dLat]])).toBeCloseTo(1, 1);
  });

  it('missingIndicators names what neither a simulation nor an indicator provides', () => {
    expect(missingIndicators([{ id: 'wifi-coverage' }], [{ id: 'parking-cruise' }], 'en')).toEqual(['residents within 15 min of transit']);
    expect(missingIndicators([], [], 'fr')).toHaveLength(3);
    expect(missingIndicators([{ id: 'wifi' }, { id: 'parking' }], [{ id: 'transit-15min' }], 'en')).toEqual([]);
  });
});

describe('scenario controller', () => {
  it('the view: save state, stale table, study area, synthetic note, simulations for parameters', () => {
    const { c, port } = setup({ synthetic: true });
    let v = c.view();
    expect(v.activeId).toBe('s1');
    expect(v.saveState).toBe('saved');
    expect(v.note).toBe('scenario.synthetic');
    expect(v.simulations).toEqual(['sun-hours', 'wifi-coverage', 'parking-search', 'walk-isochrones']);
    expect(v.missingKpis).toBeNull();
    expect(v.table).toBeNull();
    port.pending = true;
    c.table = table();
    c.tableFor = JSON.stringify(port.current!.edits);
    v = c.view();
    expect(v.saveState).toBe('saving');
    expect(v.tableStale).toBe(false);
    expect(v.areaText).toMatch(/^scenario\.kpiArea \{"km2":"0\.0\d\d","date":"2026-06-21"\}$/);
    port.addEdit({ kind: 'add-hotspot', id: 'h', lonDeg: -1.68, latDeg: 48.11, heightM: 4, eirpDbm: 20, bandGHz: 5, pattern: 'omni' });
    expect(c.view().tableStale).toBe(true);
    expect(c.freshTable()).toBeNull();
    port.saveError = 'quota';
    expect(c.view().saveState).toBe('failed');
  });

  it('refusals are said on the message line; a valid edit is not', () => {
    const { c, messages } = setup();
    expect(c.addEdit({ ...TOWER, id: 'e5', heightM: 2000 } as Edit).ok).toBe(false);
    expect(messages.at(-1)).toEqual(['scenario.refused {"reason":"too tall"}', 'error']);
    expect(c.message).toBe('scenario.refused {"reason":"too tall"}');
    c.addEdit({ ...TOWER, id: 'e6' });
    expect(messages).toHaveLength(1);
    c.setParameter('walk-isochrones', 'speedMps', 9);
    expect(messages.at(-1)![0]).toMatch(/^scenario\.refused .*walk-isochrones\.speedMps/);
    c.setParameter('walk-isochrones', 'speedMps', 1.2);
    expect(c.view().edits.at(-1)).toMatchObject({ kind: 'set-parameter', simulation: 'walk-isochrones', name: 'speedMps', value: 1.2 });
    c.setParameter('nope', 'x', 1);
    expect(messages).toHaveLength(2);
  });

  it('models: the panel heading is taken modulo 360°, a move sets the base to the cm', () => {
    const model = placedModelEdit('m1', 'sha', 'tower.glb', { lonDeg: 1, latDeg: 2, heightM: 0 });
    const { c, port } = setup({ scenario: { ...createScenario({ id: 's1', name: 'M', cityId: 'c', now: 'n' }), edits: [TOWER, model] } });
    expect(c.modelEdit('e1')).toBeNull();
    expect(c.modelEdit('m1')).toEqual(model);
    c.adjustModel('m1', -90, 2);
    c.adjustModel('e1', 10, 1);
    c.moveModel(model, { lonDeg: 3, latDeg: 4, heightM: 12.345 });
    expect(port.updated).toEqual([{ ...model, headingDeg: 270, scale: 2 }, { ...model, lonDeg: 3, latDeg: 4, baseM: 12.35 }]);
  });

  it('another scenario drops the table; new edits take the share link out of the URL; a failed save is said', () => {
    const { c, extra, sync, messages } = setup({ extra: { scn: '1.abc', kpi: '2026-06-21', cmp: 'split' } });
    c.table = table();
    c.tableFor = 'x';
    c.changed('meta', null);
    expect(c.table).not.toBeNull();
    c.changed('active', null);
    expect(c.table).toBeNull();
    expect(c.tableFor).toBeNull();
    expect(sync).not.toHaveBeenCalled();
    c.changed('edits', null);
    expect(extra).toEqual({ cmp: 'split' });
    expect(sync).toHaveBeenCalledTimes(1);
    c.changed('edits', null);
    expect(sync).toHaveBeenCalledTimes(1);
    c.changed('save-failed', 'disk full');
    expect(messages.at(-1)).toEqual(['scenario.saveFailed {"reason":"disk full"}', 'error']);
  });

  it('a share link is opened once; without one, comparison parameters leave the URL', () => {
    const a = setup({ extra: { scn: '1.abc', cmp: 'sync' } });
    expect(a.c.cityOpened()).toBe('1.abc');
    expect(a.c.cityOpened()).toBeNull();
    expect(a.extra).toEqual({ scn: '1.abc', cmp: 'sync' });
    const b = setup({ extra: { cmp: 'sync', kpi: '2026-01-01' } });
    expect(b.c.cityOpened()).toBeNull();
    expect(b.extra).toEqual({});
    expect(b.sync).toHaveBeenCalledTimes(1);
    const d = setup({ extra: { cmp: 'split' } });
    d.c.compare = 'split';
    d.c.cityOpened();
    expect(d.extra).toEqual({ cmp: 'split' });
  });

  it('the share link carries the comparison shown and the date of an up-to-date table only', () => {
    const { c, extra, port, sync } = setup();
    c.compare = 'split';
    c.table = table();
    c.tableFor = JSON.stringify(port.current!.edits);
    c.shareLink('1.xyz');
    expect(extra).toEqual({ scn: '1.xyz', cmp: 'split', kpi: '2026-06-21' });
    c.tableFor = 'older edits';
    c.compare = null;
    c.shareLink('1.xyz');
    expect(extra).toEqual({ scn: '1.xyz' });
    c.compare = 'sync';
    c.compareShown();
    expect(extra.cmp).toBe('sync');
    expect(sync).toHaveBeenCalledTimes(3);
  });

  it('tools: the tool in use and its hint show until cleared', () => {
    const { c, views } = setup();
    c.setTool('building', 'draw');
    c.drawPoints = 3;
    c.render();
    expect(views.at(-1)!.hint).toBe('draw');
    c.clearTool();
    expect([c.tool, c.hint, c.drawPoints, views.at(-1)!.hint]).toEqual([null, null, 0, null]);
  });

  it('runKpis: needs a scenario, buildings and an area; keeps a valid new date; loads prepared data first; shows the steps; keeps the table', async () => {
    expect(await setup({ scenario: null }).c.runKpis('2026-06-21')).toBeUndefined();
    const noBuildings = setup({ buildings: false });
    await noBuildings.c.runKpis('2026-06-21');
    expect(noBuildings.views).toHaveLength(0);
    const empty = setup({ scenario: createScenario({ id: 's', name: 'n', cityId: 'c', now: 'n' }) });
    await empty.c.runKpis('2026-06-21');
    expect(empty.messages).toEqual([['scenario.kpiNeedEdits', 'error']]);

    const seen: { prepared?: KpiStudy; computed?: KpiStudy } = {};
    const { c, port, views, describe } = setup({
      indicators: [provider('wifi-residents', true), provider('sun-lost', false)],
      job: () => ({
        abort: vi.fn(),
        prepare: (_p, s) => {
          seen.prepared = s;
          return Promise.resolve({ ...s, data: { wifiSites: [] } });
        },
        compute: (_p, s, _e, _sim, onStep) => {
          seen.computed = s;
          onStep({ index: 0, total: 4, run: { title: { fr: 'a', en: 'Sun hours' } }, side: 'baseline' });
          return Promise.resolve({ ...table([{ id: 'sun-lost', baseline: 0, scenario: 12, label: { fr: 'Soleil', en: 'Sun lost' }, unit: 'm²·h', decimals: 0 }]), study: s });
        },
      }),
    });
    const run = c.runKpis('2026-12-21');
    expect(c.running).toBe('scenario.kpiLoading');
    await run;
    expect(port.meta).toEqual([{ study: { ...port.current!.study, date: '2026-12-21' } }]);
    expect(seen.prepared).toEqual({ city: { tileset: 'https://x/tileset.json', idProperties: ['id'] }, area: AREA, date: '2026-12-21', stepMin: port.current!.study.stepMin, cellM: port.current!.study.cellM, timeZone: 'Europe/Paris' });
    expect(seen.computed?.data).toEqual({ wifiSites: [] });
    expect(views.map((v) => v.running)).toEqual(['scenario.kpiLoading', 'scenario.kpiRunning {"run":"Sun hours","side":"scenario.side.baseline","i":1,"n":4}', null]);
    expect(c.running).toBeNull();
    expect(c.freshTable()?.rows[0]?.scenario).toBe(12);
    expect(describe).toHaveBeenCalledTimes(1);
    expect(c.description()).toBe('scenario.a11y.active {"name":"Tour","n":1} ; Sun lost 0 → 12 m²·h.');

    await c.runKpis('not a date');
    expect(port.meta).toHaveLength(1);
  });

  it('runKpis: the study takes the time zone of the city file, Europe/Paris when it names none', async () => {
    let zone: string | null = null;
    const job = () => ({ abort: vi.fn(), prepare: (_p: unknown, s: KpiTable['study']) => Promise.resolve(s), compute: (_p: unknown, s: KpiTable['study']) => ((zone = s.timeZone), Promise.resolve({ ...table(), study: s })) }) as unknown as KpiJob;
    await setup({ job, timeZone: 'Europe/London' }).c.runKpis('2026-06-21');
    expect(zone).toBe('Europe/London');
    await setup({ job }).c.runKpis('2026-06-21');
    expect(zone).toBe(TIME_ZONE);
  });

  it('runKpis: a newer comparison cancels the older, whose late result is dropped; errors are said, cancellations not', async () => {
    const jobs: { abort: ReturnType<typeof vi.fn>; resolve: (t: KpiTable) => void; reject: (e: unknown) => void }[] = [];
    const { c, messages } = setup({
      job: () => {
        const j = { abort: vi.fn(), resolve: (_t: KpiTable) => undefined as void, reject: (_e: unknown) => undefined as void };
        jobs.push(j);
        return {
          abort: j.abort,
          prepare: (_p, s) => Promise.resolve(s),
          compute: () =>
            new Promise<KpiTable>((res, rej) => {
              j.resolve = res;
              j.reject = rej;
            }),
        };
      },
    });
    const first = c.runKpis('2026-06-21');
    await Promise.resolve();
    const second = c.runKpis('2026-06-21');
    await Promise.resolve();
    expect(jobs[0]!.abort).toHaveBeenCalledTimes(1);
    jobs[0]!.resolve({ ...table(), key: 'old' });
    await first;
    expect(c.table).toBeNull();
    jobs[1]!.resolve({ ...table(), key: 'new' });
    await second;
    expect(c.table?.key).toBe('new');
    expect(c.running).toBeNull();

    const third = c.runKpis('2026-06-21');
    await Promise.resolve();
    c.cancelKpis();
    expect(jobs[2]!.abort).toHaveBeenCalledTimes(1);
    jobs[2]!.reject(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
    await third;
    expect(messages.filter(([m]) => m !== null)).toEqual([]);
    const fourth = c.runKpis('2026-06-21');
    await Promise.resolve();
    jobs[3]!.reject(new Error('worker crashed'));
    await fourth;
    expect(messages.at(-1)).toEqual(['scenario.refused {"reason":"worker crashed"}', 'error']);
    expect(c.table?.key).toBe('new');
  });

  it('tours: the provider lists the scenarios, names the active one and refuses an unknown id', async () => {
    const { c } = setup();
    const p = c.tourProvider();
    expect(p.list()).toEqual([{ id: 's1', name: 'Tour' }]);
    expect(p.active()).toBe('s1');
    expect(await p.apply('s1')).toEqual({ ok: true });
    expect(await p.apply('zzz')).toEqual({ ok: false, error: 'scenario.unknown {"id":"zzz"}' });
  });

  it('the text alternative says nothing without a scenario', () => {
    expect(setup({ scenario: null }).c.description()).toBeNull();
  });
});
