import type { Attribution } from '../core/schemas/attribution.ts';
import { h, replaceChildren } from './dom.ts';
import { t, type MessageKey } from './i18n/index.ts';
import { createPanel, type Panel } from './panel.ts';

/**
 * The attribution panel: which city is shown and, for every source, its publisher, licence,
 * date and status (live, recorded, synthetic), and whether it is shown or why not.
 */

export type SourceRole = 'buildings' | 'terrain' | 'basemap' | 'imagery' | 'layer';

export interface SourceEntry {
  role: SourceRole;
  attribution: Attribution;
  shown: boolean;
  /** Why it is not shown (when `shown` is false). */
  reason?: string;
}

export interface SourcesPanel extends Panel {
  update(cityName: string, entries: readonly SourceEntry[], terrainIsEllipsoid: boolean): void;
}

export function createSourcesPanel(onClose: () => void): SourcesPanel {
  const panel = createPanel('panel-sources', 'sources.title', onClose, 'panel-sources');
  let state: { city: string; entries: readonly SourceEntry[]; ellipsoid: boolean } | null = null;
  const render = () => {
    if (state === null) return;
    const list = h('ul', { class: 'sources-list' });
    for (const e of state.entries) {
      const a = e.attribution;
      const status = h('span', { class: `status status-${a.status}` }, t(`sources.status.${a.status}` as MessageKey));
      const licence = a.licenceUrl !== undefined
        ? h('a', { attrs: { href: a.licenceUrl, target: '_blank', rel: 'noopener noreferrer' } }, a.licence)
        : a.licence;
      list.append(
        h(
          'li',
          { class: e.shown ? 'source' : 'source source-off', attrs: { 'data-role': e.role } },
          h('div', { class: 'source-head' }, h('strong', {}, `${t(`sources.role.${e.role}` as MessageKey)} · ${a.title}`), ' ', status),
          h(
            'dl',
            { class: 'source-fields' },
            h('dt', {}, t('sources.publisher')), h('dd', {}, a.publisher),
            h('dt', {}, t('sources.licence')), h('dd', {}, licence),
            h('dt', {}, t('sources.date')), h('dd', {}, a.date),
            a.origin !== undefined ? h('dt', {}, t('sources.origin')) : null,
            a.origin !== undefined ? h('dd', { class: 'origin' }, a.origin) : null,
          ),
          e.shown ? null : h('div', { class: 'not-shown' }, t('sources.notShown', { reason: e.reason ?? '' })),
        ),
      );
    }
    replaceChildren(
      panel.body,
      h('p', { class: 'sources-city' }, t('sources.city', { name: state.city })),
      list,
      state.ellipsoid ? h('p', { class: 'hint' }, t('sources.ellipsoid')) : null,
    );
  };
  return {
    ...panel,
    update(city, entries, ellipsoid) {
      state = { city, entries, ellipsoid };
      render();
    },
    relabel() {
      panel.relabel();
      render();
    },
  };
}
