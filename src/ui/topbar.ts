import { h, replaceChildren } from './dom.ts';
import { getLang, t } from './i18n/index.ts';

/** The top bar: app name, city picker, "synthetic" badge and language switch. */

export interface CityOption {
  id: string;
  name: string;
  synthetic: boolean;
  online: boolean;
  origin: 'builtin' | 'pack';
}

export interface TopBar {
  readonly el: HTMLElement;
  readonly banner: HTMLElement;
  setCities(cities: readonly CityOption[], currentId: string): void;
  /** Shows or hides the "offline" indicator. */
  setOffline(offline: boolean): void;
  relabel(): void;
}

export interface TopBarCallbacks {
  onCity(id: string): void;
  onLanguage(): void;
}

export function createTopBar(cb: TopBarCallbacks): TopBar {
  const title = h('span', { class: 'brand-name' });
  const tagline = h('span', { class: 'brand-tagline' });
  const select = h('select', { id: 'city-select' });
  const selectLabel = h('label', { class: 'city-label', attrs: { for: 'city-select' } });
  const badge = h('span', { class: 'badge badge-synthetic', id: 'synthetic-badge', hidden: true });
  const offlineBadge = h('span', { class: 'badge badge-offline', id: 'offline-badge', role: 'status', hidden: true });
  const lang = h('button', { type: 'button', class: 'text-button lang-switch', id: 'btn-lang', on: { click: () => cb.onLanguage() } });
  const banner = h('div', { class: 'banner banner-synthetic', id: 'synthetic-banner', role: 'note', hidden: true });
  select.addEventListener('change', () => cb.onCity(select.value));
  let cities: readonly CityOption[] = [];
  let current = '';
  const el = h('header', { class: 'topbar' }, h('div', { class: 'brand' }, title, tagline), selectLabel, select, badge, offlineBadge, lang);
  const render = () => {
    title.textContent = t('app.title');
    tagline.textContent = t('app.tagline');
    selectLabel.textContent = t('city.label');
    lang.textContent = t('toolbar.language');
    lang.title = t('toolbar.languageLabel');
    lang.setAttribute('aria-label', t('toolbar.languageLabel'));
    lang.setAttribute('lang', getLang() === 'fr' ? 'en' : 'fr');
    replaceChildren(
      select,
      ...cities.map((c) => {
        const tags = [c.synthetic ? t('city.synthetic') : null, c.online ? t('city.online') : null, c.origin === 'pack' ? t('city.pack') : null].filter((s) => s !== null);
        const o = h('option', { attrs: { value: c.id } }, tags.length > 0 ? `${c.name} (${tags.join(', ')})` : c.name);
        o.selected = c.id === current;
        return o;
      }),
    );
    const cur = cities.find((c) => c.id === current);
    const synthetic = cur?.synthetic === true;
    badge.hidden = !synthetic;
    badge.textContent = t('city.synthetic');
    banner.hidden = !synthetic;
    banner.textContent = t('city.syntheticBanner');
    offlineBadge.textContent = t('net.offline');
    offlineBadge.title = t('net.offlineTitle');
  };
  render();
  return {
    el,
    banner,
    setCities(list, id) {
      cities = list;
      current = id;
      render();
    },
    setOffline(offline) {
      offlineBadge.hidden = !offline;
    },
    relabel: render,
  };
}
