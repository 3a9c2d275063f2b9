import { h, replaceChildren } from '../../ui/dom.ts';
import { t } from '../../ui/i18n/index.ts';
import { createPanel, type Panel } from '../../ui/panel.ts';
import { hintKey, MEASURE_KINDS, type MeasureKind } from './controller.ts';

/** The measurement panel: one button per measurement, Clear, the hint and the result. DOM only. */

export interface MeasurePanel extends Panel {
  /** Redraws the panel for the measurement on and its result. */
  render(kind: MeasureKind | null, result: string | null): void;
  /** Shows a result while points are picked. */
  setResult(text: string | null): void;
}

/** The panel; its buttons call back (start a measurement, clear). */
export function createMeasurePanel(cb: { onClose(): void; onStart(kind: MeasureKind): void; onClear(): void }): MeasurePanel {
  const panel = createPanel('panel-measure', 'measure.title', cb.onClose, 'panel-measure panel-sim');
  const out = h('p', { id: 'measure-result', class: 'sim-line', attrs: { 'aria-live': 'polite' } });
  const hint = h('p', { class: 'hint', id: 'measure-hint' });
  const buttons = MEASURE_KINDS.map((k) => {
    const b = h('button', { id: `measure-${k}`, type: 'button', class: 'text-button', on: { click: () => cb.onStart(k) } });
    b.dataset.kind = k;
    return b;
  });
  const clearButton = h('button', { id: 'measure-clear', type: 'button', class: 'text-button', on: { click: () => cb.onClear() } });
  return {
    ...panel,
    render(kind, result) {
      for (const b of buttons) {
        b.textContent = t(`measure.${b.dataset.kind as MeasureKind}`);
        b.classList.toggle('primary', b.dataset.kind === kind);
      }
      clearButton.textContent = t('measure.clear');
      hint.textContent = t(hintKey(kind));
      out.textContent = result ?? '';
      replaceChildren(panel.body, h('div', { class: 'sim-actions' }, ...buttons, clearButton), hint, out);
    },
    setResult(text) {
      out.textContent = text ?? '';
    },
  };
}
