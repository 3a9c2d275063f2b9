import { startNetworkMonitor } from '../sources/network-monitor.ts';
import { parseUrlState, roundTimeMs, type UrlState } from '../core/url-state.ts';
import { chooseCity, loadCatalog, type CatalogEntry, type Notice } from '../config/catalog.ts';
import { settings } from '../config/settings.ts';
import { loadRuntimeConfig } from '../config/runtime.ts';
import type { CityConfig } from '../config/types.ts';
import { fetchJson, probe } from '../sources/http.ts';
import { getCameraState, onCameraMoveEnd, onHeadingChange, setCameraState } from '../scene/camera.ts';
import { cameraAction, keyMove, startAppView, viewFacts } from '../scene/app-view.ts';
import { openCityScene, type CityEvent } from '../scene/city-scene.ts';
import { setSceneTime, setShadows } from '../scene/sun.ts';
import { createTestApi } from '../scene/test-api.ts';
import { getLang } from '../ui/i18n/index.ts';
import { installCameraKeys } from '../ui/keyboard.ts';
import { createShell, initLanguage } from '../ui/shell.ts';
import { createUserDataHooks } from '../scenarios/userdata.ts';
import { createTourHooks } from './tour-hooks.ts';
import type { AppContext, OpenCity } from './context.ts';
import { featureModules } from './install.ts';
import { kpisFor } from './indicators.ts';
import { findSimulation, SIMULATIONS } from './simulations.ts';
import './messages.ts';
import { browserWorker, createWorkerPool, defaultPoolSize, type WorkerPool } from '../simulations/pool.ts';

/**
 * Boot and wiring: URL state → shell (src/ui/shell.ts) → viewer (src/scene/app-view.ts) → city
 * configuration → features. The URL is the single source of the view state: every change is
 * written back with `history.replaceState`, so a copied link reproduces the view (city, camera,
 * time, shadows, language, panels, selection).
 */

const FIXED_TIME_MS = Date.UTC(2026, 5, 21, 12, 0);

export interface BootOptions {
  /** The WebGL context was lost: the caller disposes this app and boots a new one. */
  onContextLost?(): void;
  /** A setting that needs a new 3D view changed (low-power mode): dispose and boot again. */
  onRebuild?(): void;
  /** This boot rebuilds the app after a lost context (a message says so). */
  rebuilt?: boolean;
}

/**
 * Starts the app in `root`; resolves to the function that takes it down again (features
 * uninstalled, city closed, viewer destroyed, listeners removed), used to rebuild after a lost
 * WebGL context. What users made lives in the URL and in each feature's storage, so a rebuild
 * finds it again.
 */
export async function boot(root: HTMLElement, options: BootOptions = {}): Promise<() => void> {
  const teardown: (() => void)[] = [];
  const parsed = parseUrlState(location.search);
  const state: UrlState = parsed.state;
  const stable = state.extra.stable === '1';
  initLanguage(state);
  let city: OpenCity | null = null;
  const cityListeners = new Set<(c: OpenCity) => void | (() => void)>();
  const cityDisposers: (() => void)[] = [];

  // ---- Shell -------------------------------------------------------------------------------
  const setTime = (ms: number) => {
    state.timeMs = roundTimeMs(ms);
    if (viewer !== null) setSceneTime(viewer.widget, ms);
    shell.syncUrl();
  };
  const shell = createShell(root, {
    state,
    citySources: () => (city === null ? null : { name: city.config.name, entries: city.scene.sources(), terrainIsEllipsoid: city.scene.terrainIsEllipsoid() }),
    viewFacts: () => (city === null ? null : viewFacts(viewer, city.config.name, city.scene, city.config.synthetic === true)),
    onCity: (id) => void switchCity(id),
    onCamera: (a) => {
      if (viewer !== null) cameraAction(viewer.scene, a, city?.config.home ?? null);
    },
    beforeShare: () => {
      if (viewer !== null && city !== null) state.camera = getCameraState(viewer.scene);
    },
    onTime: setTime,
    onShadows: (on) => {
      state.shadows = on;
      if (viewer !== null) setShadows(viewer.widget, on);
      city?.scene.buildings?.setShadows(on);
      shell.syncUrl();
    },
    onRebuild: () => options.onRebuild?.(),
    // The selection highlight: a building, or none (another layer's item, or the panel closed).
    onSelect: (item) => city?.scene.buildings?.setSelected(item !== null && item.layerId === 'buildings' ? item.id : null),
    // The basemap switcher: the choice goes in the link (`basemap=<id>`, `none` for none).
    onBasemap: (id) => {
      city?.scene.setBasemap(id);
      state.extra.basemap = id ?? 'none';
      shell.syncUrl();
    },
  });
  const { say, syncUrl, topbar, toolbar, time, messages } = shell;
  const sayNotice = (n: Notice) => say(n.level, n.key, n.params, `${n.key}:${JSON.stringify(n.params)}`);

  for (const issue of parsed.issues) {
    say('warning', 'msg.urlParam', { param: issue.param, value: issue.value, reason: issue.reason }, `url:${issue.param}`);
  }
  if (state.offline === true) say('info', 'msg.offline', {}, 'offline');
  // Network state: an indicator in the top bar, a message when it changes. Decided from probes of
  // our own server and the service worker's reports, not from navigator.onLine alone
  // (sources/network-monitor.ts).
  const network = startNetworkMonitor({
    onChange: (now) => {
      topbar.setOffline(now.offline);
      say(now.offline ? 'warning' : 'info', now.offline ? 'net.wentOffline' : 'net.backOnline', {}, 'network');
    },
  });
  topbar.setOffline(network.state.offline);
  teardown.push(() => network.dispose());
  if (options.rebuilt === true) say('warning', 'msg.contextRebuilt', {}, 'context-lost');

  // ---- Viewer ------------------------------------------------------------------------------
  const view = startAppView(shell.viewEl, {
    credits: shell.credits,
    stable,
    quality: state.extra.quality,
    onRenderError: (reason) => say('error', 'msg.renderError', { reason }, 'render-error'),
    onContextLost: () => {
      say('warning', 'msg.contextLost', {}, 'context-lost');
      options.onContextLost?.();
    },
    onClick: (item) => shell.select(item),
  });
  const { viewer, picking, adaptive } = view;
  if (adaptive !== null) teardown.push(() => adaptive.dispose());
  if (view.error !== null) say('error', 'msg.webgl', { reason: view.error }, 'webgl');

  const timeMs = state.timeMs ?? (stable ? FIXED_TIME_MS : roundTimeMs(Date.now()));
  state.timeMs = timeMs;
  time.setTime(timeMs);
  time.setShadows(state.shadows === true);
  if (viewer !== null) {
    setSceneTime(viewer.widget, timeMs);
    setShadows(viewer.widget, state.shadows === true);
    onHeadingChange(viewer.scene, (deg) => toolbar.setHeading(deg));
    onCameraMoveEnd(viewer.scene, () => {
      if (city === null || viewer === null) return;
      state.camera = getCameraState(viewer.scene);
      syncUrl();
      shell.describe();
    });
  }

  // ---- Catalog and city --------------------------------------------------------------------
  // The run-time configuration (default city, cities, packs' location), when the server gives one.
  const getJson = (url: string) => fetchJson(url, { timeoutMs: 8000, maxBytes: 8 * 1024 * 1024 });
  const runtime = await loadRuntimeConfig(settings.configUrl, getJson);
  if (runtime.problem !== null) say('warning', 'msg.catalogFailed', { reason: runtime.problem }, 'runtime-config');
  const cityFiles = runtime.config?.cities?.map((c) => ({ name: c.name, raw: c.city }));
  const deps = { packsBaseUrl: runtime.config?.packsBaseUrl ?? settings.packsBaseUrl, fetchJson: getJson, ...(cityFiles !== undefined ? { cityFiles } : {}) };
  const defaultCity = runtime.config?.defaultCity ?? settings.defaultCity;
  const catalog = await loadCatalog(deps);
  catalog.notices.forEach(sayNotice);
  const entries: CatalogEntry[] = catalog.entries;

  function onCityEvent(e: CityEvent): void {
    switch (e.kind) {
      case 'basemap-failed':
        say('warning', 'msg.basemapFailed', { name: e.name, reason: e.reason }, 'basemap');
        break;
      case 'terrain-failed':
        say('warning', 'msg.terrainFailed', { name: e.name, reason: e.reason }, 'terrain');
        break;
      case 'tile-failed':
        say('warning', 'msg.tileFailed', { url: e.url, reason: e.reason }, 'tile');
        break;
      case 'layer-failed':
        say('warning', 'msg.tileFailed', { url: e.name, reason: e.reason }, `layer:${e.name}`);
        break;
      case 'sources-changed':
        shell.refreshSources();
        break;
    }
  }

  function runCityListener(c: OpenCity, fn: (c: OpenCity) => void | (() => void)): void {
    try {
      const off = fn(c);
      if (typeof off === 'function') cityDisposers.push(off);
    } catch (e) {
      console.error(e);
    }
  }

  /** Opens a city; resolves null when its buildings are shown, else the reason they are not. */
  async function openCity(entry: CatalogEntry, keepView: boolean): Promise<string | null> {
    closeCity();
    topbar.setCities(entries, entry.id);
    let config: CityConfig;
    try {
      config = await entry.load();
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      if (entry.id === settings.fallbackCity) say('error', 'msg.demoMissing', {}, 'demo-missing');
      say('error', 'msg.packInvalid', { id: entry.id, reason }, `pack:${entry.id}`);
      return reason;
    }
    shell.setViewLabel(config.name);
    if (viewer === null) return null;
    const v = viewer;
    setCameraState(v.scene, keepView && state.camera !== undefined ? state.camera : config.home);
    let scene;
    try {
      scene = await openCityScene(v.widget, config, {
        offline: state.offline === true,
        stable,
        shadows: state.shadows === true,
        probeTimeoutMs: settings.probeTimeoutMs,
        ...(state.extra.basemap !== undefined ? { basemap: state.extra.basemap } : {}),
        onEvent: onCityEvent,
      });
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      if (config.id === settings.fallbackCity) say('error', 'msg.demoMissing', {}, 'demo-missing');
      say('error', 'msg.tilesetFailed', { name: config.name, url: config.buildings?.url ?? '', reason }, `tileset:${config.id}`);
      return reason;
    }
    state.city = config.id;
    const current: OpenCity = { config, scene };
    city = current;
    // The city's own time: the time panel's slider and date (the sun reads ctx.city().config.timeZone).
    time.setTimeZone(config.timeZone);
    shell.basemaps.set(scene.basemaps(), scene.basemap());
    // Buildings picking and a building selected in the URL: the buildings feature (onCity).
    for (const fn of cityListeners) runCityListener(current, fn);
    shell.refreshSources();
    syncUrl();
    shell.describe();
    return null;
  }

  function closeCity(): void {
    for (const d of cityDisposers.splice(0).reverse()) {
      try {
        d();
      } catch (e) {
        console.error(e);
      }
    }
    city?.scene.dispose();
    city = null;
    shell.basemaps.set([], null);
  }

  async function switchCity(id: string): Promise<void> {
    const entry = entries.find((e) => e.id === id);
    if (entry === undefined) return;
    delete state.camera;
    delete state.selected;
    delete state.extra.basemap;
    shell.info.clear();
    shell.setPanel('info', false);
    const failure = await openCity(entry, false);
    if (failure !== null) await fallbackToDemo(entry, failure);
  }

  async function fallbackToDemo(failed: CatalogEntry, reason: string): Promise<void> {
    const demo = entries.find((e) => e.id === settings.fallbackCity);
    if (demo === undefined || demo === failed) return;
    say('warning', 'msg.cityUnreachable', { name: failed.name, reason, fallback: demo.name }, 'fallback');
    delete state.camera;
    await openCity(demo, false);
  }

  // Keyboard: camera moves when the 3D view (or nothing in particular) has the focus.
  teardown.push(
    installCameraKeys(shell.viewEl, () => viewer !== null, (a) => {
      if ('closePanel' in a) shell.closeLastPanel();
      else if (viewer !== null) keyMove(viewer.scene, a, city?.config.home ?? null);
    }),
  );

  // ---- Features ----------------------------------------------------------------------------
  let highlighted: readonly string[] = [];
  cityListeners.add((c) => {
    if (highlighted.length > 0) c.scene.buildings?.setHighlighted(highlighted);
  });
  let simPool: WorkerPool | null = null;
  teardown.push(() => {
    simPool?.dispose();
    simPool = null;
  });
  const ctx: AppContext = {
    state,
    stable,
    viewer,
    messages,
    toolbar,
    picking,
    simulationPool() {
      simPool ??= createWorkerPool({ size: defaultPoolSize(navigator.hardwareConcurrency), create: browserWorker });
      return simPool;
    },
    say,
    unsay: (key) => messages.dismiss(key),
    syncUrl,
    addPanel: shell.addPanel,
    setPanelOpen: shell.setPanel,
    isPanelOpen: shell.isPanelOpen,
    city: () => city,
    onCity(fn) {
      cityListeners.add(fn);
      if (city !== null) runCityListener(city, fn);
      return () => cityListeners.delete(fn);
    },
    select: shell.select,
    setItemTitle: shell.setItemTitle,
    setItemDetails: shell.setItemDetails,
    addSources: shell.addSources,
    refreshSources: shell.refreshSources,
    addDescription: shell.addDescription,
    describe: shell.describe,
    onLangChange: shell.onLangChange,
    setTime(ms) {
      time.setTime(ms);
      setTime(ms);
    },
    highlightBuildings(ids) {
      highlighted = [...ids];
      city?.scene.buildings?.setHighlighted(highlighted);
    },
    setChromeHidden: shell.setChromeHidden,
    registry: { simulations: SIMULATIONS, findSimulation, indicators: kpisFor(SIMULATIONS) },
    tours: createTourHooks(),
    userData: createUserDataHooks(),
  };
  for (const f of featureModules()) {
    try {
      teardown.push(f.install(ctx));
    } catch (e) {
      console.error(`feature ${f.id} failed to install`, e);
    }
  }

  // ---- Start-up choice ---------------------------------------------------------------------
  const chosen = await chooseCity(entries, {
    ...(state.city !== undefined ? { requested: state.city } : {}),
    defaultCity,
    fallbackCity: settings.fallbackCity,
    offline: state.offline === true,
    probe: async (entry) => {
      const cfg = await entry.load();
      return cfg.buildings !== undefined ? probe(cfg.buildings.url, settings.probeTimeoutMs) : { ok: false, reason: 'no buildings' };
    },
  });
  chosen.notices.forEach(sayNotice);
  if (chosen.notices.some((n) => n.key === 'msg.unknownCity')) delete state.camera;
  const failure = await openCity(chosen.entry, true);
  if (failure !== null) await fallbackToDemo(chosen.entry, failure);
  const ok = city !== null;

  // ---- Test and benchmark API (src/scene/test-api.ts) --------------------------------------
  const api = createTestApi({
    view,
    city: () => (city === null ? null : { id: city.config.id, scene: city.scene }),
    state,
    syncUrl,
    messages: () => messages.history(),
    lang: getLang,
  });
  window.__jumeau = api;
  root.dataset.ready = ok ? 'true' : 'error';
  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    root.dataset.ready = 'false';
    for (const fn of teardown.splice(0).reverse()) {
      try {
        fn();
      } catch (e) {
        console.error(e);
      }
    }
    closeCity();
    picking?.dispose();
    viewer?.dispose();
    shell.dispose();
    if (window.__jumeau?.state === api.state) delete window.__jumeau;
    root.replaceChildren();
  };
}
