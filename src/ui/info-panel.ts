import { h, replaceChildren } from './dom.ts';
import { formatNumber, t, tValue, type MessageKey } from './i18n/index.ts';
import { createPanel, type Panel } from './panel.ts';

/**
 * The info panel: every property of the selected feature as text (never as HTML), known
 * building properties first with their units and translated values.
 */

export interface PropertyRow {
  key: string;
  label: string;
  value: string;
}

const KNOWN: Record<string, { label: MessageKey; format: (v: unknown) => string }> = {
  id: { label: 'prop.id', format: (v) => String(v) },
  heightM: { label: 'prop.heightM', format: (v) => `${formatNumber(Number(v), 1)} m` },
  floors: { label: 'prop.floors', format: (v) => formatNumber(Number(v), 0) },
  use: { label: 'prop.use', format: (v) => tValue(String(v)) },
  yearBuilt: { label: 'prop.yearBuilt', format: (v) => String(v) },
  heightSource: { label: 'prop.heightSource', format: (v) => tValue(String(v)) },
  baseM: { label: 'prop.baseM', format: (v) => `${formatNumber(Number(v), 1)} m` },
  source: { label: 'prop.source', format: (v) => String(v) },
  groundAltitudeM: { label: 'prop.groundAltitudeM', format: (v) => `${formatNumber(Number(v), 1)} m` },
  textured: { label: 'prop.textured', format: (v) => t(Number(v) === 1 ? 'value.yes' : 'value.no') },
};

const MAX_VALUE_CHARS = 500;

function formatUnknown(v: unknown): string {
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number') s = Number.isInteger(v) ? String(v) : formatNumber(v, 3);
  else if (typeof v === 'boolean' || typeof v === 'bigint') s = String(v);
  else {
    try {
      s = JSON.stringify(v) ?? String(v);
    } catch {
      s = String(v);
    }
  }
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS)}…` : s;
}

/** Turns raw feature properties into display rows: known ones first, then the rest by name. */
export function propertyRows(props: Readonly<Record<string, unknown>>): PropertyRow[] {
  const rows: PropertyRow[] = [];
  const rest: PropertyRow[] = [];
  for (const key of Object.keys(KNOWN)) {
    const v = props[key];
    if (v === undefined || v === null || v === '') continue;
    const k = KNOWN[key]!;
    rows.push({ key, label: t(k.label), value: k.format(v) });
  }
  for (const [key, v] of Object.entries(props)) {
    if (key in KNOWN || v === undefined || v === null) continue;
    rest.push({ key, label: key, value: formatUnknown(v) });
  }
  rest.sort((a, b) => a.key.localeCompare(b.key));
  return [...rows, ...rest];
}

export interface InfoPanel extends Panel {
  /** Shows an item: its properties as text, then optional extra content (e.g. a chart). */
  show(title: string, props: Readonly<Record<string, unknown>>, extra?: Node | null): void;
  clear(): void;
}

export function createInfoPanel(onClose: () => void): InfoPanel {
  const panel = createPanel('panel-info', 'info.title', onClose, 'panel-info');
  let last: { title: string; props: Readonly<Record<string, unknown>>; extra: Node | null } | null = null;
  const render = () => {
    if (last === null) {
      panel.setTitle(t('info.title'));
      replaceChildren(panel.body, h('p', { class: 'hint' }, t('info.hint')));
      return;
    }
    panel.setTitle(last.title);
    const rows = propertyRows(last.props);
    if (rows.length === 0) {
      replaceChildren(panel.body, h('p', { class: 'hint' }, t('info.empty')));
      return;
    }
    const dl = h('dl', { class: 'props' });
    for (const r of rows) dl.append(h('dt', { attrs: { 'data-key': r.key } }, r.label), h('dd', { attrs: { 'data-key': r.key } }, r.value));
    replaceChildren(panel.body, dl, last.extra);
  };
  render();
  return {
    ...panel,
    show(title, props, extra = null) {
      last = { title, props, extra };
      render();
    },
    clear() {
      last = null;
      render();
    },
    relabel() {
      panel.relabel();
      render();
    },
  };
}
