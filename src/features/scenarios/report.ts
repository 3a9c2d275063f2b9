import type { Text } from '../../core/simulation/types.ts';
import type { Edit } from '../../scenarios/edits.ts';
import type { KpiTable } from '../../scenarios/kpi.ts';
import type { Scenario } from '../../scenarios/model.ts';

/**
 * The scenario report: one self-contained, printable HTML document (the browser's "Print → Save
 * as PDF" makes the PDF) with the scenario's name and description, screenshots of the baseline
 * and the scenario, the list of edits, the indicator table with deltas, the method of each
 * indicator and of each simulation, and the data sources with their licences (My data items with
 * what the user said of their licence and publisher). Pure: text in,
 * text out; every value from the scenario or the data is escaped, so a name cannot inject markup.
 */

export type Lang = 'fr' | 'en';

export interface ReportInput {
  scenario: Scenario;
  lang: Lang;
  /** When the report was made (ISO 8601). */
  madeAt: string;
  city: { name: string; synthetic: boolean };
  /** PNG data URLs (image/png only; anything else is left out). */
  screenshots: { baseline?: string; scenario?: string };
  table: KpiTable | null;
  /** Method cards of the simulations that ran: title and summary. */
  methods: { title: Text; summary: Text; version: number }[];
  /** Data sources shown in the app (publisher, licence, date, kind). */
  sources: { title: string; publisher: string; licence: string; date: string; kind: string }[];
  /** My data items (issue 13): what the user said of their licence and publisher ('' when nothing). */
  userData?: { name: string; publisher: string; licence: string; origin: string }[];
  /** How an edit is named (translated kinds). */
  describeEdit(e: Edit): string;
}

const L = {
  fr: { report: 'Rapport de scénario', made: 'Établi le', city: 'Ville', baseline: 'Ville actuelle (référence)', scenario: 'Scénario', edits: 'Modifications', none: 'Aucune', kpis: 'Indicateurs', kpi: 'Indicateur', delta: 'Écart', notComputed: 'Indicateurs non calculés.', study: 'Zone d’étude : {n} sommets ; date {date}, pas {step} min, maille {cell} m.', methods: 'Méthodes', sources: 'Sources des données', synthetic: 'Ville de démonstration synthétique : les chiffres illustrent la méthode.', views: 'Vues', version: 'version', print: 'Imprimer ou enregistrer en PDF : Ctrl+P (⌘P)', mine: 'Mes données', said: 'selon l’utilisateur', noPublisher: 'éditeur non précisé', noLicence: 'licence non précisée' },
  en: { report: 'Scenario report', made: 'Made on', city: 'City', baseline: 'Today’s city (baseline)', scenario: 'Scenario', edits: 'Edits', none: 'None', kpis: 'Indicators', kpi: 'Indicator', delta: 'Change', notComputed: 'Indicators not computed.', study: 'Study area: {n} vertices; date {date}, step {step} min, cell {cell} m.', methods: 'Methods', sources: 'Data sources', synthetic: 'Synthetic demo city: the numbers illustrate the method.', views: 'Views', version: 'version', print: 'Print or save as PDF: Ctrl+P (⌘P)', mine: 'My data', said: 'as stated by the user', noPublisher: 'publisher not stated', noLicence: 'licence not stated' },
} as const;

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function num(v: number | null, decimals: number, lang: Lang, signed = false): string {
  if (v === null || !Number.isFinite(v)) return '—';
  const s = v.toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return signed && v > 0 ? `+${s}` : s;
}

const PNG = /^data:image\/png;base64,[A-Za-z0-9+/=]+$/;

/** The report as an HTML document. */
export function buildReport(r: ReportInput): string {
  const l = L[r.lang];
  const e = escapeHtml;
  const s = r.scenario;
  const out: string[] = [];
  out.push(`<!doctype html><html lang="${r.lang}"><head><meta charset="utf-8"><title>${e(l.report)} — ${e(s.name)}</title>`);
  out.push('<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:900px;color:#111}h1{margin:0 0 4px}h2{border-bottom:1px solid #ccc;margin-top:28px}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 6px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}.better{color:#1b5e20}.worse{color:#b71c1c}.views{display:flex;gap:8px}.views figure{flex:1;margin:0}.views img{width:100%;border:1px solid #999}.note{background:#fff3e0;padding:6px 8px}.meta{color:#555}@media print{.noprint{display:none}}</style></head><body>');
  // No script: the app's Content-Security-Policy (inherited by this blob document) forbids it.
  out.push(`<p class="meta noprint">${e(l.print)}</p>`);
  out.push(`<h1>${e(l.report)} : ${e(s.name)}</h1>`);
  out.push(`<p class="meta">${e(l.city)} : ${e(r.city.name)} · ${e(l.made)} ${e(r.madeAt.slice(0, 16).replace('T', ' '))} UTC · id ${e(s.id)}</p>`);
  if (s.description.trim() !== '') out.push(`<p>${e(s.description)}</p>`);
  if (r.city.synthetic) out.push(`<p class="note">${e(l.synthetic)}</p>`);
  const shots = (['baseline', 'scenario'] as const).filter((k) => r.screenshots[k] !== undefined && PNG.test(r.screenshots[k]!));
  if (shots.length > 0) {
    out.push(`<h2>${e(l.views)}</h2><div class="views">`);
    for (const k of shots) out.push(`<figure><img alt="${e(l[k])}" src="${r.screenshots[k]!}"><figcaption>${e(l[k])}</figcaption></figure>`);
    out.push('</div>');
  }
  out.push(`<h2>${e(l.edits)} (${s.edits.length})</h2>`);
  if (s.edits.length === 0) out.push(`<p>${e(l.none)}</p>`);
  else out.push(`<ol>${s.edits.map((x) => `<li>${e(r.describeEdit(x))}</li>`).join('')}</ol>`);
  out.push(`<h2>${e(l.kpis)}</h2>`);
  const tb = r.table;
  if (tb === null) out.push(`<p>${e(l.notComputed)}</p>`);
  else {
    out.push(`<p class="meta">${e(l.study.replace('{n}', String(tb.study.area.length)).replace('{date}', tb.study.date).replace('{step}', String(tb.study.stepMin)).replace('{cell}', String(tb.study.cellM)))}</p>`);
    out.push(`<table><thead><tr><th>${e(l.kpi)}</th><th>${e(l.baseline)}</th><th>${e(l.scenario)}</th><th>${e(l.delta)}</th></tr></thead><tbody>`);
    for (const row of tb.rows) {
      const unit = row.unit === '' ? '' : ` ${row.unit}`;
      const cls = row.verdict === 'better' || row.verdict === 'worse' ? ` class="n ${row.verdict}"` : ' class="n"';
      if (row.error !== null) out.push(`<tr><td>${e(row.label[r.lang])}</td><td colspan="3">${e(row.error)}</td></tr>`);
      else out.push(`<tr><td>${e(row.label[r.lang])}</td><td class="n">${e(num(row.baseline, row.decimals, r.lang) + unit)}</td><td class="n">${e(num(row.scenario, row.decimals, r.lang) + unit)}</td><td${cls}>${e(num(row.delta, row.decimals, r.lang, true) + unit)}${row.deltaPct !== null && row.delta !== 0 ? ` (${e(num(row.deltaPct, 1, r.lang, true))} %)` : ''}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  out.push(`<h2>${e(l.methods)}</h2><dl>`);
  for (const row of tb?.rows ?? []) out.push(`<dt><b>${e(row.label[r.lang])}</b></dt><dd>${e(row.method[r.lang])}</dd>`);
  for (const m of r.methods) out.push(`<dt><b>${e(m.title[r.lang])}</b> (${e(l.version)} ${m.version})</dt><dd>${e(m.summary[r.lang])}</dd>`);
  out.push('</dl>');
  out.push(`<h2>${e(l.sources)}</h2><ul>`);
  for (const src of r.sources) out.push(`<li>${e(src.title)} — ${e(src.publisher)}, ${e(src.licence)}, ${e(src.date)} (${e(src.kind)})</li>`);
  for (const u of r.userData ?? []) {
    const origin = u.origin !== u.name ? ` — ${e(u.origin)}` : '';
    out.push(`<li class="user-data">${e(u.name)} — ${e(u.publisher.trim() || l.noPublisher)}, ${e(u.licence.trim() || l.noLicence)} (${e(l.mine)}, ${e(l.said)})${origin}</li>`);
  }
  out.push('</ul></body></html>');
  return out.join('\n');
}
