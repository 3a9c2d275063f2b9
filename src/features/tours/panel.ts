import { fromZoned, toZoned } from '../../core/time.ts';
import { TOUR_LIMITS, type Tour, type TourStop } from './model.ts';
import type { PlayerMode } from './player.ts';
import { h, replaceChildren } from '../../ui/dom.ts';
import { t } from '../../ui/i18n/index.ts';
import { renderMarkdown } from './markdown-view.ts';
import { createPanel, type Panel } from '../../ui/panel.ts';
import type { TourPanelView } from './controller.ts';

/**
 * The tours panel: choose a tour (saved ones and the samples), edit it — add the current view as
 * a stop, edit a stop (title, caption with preview, flight and hold times, time of day, buildings
 * to highlight, scenario, layers), reorder stops by dragging or with Alt+↑/↓, delete, preview —
 * and play it in a window, in presenter mode or as a kiosk; export, import and share by link.
 * A view model in, callbacks out; texts only through text nodes.
 */

export type StopPatch = Partial<Omit<TourStop, 'id' | 'camera'>>;

export interface TourPanelCallbacks {
  onClose(): void;
  onSelectTour(id: string): void;
  onNewTour(): void;
  onCopyTour(): void;
  onDeleteTour(): void;
  onTourPatch(patch: Partial<Pick<Tour, 'name' | 'description' | 'autoAdvance' | 'loop'>>): void;
  onAddStop(): void;
  onSelectStop(id: string): void;
  onStopPatch(id: string, patch: StopPatch): void;
  /** Sets the stop's camera, layers, time and scenario to what is shown now. */
  onStopFromView(id: string): void;
  onMoveStop(from: number, to: number): void;
  onRemoveStop(id: string): void;
  onPreviewStop(index: number): void;
  onPlay(mode: PlayerMode, from: number): void;
  onExport(): void;
  onImport(file: File): void;
  onShare(): void;
}

export interface TourPanel extends Panel {
  render(view: TourPanelView): void;
}

const field = (label: string, control: HTMLElement) => h('label', { class: 'field tour-field' }, h('span', {}, label), control);

export function createTourPanel(cb: TourPanelCallbacks): TourPanel {
  const panel = createPanel('tour-panel', 'tours.title', cb.onClose, 'panel-tours');
  let last: TourPanelView | null = null;
  let dragFrom: number | null = null;

  function render(v: TourPanelView): void {
    last = v;
    // Keep the focus on the same control across re-renders (keyboard reordering, editing).
    const active = document.activeElement as HTMLElement | null;
    const focusKey = active !== null && panel.body.contains(active) ? active.dataset.focus : undefined;

    const select = h('select', { class: 'tour-select', id: 'tour-select', attrs: { 'aria-label': t('tours.choose'), 'data-focus': 'tour-select' }, on: { change: () => cb.onSelectTour(select.value) } });
    for (const o of v.tours) {
      const opt = h('option', {}, o.sample ? `${o.name} · ${t('tours.sample')}` : o.name);
      opt.value = o.id;
      opt.selected = v.tour?.id === o.id;
      select.append(opt);
    }
    const top = h(
      'div',
      { class: 'tour-top' },
      select,
      h('div', { class: 'tour-actions' },
        h('button', { class: 'text-button', type: 'button', id: 'tour-new', on: { click: () => cb.onNewTour() } }, t('tours.new')),
        h('button', { class: 'text-button', type: 'button', id: 'tour-import', on: { click: () => file.click() } }, t('tours.import')),
      ),
    );
    const file = h('input', { type: 'file', class: 'visually-hidden', id: 'tour-file', attrs: { accept: '.json,application/json', 'aria-label': t('tours.import') } });
    file.addEventListener('change', () => {
      const f = file.files?.[0];
      if (f !== undefined) cb.onImport(f);
      file.value = '';
    });

    const children: (HTMLElement | null)[] = [top, file];
    if (v.error !== null) children.push(h('p', { class: 'tour-error', role: 'alert' }, v.error));
    if (v.info !== null) children.push(h('p', { class: 'tour-info', role: 'status' }, v.info));
    if (v.link !== null) {
      const link = h('input', { type: 'text', id: 'tour-link', attrs: { readonly: true, 'aria-label': t('tours.share'), 'data-focus': 'tour-link' }, on: { focus: () => link.select() } });
      link.value = v.link;
      children.push(link);
    }
    const tour = v.tour;
    if (tour === null) {
      children.push(h('p', { class: 'tour-empty' }, t('tours.none')));
    } else {
      children.push(tourBlock(tour, v));
    }
    replaceChildren(panel.body, ...children);
    if (focusKey !== undefined) (panel.body.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`) as HTMLElement | null)?.focus();
  }

  function tourBlock(tour: Tour, v: TourPanelView): HTMLElement {
    const sample = tour.sample === true;
    const play = (mode: PlayerMode, cls: string, label: string) =>
      h('button', { class: `text-button ${cls}`, type: 'button', id: `tour-${mode}`, attrs: { disabled: tour.stops.length === 0 }, on: { click: () => cb.onPlay(mode, 0) } }, label);
    const players = h('div', { class: 'tour-play-row' }, play('window', 'tour-play', t('tours.play')), play('present', '', t('tours.present')), play('kiosk', '', t('tours.kiosk')));
    const files = h('div', { class: 'tour-actions' },
      h('button', { class: 'text-button', type: 'button', id: 'tour-export', on: { click: () => cb.onExport() } }, t('tours.export')),
      h('button', { class: 'text-button', type: 'button', id: 'tour-share', on: { click: () => cb.onShare() } }, t('tours.share')),
      sample
        ? h('button', { class: 'text-button', type: 'button', id: 'tour-copy', on: { click: () => cb.onCopyTour() } }, t('tours.copySample'))
        : h('button', { class: 'text-button danger', type: 'button', id: 'tour-delete', on: { click: () => { if (confirm(t('tours.confirmDelete', { name: tour.name }))) cb.onDeleteTour(); } } }, t('tours.delete')),
    );
    const out = h('div', { class: 'tour-block' }, players, files);
    if (sample) out.append(h('p', { class: 'tour-info' }, t('tours.sampleNote')));
    else {
      const name = h('input', { type: 'text', id: 'tour-name', attrs: { maxlength: TOUR_LIMITS.nameChars, 'data-focus': 'tour-name' } });
      name.value = tour.name;
      name.addEventListener('change', () => cb.onTourPatch({ name: name.value.trim() === '' ? tour.name : name.value.trim() }));
      const auto = h('input', { type: 'checkbox', id: 'tour-auto', attrs: { 'data-focus': 'tour-auto' } });
      auto.checked = tour.autoAdvance;
      auto.addEventListener('change', () => cb.onTourPatch({ autoAdvance: auto.checked }));
      const loop = h('input', { type: 'checkbox', id: 'tour-loop', attrs: { 'data-focus': 'tour-loop' } });
      loop.checked = tour.loop;
      loop.addEventListener('change', () => cb.onTourPatch({ loop: loop.checked }));
      out.append(
        field(t('tours.name'), name),
        h('div', { class: 'tour-checks' }, h('label', { class: 'check' }, auto, t('tours.autoAdvance')), h('label', { class: 'check' }, loop, t('tours.loop'))),
      );
    }
    out.append(h('h3', { class: 'tour-subtitle' }, t('tours.stops', { count: tour.stops.length })));
    out.append(stopList(tour, v, sample));
    if (!sample) {
      out.append(h('button', { class: 'text-button tour-add', type: 'button', id: 'tour-add-stop', attrs: { disabled: tour.stops.length >= TOUR_LIMITS.stops }, on: { click: () => cb.onAddStop() } }, t('tours.addStop')));
    }
    const stop = tour.stops.find((s) => s.id === v.selectedStop);
    if (stop !== undefined && !sample) out.append(stopEditor(tour, stop, v));
    return out;
  }

  function stopList(tour: Tour, v: TourPanelView, readOnly: boolean): HTMLElement {
    const list = h('ol', { class: 'tour-stops', id: 'tour-stops', attrs: { 'aria-label': t('tours.stopsLabel') } });
    tour.stops.forEach((s, i) => {
      const selected = s.id === v.selectedStop;
      const row = h(
        'li',
        {
          class: `tour-stop${selected ? ' selected' : ''}`,
          attrs: { tabindex: 0, draggable: readOnly ? 'false' : 'true', 'data-focus': `stop:${s.id}`, 'data-stop': s.id, 'aria-current': selected ? 'true' : undefined, 'aria-keyshortcuts': readOnly ? undefined : 'Alt+ArrowUp Alt+ArrowDown' },
          on: {
            click: (e) => {
              if ((e.target as HTMLElement).closest('button') === null) cb.onSelectStop(s.id);
            },
            keydown: (e) => {
              if (readOnly) return;
              if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
                e.preventDefault();
                e.stopPropagation();
                cb.onMoveStop(i, e.key === 'ArrowUp' ? i - 1 : i + 1);
              } else if (e.key === 'Enter') {
                e.preventDefault();
                cb.onSelectStop(s.id);
              } else if (e.key === 'Delete') {
                e.preventDefault();
                cb.onRemoveStop(s.id);
              }
            },
            dragstart: (e) => {
              dragFrom = i;
              e.dataTransfer?.setData('text/plain', String(i));
              row.classList.add('dragging');
            },
            dragend: () => row.classList.remove('dragging'),
            dragover: (e) => {
              if (dragFrom !== null) e.preventDefault();
            },
            drop: (e) => {
              e.preventDefault();
              if (dragFrom !== null && dragFrom !== i) cb.onMoveStop(dragFrom, i);
              dragFrom = null;
            },
          },
        },
        h('span', { class: 'tour-stop-n' }, String(i + 1)),
        h('span', { class: 'tour-stop-title' }, s.title || t('tours.untitled')),
        h('button', { class: 'text-button tour-go', type: 'button', title: t('tours.preview'), attrs: { 'aria-label': `${t('tours.preview')} ${i + 1}` }, on: { click: () => cb.onPreviewStop(i) } }, '▶'),
      );
      if (!readOnly) {
        row.append(
          h('button', { class: 'text-button', type: 'button', title: t('tours.moveUp'), attrs: { 'aria-label': `${t('tours.moveUp')} ${i + 1}`, disabled: i === 0 }, on: { click: () => cb.onMoveStop(i, i - 1) } }, '↑'),
          h('button', { class: 'text-button', type: 'button', title: t('tours.moveDown'), attrs: { 'aria-label': `${t('tours.moveDown')} ${i + 1}`, disabled: i === tour.stops.length - 1 }, on: { click: () => cb.onMoveStop(i, i + 1) } }, '↓'),
          h('button', { class: 'text-button danger tour-remove', type: 'button', title: t('tours.removeStop'), attrs: { 'aria-label': `${t('tours.removeStop')} ${i + 1}` }, on: { click: () => cb.onRemoveStop(s.id) } }, '×'),
        );
      }
      list.append(row);
    });
    return list;
  }

  function stopEditor(tour: Tour, s: TourStop, v: TourPanelView): HTMLElement {
    const patch = (p: StopPatch) => cb.onStopPatch(s.id, p);
    const title = h('input', { type: 'text', id: 'stop-title', attrs: { maxlength: TOUR_LIMITS.titleChars, 'data-focus': 'stop-title' } });
    title.value = s.title;
    title.addEventListener('change', () => patch({ title: title.value }));
    const caption = h('textarea', { id: 'stop-caption', attrs: { rows: 5, maxlength: TOUR_LIMITS.captionChars, 'data-focus': 'stop-caption' } });
    caption.value = s.caption;
    const preview = h('div', { class: 'tour-caption-preview', attrs: { 'aria-label': t('tours.captionPreview') } }, renderMarkdown(s.caption));
    caption.addEventListener('input', () => replaceChildren(preview, renderMarkdown(caption.value)));
    caption.addEventListener('change', () => patch({ caption: caption.value }));
    const num = (id: string, value: number, min: number, max: number, step: number, key: 'flightS' | 'holdS') => {
      const el = h('input', { type: 'number', id, attrs: { min, max, step, 'data-focus': id } });
      el.value = String(value);
      el.addEventListener('change', () => {
        const n = Number(el.value);
        if (Number.isFinite(n) && n >= min && n <= max) patch({ [key]: n });
        else el.value = String(value);
      });
      return el;
    };
    const zoned = s.timeMs !== null ? toZoned(s.timeMs, v.timeZone) : null;
    const date = h('input', { type: 'date', id: 'stop-date', attrs: { 'data-focus': 'stop-date' } });
    const clock = h('input', { type: 'time', id: 'stop-clock', attrs: { 'data-focus': 'stop-clock' } });
    if (zoned !== null) {
      date.value = zoned.date;
      clock.value = `${String(Math.floor(zoned.minutes / 60)).padStart(2, '0')}:${String(zoned.minutes % 60).padStart(2, '0')}`;
    }
    const setTime = () => {
      const m = /^(\d\d):(\d\d)$/.exec(clock.value);
      if (/^\d{4}-\d\d-\d\d$/.test(date.value) && m !== null) patch({ timeMs: fromZoned(date.value, Number(m[1]) * 60 + Number(m[2]), v.timeZone) });
    };
    date.addEventListener('change', setTime);
    clock.addEventListener('change', setTime);
    const keepTime = h('button', { class: 'text-button', type: 'button', id: 'stop-time-clear', attrs: { disabled: s.timeMs === null }, on: { click: () => patch({ timeMs: null }) } }, t('tours.keepTime'));
    const highlight = h('input', { type: 'text', id: 'stop-highlight', attrs: { 'data-focus': 'stop-highlight', placeholder: 'D01594, D01168' } });
    highlight.value = s.highlight.join(', ');
    highlight.addEventListener('change', () => {
      const ids = [...new Set(highlight.value.split(/[\s,;]+/).filter((x) => /^[A-Za-z0-9._:-]{1,128}$/.test(x)))].slice(0, TOUR_LIMITS.highlight);
      patch({ highlight: ids });
    });
    const scenario = h('select', { id: 'stop-scenario', attrs: { 'data-focus': 'stop-scenario' } });
    const opt = (value: string, label: string) => {
      const o = h('option', {}, label);
      o.value = value;
      return o;
    };
    scenario.append(opt('', t('tours.today')));
    for (const sc of v.scenarios ?? []) scenario.append(opt(sc.id, sc.name));
    if (s.scenarioId !== null && !(v.scenarios ?? []).some((x) => x.id === s.scenarioId)) scenario.append(opt(s.scenarioId, t('tours.scenarioMissing', { id: s.scenarioId })));
    scenario.value = s.scenarioId ?? '';
    scenario.addEventListener('change', () => patch({ scenarioId: scenario.value === '' ? null : scenario.value }));
    const layers = s.layers === null ? t('tours.layersKept') : t('tours.layersSet', { count: s.layers.length, list: s.layers.map((l) => l.id).join(', ') });
    return h(
      'div',
      { class: 'tour-stop-editor', id: 'tour-stop-editor' },
      h('h3', { class: 'tour-subtitle' }, t('tours.editStop', { n: tour.stops.indexOf(s) + 1 })),
      field(t('tours.stopTitle'), title),
      field(t('tours.caption'), caption),
      h('p', { class: 'tour-hint' }, t('tours.captionHelp')),
      preview,
      h('div', { class: 'tour-grid' }, field(t('tours.flightS'), num('stop-flight', s.flightS, 0, TOUR_LIMITS.flightS, 0.5, 'flightS')), field(t('tours.holdS'), num('stop-hold', s.holdS, 1, TOUR_LIMITS.holdS, 1, 'holdS'))),
      h('div', { class: 'tour-grid' }, field(t('tours.date'), date), field(t('tours.clock'), clock)),
      keepTime,
      field(t('tours.highlight'), highlight),
      field(v.scenarios === null ? t('tours.scenarioUnavailable') : t('tours.scenario'), scenario),
      h('p', { class: 'tour-hint' }, layers),
      h('div', { class: 'tour-actions' },
        h('button', { class: 'text-button', type: 'button', id: 'stop-from-view', on: { click: () => cb.onStopFromView(s.id) } }, t('tours.fromView')),
        h('button', { class: 'text-button', type: 'button', id: 'stop-layers-keep', attrs: { disabled: s.layers === null }, on: { click: () => patch({ layers: null }) } }, t('tours.keepLayers')),
      ),
    );
  }

  return {
    ...panel,
    render,
    relabel() {
      panel.relabel();
      if (last !== null) render(last);
    },
  };
}
