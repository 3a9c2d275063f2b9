import type { DrawnLayer } from '../../scene/layers/draw.ts';
import { drawAsEntities } from '../../scene/layers/entities.ts';
import type { ViewerHandle } from '../../scene/viewer.ts';
import type { LayersController } from './controller.ts';
import { parsedOf, type LayerStatus } from './model.ts';
import type { LayersView } from './view.ts';

/** What tests and the benchmark read and drive (window.__jumeauLayers). */
export interface LayersTestApi {
  /** Per layer: on, status and feature count. */
  state(): { id: string; on: boolean; status: LayerStatus['kind']; count: number; reason?: string; parseMs?: number; fetchMs?: number; bytes?: number }[];
  setOn(id: string, on: boolean): void;
  setAllOn(on: boolean): void;
  /** Resolves when no layer is loading. */
  idle(timeoutMs?: number): Promise<boolean>;
  /** Sets the time of recorded series (minutes since local midnight). */
  setTime(minutes: number): void;
  /** Drawing counts of each drawn layer. */
  drawStats(): Record<string, ReturnType<DrawnLayer['stats']>>;
  /** Selects a feature by layer and feature id (as a click would). */
  select(layerId: string, featureId: string): boolean;
  /** Window position of a feature's anchor, or null. */
  featureWindowPosition(layerId: string, featureId: string): { x: number; y: number } | null;
  /**
   * Benchmark only: draws a loaded layer again as one Entity per feature (hidden batched copy),
   * waits until Cesium has built it, and returns the creation time; call the result to remove it.
   */
  drawAsEntities(layerId: string): Promise<{ count: number; createMs: number; opacity: (alpha: number) => Promise<number>; remove: () => void } | null>;
  /** Benchmark only: redraws a loaded layer with batched primitives and waits until they are built. */
  redrawBatched(layerId: string): Promise<{ createMs: number; opacity: (alpha: number) => Promise<number> } | null>;
}

declare global {
  interface Window {
    __jumeauLayers?: LayersTestApi;
  }
}

/** Sets `window.__jumeauLayers`; returns its remover. */
export function installLayersTestApi(ctrl: LayersController, view: LayersView, viewer: ViewerHandle | null): () => void {
  const parsed = (id: string) => {
    const l = ctrl.entry(id);
    return l !== undefined ? parsedOf(l) : null;
  };
  window.__jumeauLayers = {
    state: () =>
      ctrl.entries().map((l) => ({
        id: l.def.id,
        on: l.on,
        status: l.on ? l.status.kind : l.plan?.kind === 'unavailable' ? 'unavailable' : 'off',
        count: parsedOf(l)?.features.length ?? 0,
        ...(l.status.kind === 'error' ? { reason: `${l.status.where}: ${l.status.reason}` } : {}),
        ...(l.result?.ok === true && l.result.kind === 'features' ? { parseMs: l.result.parseMs, fetchMs: l.result.fetchMs, bytes: l.result.bytes } : {}),
      })),
    setOn: ctrl.setOn,
    setAllOn(on) {
      for (const l of ctrl.entries()) if (l.on !== on && (!on || l.plan?.kind !== 'unavailable')) ctrl.setOn(l.def.id, on);
    },
    idle: (timeoutMs = 120_000) =>
      new Promise((resolve) => {
        const start = Date.now();
        const check = () => {
          if (!ctrl.entries().some((l) => l.status.kind === 'loading')) return resolve(true);
          if (Date.now() - start > timeoutMs) return resolve(false);
          setTimeout(check, 100);
        };
        check();
      }),
    setTime: ctrl.setTime,
    drawStats: () => Object.fromEntries(ctrl.entries().flatMap((l) => {
      const s = view.stats(l.def.id);
      return s === null ? [] : [[l.def.id, s]];
    })),
    select: ctrl.selectById,
    async drawAsEntities(layerId) {
      const l = ctrl.entry(layerId);
      const p = parsed(layerId);
      const v = viewer;
      if (l === undefined || p === null || v === null) return null;
      const t0 = performance.now();
      const e = drawAsEntities(v.widget, l.def, p);
      // The widget's render updates the entity display (scene.render alone does not).
      await untilReady(() => e.ready(), () => v.widget.render());
      const opacity = async (alpha: number) => {
        const t1 = performance.now();
        e.setAlpha(alpha);
        v.widget.render();
        await untilReady(() => e.ready(), () => v.widget.render());
        return performance.now() - t1;
      };
      return { count: e.count, createMs: performance.now() - t0, opacity, remove: e.dispose };
    },
    async redrawBatched(layerId) {
      const v = viewer;
      if (ctrl.entry(layerId) === undefined || parsed(layerId) === null || v === null) return null;
      view.undraw(layerId);
      const t0 = performance.now();
      ctrl.redraw(layerId, { labels: false });
      await untilReady(() => view.ready(layerId), () => v.scene.render());
      const opacity = async (alpha: number) => {
        const t1 = performance.now();
        view.setOpacity(layerId, alpha);
        v.scene.render();
        return performance.now() - t1;
      };
      return { createMs: performance.now() - t0, opacity };
    },
    featureWindowPosition(layerId, featureId) {
      const f = parsed(layerId)?.features.find((x) => x.id === featureId);
      if (f === undefined || f.geometry.type !== 'point' || viewer === null) return null;
      return window.__jumeau?.toWindow(f.geometry.coordinates[0], f.geometry.coordinates[1], 10) ?? null;
    },
  };
  return () => {
    delete window.__jumeauLayers;
  };
}

/** Renders frames until `done()` (primitives build over several frames), at most 60 s. */
async function untilReady(done: () => boolean, render: () => void): Promise<void> {
  const start = performance.now();
  while (performance.now() - start < 60_000) {
    render();
    if (done()) return;
    await new Promise((r) => setTimeout(r, 16));
  }
}
