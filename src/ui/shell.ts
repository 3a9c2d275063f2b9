import { HEIGHT_RAMP } from '../core/color-ramp.ts';
import { serializeUrlState, type PanelId, type UrlState } from '../core/url-state.ts';
import { h } from './dom.ts';
import { createBasemapSwitcher, type BasemapSwitcher } from './basemap-switcher.ts';
import { createHelpPanel } from './help-panel.ts';
import { getLang, onLangChange, setLang, t, type MessageKey } from './i18n/index.ts';
import { createInfoPanel, type InfoPanel } from './info-panel.ts';
import { createLegendPanel } from './legend.ts';
import { createMessageCenter, type Level, type MessageCenter } from './messages.ts';
import type { Panel } from './panel.ts';
import { createSourcesPanel, type SourceEntry } from './sources-panel.ts';
import { createTimePanel, type TimePanel } from './time-panel.ts';
import { createToolbar, type CameraAction, type Toolbar } from './toolbar.ts';
import { createTopBar, type TopBar } from './topbar.ts';
import { createViewDescription, type ViewFacts } from './view-description.ts';

/**
 * The app's shell as DOM, without the 3D scene: the view element and its text alternative, the
 * top bar, the toolbar, the message centre, the panel stacks with the shell's own panels
 * (legend, time, info, sources, help), the selection shown in the info panel, the language
 * switch. The scene is reached through the callbacks of `ShellOptions`; the URL state is
 * written back with `syncUrl` (history.replaceState) after every change.
 */

/** A picked item as the info panel shows it (scene/picking.ts's PickedItem). */
export interface ShellItem {
  layerId: string;
  id: string | null;
  properties: Record<string, unknown>;
}

/** The selection as the URL keeps it: a building id, or `<layer>:<id>` for other layers. */
export function selectionKey(item: ShellItem): string | null {
  if (item.id === null) return null;
  return item.layerId === 'buildings' ? item.id : `${item.layerId}:${item.id}`;
}

const DEFAULT_PANELS: PanelId[] = ['legend'];

/** Sets the language from the URL, else the one stored, else French. */
export function initLanguage(state: UrlState): void {
  const stored = (() => {
    try {
      return localStorage.getItem('jumeau.lang');
    } catch {
      return null;
    }
  })();
  setLang(state.lang ?? (stored === 'en' || stored === 'fr' ? stored : 'fr'));
  document.documentElement.lang = getLang();
}

export interface ShellOptions {
  state: UrlState;
  /** The open city's sources (null before a city is shown). */
  citySources(): { name: string; entries: SourceEntry[]; terrainIsEllipsoid: boolean } | null;
  /** What the 3D view shows, for its text alternative (null before a city is shown). */
  viewFacts(): ViewFacts | null;
  onCity(id: string): void;
  onCamera(action: CameraAction): void;
  /** Before the link is copied (the camera goes into the state). */
  beforeShare(): void;
  onTime(ms: number): void;
  onShadows(on: boolean): void;
  /** Low-power mode changed (in the state): the app must be built again. */
  onRebuild(): void;
  /** The selection changed (null: cleared by closing the info panel). */
  onSelect(item: ShellItem | null): void;
  /** The user chose another basemap of the city (null: none). */
  onBasemap?(id: string | null): void;
}

export interface Shell {
  readonly viewEl: HTMLElement;
  readonly credits: HTMLElement;
  readonly messages: MessageCenter;
  readonly toolbar: Toolbar;
  readonly topbar: TopBar;
  readonly info: InfoPanel;
  readonly time: TimePanel;
  /** The basemap switcher in the top bar (src/ui/basemap-switcher.ts). */
  readonly basemaps: BasemapSwitcher;
  say(level: Level, key: MessageKey, params?: Record<string, string | number>, dedupe?: string): void;
  syncUrl(): void;
  addPanel(id: PanelId, panel: Panel, where: 'left' | 'right', button?: { label: MessageKey; icon: readonly string[] }): () => void;
  setPanel(id: PanelId, open: boolean): void;
  isPanelOpen(id: PanelId): boolean;
  /** Closes the panel opened last (Escape). */
  closeLastPanel(): void;
  select(item: ShellItem | null): void;
  setItemTitle(layerId: string, title: (item: ShellItem) => string): () => void;
  setItemDetails(layerId: string, details: (item: ShellItem) => Node | null): () => void;
  addSources(entries: () => SourceEntry[]): () => void;
  refreshSources(): void;
  addDescription(fn: () => string | null): () => void;
  describe(): void;
  onLangChange(fn: () => void): () => void;
  /** Names the 3D view after the city (for screen readers). */
  setViewLabel(cityName: string): void;
  setChromeHidden(hidden: boolean): void;
  /** Copies the link of the view, or shows it when the clipboard refuses. */
  share(): Promise<void>;
  dispose(): void;
}

/** Builds the shell in `root` (replacing what was there). */
export function createShell(root: HTMLElement, o: ShellOptions): Shell {
  const { state } = o;
  const teardown: (() => void)[] = [];
  const viewEl = h('div', { class: 'view', id: 'view', role: 'application', attrs: { tabindex: 0, 'aria-describedby': 'view-description' } });
  const credits = h('div', { class: 'credits', id: 'credits' });
  const messages = createMessageCenter();
  const say: Shell['say'] = (level, key, params = {}, dedupe) => messages.show({ level, text: t(key, params), ...(dedupe !== undefined ? { key: dedupe } : {}) });

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
      o.onSelect(null);
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
      o.onRebuild();
    },
  });
  const time = createTimePanel({ onClose: () => setPanel('time', false), onTime: o.onTime, onShadows: o.onShadows });
  const toolbar = createToolbar({
    onCamera: o.onCamera,
    onTogglePanel: (id) => setPanel(id, !openPanels.has(id)),
    onShare: () => void share(),
  });
  const topbar = createTopBar({
    onCity: o.onCity,
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
  const basemaps = createBasemapSwitcher((id) => o.onBasemap?.(id));
  topbar.el.querySelector('#city-select')?.after(basemaps.el);
  const stacks = {
    left: h('div', { class: 'panel-stack panel-stack-left' }),
    right: h('div', { class: 'panel-stack panel-stack-right' }),
  };
  const addPanel: Shell['addPanel'] = (id, panel, where, button) => {
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
  const description = createViewDescription({ facts: o.viewFacts, selected: () => state.selected });
  teardown.push(() => description.dispose());
  root.replaceChildren(viewEl, description.el, topbar.el, topbar.banner, toolbar.el, stacks.left, stacks.right, messages.el, credits);

  // ---- Sources and selection ---------------------------------------------------------------
  const extraSources = new Set<() => SourceEntry[]>();
  function refreshSources(): void {
    const city = o.citySources();
    if (city === null) return;
    const entries: SourceEntry[] = [...city.entries];
    for (const fn of extraSources) entries.push(...fn());
    sources.update(city.name, entries, city.terrainIsEllipsoid);
  }
  const itemTitles = new Map<string, (item: ShellItem) => string>();
  const itemDetails = new Map<string, (item: ShellItem) => Node | null>();
  function select(item: ShellItem | null): void {
    if (item === null) {
      setPanel('info', false);
      return;
    }
    const key = selectionKey(item);
    if (key !== null) state.selected = key;
    else delete state.selected;
    o.onSelect(item);
    let extra: Node | null = null;
    try {
      extra = itemDetails.get(item.layerId)?.(item) ?? null;
    } catch (e) {
      console.error(e);
    }
    description.describe();
    info.show((itemTitles.get(item.layerId) ?? ((i: ShellItem) => `${i.layerId} ${i.id ?? ''}`))(item), item.properties, extra);
    setPanel('info', true);
  }

  // ---- Language ----------------------------------------------------------------------------
  const setViewLabel = (cityName: string) => viewEl.setAttribute('aria-label', t('app.viewLabel', { city: cityName }));
  const langListeners = new Set<() => void>();
  teardown.push(
    onLangChange(() => {
      for (const p of panels.values()) p.relabel();
      toolbar.relabel();
      topbar.relabel();
      basemaps.relabel();
      refreshSources();
      setViewLabel(o.citySources()?.name ?? '');
      for (const fn of langListeners) fn();
    }),
  );

  async function share(): Promise<void> {
    o.beforeShare();
    syncUrl();
    const url = location.href;
    try {
      await navigator.clipboard.writeText(url);
      say('info', 'share.copied', {}, 'share');
    } catch {
      messages.show({ level: 'info', text: `${t('share.manual')} ${url}`, key: 'share', timeoutMs: 20000 });
    }
  }

  return {
    viewEl,
    credits,
    messages,
    toolbar,
    topbar,
    basemaps,
    info,
    time,
    say,
    syncUrl,
    addPanel,
    setPanel,
    isPanelOpen: (id) => openPanels.has(id),
    closeLastPanel() {
      const last = [...openPanels].pop();
      if (last !== undefined) setPanel(last, false);
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
    addDescription: description.add,
    describe: description.describe,
    onLangChange(fn) {
      langListeners.add(fn);
      return () => langListeners.delete(fn);
    },
    setViewLabel,
    setChromeHidden(hidden) {
      for (const el of [topbar.el, toolbar.el, stacks.left, stacks.right]) el.classList.toggle('chrome-hidden', hidden);
    },
    share,
    dispose() {
      for (const fn of teardown.splice(0).reverse()) fn();
      messages.dispose();
    },
  };
}
