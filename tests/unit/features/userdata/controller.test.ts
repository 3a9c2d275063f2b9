import { describe, expect, it } from 'vitest';
import { USER_LIMITS } from '../../../../src/layers/userdata-types.ts';
import type { ScenarioUserItem } from '../../../../src/scenarios/userdata.ts';
import { sameUserItem } from '../../../../src/scenarios/userdata.ts';
import { createUserItems, type UserDataEffects } from '../../../../src/features/userdata/controller.ts';
import type { StoredItem, UserItem, UserRowState } from '../../../../src/features/userdata/item.ts';

/** The items controller with effects that record what they were asked to do. */
function setup(o: { city?: boolean } = {}) {
  const log: string[] = [];
  const rows: UserRowState[] = [];
  const stored: StoredItem[] = [];
  const fx: UserDataEffects<UserItem> = {
    extend: (item) => item,
    labels: () => ({ all: 'All', other: 'Other' }),
    row: (r) => rows.push(r),
    unsay: (key) => log.push(`unsay ${key}`),
    failed: (name, reason) => log.push(`failed ${name}: ${reason}`),
    tooMany: (max) => log.push(`tooMany ${max}`),
    store: (s) => stored.push(s),
    reload: (s) => log.push(`reload ${s.stored.name}`),
    restyle: (s) => log.push(`restyle ${s.stored.name} ${s.stored.styleField}`),
    shown: (s) => log.push(`shown ${s.stored.name} ${s.shown}`),
    opacity: (s) => log.push(`opacity ${s.stored.name} ${s.opacity}`),
    placed: (s) => log.push(`placed ${s.stored.name} ${s.stored.placement?.lonDeg}`),
    sourcesChanged: () => log.push('sources'),
  };
  let t = 1_700_000_000_000;
  const items = createUserItems(fx, () => t, () => 0.5);
  const city = { config: { id: 'rennes', bbox: [-1.7, 48.1, -1.6, 48.2] as const } };
  if (o.city !== false) items.setCity(city);
  return { items, log, rows, stored, city, tick: () => t++ };
}

const file = (name: string, bytes = [1, 2, 3]) => ({ name, format: 'geojson' as const, source: { kind: 'file' as const, bytes: new Uint8Array(bytes) } });
const scenarioItem = (name: string, source: ScenarioUserItem['source'], extra: Partial<ScenarioUserItem> = {}): ScenarioUserItem => ({ name, format: 'geojson', licence: 'ODbL', publisher: 'Ville', styleField: 'kind', options: { csv: { crs: 'EPSG:2154' } }, source, ...extra });
const checks = { checkUrl: (raw: string) => (raw.startsWith('https://') ? raw : (() => { throw new Error('only https'); })()), same: sameUserItem, mb: (n: number) => n.toFixed(0) };

describe('userdata controller: adding', () => {
  it('adds nothing while no city is open, and says when My data is full', () => {
    const { items, log } = setup({ city: false });
    expect(items.canAdd()).toBe(false);
    expect(log).toEqual([]);
    const { items: full, log: fullLog, tick } = setup();
    for (let i = 0; i < USER_LIMITS.maxItems; i++) {
      tick();
      full.add(file(`f${i}.geojson`), true);
    }
    expect(full.size).toBe(USER_LIMITS.maxItems);
    expect(full.canAdd()).toBe(false);
    expect(fullLog).toEqual([`tooMany ${USER_LIMITS.maxItems}`]);
  });

  it('gives a new item the city, defaults and its own colour, shows its row as loading, and loads it', () => {
    const { items, rows, stored, log, tick } = setup();
    const a = items.addAndLoad(file('a.geojson'), true);
    tick();
    const b = items.addAndLoad(file('b.geojson'), false);
    expect(a.stored).toMatchObject({ cityId: 'rennes', licence: '', publisher: '', options: {}, styleField: null, addedAtMs: 1_700_000_000_000 });
    expect(a.stored.id).not.toBe(b.stored.id);
    expect([a.colour, b.colour]).toEqual([0, 1]);
    expect(a.fresh).toBe(true);
    expect(rows.map((r) => [r.name, r.status.kind])).toEqual([['a.geojson', 'loading'], ['b.geojson', 'loading']]);
    // Only the persistent one goes to IndexedDB.
    expect(stored.map((s) => s.name)).toEqual(['a.geojson']);
    expect(log).toEqual(['reload a.geojson', 'reload b.geojson']);
  });

  it('keeps the id, options and style of a stored item it restores', () => {
    const { items } = setup();
    const st: StoredItem = { id: 'keep', cityId: 'rennes', name: 'x.csv', format: 'csv', source: { kind: 'file', bytes: new Uint8Array([1]) }, licence: 'CC-BY', publisher: 'Me', options: { csv: { xField: 'lon' } }, styleField: 'n', addedAtMs: 5, order: 7 };
    const s = items.add(st, true);
    expect(s.stored).toEqual(st);
    expect(items.get('keep')).toBe(s);
  });
});

describe('userdata controller: state of an item', () => {
  it('takes back the failure message once the item is ready, and shows failures with where they are', () => {
    const { items, log, rows } = setup();
    const s = items.add(file('a.geojson'), true);
    items.fail(s, 'a.geojson', 'bad JSON');
    items.fail(s, 'feature 3', 'no geometry');
    expect(log).toEqual(['failed a.geojson: bad JSON', 'sources', 'failed a.geojson: feature 3: no geometry', 'sources']);
    expect(rows.at(-1)!.status).toEqual({ kind: 'error', reason: 'feature 3: no geometry' });
    s.status = { kind: 'ready', summary: 'ok', issues: [] };
    items.update(s);
    expect(log.at(-1)).toBe('unsay userdata:a.geojson');
  });

  it('applies the panel edits: visibility, opacity, style, licence', () => {
    const { items, log, stored, rows } = setup();
    const s = items.add(file('a.geojson'), true);
    log.length = 0;
    stored.length = 0;
    items.setShown(s.stored.id, false);
    items.setOpacity(s.stored.id, 0.4);
    items.setStyle(s.stored.id, 'kind');
    items.setLicence(s.stored.id, 'ODbL', 'Rennes');
    expect(log).toEqual(['shown a.geojson false', 'opacity a.geojson 0.4', 'restyle a.geojson kind', 'sources']);
    expect(s).toMatchObject({ shown: false, opacity: 0.4, stored: { styleField: 'kind', licence: 'ODbL', publisher: 'Rennes' } });
    expect(stored).toHaveLength(2);
    expect(rows.at(-1)!.shown).toBe(false);
    // An unknown id changes nothing.
    items.setShown('nope', true);
    expect(log).toHaveLength(4);
  });

  it('reloads with new CSV columns, a new WMS layer (URL items only) or a chosen city CRS', () => {
    const { items, log } = setup();
    const csv = items.add({ ...file('a.csv'), format: 'csv' }, true);
    const wms = items.add({ name: 'ortho', format: 'wms', source: { kind: 'url', url: 'https://x/wms' } }, true);
    log.length = 0;
    items.setCsv(csv.stored.id, 'E', 'N', 'EPSG:2154');
    expect(csv.stored.options).toEqual({ csv: { xField: 'E', yField: 'N', crs: 'EPSG:2154' } });
    items.setCityCrs(csv.stored.id, 'EPSG:3948');
    expect(csv.stored.options).toEqual({ csv: { xField: 'E', yField: 'N', crs: 'EPSG:2154' }, city: { crs: 'EPSG:3948' } });
    items.setWmsLayer(wms.stored.id, 'ORTHO');
    items.setWmsLayer(csv.stored.id, 'ORTHO');
    expect(wms.stored.source).toEqual({ kind: 'url', url: 'https://x/wms', layers: 'ORTHO' });
    expect(log).toEqual(['reload a.csv', 'reload a.csv', 'reload ortho']);
  });

  it('places models only, and a picked point keeps the heading and scale', () => {
    const { items, log } = setup();
    const glb = items.add({ name: 'm.glb', format: 'glb', source: { kind: 'file', bytes: new Uint8Array(4) } }, true);
    const geo = items.add(file('a.geojson'), true);
    log.length = 0;
    const p = { lonDeg: -1.68, latDeg: 48.11, heightM: 30, headingDeg: 45, scale: 2 };
    items.setPlacement(glb.stored.id, p);
    items.setPlacement(geo.stored.id, p);
    expect(geo.stored.placement).toBeUndefined();
    items.placeAt(glb, { lonDeg: -1.6, latDeg: 48.2, heightM: 5 });
    expect(glb.stored.placement).toEqual({ lonDeg: -1.6, latDeg: 48.2, heightM: 5, headingDeg: 45, scale: 2 });
    expect(log).toEqual(['placed m.glb -1.68', 'placed m.glb -1.6']);
  });

  it('forgets removed items (their rows are not shown again) and all items when the city closes', () => {
    const { items, rows } = setup();
    const a = items.add(file('a.geojson'), true);
    items.add(file('b.geojson'), true);
    expect(items.remove(a.stored.id)).toBe(a);
    expect(items.remove(a.stored.id)).toBeUndefined();
    const n = rows.length;
    items.update(a);
    expect(rows).toHaveLength(n);
    const gone = items.setCity(null);
    expect(gone.map((s) => s.stored.name)).toEqual(['b.geojson']);
    expect(items.size).toBe(0);
    expect(items.canAdd()).toBe(false);
  });

  it('opens the link items once, in their order', () => {
    const { items } = setup();
    const extra = { wms: 'https://w/wms', tileset: 'https://t/tileset.json', other: 'x' };
    expect(items.takeLinkItems(extra)).toEqual([{ url: 'https://t/tileset.json', kind: 'tileset' }, { url: 'https://w/wms', kind: 'wms' }]);
    expect(items.takeLinkItems(extra)).toEqual([]);
  });

  it('is idle only when nothing is read nor loading', async () => {
    const { items } = setup();
    expect(items.idle()).toBe(true);
    let release!: () => void;
    const work = items.during(() => new Promise<void>((r) => (release = r)));
    expect(items.idle()).toBe(false);
    release();
    await work;
    expect(items.idle()).toBe(true);
    const s = items.add(file('a.geojson'), true);
    expect(items.idle()).toBe(false);
    s.status = { kind: 'error', reason: 'x' };
    expect(items.idle()).toBe(true);
    // A failure inside still ends the work.
    await expect(items.during(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(items.idle()).toBe(true);
  });
});

describe('userdata controller: adoption from a scenario file', () => {
  it('adds new items with what the file says, skips the same data, and names what it refuses', () => {
    const { items, log, stored } = setup();
    items.add({ name: 'same.geojson', format: 'geojson', source: { kind: 'file', bytes: new Uint8Array([9, 9]) } }, true);
    log.length = 0;
    stored.length = 0;
    const big = new Uint8Array(USER_LIMITS.maxVectorBytes + 1);
    const r = items.adopt(
      [
        scenarioItem('same.geojson', { kind: 'file', bytes: new Uint8Array([9, 9]) }),
        scenarioItem('new.geojson', { kind: 'file', bytes: new Uint8Array([1]) }),
        scenarioItem('ortho', { kind: 'url', url: 'https://w/wms', layers: 'ORTHO' }, { format: 'wms', placement: { lonDeg: 1, latDeg: 2, heightM: 3, headingDeg: 0, scale: 1 } }),
        scenarioItem('plain', { kind: 'url', url: 'http://other/x.geojson' }),
        scenarioItem('big.geojson', { kind: 'file', bytes: big }),
      ],
      checks,
    );
    expect(r.added).toBe(2);
    expect(r.skipped).toBe(1);
    expect(r.problems).toEqual(['plain: not a valid URL (only https)', `big.geojson: ${Math.round(big.byteLength / 1048576)} MB, more than the limit of ${USER_LIMITS.maxVectorBytes / 1048576} MB`]);
    const [, n, o] = items.values();
    expect(n!.stored).toMatchObject({ name: 'new.geojson', licence: 'ODbL', publisher: 'Ville', styleField: 'kind', options: { csv: { crs: 'EPSG:2154' } } });
    expect(o!.stored).toMatchObject({ format: 'wms', source: { kind: 'url', url: 'https://w/wms', layers: 'ORTHO' }, placement: { lonDeg: 1 } });
    // In the file's order when restored, not flown to, saved and loaded; the sources panel is told once.
    expect(o!.stored.order).toBe(n!.stored.order + 1);
    expect([n!.fresh, o!.fresh]).toEqual([false, false]);
    expect(stored.map((s) => s.name)).toEqual(['new.geojson', 'ortho']);
    expect(log).toEqual(['reload new.geojson', 'reload ortho', 'sources']);
  });

  it('does not share the options object with the scenario, and refuses everything without a city', () => {
    const { items } = setup();
    const it = scenarioItem('a.geojson', { kind: 'file', bytes: new Uint8Array([1]) });
    items.adopt([it], checks);
    it.options.csv!.crs = 'EPSG:4326';
    expect(items.values()[0]!.stored.options.csv!.crs).toBe('EPSG:2154');
    const closed = setup({ city: false }).items;
    expect(closed.adopt([it], checks)).toEqual({ added: 0, skipped: 0, problems: ['My data: no city is open'] });
    expect(closed.adopt([], checks)).toEqual({ added: 0, skipped: 0, problems: [] });
  });

  it('stops at the item limit', () => {
    const { items, tick } = setup();
    for (let i = 0; i < USER_LIMITS.maxItems - 1; i++) {
      tick();
      items.add(file(`f${i}.geojson`, [i]), true);
    }
    const r = items.adopt([scenarioItem('x', { kind: 'file', bytes: new Uint8Array([200]) }), scenarioItem('y', { kind: 'file', bytes: new Uint8Array([201]) })], checks);
    expect(r).toEqual({ added: 1, skipped: 0, problems: [`y: My data holds at most ${USER_LIMITS.maxItems} items`] });
  });
});
