import { startNetworkMonitor } from '../sources/network-monitor.ts';
import { HEIGHT_RAMP } from '../core/color-ramp.ts';
import { parseUrlState, roundTimeMs, serializeUrlState, type PanelId, type UrlState } from '../core/url-state.ts';
import { chooseCity, loadCatalog, type CatalogEntry, type Notice } from '../config/catalog.ts';
import { DEMO } from '../config/cities.ts';
import { settings } from '../config/settings.ts';
import type { CityConfig } from '../config/types.ts';
import { fetchJson, probe } from '../sources/http.ts';
import { getCameraState, northUp, onCameraMoveEnd, onHeadingChange, orbit, pan, setCameraState, zoom } from '../scene/camera.ts';
import { openCityScene, type CityEvent } from '../scene/city-scene.ts';
import { buildingPickHandler, toWindow } from '../scene/interaction.ts';
import { createPickRouter, type PickedItem, type PickRouter } from '../scene/picking.ts';
import { installAdaptiveQuality, type AdaptiveQualityHandle } from '../scene/adaptive-quality.ts';
import { QUALITY_LEVELS } from '../core/adaptive-quality.ts';
import { installStats, tilesetStats, type StatsProbe } from '../scene/stats.ts';
import { setSceneTime, setShadows } from '../scene/sun.ts';
import { createViewer, type ViewerHandle } from '../scene/viewer.ts';
import { getLang, onLangChange, setLang, t, type MessageKey } from '../ui/i18n/index.ts';
import { h } from '../ui/dom.ts';
import { createHelpPanel } from '../ui/help-panel.ts';
import { createInfoPanel } from '../ui/info-panel.ts';
import { createLegendPanel } from '../ui/legend.ts';
import { createMessageCenter, type Level } from '../ui/messages.ts';
import type { Panel } from '../ui/panel.ts';
import { createSourcesPanel, type SourceEntry } from '../ui/sources-panel.ts';
import { createTimePanel } from '../ui/time-panel.ts';
import { createToolbar, type CameraAction } from '../ui/toolbar.ts';
import { createTopBar } from '../ui/topbar.ts';
import { createUserDataHooks } from '../scenarios/userdata.ts';
import { createTourHooks } from './tour-hooks.ts';
import type { AppContext, OpenCity } from './context.ts';
import { featureModules } from './install.ts';
import { kpisFor } from './indicators.ts';
import { findSimulation, SIMULATIONS } from './simulations.ts';
import './messages.ts';
import { browserWorker, createWorkerPool, defaultPoolSize, type WorkerPool } from '../simulations/pool.ts';

/**
 * Boot and wiring: URL state → city → viewer → UI → features. The URL is the single source of
 * the view state: every change is written back with `history.replaceState`, so a copied link
 * reproduces the view (city, camera, time, shadows, language, panels, selection).
 */

/** The small API the end-to-end tests and the benchmark drive (also handy in the console). */
export interface JumeauTestApi {
  ready: Promise<void>;
  state(): { city: string | null; url: string; selected: string | null; hovered: string | null; messages: { level: Level; text: string }[]; lang: string };
  camera(): ReturnType<typeof getCameraState> | null;
  setCamera(state: ReturnType<typeof getCameraState>): void;
  /** Resolves true when buildings and globe tiles for the view are loaded (false on timeout). */
  waitForTiles(timeoutMs?: number): Promise<boolean>;
  stats(): { frame: ReturnType<StatsProbe['read']> | null; tileset: ReturnType<typeof tilesetStats> | null; qualityLevel: number | null };
  resetStats(): void;
  /** The pickable item at a canvas position, without clicking. */
  pickAt(x: number, y: number): { layerId: string; id: string | null } | null;
  toWindow(lonDeg: number, latDeg: number, heightM: number): { x: number; y: number } | null;
  /** Shows or hides the buildings tileset (comparisons with the empty globe). */
  setBuildingsShown(show: boolean): void;
  render(): void;
}

declare global {
  interface Window {
    __jumeau?: JumeauTestApi;
  }
}

const DEFAULT_PANELS: PanelId[] = ['legend'];
const FIXED_TIME_MS = Date.UTC(2026, 5, 21, 12, 0);

/** The selection as the URL keeps it: a building id, or `<layer>:<id>` for other layers. */
export function selectionKey(item: PickedItem): string | null {
  if (item.id === null) return null;
  return item.layerId === 'buildings' ? item.id : `${item.layerId}:${item.id}`;
}

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
  const storedLang = (() => {
    try {
      return localStorage.getItem('jumeau.lang');
    } catch {
      return null;
    }
  })();
  setLang(state.lang ?? (storedLang === 'en' || storedLang === 'fr' ? storedLang : 'fr'));
  document.documentElement.lang = getLang();

  // ---- Shell -------------------------------------------------------------------------------
  const viewEl = h('div', { class: 'view', id: 'view', role: 'application', attrs: { tabindex: 0, 'aria-describedby': 'view-description' } });
  // The text alternative of the 3D view: what it shows, in words (updated after each move).
  const description = h('p', { class: 'sr-only', id: 'view-description', attrs: { 'aria-live': 'polite' } });
  const credits = h('div', { class: 'credits', id: 'credits' });
  const messages = createMessageCenter();
  const say = (level: Level, key: MessageKey, params: Record<string, string | number> = {}, dedupe?: string) =>
    messages.show({ level, text: t(key, params), ...(dedupe !== undefined ? { key: dedupe } : {}) });
  const sayNotice = (n: Notice) => say(n.level, n.key, n.params, `${n.key}:${JSON.stringify(n.params)}`);

  const openPanels = new Set<PanelId>(state.panels ?? DEFAULT_PANELS);
  const panels = new Map<PanelId, Panel>();
  const syncUrl = () => {
    state.panels = [...openPanels];
    const query = serializeUrlState(state);
    history.replaceState(history.state, '', `${location.pathname}${query}${location.hash}`);
  };
  const setPanel = (id: PanelId, open: boolean) => {
    if (open) openPanels.add(id);
    else openPanels.delete(id);
    const p = panels.get(id);
    if (p !== undefined) p.el.hidden = !open;
    toolbar.setPanelOpen(id, open);
    if (id === 'info' && !open && state.selected !== undefined) {
      delete state.selected;
      city?.scene.buildings?.setSelected(null);
    }
    syncUrl();
  };

  const info = createInfoPanel(() => setPanel('info', false));
  const legend = createLegendPanel(() => setPanel('legend', false));
  legend.setRamp(HEIGHT_RAMP);
  const sources = createSourcesPanel(() => setPanel('sources', false));
  const help = createHelpPanel({
    onClose: () => setPanel('help', false),
    lowPower: () => state.extra.quality === 'low',
    onLowPower: (on) => {
      if (on) state.extra.quality = 'low';
      else delete state.extra.quality;
      syncUrl();
      options.onRebuild?.();
    },
  });
  let viewer: ViewerHandle | null = null;
  const setTime = (ms: number) => {
    state.timeMs = roundTimeMs(ms);
    if (viewer !== null) setSceneTime(viewer.widget, ms);
    syncUrl();
  };
  const time = createTimePanel({
    onClose: () => setPanel('time', false),
    onTime: setTime,
    onShadows: (on) => {
      state.shadows = on;
      if (viewer !== null) setShadows(viewer.widget, on);
      city?.scene.buildings?.setShadows(on);
      syncUrl();
    },
  });

  const toolbar = createToolbar({
    onCamera: (a) => cameraAction(a),
    onTogglePanel: (id) => setPanel(id, !openPanels.has(id)),
    onShare: () => void share(),
  });
  const topbar = createTopBar({
    onCity: (id) => void switchCity(id),
    onLanguage: () => {
      const next = getLang() === 'fr' ? 'en' : 'fr';
      setLang(next);
      state.lang = next;
      try {
        localStorage.setItem('jumeau.lang', next);
      } catch {
        // Private mode: the URL still carries the language.
      }
      syncUrl();
    },
  });
  const stacks = {
    left: h('div', { class: 'panel-stack panel-stack-left' }),
    right: h('div', { class: 'panel-stack panel-stack-right' }),
  };
  const addPanel = (id: PanelId, panel: Panel, where: 'left' | 'right', button?: { label: MessageKey; icon: readonly string[] }) => {
    panels.set(id, panel);
    stacks[where].append(panel.el);
    panel.el.hidden = !openPanels.has(id);
    const b = button !== undefined ? toolbar.addPanelButton(id, button.label, button.icon) : null;
    toolbar.setPanelOpen(id, openPanels.has(id));
    return () => {
      panels.delete(id);
      panel.el.remove();
      b?.remove();
    };
  };
  addPanel('legend', legend, 'left');
  addPanel('time', time, 'left');
  addPanel('info', info, 'right');
  addPanel('sources', sources, 'right');
  addPanel('help', help, 'right');
  root.replaceChildren(viewEl, description, topbar.el, topbar.banner, toolbar.el, stacks.left, stacks.right, messages.el, credits);

  const langListeners = new Set<() => void>();
  teardown.push(onLangChange(() => {
    for (const p of panels.values()) p.relabel();
    toolbar.relabel();
    topbar.relabel();
    refreshSources();
    viewEl.setAttribute('aria-label', t('app.viewLabel', { city: city?.config.name ?? '' }));
    for (const fn of langListeners) fn();
  }));

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
  let stats: StatsProbe | null = null;
  let adaptive: AdaptiveQualityHandle | null = null;
  let picking: PickRouter | null = null;
  let hovered: PickedItem | null = null;
  try {
    viewer = createViewer(viewEl, {
      creditContainer: credits,
      stable,
      quality: state.extra.quality === 'low' ? 'low' : 'high',
      onRenderError: (reason) => say('error', 'msg.renderError', { reason }, 'render-error'),
      onContextLost: () => {
        say('warning', 'msg.contextLost', {}, 'context-lost');
        options.onContextLost?.();
      },
    });
    stats = installStats(viewer.scene);
    // Quality: `quality=low` is the low-power mode (the cheapest level, pinned); `quality=high`
    // pins the best; otherwise it adapts to frame times. Screenshots and tests (stable) stay fixed.
    const q = state.extra.quality;
    if (stable ? q === 'auto' : q !== 'high') {
      adaptive = installAdaptiveQuality(viewer.widget, { baseResolution: 1 });
      if (q === 'low') adaptive.pin(QUALITY_LEVELS.length - 1);
      const a = adaptive;
      teardown.push(() => a.dispose());
    }
    const v = viewer;
    picking = createPickRouter(v.scene, {
      onHover: (item) => {
        hovered = item;
        v.scene.canvas.style.cursor = item === null ? '' : 'pointer';
      },
      onClick: (item) => {
        if (item !== null) select(item); // a click on empty ground keeps the selection
      },
    });
  } catch (e) {
    say('error', 'msg.webgl', { reason: e instanceof Error ? e.message : String(e) }, 'webgl');
  }

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
      describe();
    });
  }

  // ---- Selection and sources ---------------------------------------------------------------
  const itemTitles = new Map<string, (item: PickedItem) => string>([['buildings', (item) => `${t('info.title')} ${item.id ?? '?'}`]]);
  const itemDetails = new Map<string, (item: PickedItem) => Node | null>();
  function select(item: PickedItem | null): void {
    if (item === null) {
      setPanel('info', false);
      return;
    }
    const key = selectionKey(item);
    if (key !== null) state.selected = key;
    else delete state.selected;
    city?.scene.buildings?.setSelected(item.layerId === 'buildings' ? item.id : null);
    let extra: Node | null = null;
    try {
      extra = itemDetails.get(item.layerId)?.(item) ?? null;
    } catch (e) {
      console.error(e);
    }
    describe();
    info.show((itemTitles.get(item.layerId) ?? ((i: PickedItem) => `${i.layerId} ${i.id ?? ''}`))(item), item.properties, extra);
    setPanel('info', true);
  }

  const extraSources = new Set<() => SourceEntry[]>();
  function refreshSources(): void {
    if (city === null) return;
    const entries: SourceEntry[] = [...city.scene.sources()];
    for (const fn of extraSources) entries.push(...fn());
    sources.update(city.config.name, entries, city.scene.terrainIsEllipsoid());
  }

  // ---- Text alternative of the view ---------------------------------------------------------
  const describers = new Set<() => string | null>();
  let describeTimer: ReturnType<typeof setTimeout> | null = null;
  function describe(): void {
    if (describeTimer !== null) return;
    describeTimer = setTimeout(() => {
      describeTimer = null;
      const parts: string[] = [];
      if (city !== null) {
        const cam = viewer !== null ? getCameraState(viewer.scene) : null;
        if (cam !== null) {
          const dirs = t('a11y.directions').split(',');
          parts.push(
            t('a11y.view', {
              city: city.config.name,
              height: Math.round(cam.heightM),
              dir: dirs[Math.round(cam.headingDeg / 45) % 8] ?? '',
              heading: Math.round(cam.headingDeg),
              pitch: Math.round(-cam.pitchDeg),
              lat: cam.latDeg.toFixed(4),
              lon: cam.lonDeg.toFixed(4),
            }),
          );
        }
        const b = city.scene.buildings;
        if (b !== null) parts.push(t('a11y.buildings', { n: tilesetStats(b.tileset).featuresLoaded }));
        if (city.config.synthetic) parts.push(t('city.syntheticBanner'));
      }
      for (const fn of describers) {
        try {
          const line = fn();
          if (line !== null && line !== '') parts.push(line);
        } catch (e) {
          console.error(e);
        }
      }
      if (state.selected !== undefined) parts.push(t('a11y.selected', { id: state.selected }));
      description.textContent = parts.join(' ');
    }, 300);
  }
  teardown.push(() => {
    if (describeTimer !== null) clearTimeout(describeTimer);
  });

  // ---- Catalog and city --------------------------------------------------------------------
  const deps = { packsBaseUrl: settings.packsBaseUrl, fetchJson: (url: string) => fetchJson(url, { timeoutMs: 8000, maxBytes: 8 * 1024 * 1024 }) };
  const catalog = await loadCatalog(deps);
  catalog.notices.forEach(sayNotice);
  const entries: CatalogEntry[] = catalog.entries;

  let city: OpenCity | null = null;
  const cityListeners = new Set<(c: OpenCity) => void | (() => void)>();
  const cityDisposers: (() => void)[] = [];

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
        refreshSources();
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
      say('error', 'msg.packInvalid', { id: entry.id, reason }, `pack:${entry.id}`);
      return reason;
    }
    viewEl.setAttribute('aria-label', t('app.viewLabel', { city: config.name }));
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
        onEvent: onCityEvent,
      });
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      if (config.id === DEMO.id) say('error', 'msg.demoMissing', {}, 'demo-missing');
      say('error', 'msg.tilesetFailed', { name: config.name, url: config.buildings?.url ?? '', reason }, `tileset:${config.id}`);
      return reason;
    }
    state.city = config.id;
    const current: OpenCity = { config, scene };
    city = current;
    const buildings = scene.buildings;
    if (picking !== null && buildings !== null) cityDisposers.push(picking.add(buildingPickHandler(buildings)));
    const sel = state.selected;
    if (sel !== undefined && !sel.includes(':') && buildings !== null) {
      buildings.setSelected(sel);
      cityDisposers.push(
        buildings.whenLoaded(sel, (f) => {
          if (state.selected === sel && city === current) select({ layerId: 'buildings', id: sel, properties: buildings.featureProperties(f) });
        }),
      );
    }
    for (const fn of cityListeners) runCityListener(current, fn);
    refreshSources();
    syncUrl();
    describe();
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
  }

  async function switchCity(id: string): Promise<void> {
    const entry = entries.find((e) => e.id === id);
    if (entry === undefined) return;
    delete state.camera;
    delete state.selected;
    info.clear();
    setPanel('info', false);
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

  function cameraAction(a: CameraAction): void {
    if (viewer === null) return;
    const s = viewer.scene;
    switch (a) {
      case 'home':
        if (city !== null) setCameraState(s, city.config.home, 1.2);
        break;
      case 'zoomIn':
        zoom(s, 0.35);
        break;
      case 'zoomOut':
        zoom(s, -0.55);
        break;
      case 'orbitLeft':
        orbit(s, -15);
        break;
      case 'orbitRight':
        orbit(s, 15);
        break;
      case 'northUp':
        northUp(s);
        break;
    }
  }

  async function share(): Promise<void> {
    if (viewer !== null && city !== null) state.camera = getCameraState(viewer.scene);
    syncUrl();
    const url = location.href;
    try {
      await navigator.clipboard.writeText(url);
      say('info', 'share.copied', {}, 'share');
    } catch {
      messages.show({ level: 'info', text: `${t('share.manual')} ${url}`, key: 'share', timeoutMs: 20000 });
    }
  }

  // Keyboard: camera moves when the 3D view (or nothing in particular) has the focus.
  const onKey = (e: KeyboardEvent) => {
    const target = e.target as HTMLElement | null;
    if (target !== null && target !== viewEl && target !== document.body && target.closest('input, select, textarea, button, [contenteditable]') !== null) return;
    if (e.ctrlKey || e.metaKey || e.altKey || viewer === null) return;
    const s = viewer.scene;
    const actions: Record<string, () => void> = {
      ArrowUp: () => pan(s, 0.15, 0),
      ArrowDown: () => pan(s, -0.15, 0),
      ArrowLeft: () => pan(s, 0, -0.15),
      ArrowRight: () => pan(s, 0, 0.15),
      '+': () => cameraAction('zoomIn'),
      '=': () => cameraAction('zoomIn'),
      '-': () => cameraAction('zoomOut'),
      q: () => cameraAction('orbitLeft'),
      e: () => cameraAction('orbitRight'),
      n: () => cameraAction('northUp'),
      h: () => cameraAction('home'),
      Escape: () => {
        const last = [...openPanels].pop();
        if (last !== undefined) setPanel(last, false);
      },
    };
    const fn = actions[e.key] ?? actions[e.key.toLowerCase()];
    if (fn !== undefined) {
      e.preventDefault();
      fn();
    }
  };
  document.addEventListener('keydown', onKey);
  teardown.push(() => document.removeEventListener('keydown', onKey));

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
    addPanel,
    setPanelOpen: setPanel,
    isPanelOpen: (id) => openPanels.has(id),
    city: () => city,
    onCity(fn) {
      cityListeners.add(fn);
      if (city !== null) runCityListener(city, fn);
      return () => cityListeners.delete(fn);
    },
    select,
    setItemTitle(layerId, title) {
      itemTitles.set(layerId, title);
      return () => itemTitles.delete(layerId);
    },
    setItemDetails(layerId, details) {
      itemDetails.set(layerId, details);
      return () => itemDetails.delete(layerId);
    },
    addSources(fn) {
      extraSources.add(fn);
      refreshSources();
      return () => {
        extraSources.delete(fn);
        refreshSources();
      };
    },
    refreshSources,
    addDescription(fn) {
      describers.add(fn);
      describe();
      return () => {
        describers.delete(fn);
        describe();
      };
    },
    describe,
    onLangChange(fn) {
      langListeners.add(fn);
      return () => langListeners.delete(fn);
    },
    setTime(ms) {
      time.setTime(ms);
      setTime(ms);
    },
    highlightBuildings(ids) {
      highlighted = [...ids];
      city?.scene.buildings?.setHighlighted(highlighted);
    },
    setChromeHidden(hidden) {
      for (const el of [topbar.el, toolbar.el, stacks.left, stacks.right]) el.classList.toggle('chrome-hidden', hidden);
    },
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
    defaultCity: settings.defaultCity,
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

  // ---- Test and benchmark API --------------------------------------------------------------
  const waitForTiles = (timeoutMs = 60000): Promise<boolean> =>
    new Promise((resolve) => {
      const start = performance.now();
      const check = () => {
        if (viewer === null || city === null) return resolve(false);
        viewer.scene.requestRender();
        if ((city.scene.buildings?.tilesLoaded ?? true) && viewer.scene.globe.tilesLoaded) return resolve(true);
        if (performance.now() - start > timeoutMs) return resolve(false);
        setTimeout(check, 100);
      };
      check();
    });
  const api: JumeauTestApi = {
    ready: Promise.resolve(),
    state: () => ({
      city: city?.config.id ?? null,
      url: location.href,
      selected: state.selected ?? null,
      hovered: hovered?.id ?? null,
      messages: messages.history().map((m) => ({ level: m.level, text: m.text })),
      lang: getLang(),
    }),
    camera: () => (viewer === null ? null : getCameraState(viewer.scene)),
    setCamera: (c) => {
      if (viewer === null) return;
      setCameraState(viewer.scene, c);
      state.camera = getCameraState(viewer.scene);
      syncUrl();
    },
    waitForTiles,
    stats: () => ({
      frame: stats?.read() ?? null,
      tileset: city !== null && city.scene.buildings !== null ? tilesetStats(city.scene.buildings.tileset) : null,
      qualityLevel: adaptive?.level() ?? null,
    }),
    resetStats: () => stats?.reset(),
    pickAt: (x, y) => {
      const item = picking?.pickAt(x, y) ?? null;
      return item === null ? null : { layerId: item.layerId, id: item.id };
    },
    toWindow: (lon, lat, hgt) => (viewer === null ? null : toWindow(viewer.scene, lon, lat, hgt)),
    setBuildingsShown: (show) => {
      if (city === null || viewer === null) return;
      if (city.scene.buildings !== null) city.scene.buildings.tileset.show = show;
      viewer.scene.requestRender();
    },
    render: () => {
      // The scene renders on demand: ask for a frame, then render it now.
      viewer?.scene.requestRender();
      viewer?.scene.render();
    },
  };
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
    messages.dispose();
    if (window.__jumeau?.state === api.state) delete window.__jumeau;
    root.replaceChildren();
  };
}
