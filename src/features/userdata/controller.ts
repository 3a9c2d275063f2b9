import { USER_LIMITS } from '../../layers/userdata-types.ts';
import type { ScenarioUserItem } from '../../scenarios/userdata.ts';
import { failureReason, fileLimit, linkItems, messageKeyOf, rowOf, tooBigReason, type ItemPlacement, type ItemsCity, type NewStoredItem, type StoredItem, type UserItem, type UserRowState } from './item.ts';

/**
 * The state and decisions of "My data" (issue 13), without DOM, Cesium or fetching: the items of
 * the open city (adding within the limits, the panel's edits, removing, adoption of a scenario's
 * items, whether anything is still loading). What an item is and the pure decisions about one
 * (URL kinds, limits, rows, sources, scenario form) are item.ts. The effects (panel, messages,
 * IndexedDB, drawing) are the callbacks of `UserDataEffects`, wired by feature.ts; the scene side
 * of an item (drawn layer, handle, abort) is added by `extend` (loader.ts).
 */

/** What the items controller does to the world, injected (feature.ts wires them). */
export interface UserDataEffects<T extends UserItem> {
  /** Adds the scene side to a new item (loader.ts: drawn layer, handle, abort). */
  extend(item: UserItem): T;
  /** The legend's "all" and "other" labels, in the user's language now. */
  labels(): { all: string; other: string };
  /** Shows an item's row. */
  row(row: UserRowState): void;
  /** Takes back a message shown under this key. */
  unsay(key: string): void;
  /** Warns that an item failed (named), with the reason. */
  failed(name: string, reason: string): void;
  /** Warns that My data is full. */
  tooMany(max: number): void;
  /** Writes an item to IndexedDB. */
  store(stored: StoredItem): void;
  /** (Re)loads an item: fetch, parse, draw. */
  reload(item: T): void;
  /** Redraws an item with its colour rule. */
  restyle(item: T): void;
  /** Shows or hides what an item drew. */
  shown(item: T): void;
  /** Sets the opacity of what an item drew. */
  opacity(item: T): void;
  /** Moves a model to its placement. */
  placed(item: T): void;
  /** The sources panel's list changed. */
  sourcesChanged(): void;
}

/** Checks of an adopted item that need the page or scenarios/ (injected by feature.ts). */
export interface AdoptChecks {
  /** The absolute URL to read, or throws why it is refused (`checkedUrl` with the page's address). */
  checkUrl(raw: string): string;
  /** Whether a scenario item is the same data as a stored one (scenarios/userdata.ts `sameUserItem`). */
  same(a: ScenarioUserItem, b: StoredItem): boolean;
  /** A number of megabytes in the user's language. */
  mb(n: number): string;
}

/**
 * The items of the open city and the decisions on them: adding within the limits, the panel's
 * edits (visibility, opacity, style, licence, CSV columns, WMS layer, city CRS, placement), what
 * removing takes back, adoption from a scenario file, and whether anything is still loading.
 */
export function createUserItems<T extends UserItem>(fx: UserDataEffects<T>, now: () => number = Date.now, random: () => number = Math.random) {
  const items = new Map<string, T>();
  let city: ItemsCity | null = null;
  let colourSeq = 0;
  let seq = 0;
  /** Restores, link items and files being read (`idle` waits for them). */
  let busy = 0;
  let linkPending = true;
  const newId = () => `${now().toString(36)}${(seq++).toString(36)}${Math.floor(random() * 1e6).toString(36)}`;
  /** An edit of the panel: the item when it is still there. */
  const edit = (id: string, fn: (s: T) => void) => {
    const s = items.get(id);
    if (s !== undefined) fn(s);
  };

  const api = {
    get: (id: string): T | undefined => items.get(id),
    values: (): T[] => [...items.values()],
    get size(): number {
      return items.size;
    },
    /** The city open now (null between cities). */
    city: (): ItemsCity | null => city,
    /** A city opens (its items are then restored) or closes (null: the items go, returned for their scene side to be cleared). */
    setCity(c: ItemsCity | null): T[] {
      city = c;
      if (c !== null) return [];
      const gone = [...items.values()];
      items.clear();
      return gone;
    },
    /** The items the link opens, the first time a city opens only. */
    takeLinkItems(extra: Readonly<Record<string, string | undefined>>): ReturnType<typeof linkItems> {
      if (!linkPending) return [];
      linkPending = false;
      return linkItems(extra);
    },
    /** Every item's row (the language changed). */
    rows: (): UserRowState[] => [...items.values()].map((s) => rowOf(s, fx.labels())),
    /** Shows an item's row (when it is still listed); its message goes once it is ready. */
    update(s: T): void {
      if (!items.has(s.stored.id)) return;
      fx.row(rowOf(s, fx.labels()));
      // A failure message (or the "choose its CRS" notice) stops being true once the item is ready.
      if (s.status.kind === 'ready') fx.unsay(messageKeyOf(s.stored.name));
    },
    /** Writes an item to IndexedDB when it is kept there. */
    save(s: T): void {
      if (s.persistent) fx.store(s.stored);
    },
    /** Marks an item failed (`where` in it), says so and shows it. */
    fail(s: T, where: string, reason: string): void {
      s.status = { kind: 'error', reason: failureReason(s.stored.name, where, reason) };
      fx.failed(s.stored.name, s.status.reason);
      api.update(s);
      fx.sourcesChanged();
    },
    /** Whether one more item can be added (a city is open, My data is not full: else says so). */
    canAdd(): boolean {
      if (items.size >= USER_LIMITS.maxItems) {
        fx.tooMany(USER_LIMITS.maxItems);
        return false;
      }
      return city !== null;
    },
    /** Adds an item of the open city (a full stored item keeps its id, options, style and placement). */
    add(stored: NewStoredItem, persistent: boolean): T {
      const s = fx.extend({
        stored: { id: newId(), cityId: city!.config.id, licence: '', publisher: '', options: {}, styleField: null, addedAtMs: now(), order: now(), ...stored },
        persistent,
        status: { kind: 'loading', percent: null },
        shown: true,
        opacity: 1,
        vector: null,
        fields: [],
        rule: null,
        wmsLayers: [],
        wmts: null,
        city: null,
        colour: colourSeq++,
        fresh: true,
      });
      items.set(s.stored.id, s);
      api.update(s);
      return s;
    },
    /** Adds, saves and loads a new item. */
    addAndLoad(stored: NewStoredItem, persistent: boolean): T {
      const s = api.add(stored, persistent);
      api.save(s);
      fx.reload(s);
      return s;
    },
    /** Takes an item out of the list (its scene side and messages are the caller's). */
    remove(id: string): T | undefined {
      const s = items.get(id);
      if (s !== undefined) items.delete(id);
      return s;
    },
    setShown: (id: string, on: boolean) =>
      edit(id, (s) => {
        s.shown = on;
        fx.shown(s);
        api.update(s);
      }),
    setOpacity: (id: string, alpha: number) =>
      edit(id, (s) => {
        s.opacity = alpha;
        fx.opacity(s);
      }),
    setStyle: (id: string, field: string | null) =>
      edit(id, (s) => {
        s.stored.styleField = field;
        fx.restyle(s);
        api.save(s);
        api.update(s);
      }),
    setLicence: (id: string, licence: string, publisher: string) =>
      edit(id, (s) => {
        s.stored.licence = licence;
        s.stored.publisher = publisher;
        api.save(s);
        fx.sourcesChanged();
      }),
    setCsv: (id: string, x: string, y: string | null, crs: string) =>
      edit(id, (s) => {
        s.stored.options = { csv: { xField: x, yField: y, crs } };
        api.save(s);
        fx.reload(s);
      }),
    setWmsLayer: (id: string, layer: string) =>
      edit(id, (s) => {
        if (s.stored.source.kind !== 'url') return;
        s.stored.source.layers = layer;
        api.save(s);
        fx.reload(s);
      }),
    setCityCrs: (id: string, crs: string) =>
      edit(id, (s) => {
        s.stored.options = { ...s.stored.options, city: { crs } };
        api.save(s);
        fx.reload(s);
      }),
    /** A model's placement typed on its row. */
    setPlacement: (id: string, p: ItemPlacement) =>
      edit(id, (s) => {
        if (s.stored.format !== 'glb') return;
        s.stored.placement = p;
        fx.placed(s);
        api.save(s);
      }),
    /** A model placed at a point picked on the ground (heading and scale kept). */
    placeAt(s: T, p: { lonDeg: number; latDeg: number; heightM: number }): void {
      if (s.stored.placement === undefined) return;
      s.stored.placement = { ...s.stored.placement, ...p };
      fx.placed(s);
      api.save(s);
      api.update(s);
    },
    /** Items from a scenario file: the checks and limits of adding by hand; the same data is not added twice. */
    adopt(list: readonly ScenarioUserItem[], checks: AdoptChecks): { added: number; skipped: number; problems: string[] } {
      let added = 0, skipped = 0;
      const problems: string[] = [];
      if (city === null) return { added, skipped, problems: list.length > 0 ? ['My data: no city is open'] : [] };
      for (const it of list) {
        if ([...items.values()].some((s) => checks.same(it, s.stored))) {
          skipped++;
          continue;
        }
        if (items.size >= USER_LIMITS.maxItems) {
          problems.push(`${it.name}: My data holds at most ${USER_LIMITS.maxItems} items`);
          continue;
        }
        let source: StoredItem['source'];
        if (it.source.kind === 'url') {
          try {
            source = { kind: 'url', url: checks.checkUrl(it.source.url), ...(it.source.layers !== undefined ? { layers: it.source.layers } : {}) };
          } catch (e) {
            problems.push(`${it.name}: not a valid URL (${e instanceof Error ? e.message : String(e)})`);
            continue;
          }
        } else {
          const limit = fileLimit(it.name, it.format);
          if (it.source.bytes.byteLength > limit) {
            problems.push(`${it.name}: ${tooBigReason(it.source.bytes.byteLength, limit, checks.mb)}`);
            continue;
          }
          source = { kind: 'file', bytes: it.source.bytes };
        }
        const s = api.add({ name: it.name.slice(0, 300), format: it.format, source }, true);
        s.stored.licence = it.licence;
        s.stored.publisher = it.publisher;
        s.stored.options = structuredClone(it.options);
        s.stored.styleField = it.styleField;
        if (it.placement !== undefined) s.stored.placement = { ...it.placement };
        // In the file's order when restored (items added in the same millisecond).
        s.stored.order += added;
        s.fresh = false;
        api.save(s);
        fx.reload(s);
        added++;
      }
      if (added > 0) fx.sourcesChanged();
      return { added, skipped, problems };
    },
    /** Runs `fn` counted as work in progress (restores, link items, files being read). */
    async during<R>(fn: () => Promise<R>): Promise<R> {
      busy++;
      try {
        return await fn();
      } finally {
        busy--;
      }
    },
    /** Whether nothing is loading nor being read. */
    idle: (): boolean => busy === 0 && ![...items.values()].some((s) => s.status.kind === 'loading'),
  };
  return api;
}

/** The items controller of My data. */
export type UserItems<T extends UserItem> = ReturnType<typeof createUserItems<T>>;
