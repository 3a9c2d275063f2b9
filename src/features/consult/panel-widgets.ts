import type { Category, Consultation } from '../../core/schemas/consultation.ts';
import type { HeatGrid } from './heat.ts';
import { CATEGORY_COLORS } from './model.ts';
import { h } from '../../ui/dom.ts';
import { getLang, t, type MessageKey } from '../../ui/i18n/index.ts';

/** Small pieces of the consultation panel (panel.ts): labels, dates, chips, vote bars, the heat map. */

/** A category's name in the user's language. */
export const catLabel = (c: string) => t(`consult.cat.${c}` as MessageKey);

/** A date (or date and time) in the user's language. */
export function formatDate(iso: string, withTime = false): string {
  const d = new Date(iso);
  return new Intl.DateTimeFormat(getLang() === 'fr' ? 'fr-FR' : 'en-GB', withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'long' }).format(d);
}

/** Whether a consultation is open, upcoming or closed, with the date. */
export function statusLine(c: Pick<Consultation, 'status' | 'opensAt' | 'closesAt'>): string {
  if (c.status === 'open') return t('consult.status.open', { date: formatDate(c.closesAt) });
  if (c.status === 'upcoming') return t('consult.status.upcoming', { date: formatDate(c.opensAt) });
  return t('consult.status.closed', { date: formatDate(c.closesAt) });
}

/** A category chip in the category's colour. */
export function chip(category: Category): HTMLElement {
  const el = h('span', { class: 'consult-chip' }, catLabel(category));
  el.style.setProperty('--chip', CATEGORY_COLORS[category]);
  return el;
}

/** Support and oppose shares as a two-coloured bar (decorative: the counts are given as text). */
export function voteBar(support: number, oppose: number): HTMLElement {
  const total = support + oppose;
  const bar = h('div', { class: 'consult-bar', attrs: { 'aria-hidden': 'true' } });
  const s = h('span', { class: 'consult-bar-support' });
  const o = h('span', { class: 'consult-bar-oppose' });
  s.style.width = `${total === 0 ? 0 : (100 * support) / total}%`;
  o.style.width = `${total === 0 ? 0 : (100 * oppose) / total}%`;
  bar.append(s, o);
  return bar;
}

/** The heat map of comments as a canvas (an image with its text alternative). */
export function heatCanvas(g: HeatGrid): HTMLElement {
  const cell = 14;
  const canvas = h('canvas', { class: 'consult-heat', id: 'consult-heat', role: 'img' });
  canvas.width = g.cols * cell;
  canvas.height = g.rows * cell;
  const total = g.counts.reduce((a, b) => a + b, 0);
  canvas.setAttribute('aria-label', t('consult.summary.heatLabel', { count: total, max: g.max }));
  const ctx = canvas.getContext('2d');
  if (ctx !== null) {
    ctx.fillStyle = '#1d232c';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    for (let r = 0; r < g.rows; r++) {
      for (let col = 0; col < g.cols; col++) {
        const n = g.counts[r * g.cols + col]!;
        if (n === 0) continue;
        const f = Math.sqrt(n / Math.max(1, g.max));
        ctx.fillStyle = `rgba(255, ${Math.round(220 - 170 * f)}, ${Math.round(80 - 60 * f)}, ${0.25 + 0.75 * f})`;
        ctx.fillRect(col * cell, r * cell, cell - 1, cell - 1);
      }
    }
  }
  return canvas;
}
