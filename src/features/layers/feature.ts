import { LAYERS } from '../../layers/catalog.ts';
import { genericLayer } from '../../layers/generic.ts';
import { LAYER_PARSE_VERSION, type LayerParseResponse } from '../../layers/parse/kernel.ts';
import { LayerParseError, type LayerDefinition } from '../../layers/types.ts';
import { createBrowserCache, createWorkerParser, loadLayer, type LayerParser } from '../../sources/layers.ts';
import { h } from '../../ui/dom.ts';
import { formatNumber, registerMessages, t } from '../../ui/i18n/index.ts';
import { ICONS } from '../../ui/icons.ts';
import type { AppContext } from '../../app/context.ts';
import { createLayersController } from './controller.ts';
import { createOccupancyChart } from './occupancy-chart.ts';
import { createLayersPanel } from './panel.ts';
import { createSearchPanel } from './search-panel.ts';
import { installLayersTestApi } from './test-api.ts';
import { createLayersView } from './view.ts';

/**
 * The open-data layers feature: the layers panel and the search box, loading each layer of the
 * open city (pack files or online services, parsed in a worker), drawing it, picking its
 * features into the info panel, the time control of recorded series, and the URL state
 * (`layers=`, `ptime=`). Everything it adds to the scene belongs to the open city and is removed
 * when the city closes. The state and decisions are in controller.ts, the drawing in view.ts.
 */
export function install(ctx: AppContext): () => void {
  const disposers: (() => void)[] = [];
  const worker: LayerParser = createWorkerParser();
  /** The open city's generic layers (src/layers/generic.ts): parsed here, the worker knows only the catalogue. */
  const generic = new Map<string, LayerDefinition>();
  const parser: LayerParser = {
    async parse(req): Promise<LayerParseResponse> {
      const def = generic.get(req.layerId);
      if (def === undefined) return worker.parse(req);
      const t0 = Date.now();
      try {
        const parsed = await def.parse(req.inputs, { names: req.names, ...(req.fetchedAtMs !== undefined ? { fetchedAtMs: req.fetchedAtMs } : {}) });
        return { ok: true, version: LAYER_PARSE_VERSION, parsed, parseMs: Date.now() - t0 };
      } catch (e) {
        const error = e instanceof LayerParseError ? { where: e.where, reason: e.reason } : { where: req.layerId, reason: e instanceof Error ? e.message : String(e) };
        return { ok: false, version: LAYER_PARSE_VERSION, error };
      }
    },
    dispose: () => worker.dispose(),
  };
  const cache = createBrowserCache();
  const view = createLayersView(ctx.viewer, ctx.stable);

  const ctrl = createLayersController(LAYERS, { layers: ctx.state.extra.layers, ptime: ctx.state.extra.ptime }, {
    t,
    formatNumber,
    fetch(def, plan, bbox) {
      const abort = new AbortController();
      return { result: loadLayer(def, plan, { parser, cache, signal: abort.signal, bbox, now: () => Date.now() }), cancel: () => abort.abort() };
    },
    view,
    panel: {
      setRows: (rows) => panel.setRows(rows),
      updateRow: (row) => panel.updateRow(row),
      updateTime: (id, time) => panel.updateTime(id, time),
    },
    refreshSearch: () => search.refresh(),
    say: (level, key, params, dedupe) => ctx.say(level, key, params, dedupe),
    writeUrl(layers, ptime) {
      ctx.state.extra.layers = layers;
      if (ptime !== null) ctx.state.extra.ptime = ptime;
      else delete ctx.state.extra.ptime;
      ctx.syncUrl();
    },
    refreshSources: () => ctx.refreshSources(),
    describe: () => ctx.describe(),
    selected: () => ctx.state.selected,
    infoOpen: () => ctx.isPanelOpen('info'),
    select: (item) => ctx.select(item),
    every(ms, fn) {
      const timer = setInterval(fn, ms);
      return () => clearInterval(timer);
    },
  });

  // ---- Panels ---------------------------------------------------------------------------------
  const panel = createLayersPanel({
    onClose: () => ctx.setPanelOpen('layers', false),
    onToggle: (id, on) => ctrl.setOn(id, on),
    onOpacity: (id, opacity) => ctrl.setOpacity(id, opacity),
    onVariant: (id, variant) => ctrl.setVariant(id, variant),
    onTime: (_id, minutes) => ctrl.setTime(minutes),
    onPlay: () => ctrl.togglePlay(),
    onZoom: (id) => ctrl.zoomTo(id),
  });
  disposers.push(ctx.addPanel('layers', panel, 'left', { label: 'layers.toolbar', icon: ICONS.layers }));
  const search = createSearchPanel({
    onClose: () => ctx.setPanelOpen('search', false),
    onQuery: (q) => ctrl.search(q),
    onChoose: (key) => ctrl.choose(key),
  });
  disposers.push(ctx.addPanel('search', search, 'right', { label: 'layers.search.toolbar', icon: ICONS.search }));

  // Tours set the layers of each stop through this control (src/app/tour-hooks.ts).
  disposers.push(ctx.tours.provideLayers({ shown: () => ctrl.shown(), show: (wanted) => ctrl.show(wanted) }));

  // ---- Info panel, sources panel --------------------------------------------------------------------
  for (const def of LAYERS) {
    disposers.push(ctx.setItemTitle(def.id, (item) => ctrl.itemTitle(def.id, item.id)));
    disposers.push(
      ctx.setItemDetails(def.id, (item) => {
        const chart = ctrl.chartOf(def.id, item.id);
        return chart === null ? null : h('div', { class: 'info-extra' }, createOccupancyChart(chart));
      }),
    );
  }
  disposers.push(ctx.addSources(() => ctrl.sources()));

  // ---- City lifecycle ---------------------------------------------------------------------------
  disposers.push(
    ctx.onCity((c) => {
      // The city file's generic layers: definitions, texts, pack files, info panel hooks.
      generic.clear();
      const removers: (() => void)[] = [];
      const packLayers = [...(c.config.packLayers ?? [])];
      for (const spec of c.config.layers ?? []) {
        if ('display' in spec) continue;
        const built = genericLayer(spec, c.config.packUrl);
        generic.set(built.def.id, built.def);
        registerMessages([{ fr: built.messages.fr, en: built.messages.en }]);
        if (built.packLayer !== null) packLayers.push(built.packLayer);
        removers.push(ctx.setItemTitle(built.def.id, (item) => ctrl.itemTitle(built.def.id, item.id)));
      }
      ctrl.openCity(
        {
          bbox: c.config.bbox,
          packLayers,
          timeZone: c.config.timeZone,
          ...(c.config.layers !== undefined ? { layers: c.config.layers } : {}),
          extraLayers: [...generic.values()],
        },
        ctx.state.offline === true,
      );
      const removePick = ctx.picking?.add(view.pickHandler((layerId, index) => ctrl.item(layerId, index)));
      return () => {
        removePick?.();
        for (const r of removers) r();
        ctrl.closeCity();
      };
    }),
  );
  disposers.push(ctx.onLangChange(() => ctrl.renderRows()));
  // The view's text alternative names the layers shown (and follows their switching).
  disposers.push(ctx.addDescription(() => ctrl.description()));

  disposers.push(installLayersTestApi(ctrl, view, ctx.viewer));

  return () => {
    ctrl.dispose();
    for (const d of disposers.reverse()) d();
    parser.dispose();
  };
}
