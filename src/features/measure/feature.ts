import { createMeasureController } from './controller.ts';
import { createMeasurePanel } from './panel.ts';
import { installMeasureTestApi } from './test-api.ts';
import { startMeasure } from './view.ts';
import { formatNumber, t } from '../../ui/i18n/index.ts';
import type { AppContext } from '../../app/context.ts';

/**
 * Measurement tools on the 3D city: distance along picked points, height between two points,
 * area of a polygon (on the ground and in its own plane, for a roof or a facade). Points land on
 * the picked surface (depth buffer, view.ts). The numbers come from `measure.ts` (ECEF and local
 * east-north-up frames, tested on known shapes); the state is in controller.ts.
 */

const RULER_ICON = ['M3 17 17 3l4 4L7 21z', 'M7 13l2 2', 'M10 10l2 2', 'M13 7l2 2'];

/** Adds the measurement panel and tools; returns their remover. */
export function install(ctx: AppContext): () => void {
  const panel = createMeasurePanel({
    onClose: () => ctx.setPanelOpen('measure', false),
    onStart: (k) => {
      if (ctx.viewer !== null) ctl.start(k);
    },
    onClear: () => ctl.clear(),
  });
  const ctl = createMeasureController({
    draw: (kind, onChange, onEnd) => startMeasure(ctx.viewer!.scene, { kind, onChange, onEnd }),
    suspendPicking: () => ctx.picking?.suspend() ?? (() => undefined),
    format: formatNumber,
    text: (r) => t(r.key, r.params),
    showResult: (text) => panel.setResult(text),
    render: () => panel.render(ctl.kind(), ctl.result()),
  });
  const removePanel = ctx.addPanel('measure', panel, 'right', { label: 'measure.toolbar', icon: RULER_ICON });
  const offLang = ctx.onLangChange(() => panel.render(ctl.kind(), ctl.result()));
  const offCity = ctx.onCity(() => () => ctl.clear());
  const removeTestApi = installMeasureTestApi(() => ctl.state());
  panel.render(ctl.kind(), ctl.result());
  return () => {
    ctl.clear();
    offLang();
    offCity();
    removePanel();
    removeTestApi();
  };
}
