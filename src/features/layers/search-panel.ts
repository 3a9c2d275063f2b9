import { h, replaceChildren } from '../../ui/dom.ts';
import { t } from '../../ui/i18n/index.ts';
import { createPanel, type Panel } from '../../ui/panel.ts';

/**
 * The search box: finds features by name across the layers shown; choosing a result selects the
 * feature and flies to it. The search itself is done by the caller (src/layers/search.ts).
 */

export interface SearchResult {
  key: string;
  name: string;
  layerTitle: string;
}

export interface SearchPanelCallbacks {
  onClose(): void;
  /** Called as the user types; returns the results and how many layers were searched. */
  onQuery(query: string): { results: SearchResult[]; layers: number };
  onChoose(key: string): void;
}

export interface SearchPanel extends Panel {
  /** Re-runs the current query (layers were loaded or turned off). */
  refresh(): void;
  focus(): void;
}

/** The search panel; `cb.onQuery` does the search. */
export function createSearchPanel(cb: SearchPanelCallbacks): SearchPanel {
  const panel = createPanel('panel-search', 'layers.search.title', cb.onClose, 'panel-search');
  const input = h('input', { type: 'search', id: 'search-input', attrs: { autocomplete: 'off', spellcheck: 'false', 'aria-controls': 'search-results' } });
  const hint = h('p', { class: 'hint', id: 'search-hint' });
  const list = h('ul', { class: 'search-results', id: 'search-results', role: 'listbox' });
  const label = h('label', { class: 'field', attrs: { for: 'search-input' } });
  const run = () => {
    const { results, layers } = cb.onQuery(input.value);
    hint.textContent = layers === 0 ? t('layers.search.noLayers') : input.value.trim() !== '' && results.length === 0 ? t('layers.search.none') : t('layers.search.hint', { count: layers });
    replaceChildren(
      list,
      ...results.map((r) =>
        h('li', { role: 'option' }, h('button', { type: 'button', class: 'search-result', attrs: { 'data-key': r.key }, on: { click: () => cb.onChoose(r.key) } }, h('span', { class: 'search-name' }, r.name), h('span', { class: 'search-layer' }, r.layerTitle))),
      ),
    );
  };
  input.addEventListener('input', run);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      const first = list.querySelector<HTMLButtonElement>('button.search-result');
      if (first !== null) {
        e.preventDefault();
        first.click();
      }
    }
  });
  const render = () => {
    label.textContent = t('layers.search.label');
    input.placeholder = t('layers.search.label');
    replaceChildren(panel.body, label, input, hint, list);
    run();
  };
  render();
  return {
    ...panel,
    refresh: run,
    focus: () => input.focus(),
    relabel() {
      panel.relabel();
      render();
    },
  };
}
