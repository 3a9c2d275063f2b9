import type { AppContext, OpenCity } from '../../app/context.ts';
import { emptyEffect } from '../../scenarios/model.ts';
import { t } from '../../ui/i18n/index.ts';
import type { CompareMode } from './compare-link.ts';
import type { ScenarioController } from './controller.ts';
import type { ScenarioService } from './service.ts';
import { createSyncView, type SyncViewHandle } from './sync-view.ts';
import { addSplitDivider, type ScenarioLayer } from './view.ts';

/**
 * The comparison with today's city in the 3D view: one view split by a draggable divider (the
 * scenario layer drawn on one side), or two synchronised views (they exclude each other); and
 * the screenshots of both sides for the report.
 */
export interface Comparison {
  /** Shows a comparison (null: none); refused without an active scenario or a 3D view. */
  set(mode: CompareMode | null): void;
  /** The scenario side's label (renamed, another scenario). */
  setRightLabel(text: string): void;
  /** Counts of the synchronised views, when they are open. */
  syncStats(): ReturnType<SyncViewHandle['stats']> | null;
  /** Screenshots of the scenario and of the baseline (the scenario layer removed for a frame). */
  screenshots(): { baseline?: string; scenario?: string };
}

export function createComparison(o: { ctx: AppContext; controller: ScenarioController; service: ScenarioService; city(): OpenCity | null; layer(): ScenarioLayer | null; redraw(): void }): Comparison {
  const { ctx, controller: c, service } = o;
  let split: number | null = null;
  let syncView: SyncViewHandle | null = null;
  let removeDivider: (() => void) | null = null;

  function set(mode: CompareMode | null): void {
    if (mode !== null && (service.active() === null || ctx.viewer === null)) mode = null;
    if (mode !== 'sync' && syncView !== null) {
      syncView.dispose();
      syncView = null;
    }
    if (mode !== 'split' && split !== null) setSplit(null);
    c.compare = mode;
    if (mode === 'split' && split === null) setSplit(0.5);
    if (mode === 'sync' && syncView === null && ctx.viewer !== null) {
      const view = ctx.viewer.scene.canvas.closest('.view') as HTMLElement | null;
      try {
        if (view === null) throw new Error('no 3D view');
        syncView = createSyncView(ctx.viewer, view, {
          buildings: o.city()?.config.buildings ?? null,
          quality: ctx.state.extra.quality === 'low' ? 'low' : 'high',
          stable: ctx.stable,
          labels: { left: t('scenario.today'), right: service.active()?.name ?? t('scenario.active') },
          onError: (reason) => c.say(t('scenario.syncFailed', { reason }), 'error'),
        });
      } catch (e) {
        c.say(t('scenario.syncFailed', { reason: e instanceof Error ? e.message : String(e) }), 'error');
        c.compare = null;
      }
    }
    c.compareShown();
  }

  function setSplit(pos: number | null): void {
    split = pos;
    removeDivider?.();
    removeDivider = null;
    o.layer()?.setSplit(pos);
    const view = ctx.viewer?.scene.canvas.closest('.view') as HTMLElement | null;
    if (pos !== null && view !== null && view !== undefined) {
      removeDivider = addSplitDivider(view, pos, (x) => {
        split = x;
        o.layer()?.setSplit(x);
      }, { left: t('scenario.baseline'), right: service.active()?.name ?? t('scenario.active') });
    }
    c.render();
  }

  function screenshots(): { baseline?: string; scenario?: string } {
    const layer = o.layer();
    if (ctx.viewer === null || layer === null) return {};
    const scene = ctx.viewer.scene;
    const shot = () => {
      scene.render();
      return scene.canvas.toDataURL('image/png');
    };
    const wasSplit = split;
    layer.setSplit(null);
    const scen = shot();
    layer.update(emptyEffect(), () => null);
    const base = shot();
    o.redraw();
    layer.setSplit(wasSplit);
    return { baseline: base, scenario: scen };
  }

  return {
    set,
    setRightLabel: (text) => syncView?.setRightLabel(text),
    syncStats: () => syncView?.stats() ?? null,
    screenshots,
  };
}
