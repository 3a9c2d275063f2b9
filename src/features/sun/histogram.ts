import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Histogram } from '../../core/simulation/display.ts';
import { h } from '../../ui/dom.ts';
import { formatNumber } from '../../ui/i18n/index.ts';

/**
 * A histogram of result cells, drawn with uPlot (bars, one series per surface). uPlot was
 * chosen over Observable Plot: 50 KB without d3, canvas drawing that stays fast with many
 * points, and its time-series axes suit the charts other features need (occupancy over a day).
 */

export interface HistogramChart {
  readonly el: HTMLElement;
  update(hist: Histogram, colors: string[]): void;
  dispose(): void;
}

/** A histogram chart (`el`), redrawn by `update`; `dispose` releases its plot. */
export function createHistogram(label: string, width = 290, height = 130): HistogramChart {
  const el = h('figure', { class: 'sim-histogram', attrs: { 'aria-label': label } });
  const caption = h('figcaption', {}, label);
  const holder = h('div', { class: 'sim-histogram-plot' });
  el.append(holder, caption);
  let plot: uPlot | null = null;
  const table = h('table', { class: 'visually-hidden' });
  el.append(table);
  return {
    el,
    update(hist, colors) {
      plot?.destroy();
      caption.textContent = label;
      const xs = hist.edges.map((e) => e + hist.width / 2);
      const bars = uPlot.paths.bars!({ size: [0.9 / Math.max(1, hist.series.length), 40], align: 0 });
      plot = new uPlot(
        {
          width,
          height,
          legend: { show: true, live: false },
          cursor: { show: false },
          scales: { x: { time: false, range: [0, xs.length > 0 ? hist.edges.at(-1)! + hist.width : 1] }, y: { range: (_u, _min, max) => [0, Math.max(0.05, max * 1.1)] } },
          axes: [
            { stroke: '#b4bcc8', grid: { stroke: 'rgba(255,255,255,0.08)' }, values: (_u, v) => v.map((x) => `${formatNumber(x, 0)} h`), size: 28 },
            { stroke: '#b4bcc8', grid: { stroke: 'rgba(255,255,255,0.08)' }, values: (_u, v) => v.map((x) => `${formatNumber(x * 100, 0)} %`), size: 50 },
          ],
          series: [{}, ...hist.series.map((s, k) => ({ label: s.label, fill: colors[k] ?? '#4fc3f7', stroke: colors[k] ?? '#4fc3f7', paths: bars, points: { show: false } }))],
        },
        [xs, ...hist.series.map((s) => s.share)],
        holder,
      );
      // The same numbers as text, for screen readers.
      table.replaceChildren(
        h('tr', {}, h('th', {}, 'h'), ...hist.series.map((s) => h('th', {}, s.label))),
        ...hist.edges.map((e, k) => h('tr', {}, h('td', {}, `${formatNumber(e, 1)}–${formatNumber(e + hist.width, 1)}`), ...hist.series.map((s) => h('td', {}, `${formatNumber(s.share[k]! * 100, 1)} %`)))),
      );
    },
    dispose() {
      plot?.destroy();
      plot = null;
    },
  };
}
