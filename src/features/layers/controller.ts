import { cityLayerId, offers, planLayer, type CityForLayers, type SourcePlan } from '../../layers/resolve.ts';
import { buildSearchIndex, type SearchIndex } from '../../layers/search.ts';
import type { Bbox, LayerDefinition, OnlineSource, ParsedLayer } from '../../layers/types.ts';
import { formatClock, parseClock, parseLayersParam, serializeLayersParam, type LayerUrlEntry } from '../../layers/url.ts';
import { chartOf, DEFAULT_TIME_MIN, itemOf, parsedOf, rowOf, seriesOf, seriesValues, sourcesOf, timeState, unavailableStatus, type LayerEntry, type LayerItem, type LayerLoad, type LayerRowState, type LayersTexts, type LayerTimeState, type LayersMessageKey } from './model.ts';

/**
 * The state and decisions of the open-data layers feature (pure: no DOM, no Cesium, no fetch):
 * which layers are on, with which opacity and variant, where each one's data comes from for the
 * open city, its loading status and result, the time shown for recorded series (and its playing),
 * the URL state (`layers=`, `ptime=`), the search index, the selection and the tours' layers
 * (what the rows and panels say of a layer is in model.ts). Loading, drawing, the panels and the
 * app are reached through the ports given to `createLayersController`.
 */

/** The drawing of the layers (src/features/layers/view.ts); every call is a no-op without a viewer. */
export interface LayersViewPort {
  /** False without WebGL (layers are then unavailable). */
  readonly available: boolean;
  isDrawn(id: string): boolean;
  /** Draws a layer (throws when drawing fails). */
  draw(def: LayerDefinition, variant: string, parsed: ParsedLayer, o: { opacity: number; labels?: boolean }): void;
  undraw(id: string): void;
  /**
   * Adds a layer's imagery; resolves to null (and adds nothing) when `current()` became false
   * meanwhile (the city closed).
   */
  addImagery(id: string, source: Extract<OnlineSource, { kind: 'wmts' }>, centre: { lonDeg: number; latDeg: number }, opacity: number, current: () => boolean): Promise<{ ok: true } | { ok: false; reason: string } | null>;
  setShown(id: string, shown: boolean): void;
  setOpacity(id: string, opacity: number): void;
  setValues(id: string, quantity: 'occupancy', values: Map<string, number>): void;
  /** Flies to the features `0…count-1` of a layer. */
  zoomTo(id: string, count: number): void;
  flyToFeature(id: string, index: number): void;
  requestRender(): void;
  /** Removes everything drawn (the city closes). */
  clear(): void;
}

export interface LayersPorts extends LayersTexts {
  /** Fetches and parses a layer's data for the city (cancellable). */
  fetch(def: LayerDefinition, plan: SourcePlan, bbox: Bbox): { result: Promise<LayerLoad>; cancel(): void };
  view: LayersViewPort;
  panel: { setRows(rows: readonly LayerRowState[]): void; updateRow(row: LayerRowState): void; updateTime(id: string, time: LayerTimeState): void };
  /** The layers searched changed (the search panel re-runs its query). */
  refreshSearch(): void;
  say(level: 'info' | 'warning', key: LayersMessageKey, params: Record<string, string | number>, dedupe: string): void;
  /** Writes `layers=` and `ptime=` (null: none) to the URL. */
  writeUrl(layers: string, ptime: string | null): void;
  refreshSources(): void;
  describe(): void;
  /** The selection in the URL state (`layer:feature`), and whether the info panel is open. */
  selected(): string | undefined;
  infoOpen(): boolean;
  select(item: LayerItem): void;
  /** Calls `fn` every `ms` until the returned function is called (the time control's playing). */
  every(ms: number, fn: () => void): () => void;
}

/** The layers' state over the catalogue, reading `layers=` and `ptime=` from the link. */
export function createLayersController(catalog: readonly LayerDefinition[], url: { layers?: string | undefined; ptime?: string | undefined }, p: LayersPorts) {
  const { t, view } = p;
  const layers = new Map<string, LayerEntry>(catalog.map((def) => [def.id, { def, on: def.defaultOn === true, opacity: 1, variant: def.variants[0].id, plan: null, status: { kind: 'off' }, result: null, notes: [], cancel: null }]));
  let city: CityForLayers | null = null;
  let timeMin = DEFAULT_TIME_MIN;
  let stopPlaying: (() => void) | null = null;
  let searchIndex: SearchIndex | null = null;
  let restored = false;
  /** Layers the user switched in this session (defaults no longer apply to them). */
  const userChanged = new Set<string>();

  /** The open city's generic layers (its city file's), offered for that city only. */
  let extras: LayerDefinition[] = [];
  const catalogNow = () => [...catalog, ...extras];
  /** Entries of the link naming no catalogue layer: a city's generic layer, or reported when the first city opens. */
  let pendingUnknown: string[] = [];
  if (url.layers !== undefined) {
    const { entries, issues } = parseLayersParam(url.layers, catalog);
    for (const l of layers.values()) l.on = false;
    for (const e of entries) Object.assign(layers.get(e.id)!, { on: true, opacity: e.opacity, variant: e.variant });
    for (const i of issues) if (i.reason === 'unknown layer') pendingUnknown.push(i.value);
    else p.say('warning', 'msg.urlParam', { param: 'layers', value: i.value, reason: i.reason }, `url:layers:${i.value}`);
  }
  if (url.ptime !== undefined) {
    const m = parseClock(url.ptime);
    if (m !== null) timeMin = m;
    else p.say('warning', 'msg.urlParam', { param: 'ptime', value: url.ptime, reason: 'expected HH:MM' }, 'url:ptime');
  }

  /** The layers the open city offers (its city file's list; all when it lists none). */
  const all = () => [...layers.values()].filter((l) => city === null || offers(city, l.def.id));
  const shown = (): LayerUrlEntry[] => all().filter((l) => l.on).map((l) => ({ id: l.def.id, opacity: l.opacity, variant: l.variant }));
  const writeUrl = () => {
    const timed = all().some((l) => l.on && seriesOf(l) !== null && seriesOf(l)!.timesMs.length > 1);
    p.writeUrl(serializeLayersParam(shown(), catalogNow()), timed ? formatClock(timeMin) : null);
  };

  const playing = () => stopPlaying !== null;
  const rowState = (l: LayerEntry) => rowOf(l, timeMin, playing(), t);
  const updateRow = (l: LayerEntry) => p.panel.updateRow(rowState(l));
  const renderRows = () => {
    p.panel.setRows(all().map(rowState));
    p.describe();
  };

  // ---- Loading and drawing ----------------------------------------------------------------------
  /** Live layers' refresh timers (`refreshS`), by layer id: stopped when the city closes. */
  const refreshers = new Map<string, () => void>();
  const stopRefreshers = () => (refreshers.forEach((stop) => stop()), refreshers.clear());

  async function load(l: LayerEntry, redraw = false): Promise<void> {
    const c = city;
    if (c === null || l.plan === null) return;
    if (l.plan.kind === 'unavailable') {
      l.status = unavailableStatus(l.plan, t);
      return updateRow(l);
    }
    if (!view.available) {
      l.status = { kind: 'unavailable', reason: t('layers.why.noViewer') };
      return updateRow(l);
    }
    l.cancel?.();
    let cancelled = false;
    const job = p.fetch(l.def, l.plan, c.bbox);
    l.cancel = () => {
      cancelled = true;
      job.cancel();
    };
    l.status = { kind: 'loading' };
    updateRow(l);
    const result = await job.result;
    if (cancelled || city !== c) return;
    l.cancel = null;
    l.result = result;
    l.notes = result.notes;
    searchIndex = null;
    if (!result.ok) {
      l.status = { kind: 'error', where: result.where, reason: result.reason };
      p.say('warning', 'layers.msg.failed', { name: t(l.def.title), reason: `${result.where}: ${result.reason}` }, `layer:${l.def.id}`);
    } else if (result.kind === 'imagery') {
      const centre = { lonDeg: (c.bbox[0] + c.bbox[2]) / 2, latDeg: (c.bbox[1] + c.bbox[3]) / 2 };
      const r = await view.addImagery(l.def.id, result.source, centre, l.opacity, () => city === c);
      if (r === null) return;
      if (r.ok) {
        view.setShown(l.def.id, l.on);
        l.status = { kind: 'ready', count: 0, issues: [] };
      } else {
        l.status = { kind: 'error', where: result.source.url, reason: r.reason };
        p.say('warning', 'layers.msg.failed', { name: t(l.def.title), reason: r.reason }, `layer:${l.def.id}`);
      }
    } else {
      // Recorded series are shown in the city's own time zone.
      const series = result.parsed.series;
      if (series !== undefined && c.timeZone !== undefined) result.parsed = { ...result.parsed, series: { ...series, timeZone: c.timeZone } };
      l.status = { kind: 'ready', count: result.parsed.features.length, issues: result.parsed.issues };
      if (result.notes.some((n) => n.key === 'layers.fallback')) p.say('info', 'layers.msg.liveFailed', { name: t(l.def.title), reason: String(result.notes[0]!.params.reason ?? '') }, `layer-live:${l.def.id}`);
      if (redraw) view.undraw(l.def.id);
      draw(l);
      // Live data read online: reloaded every refreshS seconds while the layer is shown.
      const refreshS = l.def.refreshS;
      if (refreshS !== undefined && l.plan.kind === 'online' && !refreshers.has(l.def.id)) refreshers.set(l.def.id, p.every(refreshS * 1000, () => void (l.on && city === c && l.status.kind !== 'loading' && load(l, true))));
    }
    updateRow(l);
    p.refreshSources();
    p.refreshSearch();
    restoreSelection();
  }

  function draw(l: LayerEntry, o: { labels?: boolean } = {}): void {
    const parsed = parsedOf(l);
    if (!view.available || parsed === null || view.isDrawn(l.def.id)) return;
    try {
      view.draw(l.def, l.variant, parsed, { opacity: l.opacity, ...o });
    } catch (e) {
      l.status = { kind: 'error', where: l.def.id, reason: `drawing failed (${e instanceof Error ? e.message : String(e)})` };
      return;
    }
    view.setShown(l.def.id, l.on);
    applyTime(l);
    view.requestRender();
  }

  function applyTime(l: LayerEntry): void {
    const s = seriesOf(l);
    if (s === null || !view.isDrawn(l.def.id) || s.timesMs.length === 0) return;
    view.setValues(l.def.id, 'occupancy', seriesValues(s, timeMin));
  }

  function setOn(id: string, on: boolean): void {
    const l = layers.get(id);
    if (l === undefined) return;
    userChanged.add(id);
    l.on = on;
    if (on) {
      if (l.result === null && l.status.kind !== 'loading') void load(l);
      else view.setShown(id, true);
    } else {
      view.setShown(id, false);
      if (l.status.kind === 'loading') {
        l.cancel?.();
        l.cancel = null;
        l.status = { kind: 'off' };
      }
    }
    searchIndex = null;
    p.refreshSearch();
    updateRow(l);
    writeUrl();
    p.refreshSources();
    view.requestRender();
  }

  function setOpacity(l: LayerEntry, opacity: number): void {
    l.opacity = opacity;
    view.setOpacity(l.def.id, opacity);
  }

  function setVariant(l: LayerEntry, variant: string, drawNow: boolean): void {
    l.variant = variant;
    view.undraw(l.def.id);
    if (drawNow) draw(l);
  }

  // ---- Time of recorded series ------------------------------------------------------------------
  function setTime(minutes: number): void {
    timeMin = Math.min(1439, Math.max(0, Math.round(minutes)));
    for (const l of layers.values()) {
      if (!l.on || seriesOf(l) === null) continue;
      applyTime(l);
      const ts = timeState(l, timeMin, playing(), t);
      if (ts !== null) p.panel.updateTime(l.def.id, ts);
    }
    refreshSelectionDetails();
    writeUrl();
    view.requestRender();
  }

  function togglePlay(): void {
    if (stopPlaying !== null) {
      stopPlaying();
      stopPlaying = null;
    } else {
      if (timeMin >= 23 * 60) timeMin = 6 * 60;
      stopPlaying = p.every(150, () => {
        if (timeMin + 5 > 23 * 60) {
          stopPlaying?.();
          stopPlaying = null;
          return setTime(23 * 60);
        }
        setTime(timeMin + 5);
      });
    }
    for (const l of layers.values()) {
      const ts = l.on ? timeState(l, timeMin, playing(), t) : null;
      if (ts !== null) p.panel.updateTime(l.def.id, ts);
    }
  }

  // ---- Selection, info panel --------------------------------------------------------------------
  function selectFeature(l: LayerEntry, index: number, fly: boolean): void {
    const item = itemOf(l, index, timeMin, p);
    if (item === null) return;
    p.select(item);
    if (fly) view.flyToFeature(l.def.id, index);
  }
  /** The layer and feature index of a selection `layer:feature` (ids may hold ':'). */
  const target = (sel: string): { l: LayerEntry; index: number } | null => {
    const [layerId, ...rest] = sel.split(':');
    const l = layers.get(layerId ?? '');
    const parsed = l !== undefined ? parsedOf(l) : null;
    return l === undefined || parsed === null ? null : { l, index: parsed.features.findIndex((f) => f.id === rest.join(':')) };
  };
  function refreshSelectionDetails(): void {
    const sel = p.selected();
    if (sel === undefined || !p.infoOpen()) return;
    const found = target(sel);
    if (found !== null && seriesOf(found.l) !== null && found.index >= 0) selectFeature(found.l, found.index, false);
  }
  function restoreSelection(): void {
    const sel = p.selected();
    if (restored || sel === undefined || !sel.includes(':')) return;
    const found = target(sel);
    if (found === null || found.index < 0) return;
    restored = true;
    selectFeature(found.l, found.index, false);
  }
  return {
    get timeMin(): number {
      return timeMin;
    },
    entry: (id: string): LayerEntry | undefined => layers.get(id),
    entries: all,
    setOn,
    setTime,
    togglePlay,
    renderRows,
    /** Panel: a new opacity. */
    setOpacity(id: string, opacity: number): void {
      setOpacity(layers.get(id)!, opacity);
      writeUrl();
    },
    /** Panel: another display variant (drawn again). */
    setVariant(id: string, variant: string): void {
      const l = layers.get(id)!;
      setVariant(l, variant, true);
      updateRow(l);
      writeUrl();
    },
    /** Draws a loaded layer again (benchmark: without labels). */
    redraw(id: string, o: { labels?: boolean } = {}): void {
      const l = layers.get(id)!;
      view.undraw(id);
      draw(l, o);
    },
    zoomTo(id: string): void {
      const l = layers.get(id);
      const parsed = l !== undefined ? parsedOf(l) : null;
      if (parsed !== null && view.isDrawn(id) && parsed.features.length > 0) view.zoomTo(id, parsed.features.length);
    },
    /** Tours: the layers shown, in the URL's form. */
    shown,
    /** Tours: shows exactly these layers (others off); unknown ids are reported. */
    show(wanted: readonly LayerUrlEntry[]): void {
      for (const l of layers.values()) {
        const w = wanted.find((x) => x.id === l.def.id);
        if (w === undefined) {
          if (l.on) setOn(l.def.id, false);
          continue;
        }
        if (l.opacity !== w.opacity) setOpacity(l, w.opacity);
        if (l.variant !== w.variant && l.def.variants.some((v) => v.id === w.variant)) setVariant(l, w.variant, l.on);
        if (!l.on) setOn(l.def.id, true);
        else updateRow(l);
      }
      for (const w of wanted) if (!layers.has(w.id)) p.say('warning', 'msg.urlParam', { param: 'tour', value: w.id, reason: 'unknown layer' }, `tour:layer:${w.id}`);
      writeUrl();
    },
    /** Search box: features of the layers shown whose name matches (at most 25). */
    search(q: string): { layers: number; results: { key: string; name: string; layerTitle: string }[] } {
      const searched = all().filter((l) => l.on && parsedOf(l) !== null && l.def.searchable !== false);
      searchIndex ??= buildSearchIndex(searched.map((l) => ({ layerId: l.def.id, features: parsedOf(l)!.features })));
      const hits = searchIndex.search(q, 25);
      return { layers: searched.length, results: hits.map((hit) => ({ key: `${hit.layerId}\u0000${hit.featureIndex}`, name: hit.name, layerTitle: t(layers.get(hit.layerId)!.def.title) })) };
    },
    /** Search box: selects the result and flies to it. */
    choose(key: string): void {
      const [layerId, idx] = key.split('\u0000') as [string, string];
      const l = layers.get(layerId);
      if (l !== undefined) selectFeature(l, Number(idx), true);
    },
    /** Selects a feature by ids (as a click would); false when it is not loaded. */
    selectById(layerId: string, featureId: string): boolean {
      const l = layers.get(layerId);
      const index = l !== undefined ? parsedOf(l)?.features.findIndex((f) => f.id === featureId) ?? -1 : -1;
      if (l === undefined || index < 0) return false;
      selectFeature(l, index, false);
      return true;
    },
    /** The info panel's item for a drawn feature (picking). */
    item: (layerId: string, index: number): LayerItem | null => {
      const l = layers.get(layerId);
      return l === undefined ? null : itemOf(l, index, timeMin, p);
    },
    /** The info panel's title of a feature: its name, else the layer's title and the feature id. */
    itemTitle(layerId: string, featureId: string | null): string {
      const l = layers.get(layerId)!;
      return parsedOf(l)?.features.find((x) => x.id === featureId)?.name ?? `${t(l.def.title)} ${featureId ?? ''}`;
    },
    /** The occupancy chart's data for a feature of a recorded series (null: no chart). */
    chartOf: (layerId: string, featureId: string | null) => chartOf(layers.get(layerId)!, featureId, timeMin),
    /** The sources panel's lines: each input of the layers shown. */
    sources: () => sourcesOf(all(), t),
    /** The text alternative's sentence naming the layers shown (null: none). */
    description(): string | null {
      const on = all().filter((l) => l.on).map((l) => t(l.def.title));
      return on.length === 0 ? null : t('a11y.layers', { list: on.join(', ') });
    },
    /** A city opens: plans each layer's source, shows the rows and loads the layers on. */
    openCity(c: CityForLayers, offline: boolean): void {
      city = c;
      restored = false;
      // The city's generic layers replace the previous city's.
      for (const d of extras) layers.delete(d.id);
      extras = (c.extraLayers ?? []).filter((d) => !catalog.some((x) => x.id === d.id));
      for (const def of extras) layers.set(def.id, { def, on: url.layers === undefined ? def.defaultOn === true : false, opacity: 1, variant: def.variants[0].id, plan: null, status: { kind: 'off' }, result: null, notes: [] as LayerEntry['notes'], cancel: null });
      if (pendingUnknown.length > 0) {
        // The link's entries for this city's generic layers apply; the others are reported once.
        const { entries, issues } = parseLayersParam(pendingUnknown.join(','), extras);
        for (const e of entries) Object.assign(layers.get(e.id)!, { on: true, opacity: e.opacity, variant: e.variant });
        for (const i of issues) p.say('warning', 'msg.urlParam', { param: 'layers', value: i.value, reason: i.reason }, `url:layers:${i.value}`);
        pendingUnknown = [];
      }
      for (const l of layers.values()) {
        const listed = c.layers?.find((x) => cityLayerId(x) === l.def.id);
        l.plan = offers(c, l.def.id) ? planLayer(l.def, c, offline) : { kind: 'unavailable', reason: 'no-source' };
        // Default layers (the demo's streets, or those the city file sets on) only where they
        // exist, unless the link asks for them.
        const defaultOn = listed?.defaultOn ?? l.def.defaultOn === true;
        if (url.layers === undefined && !userChanged.has(l.def.id) && defaultOn) l.on = l.plan.kind !== 'unavailable';
        else if (!offers(c, l.def.id)) l.on = false;
        l.status = l.on ? { kind: 'loading' } : { kind: 'off' };
        l.result = null;
        l.notes = [];
      }
      renderRows();
      for (const l of all()) if (l.on) void load(l);
    },
    /** The city closes: loads in flight are cancelled, results and drawings dropped. */
    closeCity(): void {
      city = null;
      searchIndex = null;
      stopRefreshers();
      for (const l of layers.values()) {
        l.cancel?.();
        l.cancel = null;
        l.result = null;
      }
      view.clear();
    },
    dispose(): void {
      stopRefreshers();
      stopPlaying?.();
      stopPlaying = null;
    },
  };
}

export type LayersController = ReturnType<typeof createLayersController>;
