import { fromZoned, toZoned } from '../core/time.ts';
import { h, replaceChildren } from './dom.ts';
import { t } from './i18n/index.ts';
import { createPanel, type Panel } from './panel.ts';

/**
 * Sun and shadows: a date, a time-of-day slider (15-minute steps, local time of the city) and a
 * shadows switch. Reports changes as UTC instants.
 */

export interface TimePanel extends Panel {
  setTime(ms: number): void;
  setShadows(on: boolean): void;
  setTimeZone(timeZone: string): void;
}

export interface TimePanelCallbacks {
  onClose(): void;
  onTime(ms: number): void;
  onShadows(on: boolean): void;
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export function createTimePanel(cb: TimePanelCallbacks): TimePanel {
  const panel = createPanel('panel-time', 'time.title', cb.onClose, 'panel-time');
  let timeZone = 'Europe/Paris';
  let ms = Date.now();
  let shadows = false;
  const date = h('input', { type: 'date', id: 'time-date', attrs: { min: '1900-01-01', max: '2199-12-31' } });
  const slider = h('input', { type: 'range', id: 'time-slider', attrs: { min: 0, max: 1425, step: 15 } });
  const out = h('output', { id: 'time-output', attrs: { for: 'time-slider' } });
  const shadowBox = h('input', { type: 'checkbox', id: 'time-shadows' });
  const nowButton = h('button', { type: 'button', class: 'text-button' });
  const emit = () => {
    const minutes = Number(slider.value);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date.value)) return; // partial input while typing
    ms = fromZoned(date.value, minutes, timeZone);
    out.textContent = hhmm(minutes);
    cb.onTime(ms);
  };
  date.addEventListener('change', emit);
  slider.addEventListener('input', emit);
  shadowBox.addEventListener('change', () => {
    shadows = shadowBox.checked;
    cb.onShadows(shadows);
  });
  nowButton.addEventListener('click', () => {
    ms = Math.round(Date.now() / 60000) * 60000;
    sync();
    cb.onTime(ms);
  });
  const sync = () => {
    const z = toZoned(ms, timeZone);
    date.value = z.date;
    slider.value = String(Math.round(z.minutes / 15) * 15);
    out.textContent = hhmm(z.minutes);
    slider.setAttribute('aria-valuetext', hhmm(z.minutes));
    shadowBox.checked = shadows;
  };
  const render = () => {
    nowButton.textContent = t('time.now');
    replaceChildren(
      panel.body,
      h('label', { class: 'field', attrs: { for: 'time-date' } }, t('time.date'), date),
      h('label', { class: 'field', attrs: { for: 'time-slider' } }, `${t('time.hour')} · ${t('time.timezone')}`, h('span', { class: 'slider-row' }, slider, out)),
      h('label', { class: 'check', attrs: { for: 'time-shadows' } }, shadowBox, t('time.shadows')),
      nowButton,
    );
    sync();
  };
  render();
  return {
    ...panel,
    setTime(v) {
      ms = v;
      sync();
    },
    setShadows(on) {
      shadows = on;
      sync();
    },
    setTimeZone(tz) {
      timeZone = tz;
      sync();
    },
    relabel() {
      panel.relabel();
      render();
    },
  };
}
