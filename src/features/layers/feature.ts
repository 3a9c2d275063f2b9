import { fromZoned, toZoned } from '../../core/time.ts';
import { LAYERS, layerById } from '../../layers/catalog.ts';
import { planLayer, type CityForLayers, type SourcePlan } from '../../layers/resolve.ts';
import { buildSearchIndex, type SearchIndex } from '../../layers/search.ts';
import { sampleAt, sampleSeries } from '../../layers/time-series.ts';
import type { LayerDefinition, ParsedLayer } from '../../layers/types.ts';
import { formatClock, parseClock, parseLayersParam, serializeLayersParam, type LayerUrlEntry } from '../../layers/url.ts';
import type { PickedItem } from '../../scene/picking.ts';
import { drawLayer, flyToSphere, groundHeightFn, isFeatureTag, unionSpheres, type DrawnLayer, type Sphere } from '../../scene/layers/draw.ts';
import { drawAsEntities } from '../../scene/layers/entities.ts';
import { addWmtsLayer, type ImageryHandle } from '../../scene/layers/imagery.ts';
import { createBrowserCache, createWorkerParser, loadLayer, type InputProvenance, type LayerNote, type LayerParser, type LoadResult } from '../../sources/layers.ts';
import { h } from '../../ui/dom.ts';
import { formatNumber, t } from '../../ui/i18n/index.ts';
import { ICONS } from '../../ui/icons.ts';
import { createLayersPanel, type LayerRowState, type LayerStatus, type LayerTimeState } from './panel.ts';
import { createOccupancyChart } from './occupancy-chart.ts';
import { createSearchPanel } from './search-panel.ts';
import type { SourceEntry } from '../../ui/sources-panel.ts';
import type { AppContext, OpenCity } from '../../app/context.ts';

/**
 * The open-data layers feature: the layers panel and the search box, loading each layer of the
 * open city (pack files or online services, parsed in a worker), drawing it, picking its
 * features into the info panel, the time control of recorded series, and the URL state
 * (`layers=`, `ptime=`). Everything it adds to the scene belongs to the open city and is removed
 * when the city closes.
 */

/** What tests and the benchmark read and drive (window.__jumeauLayers). */
export interface LayersTestApi {
  /** Per layer: on, status and feature count. */
  state(): { id: string; on: boolean; status: LayerStatus['kind']; count: number; reason?: string; parseMs?: number; fetchMs?: number; bytes?: number }[];
  setOn(id: string, on: boolean): void;
  setAllOn(on: boolean): void;
  /** Resolves when no layer is loading. */
  idle(timeoutMs?: number): Promise<boolean>;
  /** Sets the time of recorded series (minutes since local midnight). */
  setTime(minutes: number): void;
  /** Drawing counts of each drawn layer. */
  drawStats(): Record<string, ReturnType<DrawnLayer['stats']>>;
  /** Selects a feature by layer and feature id (as a click would). */
  select(layerId: string, featureId: string): boolean;
  /** Window position of a feature's anchor, or null. */
  featureWindowPosition(layerId: string, featureId: string): { x: number; y: number } | null;
  /**
   * Benchmark only: draws a loaded layer again as one Entity per feature (hidden batched copy),
   * waits until Cesium has built it, and returns the creation time; call the result to remove it.
   */
  drawAsEntities(layerId: string): Promise<{ count: number; createMs: number; opacity: (alpha: number) => Promise<number>; remove: () => void } | null>;
  /** Benchmark only: redraws a loaded layer with batched primitives and waits until they are built. */
  redrawBatched(layerId: string): Promise<{ createMs: number; opacity: (alpha: number) => Promise<number> } | null>;
}

declare global {
  interface Window {
    __jumeauLayers?: LayersTestApi;
  }
}

interface LayerState {
  def: LayerDefinition;
  on: boolean;
  opacity: number;
  variant: string;
  plan: SourcePlan | null;
  status: LayerStatus;
  result: LoadResult | null;
  drawn: DrawnLayer | null;
  imagery: ImageryHandle | null;
  abort: AbortController | null;
  notes: LayerNote[];
}

/** Default time for recorded series: 18:00 local (an evening peak; the slider changes it). */
const DEFAULT_TIME_MIN = 18 * 60;

export function install(ctx: AppContext): () => void {
  const disposers: (() => void)[] = [];
  const parser: LayerParser = createWorkerParser();
  const cache = createBrowserCache();
  const layers = new Map<string, LayerState>(LAYERS.map((def) => [def.id, { def, on: def.defaultOn === true, opacity: 1, variant: def.variants[0].id, plan: null, status: { kind: 'off' }, result: null, drawn: null, imagery: null, abort: null, notes: [] }]));
  let city: OpenCity | null = null;
  let timeMin = DEFAULT_TIME_MIN;
  let playing: ReturnType<typeof setInterval> | null = null;
  let searchIndex: SearchIndex | null = null;
  /** Layers the user switched in this session (defaults no longer apply to them). */
  const userChanged = new Set<string>();

  // ---- URL state ------------------------------------------------------------------------------
  const urlLayers = ctx.state.extra.layers;
  if (urlLayers !== undefined) {
    const { entries, issues } = parseLayersParam(urlLayers);
    for (const l of layers.values()) l.on = false;
    for (const e of entries) {
      const l = layers.get(e.id)!;
      l.on = true;
      l.opacity = e.opacity;
      l.variant = e.variant;
    }
    for (const i of issues) ctx.say('warning', 'msg.urlParam', { param: 'layers', value: i.value, reason: i.reason }, `url:layers:${i.value}`);
  }
  const urlTime = ctx.state.extra.ptime;
  if (urlTime !== undefined) {
    const m = parseClock(urlTime);
    if (m !== null) timeMin = m;
    else ctx.say('warning', 'msg.urlParam', { param: 'ptime', value: urlTime, reason: 'expected HH:MM' }, 'url:ptime');
  }
  const writeUrl = () => {
    const entries: LayerUrlEntry[] = [...layers.values()].filter((l) => l.on).map((l) => ({ id: l.def.id, opacity: l.opacity, variant: l.variant }));
    ctx.state.extra.layers = serializeLayersParam(entries);
    if ([...layers.values()].some((l) => l.on && seriesOf(l) !== null && seriesOf(l)!.timesMs.length > 1)) ctx.state.extra.ptime = formatClock(timeMin);
    else delete ctx.state.extra.ptime;
    ctx.syncUrl();
  };

  // ---- Panels ---------------------------------------------------------------------------------
  const panel = createLayersPanel({
    onClose: () => ctx.setPanelOpen('layers', false),
    onToggle: (id, on) => setOn(id, on),
    onOpacity: (id, opacity) => {
      const l = layers.get(id)!;
      l.opacity = opacity;
      l.drawn?.setOpacity(opacity);
      l.imagery?.setOpacity(opacity);
      writeUrl();
    },
    onVariant: (id, variant) => {
      const l = layers.get(id)!;
      l.variant = variant;
      l.drawn?.dispose();
      l.drawn = null;
      draw(l);
      updateRow(l);
      writeUrl();
    },
    onTime: (_id, minutes) => setTime(minutes),
    onPlay: () => togglePlay(),
    onZoom: (id) => zoomToLayer(id),
  });
  disposers.push(ctx.addPanel('layers', panel, 'left', { label: 'layers.toolbar', icon: ICONS.layers }));
  const search = createSearchPanel({
    onClose: () => ctx.setPanelOpen('search', false),
    onQuery: (q) => {
      const shown = [...layers.values()].filter((l) => l.on && l.result?.ok === true && l.result.kind === 'features' && l.def.searchable !== false);
      if (searchIndex === null) searchIndex = buildSearchIndex(shown.map((l) => ({ layerId: l.def.id, features: (l.result as Extract<LoadResult, { kind: 'features' }>).parsed.features })));
      const hits = searchIndex.search(q, 25);
      return { layers: shown.length, results: hits.map((hit) => ({ key: `${hit.layerId}\u0000${hit.featureIndex}`, name: hit.name, layerTitle: t(layerById(hit.layerId)!.title) })) };
    },
    onChoose: (key) => {
      const [layerId, idx] = key.split('\u0000') as [string, string];
      const l = layers.get(layerId);
      if (l === undefined) return;
      selectFeature(l, Number(idx), true);
    },
  });
  disposers.push(ctx.addPanel('search', search, 'right', { label: 'layers.search.toolbar', icon: ICONS.search }));

  // Tours set the layers of each stop through this control (src/app/tour-hooks.ts).
  disposers.push(
    ctx.tours.provideLayers({
      shown: () => [...layers.values()].filter((l) => l.on).map((l) => ({ id: l.def.id, opacity: l.opacity, variant: l.variant })),
      show(wanted) {
        for (const l of layers.values()) {
          const w = wanted.find((x) => x.id === l.def.id);
          if (w === undefined) {
            if (l.on) setOn(l.def.id, false);
            continue;
          }
          if (l.opacity !== w.opacity) {
            l.opacity = w.opacity;
            l.drawn?.setOpacity(w.opacity);
            l.imagery?.setOpacity(w.opacity);
          }
          if (l.variant !== w.variant && l.def.variants.some((v) => v.id === w.variant)) {
            l.variant = w.variant;
            l.drawn?.dispose();
            l.drawn = null;
            if (l.on) draw(l);
          }
          if (!l.on) setOn(l.def.id, true);
          else updateRow(l);
        }
        for (const w of wanted) if (!layers.has(w.id)) ctx.say('warning', 'msg.urlParam', { param: 'tour', value: w.id, reason: 'unknown layer' }, `tour:layer:${w.id}`);
        writeUrl();
      },
    }),
  );

  const parsedOf = (l: LayerState): ParsedLayer | null => (l.result?.ok === true && l.result.kind === 'features' ? l.result.parsed : null);
  const seriesOf = (l: LayerState) => parsedOf(l)?.series ?? null;

  // ---- Rows -----------------------------------------------------------------------------------
  const timeState = (l: LayerState): LayerTimeState | null => {
    const s = seriesOf(l);
    if (s === null || s.timesMs.length === 0) return null;
    const fmt = (ms: number) => {
      const z = toZoned(ms, s.timeZone);
      return formatClock(z.minutes);
    };
    if (s.timesMs.length === 1 || l.result?.ok !== true || l.result.provenance.some((p) => p.attribution.status === 'live')) {
      return { day: null, minutes: toZoned(s.timesMs[0]!, s.timeZone).minutes, explanation: t('layers.time.live', { time: fmt(s.timesMs[0]!) }), snapshots: [fmt(s.timesMs[0]!)], playing: false };
    }
    const day = toZoned(s.timesMs[0]!, s.timeZone).date;
    const sample = sampleSeries(s, fromZoned(day, timeMin, s.timeZone));
    const explanation =
      sample.mode === 'exact' ? t('layers.time.exact', { time: fmt(sample.fromMs!) })
        : sample.mode === 'interpolated' ? t('layers.time.interpolated', { from: fmt(sample.fromMs!), to: fmt(sample.toMs!) })
          : sample.mode === 'before-first' ? t('layers.time.beforeFirst', { time: fmt(sample.fromMs!) })
            : sample.mode === 'after-last' ? t('layers.time.afterLast', { time: fmt(sample.fromMs!) })
              : t('layers.time.none');
    return { day, minutes: timeMin, explanation, snapshots: s.timesMs.map(fmt), playing: playing !== null };
  };
  const rowOf = (l: LayerState): LayerRowState => ({
    def: l.def,
    on: l.on,
    opacity: l.opacity,
    variant: l.variant,
    status: l.on ? l.status : l.plan?.kind === 'unavailable' ? unavailableStatus(l.plan) : { kind: 'off' },
    provenance: l.result !== null ? l.result.provenance : provenanceOfPlan(l.plan),
    notes: l.notes.map((n) => t(n.key, n.params)),
    time: l.on ? timeState(l) : null,
  });
  const updateRow = (l: LayerState) => panel.updateRow(rowOf(l));
  const renderRows = () => {
    panel.setRows([...layers.values()].map(rowOf));
    ctx.describe();
  };

  // ---- Loading and drawing ----------------------------------------------------------------------
  const cityForLayers = (c: OpenCity): CityForLayers => ({ bbox: c.config.bbox, packLayers: c.config.packLayers ?? [] });

  async function load(l: LayerState): Promise<void> {
    const c = city;
    if (c === null || l.plan === null) return;
    if (l.plan.kind === 'unavailable') {
      l.status = unavailableStatus(l.plan);
      updateRow(l);
      return;
    }
    if (ctx.viewer === null) {
      l.status = { kind: 'unavailable', reason: t('layers.why.noViewer') };
      updateRow(l);
      return;
    }
    l.abort?.abort();
    const abort = new AbortController();
    l.abort = abort;
    l.status = { kind: 'loading' };
    updateRow(l);
    const result = await loadLayer(l.def, l.plan, { parser, cache, signal: abort.signal, bbox: c.config.bbox, now: () => Date.now() });
    if (abort.signal.aborted || city !== c) return;
    l.abort = null;
    l.result = result;
    l.notes = result.notes;
    searchIndex = null;
    if (!result.ok) {
      l.status = { kind: 'error', where: result.where, reason: result.reason };
      ctx.say('warning', 'layers.msg.failed', { name: t(l.def.title), reason: `${result.where}: ${result.reason}` }, `layer:${l.def.id}`);
    } else if (result.kind === 'imagery') {
      const v = ctx.viewer!;
      const centre = { lonDeg: (c.config.bbox[0] + c.config.bbox[2]) / 2, latDeg: (c.config.bbox[1] + c.config.bbox[3]) / 2 };
      const r = await addWmtsLayer(v.widget, result.source, centre, l.opacity, 4000);
      if (city !== c) {
        if (r.ok) r.handle.dispose();
        return;
      }
      if (r.ok) {
        l.imagery = r.handle;
        l.imagery.setShown(l.on);
        l.status = { kind: 'ready', count: 0, issues: [] };
      } else {
        l.status = { kind: 'error', where: result.source.url, reason: r.reason };
        ctx.say('warning', 'layers.msg.failed', { name: t(l.def.title), reason: r.reason }, `layer:${l.def.id}`);
      }
    } else {
      l.status = { kind: 'ready', count: result.parsed.features.length, issues: result.parsed.issues };
      if (result.notes.some((n) => n.key === 'layers.fallback')) ctx.say('info', 'layers.msg.liveFailed', { name: t(l.def.title), reason: String(result.notes[0]!.params.reason ?? '') }, `layer-live:${l.def.id}`);
      draw(l);
    }
    updateRow(l);
    ctx.refreshSources();
    search.refresh();
    restoreSelection();
  }

  function draw(l: LayerState, o: { labels?: boolean } = {}): void {
    const v = ctx.viewer;
    const parsed = parsedOf(l);
    if (v === null || parsed === null || l.drawn !== null) return;
    try {
      l.drawn = drawLayer(v.scene, l.def, l.variant, parsed, { opacity: l.opacity, groundHeight: groundHeightFn(v.scene), ...o });
    } catch (e) {
      l.status = { kind: 'error', where: l.def.id, reason: `drawing failed (${e instanceof Error ? e.message : String(e)})` };
      return;
    }
    l.drawn.setShown(l.on);
    applyTime(l);
    v.requestRender();
  }

  function applyTime(l: LayerState): void {
    const s = seriesOf(l);
    if (s === null || l.drawn === null || s.timesMs.length === 0) return;
    const day = toZoned(s.timesMs[0]!, s.timeZone).date;
    const at = s.timesMs.length === 1 ? s.timesMs[0]! : fromZoned(day, timeMin, s.timeZone);
    const sample = sampleSeries(s, at);
    const values = new Map<string, number>();
    for (const [id, smp] of sample.values) if (Number.isFinite(smp.value)) values.set(id, smp.value);
    l.drawn.setValues('occupancy', values);
  }

  function setOn(id: string, on: boolean): void {
    const l = layers.get(id);
    if (l === undefined) return;
    userChanged.add(id);
    l.on = on;
    if (on) {
      if (l.result === null && l.status.kind !== 'loading') void load(l);
      else {
        l.drawn?.setShown(true);
        l.imagery?.setShown(true);
      }
    } else {
      l.drawn?.setShown(false);
      l.imagery?.setShown(false);
      if (l.status.kind === 'loading') {
        l.abort?.abort();
        l.abort = null;
        l.status = { kind: 'off' };
      }
    }
    searchIndex = null;
    search.refresh();
    updateRow(l);
    writeUrl();
    ctx.refreshSources();
    ctx.viewer?.requestRender();
  }

  function setTime(minutes: number): void {
    timeMin = Math.min(1439, Math.max(0, Math.round(minutes)));
    for (const l of layers.values()) {
      if (!l.on || seriesOf(l) === null) continue;
      applyTime(l);
      const ts = timeState(l);
      if (ts !== null) panel.updateTime(l.def.id, ts);
    }
    refreshSelectionDetails();
    writeUrl();
    ctx.viewer?.requestRender();
  }

  function togglePlay(): void {
    if (playing !== null) {
      clearInterval(playing);
      playing = null;
    } else {
      if (timeMin >= 23 * 60) timeMin = 6 * 60;
      playing = setInterval(() => {
        if (timeMin + 5 > 23 * 60) {
          clearInterval(playing!);
          playing = null;
          setTime(23 * 60);
          return;
        }
        setTime(timeMin + 5);
      }, 150);
    }
    for (const l of layers.values()) {
      const ts = l.on ? timeState(l) : null;
      if (ts !== null) panel.updateTime(l.def.id, ts);
    }
  }

  function flyTo(sphere: Sphere, range?: number): void {
    if (ctx.viewer !== null) flyToSphere(ctx.viewer.scene, sphere, range ?? Math.max(350, sphere.radius * 3), ctx.stable);
  }

  function zoomToLayer(id: string): void {
    const l = layers.get(id);
    const parsed = l !== undefined ? parsedOf(l) : null;
    if (l === undefined || parsed === null || l.drawn === null || parsed.features.length === 0) return;
    const merged = unionSpheres(parsed.features.map((_, i) => l.drawn!.featureSphere(i)));
    if (merged !== null) flyTo(merged, merged.radius * 2.6);
  }

  // ---- Selection, info panel --------------------------------------------------------------------
  const itemOf = (l: LayerState, index: number): PickedItem | null => {
    const f = parsedOf(l)?.features[index];
    if (f === undefined) return null;
    const properties: Record<string, unknown> = {};
    for (const k of l.def.keyProperties ?? []) if (k in f.properties) properties[k] = f.properties[k];
    Object.assign(properties, f.properties);
    const s = seriesOf(l);
    if (s !== null && s.values[f.id] !== undefined) {
      const day = toZoned(s.timesMs[0]!, s.timeZone).date;
      const at = s.timesMs.length === 1 ? s.timesMs[0]! : fromZoned(day, timeMin, s.timeZone);
      const smp = sampleAt(s.timesMs, s.values[f.id]!, at);
      properties[t('layers.prop.occupancy')] = Number.isFinite(smp.value) ? `${formatNumber(smp.value * 100, 0)} % (${formatClock(toZoned(at, s.timeZone).minutes)}, ${smp.mode})` : t('layers.time.none');
    }
    properties[t('layers.prop.layer')] = t(l.def.title);
    return { layerId: l.def.id, id: f.id, properties };
  };
  function selectFeature(l: LayerState, index: number, fly: boolean): void {
    const item = itemOf(l, index);
    if (item === null) return;
    ctx.select(item);
    if (fly && l.drawn !== null) {
      const sphere = l.drawn.featureSphere(index);
      if (sphere !== null) flyTo(sphere);
    }
  }
  function refreshSelectionDetails(): void {
    const sel = ctx.state.selected;
    if (sel === undefined || !ctx.isPanelOpen('info')) return;
    const [layerId, ...rest] = sel.split(':');
    const l = layers.get(layerId ?? '');
    if (l === undefined || seriesOf(l) === null) return;
    const index = parsedOf(l)!.features.findIndex((f) => f.id === rest.join(':'));
    if (index >= 0) selectFeature(l, index, false);
  }
  let restored = false;
  function restoreSelection(): void {
    const sel = ctx.state.selected;
    if (restored || sel === undefined || !sel.includes(':')) return;
    const [layerId, ...rest] = sel.split(':');
    const l = layers.get(layerId ?? '');
    const parsed = l !== undefined ? parsedOf(l) : null;
    if (l === undefined || parsed === null) return;
    const index = parsed.features.findIndex((f) => f.id === rest.join(':'));
    if (index >= 0) {
      restored = true;
      selectFeature(l, index, false);
    }
  }
  for (const def of LAYERS) {
    disposers.push(
      ctx.setItemTitle(def.id, (item) => {
        const l = layers.get(def.id)!;
        const f = parsedOf(l)?.features.find((x) => x.id === item.id);
        return f?.name ?? `${t(def.title)} ${item.id ?? ''}`;
      }),
    );
    disposers.push(
      ctx.setItemDetails(def.id, (item) => {
        const l = layers.get(def.id)!;
        const s = seriesOf(l);
        const f = parsedOf(l)?.features.find((x) => x.id === item.id);
        if (s === null || f === undefined || s.values[f.id] === undefined || s.timesMs.length < 2) return null;
        const day = toZoned(s.timesMs[0]!, s.timeZone).date;
        return h('div', { class: 'info-extra' }, createOccupancyChart({ name: f.name ?? f.id, timesMs: s.timesMs, values: s.values[f.id]!, timeZone: s.timeZone, nowMs: fromZoned(day, timeMin, s.timeZone) }));
      }),
    );
  }

  // ---- Sources panel ----------------------------------------------------------------------------
  disposers.push(
    ctx.addSources((): SourceEntry[] => {
      const out: SourceEntry[] = [];
      for (const l of layers.values()) {
        if (!l.on || l.result === null) continue;
        for (const p of l.result.provenance) {
          out.push({ role: 'layer', attribution: { ...p.attribution, title: `${t(l.def.title)} — ${p.attribution.title}` }, shown: l.result.ok && l.status.kind === 'ready', ...(l.result.ok ? {} : { reason: `${l.result.where}: ${l.result.reason}` }) });
        }
      }
      return out;
    }),
  );

  // ---- City lifecycle ---------------------------------------------------------------------------
  disposers.push(
    ctx.onCity((c) => {
      city = c;
      restored = false;
      const cfl = cityForLayers(c);
      for (const l of layers.values()) {
        l.plan = planLayer(l.def, cfl, ctx.state.offline === true);
        // Default layers (the demo's streets) only where they exist, unless the link asks for them.
        if (urlLayers === undefined && !userChanged.has(l.def.id) && l.def.defaultOn === true) l.on = l.plan.kind !== 'unavailable';
        l.status = l.on ? { kind: 'loading' } : { kind: 'off' };
        l.result = null;
        l.notes = [];
      }
      renderRows();
      for (const l of layers.values()) if (l.on) void load(l);
      const picking = ctx.picking;
      const removePick = picking?.add({
        resolve(picked) {
          const tag = (picked as { id?: unknown } | undefined)?.id;
          if (!isFeatureTag(tag)) return null;
          const l = layers.get(tag.jumeauLayer);
          if (l === undefined || l.drawn === null) return null;
          const index = l.drawn.resolve(picked);
          return index === null ? null : itemOf(l, index);
        },
        highlight(picked) {
          const tag = (picked as { id?: unknown } | undefined)?.id;
          if (!isFeatureTag(tag)) return () => undefined;
          return layers.get(tag.jumeauLayer)?.drawn?.highlight(tag.index) ?? (() => undefined);
        },
      });
      return () => {
        removePick?.();
        city = null;
        searchIndex = null;
        for (const l of layers.values()) {
          l.abort?.abort();
          l.abort = null;
          l.drawn?.dispose();
          l.drawn = null;
          l.imagery?.dispose();
          l.imagery = null;
          l.result = null;
        }
      };
    }),
  );
  disposers.push(ctx.onLangChange(() => renderRows()));
  // The view's text alternative names the layers shown (and follows their switching).
  disposers.push(
    ctx.addDescription(() => {
      const on = [...layers.values()].filter((l) => l.on).map((l) => t(l.def.title));
      return on.length === 0 ? null : t('a11y.layers', { list: on.join(', ') });
    }),
  );

  // ---- Test API -----------------------------------------------------------------------------------
  window.__jumeauLayers = {
    state: () =>
      [...layers.values()].map((l) => ({
        id: l.def.id,
        on: l.on,
        status: l.on ? l.status.kind : l.plan?.kind === 'unavailable' ? 'unavailable' : 'off',
        count: parsedOf(l)?.features.length ?? 0,
        ...(l.status.kind === 'error' ? { reason: `${l.status.where}: ${l.status.reason}` } : {}),
        ...(l.result?.ok === true && l.result.kind === 'features' ? { parseMs: l.result.parseMs, fetchMs: l.result.fetchMs, bytes: l.result.bytes } : {}),
      })),
    setOn,
    setAllOn(on) {
      for (const l of layers.values()) if (l.on !== on && (!on || l.plan?.kind !== 'unavailable')) setOn(l.def.id, on);
    },
    idle: (timeoutMs = 120_000) =>
      new Promise((resolve) => {
        const start = Date.now();
        const check = () => {
          if (![...layers.values()].some((l) => l.status.kind === 'loading')) return resolve(true);
          if (Date.now() - start > timeoutMs) return resolve(false);
          setTimeout(check, 100);
        };
        check();
      }),
    setTime,
    drawStats: () => Object.fromEntries([...layers.values()].filter((l) => l.drawn !== null).map((l) => [l.def.id, l.drawn!.stats()])),
    select(layerId, featureId) {
      const l = layers.get(layerId);
      const index = l !== undefined ? parsedOf(l)?.features.findIndex((f) => f.id === featureId) ?? -1 : -1;
      if (l === undefined || index < 0) return false;
      selectFeature(l, index, false);
      return true;
    },
    async drawAsEntities(layerId) {
      const l = layers.get(layerId);
      const parsed = l !== undefined ? parsedOf(l) : null;
      const v = ctx.viewer;
      if (l === undefined || parsed === null || v === null) return null;
      const t0 = performance.now();
      const e = drawAsEntities(v.widget, l.def, parsed);
      // The widget's render updates the entity display (scene.render alone does not).
      await untilReady(() => e.ready(), () => v.widget.render());
      const opacity = async (alpha: number) => {
        const t1 = performance.now();
        e.setAlpha(alpha);
        v.widget.render();
        await untilReady(() => e.ready(), () => v.widget.render());
        return performance.now() - t1;
      };
      return { count: e.count, createMs: performance.now() - t0, opacity, remove: e.dispose };
    },
    async redrawBatched(layerId) {
      const l = layers.get(layerId);
      const v = ctx.viewer;
      if (l === undefined || parsedOf(l) === null || v === null) return null;
      l.drawn?.dispose();
      l.drawn = null;
      const t0 = performance.now();
      draw(l, { labels: false });
      await untilReady(() => l.drawn?.ready() ?? true, () => v.scene.render());
      const opacity = async (alpha: number) => {
        const t1 = performance.now();
        l.drawn?.setOpacity(alpha);
        v.scene.render();
        return performance.now() - t1;
      };
      return { createMs: performance.now() - t0, opacity };
    },
    featureWindowPosition(layerId, featureId) {
      const l = layers.get(layerId);
      const f = l !== undefined ? parsedOf(l)?.features.find((x) => x.id === featureId) : undefined;
      if (f === undefined || f.geometry.type !== 'point' || ctx.viewer === null) return null;
      return window.__jumeau?.toWindow(f.geometry.coordinates[0], f.geometry.coordinates[1], 10) ?? null;
    },
  };

  return () => {
    if (playing !== null) clearInterval(playing);
    for (const d of disposers.reverse()) d();
    parser.dispose();
    delete window.__jumeauLayers;
  };
}

/** Renders frames until `done()` (primitives build over several frames), at most 60 s. */
async function untilReady(done: () => boolean, render: () => void): Promise<void> {
  const start = performance.now();
  while (performance.now() - start < 60_000) {
    render();
    if (done()) return;
    await new Promise((r) => setTimeout(r, 16));
  }
}

function unavailableStatus(plan: Extract<SourcePlan, { kind: 'unavailable' }>): LayerStatus {
  return { kind: 'unavailable', reason: t(plan.reason === 'offline' ? 'layers.why.offline' : 'layers.why.noSource') };
}

function provenanceOfPlan(plan: SourcePlan | null): InputProvenance[] {
  if (plan === null || plan.kind === 'unavailable') return [];
  if (plan.kind === 'pack') return plan.files.map((f) => ({ input: f.input.name, title: f.file.title, attribution: f.file.attribution }));
  return [{ input: plan.source.input, title: plan.source.attribution.title, attribution: plan.source.attribution }];
}

