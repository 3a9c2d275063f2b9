import type { Lang } from '../core/url-state.ts';
import { h } from './dom.ts';
import { getLang, t } from './i18n/index.ts';

/**
 * The basemap switcher: a labelled menu of the open city's basemaps (its city file's
 * `basemaps`), plus "none" (the offline imagery only). Hidden when the city has no basemap.
 */

export interface BasemapOption {
  id: string;
  names: Readonly<Record<Lang, string>>;
}

export interface BasemapSwitcher {
  readonly el: HTMLElement;
  /** The city's basemaps and the one shown (null: none). */
  set(list: readonly BasemapOption[], current: string | null): void;
  relabel(): void;
}

export function createBasemapSwitcher(onChange: (id: string | null) => void): BasemapSwitcher {
  const select = h('select', { id: 'basemap-select' });
  const label = h('label', { class: 'city-label basemap-label', attrs: { for: 'basemap-select' } });
  const el = h('span', { class: 'basemap-switcher', id: 'basemap-switcher', hidden: true }, label, select);
  let list: readonly BasemapOption[] = [];
  let current: string | null = null;
  select.addEventListener('change', () => {
    current = select.value === '' ? null : select.value;
    onChange(current);
  });
  const render = () => {
    label.textContent = t('basemap.label');
    const lang = getLang();
    select.replaceChildren(
      ...list.map((b) => {
        const o = h('option', { attrs: { value: b.id } }, b.names[lang]);
        o.selected = b.id === current;
        return o;
      }),
      (() => {
        const o = h('option', { attrs: { value: '' } }, t('basemap.none'));
        o.selected = current === null;
        return o;
      })(),
    );
    el.hidden = list.length === 0;
  };
  render();
  return {
    el,
    set(l, c) {
      list = l;
      current = c;
      render();
    },
    relabel: render,
  };
}
