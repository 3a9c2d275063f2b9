import { rgbToHex, type SteppedRamp } from '../core/color-ramp.ts';
import { h, replaceChildren } from './dom.ts';
import { formatNumber, t } from './i18n/index.ts';
import { createPanel, type Panel } from './panel.ts';

/** The legend of the building colours, drawn from the same ramp as the 3D style. */
export interface LegendPanel extends Panel {
  setRamp(ramp: SteppedRamp): void;
}

export function legendLabels(ramp: SteppedRamp): string[] {
  return ramp.classes.map((c) => {
    const unit = ramp.unit;
    if (!Number.isFinite(c.min)) return t('legend.lessThan', { value: formatNumber(c.max, 0), unit });
    if (!Number.isFinite(c.max)) return t('legend.atLeast', { value: formatNumber(c.min, 0), unit });
    return t('legend.range', { min: formatNumber(c.min, 0), max: formatNumber(c.max, 0), unit });
  });
}

export function createLegendPanel(onClose: () => void): LegendPanel {
  const panel = createPanel('panel-legend', 'legend.title', onClose, 'panel-legend');
  let ramp: SteppedRamp | null = null;
  const render = () => {
    if (ramp === null) return;
    const labels = legendLabels(ramp);
    const list = h('ul', { class: 'legend-list' });
    // Highest class on top, as a height scale reads.
    for (let i = ramp.classes.length - 1; i >= 0; i--) {
      list.append(h('li', {}, h('span', { class: 'swatch', attrs: { style: `background:${rgbToHex(ramp.classes[i]!.color)}` } }), labels[i]!));
    }
    list.append(h('li', {}, h('span', { class: 'swatch', attrs: { style: `background:${rgbToHex(ramp.noData)}` } }), t('legend.noData')));
    replaceChildren(panel.body, list);
  };
  return {
    ...panel,
    setRamp(r) {
      ramp = r;
      render();
    },
    relabel() {
      panel.relabel();
      render();
    },
  };
}
