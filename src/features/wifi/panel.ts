import { rgbToHex, type SteppedRamp } from '../../core/color-ramp.ts';
import { h, replaceChildren } from '../../ui/dom.ts';
import { formatNumber, t, type MessageKey } from '../../ui/i18n/index.ts';
import { createPanel, type Panel } from '../../ui/panel.ts';
import type { ApForm, WifiParams } from './controller.ts';

/**
 * The wifi coverage panel: study area, access points of the open data and of the scenario (with
 * their radio parameters), candidate sites and the number of hotspots to place, the model's
 * parameters, run and cancel with progress, then the key figures, per district, the proposed
 * hotspots with their marginal gain, the legend and the method card. DOM only: callbacks out.
 */

export interface WifiPanelCallbacks {
  onClose(): void;
  onDrawArea(): void;
  onAdd(kind: 'scenario' | 'candidate'): void;
  onRemove(id: string): void;
  onSquares(): void;
  onClearCandidates(): void;
  onRun(): void;
  onCancel(): void;
  onClear(): void;
  onMethod(): void;
  /** The open-data access points were included or left out. */
  onOpenDataToggle(): void;
}

export interface WifiResultView {
  title: string;
  lines: string[];
  districts: string[];
  picks: string[];
  ramp: SteppedRamp;
  /** Extra legend entries (e.g. cells the proposed hotspots would cover). */
  extraLegend?: { label: string; color: readonly [number, number, number] }[];
  note?: string;
}

export interface WifiPanel extends Panel {
  form(): ApForm;
  params(): WifiParams;
  setArea(text: string): void;
  setHint(text: string | null): void;
  setOpenData(text: string): void;
  setHotspots(items: { id: string; label: string; name: string }[]): void;
  setCandidates(text: string): void;
  setRunning(on: boolean): void;
  setProgress(text: string, fraction: number): void;
  setMessage(text: string | null, level?: 'info' | 'error'): void;
  setResult(r: WifiResultView | null): void;
}

function legendLabel(ramp: SteppedRamp, k: number): string {
  const c = ramp.classes[k]!;
  const f = (v: number) => formatNumber(v, 0);
  if (!Number.isFinite(c.min)) return `< ${f(c.max)} ${ramp.unit}`;
  if (!Number.isFinite(c.max)) return `≥ ${f(c.min)} ${ramp.unit}`;
  return `${f(c.min)} – ${f(c.max)} ${ramp.unit}`;
}

/** Builds the wifi panel; what the user does comes back through `cb`. */
export function createWifiPanel(cb: WifiPanelCallbacks): WifiPanel {
  const panel = createPanel('panel-wifi', 'wifi.title', cb.onClose, 'panel-sim panel-wifi');
  const num = (id: string, value: number, min: number, max: number, step: number) => h('input', { id, type: 'number', attrs: { min, max, step, value } });
  const height = num('wifi-ap-height', 4, 0, 300, 0.5);
  const eirp = num('wifi-ap-eirp', 20, -10, 40, 1);
  const azimuth = num('wifi-ap-azimuth', 0, 0, 360, 5);
  const band = h('select', { id: 'wifi-ap-band' });
  const pattern = h('select', { id: 'wifi-ap-pattern' });
  const threshold = num('wifi-threshold', -70, -110, -20, 1);
  const wall = num('wifi-wall', 10, 0, 60, 1);
  const cell = num('wifi-cell', 4, 1, 50, 1);
  const receiver = num('wifi-rx', 1.5, 0, 30, 0.5);
  const place = num('wifi-place', 3, 0, 50, 1);
  const facades = h('input', { id: 'wifi-facades', type: 'checkbox' });
  const facadeSpacing = num('wifi-facade-spacing', 3, 1, 20, 0.5);
  const useOpen = h('input', { id: 'wifi-use-open', type: 'checkbox', on: { change: () => cb.onOpenDataToggle() } });
  useOpen.checked = true;
  const btn = (id: string, onClick: () => void, cls = 'text-button') => h('button', { id, type: 'button', class: cls, on: { click: onClick } });
  const drawButton = btn('wifi-draw', cb.onDrawArea);
  const addButton = btn('wifi-add', () => cb.onAdd('scenario'));
  const addCandButton = btn('wifi-add-candidate', () => cb.onAdd('candidate'));
  const squaresButton = btn('wifi-squares', cb.onSquares);
  const clearCandButton = btn('wifi-clear-candidates', cb.onClearCandidates);
  const runButton = btn('wifi-run', cb.onRun, 'text-button primary');
  const cancelButton = btn('wifi-cancel', cb.onCancel);
  const clearButton = btn('wifi-clear', cb.onClear);
  const methodButton = btn('wifi-method', cb.onMethod);
  const areaText = h('p', { class: 'hint', id: 'wifi-area' });
  const hint = h('p', { class: 'hint sim-draw-hint', id: 'wifi-hint', hidden: true, attrs: { role: 'status' } });
  const openText = h('p', { class: 'hint', id: 'wifi-open-data' });
  const list = h('ul', { class: 'wifi-list', id: 'wifi-list' });
  const candText = h('p', { class: 'hint', id: 'wifi-candidates' });
  const progress = h('progress', { id: 'wifi-progress', attrs: { max: 1, value: 0 } });
  const progressText = h('span', { id: 'wifi-progress-text', attrs: { 'aria-live': 'polite' } });
  const progressRow = h('div', { class: 'sim-progress', hidden: true }, progress, progressText);
  const message = h('p', { class: 'sim-message', id: 'wifi-message', hidden: true, attrs: { role: 'status' } });
  const result = h('div', { class: 'sim-result', id: 'wifi-result', hidden: true });
  let items: { id: string; label: string; name: string }[] = [];
  let view: WifiResultView | null = null;
  let running = false;
  const texts = { area: '', open: '', cand: '' };

  const renderList = () => {
    if (items.length === 0) {
      replaceChildren(list, h('li', { class: 'hint' }, t('wifi.none')));
      return;
    }
    replaceChildren(list, ...items.map((it) => h('li', {}, h('span', {}, it.label), h('button', { type: 'button', class: 'text-button wifi-remove', attrs: { 'aria-label': t('wifi.removeLabel', { name: it.name }) }, on: { click: () => cb.onRemove(it.id) } }, t('wifi.remove')))));
  };

  const renderResult = () => {
    if (view === null) {
      result.hidden = true;
      replaceChildren(result);
      return;
    }
    const r = view;
    const legend = h('ul', { class: 'legend-list sim-legend', id: 'wifi-legend', attrs: { 'aria-label': t('wifi.legend') } });
    for (let k = r.ramp.classes.length - 1; k >= 0; k--) legend.append(h('li', {}, h('span', { class: 'swatch', attrs: { style: `background:${rgbToHex(r.ramp.classes[k]!.color)}` } }), legendLabel(r.ramp, k)));
    for (const e of r.extraLegend ?? []) legend.append(h('li', {}, h('span', { class: 'swatch', attrs: { style: `background:${rgbToHex(e.color)}` } }), e.label));
    const parts: Node[] = [h('h3', { class: 'sim-result-title' }, r.title), h('div', { id: 'wifi-kpis' }, ...r.lines.map((l) => h('p', { class: 'sim-line' }, l)))];
    if (r.note !== undefined) parts.push(h('p', { class: 'sim-note' }, r.note));
    if (r.picks.length > 0) parts.push(h('h4', {}, t('wifi.picks')), h('ul', { class: 'wifi-picks', id: 'wifi-picks' }, ...r.picks.map((p) => h('li', {}, p))));
    if (r.districts.length > 0) parts.push(h('h4', {}, t('wifi.districts')), h('ul', { class: 'wifi-districts', id: 'wifi-districts' }, ...r.districts.map((d) => h('li', {}, d))));
    parts.push(h('h4', {}, t('wifi.legend')), legend, h('div', { class: 'sim-actions' }, methodButton, clearButton));
    replaceChildren(result, ...parts);
    result.hidden = false;
  };

  const render = () => {
    const label = (el: HTMLElement, key: MessageKey) => (el.textContent = t(key));
    label(drawButton, 'wifi.draw');
    label(addButton, 'wifi.add');
    label(addCandButton, 'wifi.addCandidate');
    label(squaresButton, 'wifi.candidatesSquares');
    label(clearCandButton, 'wifi.clearCandidates');
    label(runButton, 'wifi.run');
    label(cancelButton, 'wifi.cancel');
    label(clearButton, 'wifi.clear');
    label(methodButton, 'wifi.method');
    const bandValue = band.value || '2.4', patternValue = pattern.value || 'omni';
    replaceChildren(band, h('option', { attrs: { value: '2.4' } }, '2,4 GHz'), h('option', { attrs: { value: '5' } }, '5 GHz'));
    replaceChildren(pattern, h('option', { attrs: { value: 'omni' } }, t('wifi.omni')), h('option', { attrs: { value: 'sector' } }, t('wifi.sector')));
    band.value = bandValue;
    pattern.value = patternValue;
    const field = (key: MessageKey, el: HTMLElement) => h('label', { class: 'field', attrs: { for: el.id } }, t(key), el);
    areaText.textContent = texts.area;
    openText.textContent = texts.open;
    candText.textContent = texts.cand;
    replaceChildren(
      panel.body,
      h('h3', {}, t('wifi.area')),
      areaText,
      drawButton,
      hint,
      h('h3', {}, t('wifi.hotspots')),
      openText,
      h('label', { class: 'check', attrs: { for: 'wifi-use-open' } }, useOpen, t('wifi.useOpenData')),
      h('div', { class: 'sim-grid' }, field('wifi.height', height), field('wifi.eirp', eirp), field('wifi.band', band), field('wifi.pattern', pattern), field('wifi.azimuth', azimuth)),
      addButton,
      list,
      h('h3', {}, t('wifi.planning')),
      candText,
      h('div', { class: 'sim-actions' }, squaresButton, addCandButton, clearCandButton),
      h('div', { class: 'sim-grid' }, field('wifi.place', place)),
      h('h3', {}, t('wifi.params')),
      h('div', { class: 'sim-grid' }, field('wifi.threshold', threshold), field('wifi.wall', wall), field('wifi.cell', cell), field('wifi.receiver', receiver)),
      h('label', { class: 'check', attrs: { for: 'wifi-facades' } }, facades, t('wifi.facades')),
      h('div', { class: 'sim-grid' }, field('wifi.facadeSpacing', facadeSpacing)),
      h('div', { class: 'sim-actions' }, runButton, cancelButton),
      progressRow,
      message,
      result,
    );
    renderList();
    renderResult();
    runButton.disabled = running;
    cancelButton.disabled = !running;
  };
  render();
  const value = (el: HTMLInputElement) => Number(el.value);
  return {
    ...panel,
    form: () => ({ heightM: value(height), eirpDbm: value(eirp), band: band.value === '5' ? '5' : '2.4', pattern: pattern.value === 'sector' ? 'sector' : 'omni', azimuthDeg: value(azimuth) }),
    params: () => ({ thresholdDbm: value(threshold), wallLossDb: value(wall), cellM: value(cell), receiverHeightM: value(receiver), place: value(place), useOpenData: useOpen.checked, facades: facades.checked, facadeSpacingM: value(facadeSpacing) }),
    setArea(text) {
      texts.area = text;
      areaText.textContent = text;
    },
    setHint(text) {
      hint.hidden = text === null;
      hint.textContent = text ?? '';
    },
    setOpenData(text) {
      texts.open = text;
      openText.textContent = text;
    },
    setHotspots(list2) {
      items = list2;
      renderList();
    },
    setCandidates(text) {
      texts.cand = text;
      candText.textContent = text;
    },
    setRunning(on) {
      running = on;
      runButton.disabled = on;
      cancelButton.disabled = !on;
      progressRow.hidden = !on;
      if (on) {
        progress.value = 0;
        progressText.textContent = '';
      }
    },
    setProgress(text, fraction) {
      progress.value = Math.max(0, Math.min(1, fraction));
      progressText.textContent = text;
    },
    setMessage(text, level = 'info') {
      message.hidden = text === null;
      message.textContent = text ?? '';
      message.classList.toggle('sim-error', level === 'error');
    },
    setResult(r) {
      view = r;
      renderResult();
    },
    relabel() {
      panel.relabel();
      render();
    },
  };
}
