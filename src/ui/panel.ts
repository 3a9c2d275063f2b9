import { h, icon } from './dom.ts';
import { ICONS } from './icons.ts';
import { t, type MessageKey } from './i18n/index.ts';

/** A floating panel with a title bar and a close button. */
export interface Panel {
  readonly el: HTMLElement;
  readonly body: HTMLElement;
  setTitle(text: string): void;
  /** Re-reads translated texts (title and close label). */
  relabel(): void;
}

export function createPanel(id: string, titleKey: MessageKey, onClose: () => void, className = ''): Panel {
  const title = h('h2', { class: 'panel-title', id: `${id}-title` }, t(titleKey));
  const close = h('button', { class: 'icon-button panel-close', type: 'button', on: { click: onClose } }, icon(ICONS.close));
  const body = h('div', { class: 'panel-body' });
  const el = h('section', { class: `panel ${className}`, id, hidden: true, attrs: { 'aria-labelledby': `${id}-title` } }, h('header', { class: 'panel-header' }, title, close), body);
  // A body that scrolls must be reachable by keyboard (arrow keys scroll it once focused): it
  // joins the tab order only while its content overflows.
  const syncScrollable = () => {
    const scrolls = body.scrollHeight > body.clientHeight + 1;
    if (scrolls && !body.hasAttribute('tabindex')) {
      body.tabIndex = 0;
    } else if (!scrolls && body.hasAttribute('tabindex')) {
      body.removeAttribute('tabindex');
    }
  };
  if (typeof ResizeObserver !== 'undefined') {
    const ro = new ResizeObserver(syncScrollable);
    ro.observe(body);
    if (typeof MutationObserver !== 'undefined') new MutationObserver(() => requestAnimationFrame(syncScrollable)).observe(body, { childList: true, subtree: true });
  }
  let customTitle: string | null = null;
  const relabel = () => {
    title.textContent = customTitle ?? t(titleKey);
    close.title = t('info.close');
    close.setAttribute('aria-label', t('info.close'));
  };
  relabel();
  return {
    el,
    body,
    setTitle(text) {
      customTitle = text;
      title.textContent = text;
    },
    relabel,
  };
}
