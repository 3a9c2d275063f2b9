import { Cartesian2, ScreenSpaceEventHandler, ScreenSpaceEventType, type Scene } from 'cesium';

/**
 * Picking for every pickable layer through one event handler. Each layer registers a handler
 * that recognises its own picked objects and says how to tint them on hover; the router picks at
 * most once per frame on mouse move (picking renders, so it is throttled) and on click.
 */

/** What the UI shows about a picked object: plain values only. */
export interface PickedItem {
  /** The layer it belongs to ('buildings' for the city's buildings). */
  layerId: string;
  id: string | null;
  properties: Record<string, unknown>;
}

export interface PickHandler {
  /** The item for a picked Cesium object, or null when it is not this layer's. */
  resolve(picked: unknown): PickedItem | null;
  /** Tints a picked object for hover; returns the function that restores it. */
  highlight?(picked: unknown): () => void;
}

export interface PickRouter {
  /** Adds a handler; returns the function that removes it. */
  add(handler: PickHandler): () => void;
  /** The item under a window position (CSS pixels from the canvas's top-left), without events. */
  pickAt(x: number, y: number): PickedItem | null;
  /** Stops hover and click picking (a drawing tool owns the clicks) until the returned function is called. */
  suspend(): () => void;
  /**
   * While set, a click calls `fn` with its window position (CSS pixels) instead of picking —
   * for placing something in 3D. Returns the function that ends the capture.
   */
  capture(fn: (x: number, y: number) => void): () => void;
  dispose(): void;
}

export interface PickRouterCallbacks {
  onHover(item: PickedItem | null): void;
  onClick(item: PickedItem | null): void;
}

export function createPickRouter(scene: Scene, cb: PickRouterCallbacks): PickRouter {
  const handlers: PickHandler[] = [];
  const events = new ScreenSpaceEventHandler(scene.canvas);
  let hovered: { picked: unknown; item: PickedItem; restore: () => void } | null = null;
  let pending: Cartesian2 | null = null;
  let frame = 0;
  let suspended = 0;
  let captured: ((x: number, y: number) => void) | null = null;

  const resolve = (pos: Cartesian2): { picked: unknown; item: PickedItem; handler: PickHandler } | null => {
    let picked: unknown;
    try {
      picked = scene.pick(pos);
    } catch {
      return null;
    }
    if (picked === undefined || picked === null) return null;
    for (const handler of handlers) {
      const item = handler.resolve(picked);
      if (item !== null) return { picked, item, handler };
    }
    return null;
  };
  const clearHover = () => {
    if (hovered === null) return;
    try {
      hovered.restore();
    } catch {
      // The object was unloaded or destroyed: nothing to restore.
    }
    hovered = null;
    cb.onHover(null);
    scene.requestRender();
  };
  const hover = () => {
    frame = 0;
    if (pending === null) return;
    const r = resolve(pending);
    pending = null;
    if (hovered !== null && r !== null && r.picked === hovered.picked) return;
    clearHover();
    if (r === null) return;
    hovered = { picked: r.picked, item: r.item, restore: r.handler.highlight?.(r.picked) ?? (() => undefined) };
    cb.onHover(r.item);
    scene.requestRender();
  };
  events.setInputAction((e: { endPosition: Cartesian2 }) => {
    if (suspended > 0) return;
    pending = e.endPosition.clone();
    if (frame === 0) frame = requestAnimationFrame(hover);
  }, ScreenSpaceEventType.MOUSE_MOVE);
  events.setInputAction((e: { position: Cartesian2 }) => {
    if (suspended > 0) return;
    if (captured !== null) return captured(e.position.x, e.position.y);
    cb.onClick(resolve(e.position)?.item ?? null);
  }, ScreenSpaceEventType.LEFT_CLICK);
  const onLeave = () => clearHover();
  scene.canvas.addEventListener('mouseleave', onLeave);
  return {
    add(handler) {
      handlers.push(handler);
      return () => {
        const i = handlers.indexOf(handler);
        if (i >= 0) handlers.splice(i, 1);
        if (hovered !== null && handler.resolve(hovered.picked) !== null) clearHover();
      };
    },
    pickAt(x, y) {
      return resolve(new Cartesian2(x, y))?.item ?? null;
    },
    suspend() {
      suspended++;
      clearHover();
      let done = false;
      return () => {
        if (!done) suspended--;
        done = true;
      };
    },
    capture(fn) {
      captured = fn;
      return () => {
        if (captured === fn) captured = null;
      };
    },
    dispose() {
      if (frame !== 0) cancelAnimationFrame(frame);
      scene.canvas.removeEventListener('mouseleave', onLeave);
      clearHover();
      events.destroy();
      handlers.length = 0;
    },
  };
}
