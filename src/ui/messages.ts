import { h, icon } from './dom.ts';
import { ICONS } from './icons.ts';
import { t } from './i18n/index.ts';

/**
 * User-visible messages: errors, warnings and notices, announced to screen readers. A message
 * with a key replaces an earlier one with the same key (no floods from repeated failures).
 */

export type Level = 'error' | 'warning' | 'info';

export interface Message {
  level: Level;
  text: string;
  key?: string;
  /** Milliseconds before it hides by itself (default: info 6 s, others stay). */
  timeoutMs?: number;
}

export interface MessageCenter {
  readonly el: HTMLElement;
  show(message: Message): void;
  /** Every message shown since start (for tests and the text view). */
  history(): readonly Message[];
  /** Hides the message shown under this key, if any (its cause is gone). */
  dismiss(key: string): void;
  clear(): void;
  dispose(): void;
}

export function createMessageCenter(): MessageCenter {
  const el = h('div', { class: 'messages', attrs: { 'aria-live': 'polite', 'aria-relevant': 'additions' } });
  const shown = new Map<string, HTMLElement>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const log: Message[] = [];
  let counter = 0;
  const remove = (key: string) => {
    shown.get(key)?.remove();
    shown.delete(key);
  };
  return {
    el,
    show(message) {
      log.push(message);
      const key = message.key ?? `m${++counter}`;
      remove(key);
      const item = h(
        'div',
        { class: `message message-${message.level}`, role: message.level === 'error' ? 'alert' : 'status', attrs: { 'data-key': key } },
        h('span', { class: 'message-text' }, message.text),
        h('button', { class: 'icon-button message-close', type: 'button', title: t('msg.dismiss'), attrs: { 'aria-label': t('msg.dismiss') }, on: { click: () => remove(key) } }, icon(ICONS.close)),
      );
      shown.set(key, item);
      el.appendChild(item);
      const timeout = message.timeoutMs ?? (message.level === 'info' ? 6000 : 0);
      if (timeout > 0) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (shown.get(key) === item) remove(key);
        }, timeout);
        timers.add(timer);
      }
    },
    history: () => log,
    dismiss: remove,
    clear() {
      for (const k of [...shown.keys()]) remove(k);
    },
    dispose() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      el.remove();
    },
  };
}
