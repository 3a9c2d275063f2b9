import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h, replaceChildren } from '../../ui/dom.ts';
import { formatNumber, t, type MessageKey } from '../../ui/i18n/index.ts';
import { createPanel, type Panel } from '../../ui/panel.ts';
import type { ParkParams } from './park-controller.ts';
import type { WalkParams } from './walk-controller.ts';

/**
 * The mobility panel: walking isochrones and 15-minute indicators, then the parking-search
 * day with its scenario table, summary and occupancy curves. DOM only; callbacks do the work.
 */

export interface MobilityCallbacks {
  onClose(): void;
  onPick(): void;
  onRunWalk(p: WalkParams): void;
  onRunPark(p: ParkParams): void;
  onCancel(): void;
  onClear(): void;
  onMethod(id: 'walk-isochrones' | 'parking-search'): void;
  onExportWalk(): void;
}

export interface Availability {
  streets: boolean;
  population: boolean;
  types: { id: string; label: string }[];
  scenario: boolean;
  parks: boolean;
  parkAndRide: boolean;
}

export interface WalkView {
  legend: { color: string; label: string }[];
  lines: string[];
  kpiTitle: string;
  kpis: { label: string; all: number; qpv: number; elsewhere: number }[];
  kpiNote: string | null;
  scenario: string | null;
  districts: { name: string; share: number }[];
}

export interface ParkView {
  fit: string;
  /** Where the drivers go in the scenario (a sentence), if there is one. */
  shifts: string | null;
  rows: [string, string, string | null][];
  hours: number[];
  series: { name: string; baseline: number[]; scenario: number[] | null; recorded: { hour: number; value: number }[] }[];
  selected: number;
  note: string;
  perf: string;
}

export interface MobilityPanel extends Panel {
  setAvailability(a: Availability): void;
  setPoint(text: string | null): void;
  setHint(text: string | null): void;
  setRunning(running: boolean): void;
  setProgress(stage: string | null, fraction: number): void;
  setMessage(text: string | null, level?: 'info' | 'error'): void;
  setWalkResult(v: WalkView | null): void;
  setParks(parks: { id: string; name: string; capacity: number; priceEurH: number; kind: string }[]): void;
  setParkResult(v: ParkView | null): void;
  dispose(): void;
}

const pct = (v: number) => formatNumber(100 * v, 1);

/** The panel; its controls call back (`MobilityCallbacks`), results come through its setters. */
export function createMobilityPanel(cb: MobilityCallbacks): MobilityPanel {
  const panel = createPanel('panel-mobility', 'mobility.title', cb.onClose, 'panel-mobility');
  const label = (key: MessageKey, control: HTMLElement) => h('label', { class: 'field' }, h('span', {}, t(key)), control);
  const btn = (id: string, key: MessageKey, onClick: () => void, cls = 'text-button') => h('button', { id, type: 'button', class: cls, on: { click: onClick } }, t(key));

  // Walking.
  const origin = h('select', { id: 'mobility-origin' });
  const speed = h('input', { id: 'mobility-speed', type: 'number', attrs: { min: 0.3, max: 3, step: 0.1, value: 1.4 } });
  const bands = h('input', { id: 'mobility-bands', type: 'text', attrs: { value: '5, 10, 15', size: 10 } });
  const scenario = h('input', { id: 'mobility-scenario', type: 'checkbox' });
  const scenarioRow = h('label', { class: 'check' }, scenario, h('span', {}, t('mobility.walk.scenario')));
  const pick = btn('mobility-pick', 'mobility.walk.pick', () => cb.onPick());
  const pointText = h('p', { class: 'hint', id: 'mobility-point' });
  const runWalk = btn('mobility-run-walk', 'mobility.walk.run', () => {
    const list = bands.value.split(/[,;\s]+/).filter((s) => s !== '').map(Number);
    cb.onRunWalk({ origin: origin.value, speedMps: Number(speed.value), bandsMin: list, scenario: scenario.checked });
  }, 'text-button primary');
  const walkResult = h('div', { class: 'mobility-result', id: 'mobility-walk-result' });
  const walkNote = h('p', { class: 'hint' });
  const walkBody = h('div', {}, label('mobility.walk.origin', origin), h('div', { class: 'row' }, pick), pointText, h('div', { class: 'row' }, label('mobility.walk.speed', speed), label('mobility.walk.bands', bands)), scenarioRow, h('div', { class: 'row' }, runWalk, btn('mobility-method-walk', 'mobility.method', () => cb.onMethod('walk-isochrones'))), walkResult);
  const walkSection = h('section', { class: 'mobility-section' }, h('h3', {}, t('mobility.walk.heading')), walkNote, walkBody);

  // Parking.
  const seed = h('input', { id: 'mobility-seed', type: 'number', attrs: { min: 0, max: 2147483647, step: 1, value: 1 } });
  const pr = h('input', { id: 'mobility-pr', type: 'checkbox' });
  const prRow = h('label', { class: 'check' }, pr, h('span', {}, t('mobility.park.pr')));
  const table = h('div', { class: 'mobility-parks', id: 'mobility-parks' }, h('p', { class: 'hint' }, t('mobility.park.firstRun')));
  let parkRows: { id: string; open: HTMLInputElement; capacity: HTMLInputElement; price: HTMLInputElement }[] = [];
  const runPark = btn('mobility-run-park', 'mobility.park.run', () => {
    const edits = parkRows.map((r) => ({ id: r.id, open: r.open.checked, capacity: Number(r.capacity.value), priceEurH: Number(r.price.value) }));
    cb.onRunPark({ seed: Number(seed.value), parkAndRide: pr.checked, edits });
  }, 'text-button primary');
  const parkResult = h('div', { class: 'mobility-result', id: 'mobility-park-result' });
  const parkNote = h('p', { class: 'hint' });
  const parkBody = h('div', {}, h('p', { class: 'hint' }, t('mobility.park.intro')), h('details', { class: 'mobility-details', attrs: { open: '' } }, h('summary', {}, t('mobility.park.table')), table), prRow, label('mobility.park.seed', seed), h('div', { class: 'row' }, runPark, btn('mobility-method-park', 'mobility.method', () => cb.onMethod('parking-search'))), parkResult);
  const parkSection = h('section', { class: 'mobility-section' }, h('h3', {}, t('mobility.park.heading')), parkNote, parkBody);

  // Shared: progress, messages, cancel, clear.
  const progress = h('progress', { id: 'mobility-progress', attrs: { max: 1, value: 0 } });
  const stage = h('span', { class: 'hint' });
  const cancel = btn('mobility-cancel', 'mobility.cancel', () => cb.onCancel());
  const clear = btn('mobility-clear', 'mobility.clear', () => cb.onClear());
  const status = h('div', { class: 'mobility-status', hidden: true }, progress, stage, cancel);
  const message = h('p', { class: 'sim-message', id: 'mobility-message', attrs: { role: 'status' } });
  const hint = h('p', { class: 'hint', id: 'mobility-hint', hidden: true });
  panel.body.append(hint, status, message, walkSection, parkSection, h('div', { class: 'row' }, clear));

  let chart: uPlot | null = null;
  const disposeChart = () => {
    chart?.destroy();
    chart = null;
  };

  function drawChart(target: HTMLElement, alt: HTMLElement, v: ParkView, k: number): void {
    disposeChart();
    const s = v.series[k]!;
    const rec = v.hours.map(() => null as number | null);
    for (const r of s.recorded) {
      const i = v.hours.findIndex((x) => x >= r.hour);
      if (i >= 0) rec[i] = 100 * r.value;
    }
    const data: uPlot.AlignedData = [v.hours, s.baseline.map((x) => 100 * x), ...(s.scenario !== null ? [s.scenario.map((x) => 100 * x)] : []), rec];
    try {
      chart = new uPlot(
        {
          width: 300,
          height: 160,
          legend: { show: true, live: false },
          cursor: { show: false },
          scales: { x: { time: false, range: [0, 24] }, y: { range: [0, 100] } },
          axes: [
            { stroke: '#b4bcc8', values: (_u, vals) => vals.map((x) => `${x} h`), grid: { stroke: 'rgba(255,255,255,0.08)' } },
            { stroke: '#b4bcc8', values: (_u, vals) => vals.map((x) => `${x} %`), grid: { stroke: 'rgba(255,255,255,0.08)' }, size: 52 },
          ],
          series: [
            {},
            { label: t('mobility.park.col.today'), stroke: '#4fc3f7', width: 2 },
            ...(s.scenario !== null ? [{ label: t('mobility.park.col.scenario'), stroke: '#ffb74d', width: 2 }] : []),
            { label: t('mobility.park.recorded'), stroke: '#ffffff', width: 0, points: { show: true, size: 7, fill: '#ffffff' } },
          ],
        },
        data,
        target,
      );
    } catch {
      chart = null;
    }
    const every = Math.max(1, Math.round(v.hours.length / 12));
    alt.textContent = t('mobility.park.chartAlt', { name: s.name, values: v.hours.filter((_, i) => i % every === 0).map((x, i) => `${formatNumber(x, 0)} h ${pct(s.baseline[i * every]!)} %`).join(', ') });
  }

  return {
    ...panel,
    setAvailability(a) {
      replaceChildren(origin, h('option', { attrs: { value: 'point' } }, t('mobility.walk.fromPoint')), ...a.types.map((x) => h('option', { attrs: { value: x.id } }, x.label)));
      if (a.types.some((x) => x.id === 'metro-stations')) origin.value = 'metro-stations';
      walkBody.hidden = !a.streets;
      walkNote.textContent = !a.streets ? t('mobility.walk.noStreets') : !a.population ? t('mobility.walk.noPopulation') : '';
      scenarioRow.hidden = !a.scenario;
      parkBody.hidden = !a.parks;
      parkNote.textContent = a.parks ? '' : t('mobility.park.noParks');
      prRow.hidden = !a.parkAndRide;
    },
    setPoint(text) {
      pointText.textContent = text ?? '';
      if (text !== null) origin.value = 'point';
    },
    setHint(text) {
      hint.hidden = text === null;
      hint.textContent = text ?? '';
    },
    setRunning(running) {
      status.hidden = !running;
      runWalk.disabled = running;
      runPark.disabled = running;
      if (!running) progress.value = 0;
    },
    setProgress(s, f) {
      stage.textContent = s ?? '';
      progress.value = f;
    },
    setMessage(text, level = 'info') {
      message.textContent = text ?? '';
      message.className = `sim-message ${level === 'error' ? 'error' : ''}`;
    },
    setWalkResult(v) {
      if (v === null) return replaceChildren(walkResult);
      const swatch = (color: string) => {
        const el = h('span', { class: 'swatch' });
        el.style.background = color;
        return el;
      };
      const legend = h('ul', { class: 'mobility-legend' }, ...v.legend.map((l) => h('li', {}, swatch(l.color), l.label)));
      const kpiTable = h(
        'table',
        { class: 'mobility-table', id: 'mobility-kpis' },
        h('thead', {}, h('tr', {}, h('th', {}, t('mobility.walk.kpiType')), h('th', {}, t('mobility.walk.kpiAll')), h('th', {}, t('mobility.walk.kpiQpv')), h('th', {}, t('mobility.walk.kpiElse')))),
        h('tbody', {}, ...v.kpis.map((k) => h('tr', {}, h('td', {}, k.label), h('td', {}, `${pct(k.all)} %`), h('td', {}, `${pct(k.qpv)} %`), h('td', {}, `${pct(k.elsewhere)} %`)))),
      );
      const districts = v.districts.length > 0
        ? h('details', { class: 'mobility-details' }, h('summary', {}, t('mobility.walk.districts')), h('table', { class: 'mobility-table' }, h('tbody', {}, ...v.districts.map((d) => h('tr', {}, h('td', {}, d.name), h('td', {}, `${pct(d.share)} %`))))))
        : null;
      replaceChildren(
        walkResult,
        h('h4', {}, t('mobility.walk.legend')),
        legend,
        ...v.lines.map((l) => h('p', { class: 'stat' }, l)),
        ...(v.kpis.length > 0 ? [h('h4', {}, v.kpiTitle), kpiTable] : []),
        ...(v.kpiNote !== null ? [h('p', { class: 'hint' }, v.kpiNote)] : []),
        ...(v.scenario !== null ? [h('p', { class: 'stat', id: 'mobility-walk-scenario' }, v.scenario)] : []),
        ...(districts !== null ? [districts] : []),
        h('div', { class: 'row' }, btn('mobility-export', 'mobility.walk.export', () => cb.onExportWalk())),
      );
    },
    setParks(parks) {
      parkRows = [];
      const body = h('tbody');
      for (const p of parks) {
        if (p.kind !== 'existing') continue;
        const open = h('input', { type: 'checkbox', attrs: { 'aria-label': `${t('mobility.park.open')} ${p.name}`, 'data-park': p.id } });
        open.checked = true;
        const capacity = h('input', { type: 'number', attrs: { min: 0, max: 100000, step: 1, value: p.capacity, 'aria-label': `${t('mobility.park.capacity')} ${p.name}` } });
        const price = h('input', { type: 'number', attrs: { min: 0, max: 100, step: 0.1, value: p.priceEurH, 'aria-label': `${t('mobility.park.price')} ${p.name}` } });
        parkRows.push({ id: p.id, open, capacity, price });
        body.append(h('tr', {}, h('td', {}, p.name), h('td', {}, open), h('td', {}, capacity), h('td', {}, price)));
      }
      replaceChildren(table, h('table', { class: 'mobility-table' }, h('thead', {}, h('tr', {}, h('th', {}, t('mobility.park.name')), h('th', {}, t('mobility.park.open')), h('th', {}, t('mobility.park.capacity')), h('th', {}, t('mobility.park.price')))), body));
    },
    setParkResult(v) {
      disposeChart();
      if (v === null) return replaceChildren(parkResult);
      const hasScenario = v.rows.some((r) => r[2] !== null);
      const summary = h(
        'table',
        { class: 'mobility-table', id: 'mobility-park-summary' },
        h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, t('mobility.park.col.today')), ...(hasScenario ? [h('th', {}, t('mobility.park.col.scenario'))] : []))),
        h('tbody', {}, ...v.rows.map((r) => h('tr', {}, h('td', {}, r[0]), h('td', {}, r[1]), ...(hasScenario ? [h('td', {}, r[2] ?? '')] : [])))),
      );
      const select = h('select', { id: 'mobility-chart-park', attrs: { 'aria-label': t('mobility.park.chart') } }, ...v.series.map((s, i) => h('option', { attrs: { value: i } }, s.name)));
      select.value = String(v.selected);
      const target = h('div', { class: 'occupancy-chart', attrs: { 'aria-hidden': 'true' } });
      const alt = h('p', { class: 'sr-only chart-alt' });
      select.addEventListener('change', () => drawChart(target, alt, v, Number(select.value)));
      replaceChildren(parkResult, h('p', { class: 'stat', id: 'mobility-park-fit' }, v.fit), summary, ...(v.shifts !== null ? [h('p', { class: 'stat', id: 'mobility-park-shifts' }, v.shifts)] : []), h('figure', { class: 'chart' }, h('figcaption', {}, t('mobility.park.chart'), ' ', select), target, alt), h('p', { class: 'hint' }, v.note), h('p', { class: 'hint' }, v.perf));
      drawChart(target, alt, v, v.selected);
    },
    dispose() {
      disposeChart();
    },
  };
}
