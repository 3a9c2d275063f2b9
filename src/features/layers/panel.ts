import { rgbToHex } from '../../core/color-ramp.ts';
import { legendItems, type LegendItem } from '../../layers/style.ts';
import { THEMES, type LayerDefinition, type ThemeId } from '../../layers/types.ts';
import { h, replaceChildren } from '../../ui/dom.ts';
import { formatNumber, t, type MessageKey } from '../../ui/i18n/index.ts';
import { createPanel, type Panel } from '../../ui/panel.ts';
import type { LayerProvenance, LayerRowState, LayerStatus, LayerTimeState } from './model.ts';

/**
 * The layers panel: layers grouped by theme, each with a switch, its state (loading, number of
 * features, error with the reason, or why it is unavailable), and when on: opacity, display
 * variant, legend, a time control for recorded series, and "about" (publisher, licence, date,
 * live/recorded/synthetic, origin, caveats found while reading). Text only, never HTML.
 */

export interface LayersPanelCallbacks {
  onClose(): void;
  onToggle(id: string, on: boolean): void;
  onOpacity(id: string, opacity: number): void;
  onVariant(id: string, variant: string): void;
  onTime(id: string, minutes: number): void;
  onPlay(id: string): void;
  onZoom(id: string): void;
}

export interface LayersPanel extends Panel {
  setRows(rows: readonly LayerRowState[]): void;
  updateRow(row: LayerRowState): void;
  /** Updates only the time read-out (while the slider moves or plays). */
  updateTime(id: string, time: LayerTimeState): void;
}

/** Minutes since midnight as HH:MM (wrapped to one day). */
export function hhmm(minutes: number): string {
  const m = ((Math.round(minutes) % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

function statusText(s: LayerStatus): string {
  switch (s.kind) {
    case 'off':
      return '';
    case 'loading':
      return t('layers.state.loading');
    case 'ready':
      return t('layers.state.ready', { count: formatNumber(s.count, 0) });
    case 'error':
      return t('layers.state.error', { reason: `${s.where}: ${s.reason}` });
    case 'unavailable':
      return t('layers.state.unavailable', { reason: s.reason });
  }
}

function swatch(color: readonly [number, number, number]): HTMLElement {
  return h('span', { class: 'swatch', attrs: { style: `background:${rgbToHex(color)}` } });
}

function legendLabel(item: Extract<LegendItem, { kind: 'swatch' }>): string {
  const l = item.label;
  if ('key' in l) return t(l.key);
  if ('text' in l) return l.text;
  const [min, max] = l.range;
  if (!Number.isFinite(min)) return t('legend.lessThan', { value: formatNumber(max, 0), unit: l.unit });
  if (!Number.isFinite(max)) return t('legend.atLeast', { value: formatNumber(min, 0), unit: l.unit });
  return t('legend.range', { min: formatNumber(min, 0), max: formatNumber(max, 0), unit: l.unit });
}

/** The legend of a layer (from the same rules as the drawing) with its source line. */
export function renderLegend(def: LayerDefinition, variant: string, provenance: readonly LayerProvenance[]): HTMLElement {
  const list = h('ul', { class: 'legend-list layer-legend-list' });
  for (const item of legendItems(def, variant)) {
    switch (item.kind) {
      case 'swatch':
        list.append(h('li', {}, swatch(item.color), legendLabel(item)));
        break;
      case 'gradient': {
        const stops = item.colors.map((c, i) => `${rgbToHex(c)} ${Math.round((i / Math.max(1, item.colors.length - 1)) * 100)}%`).join(', ');
        list.append(h('li', {}, h('span', { class: 'swatch swatch-gradient', attrs: { style: `background:linear-gradient(90deg, ${stops})` } }), t('layers.legend.gradient', { min: formatNumber(item.min * item.scale, 0), max: formatNumber(item.max * item.scale, 0), unit: item.unit })));
        break;
      }
      case 'size':
        list.append(h('li', { class: 'legend-note' }, t('layers.legend.size', { min: formatNumber(item.min, 0), max: formatNumber(item.max, 0), unit: item.unit })));
        break;
      case 'note':
        list.append(h('li', { class: 'legend-note' }, t(item.key, item.params ?? {})));
        break;
    }
  }
  const note = def.legend.note !== undefined ? h('p', { class: 'legend-note' }, t(def.legend.note)) : null;
  const lines = [...new Set(provenance.map((p) => t('layers.legend.source', { publisher: p.attribution.publisher, licence: p.attribution.licence, status: t(`sources.status.${p.attribution.status}` as MessageKey) })))];
  const sources = lines.map((line) => h('p', { class: 'legend-source' }, line));
  return h('div', { class: 'layer-legend' }, h('div', { class: 'layer-legend-title' }, t(def.legend.title)), list, note, ...sources);
}

function renderAbout(row: LayerRowState): HTMLElement {
  const items = row.provenance.map((p) => {
    const a = p.attribution;
    const licence = a.licenceUrl !== undefined ? h('a', { attrs: { href: a.licenceUrl, target: '_blank', rel: 'noopener noreferrer' } }, a.licence) : a.licence;
    return h(
      'div',
      { class: 'about-source' },
      h('div', { class: 'about-title' }, a.title, ' ', h('span', { class: `status status-${a.status}` }, t(`sources.status.${a.status}` as MessageKey))),
      h(
        'dl',
        { class: 'source-fields' },
        h('dt', {}, t('sources.publisher')), h('dd', { class: 'about-publisher' }, a.publisher),
        h('dt', {}, t('sources.licence')), h('dd', { class: 'about-licence' }, licence),
        h('dt', {}, t('sources.date')), h('dd', { class: 'about-date' }, a.date),
        a.origin !== undefined ? h('dt', {}, t('sources.origin')) : null,
        a.origin !== undefined ? h('dd', { class: 'origin' }, a.origin) : null,
      ),
    );
  });
  const issues = row.status.kind === 'ready' && row.status.issues.length > 0
    ? h('details', { class: 'layer-issues' }, h('summary', {}, t('layers.issues', { count: row.status.issues.length })), h('ul', {}, ...row.status.issues.map((i) => h('li', {}, `${i.where}: ${i.reason}`))))
    : null;
  return h('details', { class: 'layer-about' }, h('summary', {}, t('layers.about')), h('p', { class: 'about-description' }, t(row.def.description)), ...items, issues);
}

/** The layers panel; the feature gives it rows and hears the user's changes through `cb`. */
export function createLayersPanel(cb: LayersPanelCallbacks): LayersPanel {
  const panel = createPanel('panel-layers', 'layers.panel.title', cb.onClose, 'panel-layers');
  const rowEls = new Map<string, HTMLElement>();
  const timeEls = new Map<string, { slider: HTMLInputElement; out: HTMLElement; explain: HTMLElement; play: HTMLButtonElement }>();
  let rows: LayerRowState[] = [];
  const openThemes = new Set<ThemeId>();

  const renderRow = (row: LayerRowState): HTMLElement => {
    const id = row.def.id;
    const toggle = h('input', { type: 'checkbox', id: `layer-toggle-${id}`, attrs: { 'aria-describedby': `layer-state-${id}` } });
    toggle.checked = row.on;
    toggle.addEventListener('change', () => cb.onToggle(id, toggle.checked));
    const primary = row.provenance[0]?.attribution.status;
    const badges = [
      primary !== undefined && row.on ? h('span', { class: `status status-${primary}` }, t(`sources.status.${primary}` as MessageKey)) : null,
      row.def.planned === true ? h('span', { class: 'status status-planned' }, t('layers.planned')) : null,
    ];
    const state = h('div', { class: `layer-state layer-state-${row.status.kind}`, id: `layer-state-${id}`, ...(row.status.kind === 'error' ? { role: 'alert' } : {}) }, statusText(row.status));
    const head = h('div', { class: 'layer-head' }, h('label', { class: 'check layer-check', attrs: { for: `layer-toggle-${id}` } }, toggle, t(row.def.title)), ...badges);
    const el = h('li', { class: `layer-row${row.on ? ' layer-on' : ''}`, attrs: { 'data-layer': id, 'data-status': row.status.kind } }, head, state);
    for (const n of row.notes) el.append(h('div', { class: 'layer-note' }, n));
    if (row.on && row.status.kind !== 'unavailable') {
      const opacity = h('input', { type: 'range', id: `layer-opacity-${id}`, attrs: { min: 0, max: 100, step: 5, 'aria-label': `${t('layers.opacity')} — ${t(row.def.title)}` } });
      opacity.value = String(Math.round(row.opacity * 100));
      opacity.addEventListener('input', () => cb.onOpacity(id, Number(opacity.value) / 100));
      const opts = h('div', { class: 'layer-options' }, h('label', { class: 'field field-inline', attrs: { for: `layer-opacity-${id}` } }, t('layers.opacity'), opacity));
      if (row.def.variants.length > 1) {
        const sel = h('select', { id: `layer-variant-${id}` });
        for (const v of row.def.variants) {
          const o = h('option', { attrs: { value: v.id } }, t(v.label));
          o.selected = v.id === row.variant;
          sel.append(o);
        }
        sel.addEventListener('change', () => cb.onVariant(id, sel.value));
        opts.append(h('label', { class: 'field field-inline', attrs: { for: `layer-variant-${id}` } }, t('layers.variant'), sel));
      }
      if (row.time !== null) opts.append(renderTime(id, row.time));
      if (row.status.kind === 'ready') opts.append(h('button', { type: 'button', class: 'text-button layer-zoom', on: { click: () => cb.onZoom(id) } }, t('layers.zoomTo')));
      el.append(opts, renderLegend(row.def, row.variant, row.provenance));
    }
    el.append(renderAbout(row));
    return el;
  };

  const renderTime = (id: string, time: LayerTimeState): HTMLElement => {
    const slider = h('input', { type: 'range', id: `layer-time-${id}`, attrs: { min: 0, max: 1435, step: 5, 'aria-label': t('layers.time.title') } });
    slider.value = String(time.minutes);
    const out = h('output', { class: 'layer-time-value', attrs: { for: `layer-time-${id}` } }, hhmm(time.minutes));
    slider.addEventListener('input', () => {
      out.textContent = hhmm(Number(slider.value));
      cb.onTime(id, Number(slider.value));
    });
    const play = h('button', { type: 'button', class: 'text-button layer-play', id: `layer-play-${id}`, on: { click: () => cb.onPlay(id) } }, time.playing ? t('layers.time.pause') : t('layers.time.play'));
    const explain = h('p', { class: 'layer-time-explain', id: `layer-time-explain-${id}`, attrs: { 'aria-live': 'polite' } }, time.explanation);
    timeEls.set(id, { slider, out, explain, play });
    if (time.day === null) return h('div', { class: 'layer-time' }, explain);
    return h(
      'div',
      { class: 'layer-time' },
      h('div', { class: 'layer-time-day' }, t('layers.time.day', { date: time.day })),
      h('label', { class: 'field', attrs: { for: `layer-time-${id}` } }, t('layers.time.title'), h('span', { class: 'slider-row' }, slider, out)),
      explain,
      h('p', { class: 'legend-note' }, t('layers.time.snapshots', { times: time.snapshots.join(', ') })),
      play,
    );
  };

  const render = () => {
    timeEls.clear();
    rowEls.clear();
    const groups = THEMES.map((theme) => {
      const inTheme = rows.filter((r) => r.def.theme === theme);
      if (inTheme.length === 0) return null;
      const list = h('ul', { class: 'layer-list' });
      for (const r of inTheme) {
        const el = renderRow(r);
        rowEls.set(r.def.id, el);
        list.append(el);
      }
      const on = inTheme.filter((r) => r.on).length;
      const details = h('details', { class: 'layer-theme', attrs: { 'data-theme': theme } }, h('summary', {}, t(`layers.theme.${theme}` as MessageKey), on > 0 ? h('span', { class: 'layer-theme-count' }, ` (${on})`) : null), list);
      details.open = openThemes.has(theme) || on > 0;
      details.addEventListener('toggle', () => (details.open ? openThemes.add(theme) : openThemes.delete(theme)));
      return details;
    });
    replaceChildren(panel.body, ...groups);
  };

  return {
    ...panel,
    setRows(next) {
      rows = [...next];
      render();
    },
    updateRow(row) {
      const i = rows.findIndex((r) => r.def.id === row.def.id);
      if (i < 0) return;
      rows[i] = row;
      const old = rowEls.get(row.def.id);
      if (old === undefined) return render();
      const focusedId = document.activeElement instanceof HTMLElement && old.contains(document.activeElement) ? document.activeElement.id : null;
      const el = renderRow(row);
      old.replaceWith(el);
      rowEls.set(row.def.id, el);
      if (focusedId) document.getElementById(focusedId)?.focus();
      const theme = el.closest('details.layer-theme') as HTMLDetailsElement | null;
      if (theme !== null && row.on) theme.open = true;
    },
    updateTime(id, time) {
      const e = timeEls.get(id);
      if (e === undefined) return;
      if (document.activeElement !== e.slider) e.slider.value = String(time.minutes);
      e.out.textContent = hhmm(time.minutes);
      e.explain.textContent = time.explanation;
      e.play.textContent = time.playing ? t('layers.time.pause') : t('layers.time.play');
    },
    relabel() {
      panel.relabel();
      render();
    },
  };
}
