import '../../../assets/styles/tours.css';
import type { PlayerMode } from './player.ts';
import { h, icon, replaceChildren } from '../../ui/dom.ts';
import { t } from '../../ui/i18n/index.ts';
import { renderMarkdown } from './markdown-view.ts';

/**
 * The tour player's overlay: the stop's title and caption, progress dots, previous / pause /
 * next / exit. In presenter and kiosk modes it is large and alone on screen (the feature hides
 * the editing UI). Callbacks only; the state machine is `src/features/tours/player.ts`.
 */

export interface PlayerView {
  tourName: string;
  title: string;
  caption: string;
  index: number;
  count: number;
  mode: PlayerMode;
  paused: boolean;
  autoAdvance: boolean;
  ended: boolean;
  /** Problems of this stop (e.g. "scenario not available"), already translated. */
  notes: string[];
}

export interface PlayerCallbacks {
  onPrev(): void;
  onNext(): void;
  onTogglePause(): void;
  onGoto(index: number): void;
  onExit(): void;
}

export interface TourPlayerOverlay {
  readonly el: HTMLElement;
  show(view: PlayerView): void;
  hide(): void;
  /** Kiosk: shows or hides "press Esc again to leave". */
  setExitHint(shown: boolean): void;
  readonly shown: boolean;
}

const ICON_PREV = ['M15 5l-7 7 7 7'];
const ICON_NEXT = ['M9 5l7 7-7 7'];
const ICON_PAUSE = ['M8 5v14', 'M16 5v14'];
const ICON_PLAY = ['M7 4l13 8-13 8z'];
const ICON_EXIT = ['M6 6l12 12', 'M18 6 6 18'];

export function createTourPlayer(cb: PlayerCallbacks): TourPlayerOverlay {
  const tourName = h('div', { class: 'tour-player-tour' });
  const title = h('h2', { class: 'tour-player-title', id: 'tour-player-title' });
  const caption = h('div', { class: 'tour-player-caption', attrs: { 'aria-live': 'polite' } });
  const notes = h('div', { class: 'tour-player-notes', role: 'status' });
  const dots = h('ol', { class: 'tour-player-dots' });
  const counter = h('span', { class: 'tour-player-counter' });
  const button = (cls: string, paths: readonly string[], fn: () => void) =>
    h('button', { class: `icon-button tour-player-button ${cls}`, type: 'button', on: { click: fn } }, icon(paths));
  const prev = button('tour-prev', ICON_PREV, () => cb.onPrev());
  const pause = button('tour-pause', ICON_PAUSE, () => cb.onTogglePause());
  const next = button('tour-next', ICON_NEXT, () => cb.onNext());
  const exit = button('tour-exit', ICON_EXIT, () => cb.onExit());
  const hint = h('div', { class: 'tour-player-hint', hidden: true, role: 'alert' });
  const controls = h('div', { class: 'tour-player-controls' }, prev, pause, next, counter, dots, exit);
  const el = h(
    'section',
    { class: 'tour-player', id: 'tour-player', hidden: true, attrs: { 'aria-labelledby': 'tour-player-title', 'aria-roledescription': 'tour' } },
    tourName,
    title,
    caption,
    notes,
    controls,
    hint,
  );
  let shown = false;
  return {
    el,
    show(v) {
      shown = true;
      el.hidden = false;
      el.dataset.mode = v.mode;
      el.dataset.index = String(v.index);
      tourName.textContent = v.tourName;
      title.textContent = v.title;
      replaceChildren(caption, renderMarkdown(v.caption));
      replaceChildren(notes, ...v.notes.map((n) => h('p', { class: 'tour-player-note' }, n)));
      counter.textContent = t('tours.player.counter', { n: v.index + 1, count: v.count });
      replaceChildren(
        dots,
        ...Array.from({ length: v.count }, (_, i) =>
          h(
            'li',
            {},
            h('button', {
              class: `tour-dot${i === v.index ? ' current' : ''}`,
              type: 'button',
              attrs: { 'aria-label': t('tours.player.goto', { n: i + 1, count: v.count }), 'aria-current': i === v.index ? 'step' : undefined },
              on: { click: () => cb.onGoto(i) },
            }),
          ),
        ),
      );
      prev.title = t('tours.player.prev');
      prev.setAttribute('aria-label', prev.title);
      next.title = v.ended ? t('tours.player.end') : t('tours.player.next');
      next.setAttribute('aria-label', next.title);
      replaceChildren(pause, icon(v.paused || !v.autoAdvance ? ICON_PLAY : ICON_PAUSE));
      pause.title = v.paused || !v.autoAdvance ? t('tours.player.resume') : t('tours.player.pause');
      pause.setAttribute('aria-label', pause.title);
      exit.title = v.mode === 'kiosk' ? t('tours.player.exitKiosk') : t('tours.player.exit');
      exit.setAttribute('aria-label', exit.title);
      el.classList.toggle('paused', v.paused);
      el.classList.toggle('ended', v.ended);
    },
    hide() {
      shown = false;
      el.hidden = true;
      hint.hidden = true;
    },
    setExitHint(on) {
      hint.textContent = t('tours.player.exitHint');
      hint.hidden = !on;
    },
    get shown() {
      return shown;
    },
  };
}
