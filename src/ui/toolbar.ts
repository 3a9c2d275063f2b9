import { h, icon } from './dom.ts';
import { ICONS } from './icons.ts';
import { t, type MessageKey } from './i18n/index.ts';
import type { PanelId } from '../core/url-state.ts';

/** The navigation toolbar and the compass. Buttons call back; the toolbar holds no scene state. */

export type CameraAction = 'home' | 'zoomIn' | 'zoomOut' | 'orbitLeft' | 'orbitRight' | 'northUp';

export interface Toolbar {
  readonly el: HTMLElement;
  setHeading(deg: number): void;
  setPanelOpen(panel: PanelId, open: boolean): void;
  /** Adds a button that toggles a feature's panel (before the share button). */
  addPanelButton(panel: PanelId, label: MessageKey, paths: readonly string[]): HTMLButtonElement;
  /** Adds an action button (before the share button); returns it and its remover. */
  addButton(id: string, label: MessageKey, paths: readonly string[], onClick: () => void): { el: HTMLButtonElement; remove(): void };
  relabel(): void;
}

export interface ToolbarCallbacks {
  onCamera(action: CameraAction): void;
  onTogglePanel(panel: PanelId): void;
  onShare(): void;
}

export function createToolbar(cb: ToolbarCallbacks): Toolbar {
  const labelled: { el: HTMLButtonElement; key: MessageKey }[] = [];
  const button = (key: MessageKey, paths: readonly string[], onClick: () => void, id: string) => {
    const el = h('button', { class: 'icon-button', type: 'button', id, on: { click: onClick } }, icon(paths));
    labelled.push({ el, key });
    return el;
  };
  const camera = (action: CameraAction, key: MessageKey, paths: readonly string[]) => button(key, paths, () => cb.onCamera(action), `btn-${action}`);
  const panelButtons = new Map<PanelId, HTMLButtonElement>();
  const panel = (id: PanelId, key: MessageKey, paths: readonly string[]) => {
    const el = button(key, paths, () => cb.onTogglePanel(id), `btn-panel-${id}`);
    el.setAttribute('aria-controls', `panel-${id}`);
    el.setAttribute('aria-expanded', 'false');
    panelButtons.set(id, el);
    return el;
  };
  const featureGroup = h('div', { class: 'toolbar-group', role: 'group' });
  const needle = icon(ICONS.north, 'icon compass-needle');
  const compass = h('button', { class: 'icon-button compass', type: 'button', id: 'btn-compass', on: { click: () => cb.onCamera('northUp') } }, needle);
  const el = h(
    'nav',
    { class: 'toolbar' },
    compass,
    camera('home', 'toolbar.home', ICONS.home),
    camera('zoomIn', 'toolbar.zoomIn', ICONS.zoomIn),
    camera('zoomOut', 'toolbar.zoomOut', ICONS.zoomOut),
    camera('orbitLeft', 'toolbar.orbitLeft', ICONS.orbitLeft),
    camera('orbitRight', 'toolbar.orbitRight', ICONS.orbitRight),
    camera('northUp', 'toolbar.northUp', ICONS.north),
    h('span', { class: 'toolbar-sep', attrs: { 'aria-hidden': 'true' } }),
    panel('legend', 'toolbar.legend', ICONS.legend),
    panel('time', 'toolbar.time', ICONS.sun),
    panel('sources', 'toolbar.sources', ICONS.sources),
    panel('help', 'toolbar.help', ICONS.help),
    featureGroup,
    button('toolbar.share', ICONS.share, () => cb.onShare(), 'btn-share'),
  );
  let heading = 0;
  const relabel = () => {
    el.setAttribute('aria-label', t('toolbar.label'));
    for (const { el: b, key } of labelled) {
      b.title = t(key);
      b.setAttribute('aria-label', t(key));
    }
    const label = t('compass.label', { heading: Math.round(heading) % 360 });
    compass.title = label;
    compass.setAttribute('aria-label', label);
  };
  relabel();
  return {
    el,
    setHeading(deg) {
      heading = deg;
      needle.style.transform = `rotate(${-deg}deg)`;
      const label = t('compass.label', { heading: Math.round(deg) % 360 });
      compass.title = label;
      compass.setAttribute('aria-label', label);
    },
    setPanelOpen(id, open) {
      const b = panelButtons.get(id);
      if (b === undefined) return;
      b.setAttribute('aria-expanded', String(open));
      b.classList.toggle('active', open);
    },
    addPanelButton(id, key, paths) {
      const el = panel(id, key, paths);
      featureGroup.append(el);
      relabel();
      return el;
    },
    addButton(id, key, paths, onClick) {
      const el = button(key, paths, onClick, id);
      featureGroup.append(el);
      relabel();
      return {
        el,
        remove() {
          el.remove();
          const i = labelled.findIndex((l) => l.el === el);
          if (i >= 0) labelled.splice(i, 1);
        },
      };
    },
    relabel,
  };
}
