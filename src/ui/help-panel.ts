import { h, replaceChildren } from './dom.ts';
import { t } from './i18n/index.ts';
import { createPanel, type Panel } from './panel.ts';

export function createHelpPanel(onClose: () => void): Panel {
  const panel = createPanel('panel-help', 'help.title', onClose, 'panel-help');
  const render = () => replaceChildren(panel.body, h('p', {}, t('help.mouse')), h('p', {}, t('help.keys')), h('p', {}, t('help.pick')));
  render();
  return {
    ...panel,
    relabel() {
      panel.relabel();
      render();
    },
  };
}
