import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from '../../ui/dom.ts';
import { formatNumber, t } from '../../ui/i18n/index.ts';

/**
 * Occupancy over the recorded day for one car park, drawn with uPlot (a 50 kB canvas chart
 * library: fast, no dependencies; Observable Plot would bring d3 for one small chart). The
 * snapshots are points joined by a dashed line (the values between them are interpolated, not
 * measured); a vertical line marks the time shown. A text alternative lists the values.
 */
export function createOccupancyChart(o: { name: string; timesMs: readonly number[]; values: readonly number[]; timeZone: string; nowMs: number; widthPx?: number }): HTMLElement {
  const xs = o.timesMs.map((ms) => ms / 1000);
  const ys = o.values.map((v) => (Number.isFinite(v) ? Math.round(v * 1000) / 10 : null));
  const fmt = (ms: number) => new Intl.DateTimeFormat('fr-FR', { timeZone: o.timeZone, hour: '2-digit', minute: '2-digit' }).format(ms);
  const alt = t('layers.chart.alt', { name: o.name, values: o.timesMs.map((ms, i) => `${fmt(ms)} ${ys[i] === null ? '—' : `${formatNumber(ys[i]!, 0)} %`}`).join(', ') });
  const target = h('div', { class: 'occupancy-chart', attrs: { 'aria-hidden': 'true' } });
  const figure = h('figure', { class: 'chart' }, h('figcaption', {}, t('layers.chart.title')), target, h('p', { class: 'sr-only chart-alt' }, alt));
  const nowS = o.nowMs / 1000;
  const span = xs.length > 0 ? [Math.min(xs[0]!, nowS) - 1800, Math.max(xs[xs.length - 1]!, nowS) + 1800] : [nowS - 3600, nowS + 3600];
  try {
    new uPlot(
      {
        width: o.widthPx ?? 300,
        height: 150,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), o.timeZone),
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true, range: () => [span[0]!, span[1]!] }, y: { range: [0, 100] } },
        axes: [
          { stroke: '#b4bcc8', grid: { stroke: 'rgba(255,255,255,0.08)' }, ticks: { stroke: 'rgba(255,255,255,0.2)' } },
          { stroke: '#b4bcc8', values: (_u, vals) => vals.map((v) => `${v} %`), grid: { stroke: 'rgba(255,255,255,0.08)' }, size: 44 },
        ],
        series: [{}, { stroke: '#4fc3f7', width: 2, dash: [5, 4], spanGaps: true, points: { show: true, size: 7, fill: '#4fc3f7' } }],
        hooks: {
          draw: [
            (u) => {
              const x = u.valToPos(nowS, 'x', true);
              const ctx = u.ctx;
              ctx.save();
              ctx.strokeStyle = '#ffca28';
              ctx.lineWidth = 2;
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
              ctx.restore();
            },
          ],
        },
      },
      [xs, ys],
      target,
    );
  } catch {
    // No canvas (tests without a browser): the text alternative remains.
  }
  return figure;
}
