import type { AppContext } from '../../app/context.ts';
import { pickPlace } from '../../scene/consult-pins.ts';
import { startPolygonDraw, type DrawHandle } from '../../scene/draw.ts';

/**
 * Placing things in the 3D view for the wifi feature: one click for an access point or a
 * candidate site (Escape gives up), or a polygon for the study area (picking is suspended while
 * it is drawn). One at a time: starting one ends the other.
 */

export interface WifiPlacing {
  /** Waits for one click in the view; `onPlace` gets the place clicked (nothing when the click hit nothing). */
  capture(hint: string, onPlace: (p: { lonDeg: number; latDeg: number; heightM: number }) => void): void;
  /** Lets the user draw a polygon; `onRing` gets it when finished (nothing when cancelled). */
  drawArea(hint: string, onRing: (ring: [number, number][]) => void): void;
  /** Ends a capture or a drawing under way. */
  stop(): void;
}

/** `hint` shows a text while placing (null: none); `capturing` says whether a click is awaited. */
export function createWifiPlacing(ctx: AppContext, o: { hint(text: string | null): void; capturing(on: boolean): void }): WifiPlacing {
  let draw: DrawHandle | null = null;
  let resumePicking: (() => void) | null = null;
  let endCapture: (() => void) | null = null;

  function stopCapture(): void {
    endCapture?.();
    endCapture = null;
    o.capturing(false);
    o.hint(null);
    document.removeEventListener('keydown', onEscape, true);
  }
  function onEscape(e: KeyboardEvent): void {
    if (e.key === 'Escape') stopCapture();
  }
  function stopDraw(): void {
    draw?.dispose();
    draw = null;
    resumePicking?.();
    resumePicking = null;
    o.hint(null);
  }

  return {
    capture(hint, onPlace) {
      const v = ctx.viewer;
      if (v === null || ctx.picking === null) return;
      stopDraw();
      stopCapture();
      o.capturing(true);
      o.hint(hint);
      document.addEventListener('keydown', onEscape, true);
      endCapture = ctx.picking.capture((x, y) => {
        const p = pickPlace(v.scene, x, y);
        stopCapture();
        if (p !== null) onPlace(p);
      });
    },
    drawArea(hint, onRing) {
      if (ctx.viewer === null) return;
      stopCapture();
      stopDraw();
      resumePicking = ctx.picking?.suspend() ?? null;
      o.hint(hint);
      const viewEl = ctx.viewer.scene.canvas.closest('.view') as HTMLElement | null;
      viewEl?.focus();
      draw = startPolygonDraw(ctx.viewer.scene, {
        keyTarget: viewEl ?? document.body,
        onChange: () => undefined,
        onFinish: (ring) => {
          draw = null;
          stopDraw();
          onRing(ring);
        },
        onCancel: () => {
          draw = null;
          stopDraw();
        },
      });
    },
    stop() {
      stopCapture();
      stopDraw();
    },
  };
}
