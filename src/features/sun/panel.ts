import { rgbToHex, type SteppedRamp } from '../../core/color-ramp.ts';
import type { Histogram } from '../../core/simulation/display.ts';
import { h, replaceChildren } from '../../ui/dom.ts';
import { createHistogram, type HistogramChart } from './histogram.ts';
import { formatNumber, t, type MessageKey } from '../../ui/i18n/index.ts';
import { createPanel, type Panel } from '../../ui/panel.ts';
import type { SunHoursParams } from './controller.ts';

/**
 * The simulation panel: the study area, the date or period, the time step and cell size, run
 * and cancel with progress, then the result's summary, legend and histogram, the method card one
 * click away, and the shadow study (animated shadows, sun taken by a project building). DOM
 * only: everything it does goes through callbacks.
 */

export interface SimPanelCallbacks {
  onClose(): void;
  onDrawArea(): void;
  onRun(p: SunHoursParams): void;
  onCancel(): void;
  onClear(): void;
  onMethod(): void;
  onExportCsv(): void;
  onAnimate(date: string): void;
  onDrawBuilding(): void;
  onRunLoss(p: SunHoursParams, heightM: number): void;
}

export interface ResultView {
  title: string;
  lines: string[];
  legendTitle: string;
  ramp: SteppedRamp;
  histogram?: Histogram;
  histogramColors?: string[];
  note?: string;
  canExport: boolean;
}

export interface SimPanel extends Panel {
  setArea(text: string | null): void;
  setDrawHint(text: string | null): void;
  setRunning(running: boolean): void;
  setProgress(stage: string | null, fraction: number): void;
  setResult(r: ResultView | null): void;
  setMessage(text: string | null, level?: 'info' | 'error'): void;
  setAnimating(on: boolean): void;
  setSunNow(text: string): void;
  setBuilding(text: string | null): void;
  setDate(date: string): void;
  dispose(): void;
}

function legendLabel(ramp: SteppedRamp, k: number): string {
  const c = ramp.classes[k]!;
  const f = (v: number) => formatNumber(v, 1);
  if (!Number.isFinite(c.min)) return `< ${f(c.max)} ${ramp.unit}`;
  if (!Number.isFinite(c.max)) return `≥ ${f(c.min)} ${ramp.unit}`;
  return `${f(c.min)} – ${f(c.max)} ${ramp.unit}`;
}

/** Builds the sun-hours panel; what the user does comes back through `cb`. */
export function createSimPanel(cb: SimPanelCallbacks): SimPanel {
  const panel = createPanel('panel-sim', 'sim.title', cb.onClose, 'panel-sim');
  const input = (id: string, type: string, attrs: Record<string, string | number>) => h('input', { id, type, attrs });
  const date = input('sim-date', 'date', { min: '1900-01-01', max: '2199-12-31' });
  const endDate = input('sim-end-date', 'date', { min: '1900-01-01', max: '2199-12-31' });
  const step = input('sim-step', 'number', { min: 1, max: 120, step: 1, value: 15 });
  const cell = input('sim-cell', 'number', { min: 0.5, max: 50, step: 0.5, value: 2 });
  const facades = h('input', { id: 'sim-facades', type: 'checkbox' });
  facades.checked = true;
  const height = input('sim-height', 'number', { min: 1, max: 300, step: 1, value: 30 });
  const btn = (id: string, onClick: () => void, cls = 'text-button') => h('button', { id, type: 'button', class: cls, on: { click: onClick } });
  const params = (): SunHoursParams => ({
    date: date.value,
    ...(endDate.value !== '' ? { endDate: endDate.value } : {}),
    stepMin: Number(step.value),
    cellM: Number(cell.value),
    facades: facades.checked,
  });
  const drawButton = btn('sim-draw', cb.onDrawArea);
  const runButton = btn('sim-run', () => cb.onRun(params()), 'text-button primary');
  const cancelButton = btn('sim-cancel', cb.onCancel);
  const clearButton = btn('sim-clear', cb.onClear);
  const methodButton = btn('sim-method', cb.onMethod);
  const csvButton = btn('sim-csv', cb.onExportCsv);
  const animateButton = btn('sim-animate', () => cb.onAnimate(date.value));
  const buildingButton = btn('sim-draw-building', cb.onDrawBuilding);
  const lossButton = btn('sim-run-loss', () => cb.onRunLoss(params(), Number(height.value)));
  const areaText = h('p', { class: 'hint', id: 'sim-area' });
  const drawHint = h('p', { class: 'hint sim-draw-hint', id: 'sim-draw-hint', hidden: true, attrs: { role: 'status' } });
  const progress = h('progress', { id: 'sim-progress', attrs: { max: 1, value: 0 } });
  const progressText = h('span', { id: 'sim-progress-text', attrs: { 'aria-live': 'polite' } });
  const progressRow = h('div', { class: 'sim-progress', hidden: true }, progress, progressText);
  const message = h('p', { class: 'sim-message', id: 'sim-message', hidden: true, attrs: { role: 'status' } });
  const sunNow = h('p', { class: 'hint', id: 'sim-sun-now' });
  const buildingText = h('p', { class: 'hint', id: 'sim-building' });
  const result = h('div', { class: 'sim-result', id: 'sim-result', hidden: true });
  const chart: HistogramChart = createHistogram('');
  let resultView: ResultView | null = null;
  let areaValue: string | null = null;
  let running = false;
  let animating = false;

  const renderResult = () => {
    if (resultView === null) {
      result.hidden = true;
      replaceChildren(result);
      return;
    }
    const r = resultView;
    const legend = h('ul', { class: 'legend-list sim-legend', id: 'sim-legend', attrs: { 'aria-label': r.legendTitle } });
    for (let k = r.ramp.classes.length - 1; k >= 0; k--) {
      legend.append(h('li', {}, h('span', { class: 'swatch', attrs: { style: `background:${rgbToHex(r.ramp.classes[k]!.color)}` } }), legendLabel(r.ramp, k)));
    }
    const parts: Node[] = [h('h3', { class: 'sim-result-title' }, r.title), ...r.lines.map((l) => h('p', { class: 'sim-line' }, l))];
    if (r.note !== undefined) parts.push(h('p', { class: 'sim-note' }, r.note));
    parts.push(h('h4', {}, r.legendTitle), legend);
    if (r.histogram !== undefined) {
      chart.update(r.histogram, r.histogramColors ?? []);
      chart.el.querySelector('figcaption')!.textContent = t('sim.histogram');
      parts.push(chart.el);
    }
    const actions = h('div', { class: 'sim-actions' }, methodButton, clearButton);
    if (r.canExport) actions.append(csvButton);
    parts.push(actions);
    replaceChildren(result, ...parts);
    result.hidden = false;
  };

  const render = () => {
    const label = (el: HTMLElement, key: MessageKey) => (el.textContent = t(key));
    label(drawButton, 'sim.draw');
    label(runButton, 'sim.run');
    label(cancelButton, 'sim.cancel');
    label(clearButton, 'sim.clear');
    label(methodButton, 'sim.method');
    label(csvButton, 'sim.exportCsv');
    label(animateButton, animating ? 'sim.stopAnimation' : 'sim.animate');
    label(buildingButton, 'sim.drawBuilding');
    label(lossButton, 'sim.runLoss');
    areaText.textContent = areaValue ?? t('sim.noArea');
    const field = (key: MessageKey, forId: string, el: HTMLElement) => h('label', { class: 'field', attrs: { for: forId } }, t(key), el);
    replaceChildren(
      panel.body,
      h('h3', {}, t('sim.area')),
      areaText,
      drawButton,
      drawHint,
      h('div', { class: 'sim-grid' }, field('sim.date', 'sim-date', date), field('sim.endDate', 'sim-end-date', endDate), field('sim.step', 'sim-step', step), field('sim.cell', 'sim-cell', cell)),
      h('label', { class: 'check', attrs: { for: 'sim-facades' } }, facades, t('sim.facades')),
      h('div', { class: 'sim-actions' }, runButton, cancelButton),
      progressRow,
      message,
      result,
      h('h3', {}, t('sim.shadowTitle')),
      sunNow,
      animateButton,
      h('h4', {}, t('sim.scenarioBuilding')),
      buildingText,
      h('div', { class: 'sim-actions' }, buildingButton, h('label', { class: 'field sim-inline', attrs: { for: 'sim-height' } }, t('sim.buildingHeight'), height)),
      lossButton,
    );
    renderResult();
    runButton.disabled = running;
    lossButton.disabled = running;
    cancelButton.disabled = !running;
  };
  render();
  return {
    ...panel,
    setArea(text) {
      areaValue = text;
      areaText.textContent = text ?? t('sim.noArea');
    },
    setDrawHint(text) {
      drawHint.hidden = text === null;
      drawHint.textContent = text ?? '';
    },
    setRunning(on) {
      running = on;
      runButton.disabled = on;
      lossButton.disabled = on;
      cancelButton.disabled = !on;
      progressRow.hidden = !on;
      if (on) {
        progress.value = 0;
        progressText.textContent = '';
      }
    },
    setProgress(stage, fraction) {
      progress.value = Math.max(0, Math.min(1, fraction));
      progressText.textContent = stage === null ? '' : t('sim.progress', { stage, percent: Math.round(fraction * 100) });
    },
    setResult(r) {
      resultView = r;
      renderResult();
    },
    setMessage(text, level = 'info') {
      message.hidden = text === null;
      message.textContent = text ?? '';
      message.classList.toggle('sim-error', level === 'error');
    },
    setAnimating(on) {
      animating = on;
      animateButton.textContent = t(on ? 'sim.stopAnimation' : 'sim.animate');
      animateButton.setAttribute('aria-pressed', String(on));
    },
    setSunNow(text) {
      sunNow.textContent = text;
    },
    setBuilding(text) {
      buildingText.textContent = text ?? '';
    },
    setDate(d) {
      if (date.value === '') date.value = d;
    },
    relabel() {
      panel.relabel();
      render();
    },
    dispose() {
      chart.dispose();
    },
  };
}
