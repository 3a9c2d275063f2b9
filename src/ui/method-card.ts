import type { MethodCard } from '../core/simulation/types.ts';
import { h, replaceChildren } from './dom.ts';
import { getLang, t } from './i18n/index.ts';
import { createPanel, type Panel } from './panel.ts';

/** The method card of a simulation, as text (DESIGN.md convention 6). */
export interface MethodCardPanel extends Panel {
  show(card: MethodCard, version: number): void;
}

export function createMethodCardPanel(onClose: () => void, domId = 'panel-method'): MethodCardPanel {
  const panel = createPanel(domId, 'sim.methodTitle', onClose, 'panel-method');
  let current: { card: MethodCard; version: number } | null = null;
  const render = () => {
    if (current === null) return;
    const { card, version } = current;
    const L = getLang();
    panel.setTitle(`${card.title[L]} · ${t('sim.card.version', { version })}`);
    const section = (key: Parameters<typeof t>[0], ...children: Node[]) => h('section', { class: 'card-section' }, h('h3', {}, t(key)), ...children);
    const table = h('table', { class: 'card-params' }, h('thead', {}, h('tr', {}, h('th', {}, t('sim.card.name')), h('th', {}, t('sim.card.value')), h('th', {}, t('sim.card.unit')), h('th', {}, t('sim.card.meaning')))));
    const body = h('tbody');
    for (const p of card.parameters) body.append(h('tr', {}, h('td', {}, p.name), h('td', {}, p.value), h('td', {}, p.unit), h('td', {}, p.meaning[L])));
    table.append(body);
    replaceChildren(
      panel.body,
      h('p', { class: 'card-summary' }, card.summary[L]),
      section('sim.card.model', h('p', {}, card.model[L])),
      section('sim.card.equations', h('dl', { class: 'card-equations' }, ...card.equations.flatMap((e) => [h('dt', {}, e.label[L]), h('dd', {}, h('code', {}, e.formula))]))),
      section('sim.card.parameters', table),
      section('sim.card.sources', h('ul', {}, ...card.sources.map((s) => h('li', {}, s.url !== undefined ? h('a', { attrs: { href: s.url, target: '_blank', rel: 'noopener' } }, s.label) : s.label)))),
      section('sim.card.validity', h('ul', {}, ...card.validity.map((v) => h('li', {}, v[L])))),
      section('sim.card.reference', h('p', {}, card.reference[L])),
    );
  };
  return {
    ...panel,
    show(card, version) {
      current = { card, version };
      render();
    },
    relabel() {
      panel.relabel();
      render();
    },
  };
}
