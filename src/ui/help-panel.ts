import { h, replaceChildren } from './dom.ts';
import { t } from './i18n/index.ts';
import { createPanel, type Panel } from './panel.ts';

export interface HelpPanelOptions {
  onClose(): void;
  /** Whether the low-power mode is on. */
  lowPower(): boolean;
  /** The user switched the low-power mode (the 3D view is rebuilt with it). */
  onLowPower(on: boolean): void;
}

/** Help (mouse, keyboard, picking) and the display settings (low-power mode). */
export function createHelpPanel(o: HelpPanelOptions): Panel {
  const panel = createPanel('panel-help', 'help.title', o.onClose, 'panel-help');
  const render = () => {
    const box = h('input', { type: 'checkbox', id: 'low-power', on: { change: () => o.onLowPower(box.checked) } });
    box.checked = o.lowPower();
    replaceChildren(
      panel.body,
      h('p', {}, t('help.mouse')),
      h('p', {}, t('help.keys')),
      h('p', {}, t('help.pick')),
      h('h3', { class: 'help-subtitle' }, t('help.display')),
      h('label', { class: 'check-row', attrs: { for: 'low-power' } }, box, ' ', t('help.lowPower')),
      h('p', { class: 'muted' }, t('help.lowPowerNote')),
    );
  };
  render();
  return {
    ...panel,
    relabel() {
      panel.relabel();
      render();
    },
  };
}
