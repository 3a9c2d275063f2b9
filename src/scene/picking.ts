import { Cesium3DTileFeature, Color, ScreenSpaceEventHandler, ScreenSpaceEventType, type Cartesian2, type Scene } from 'cesium';

/**
 * Hover highlight and click selection of 3D Tiles features. Hover picks at most once per frame
 * (picking renders a frame, so it is throttled); the hovered feature is tinted and restored.
 */

export interface PickingOptions {
  /** Whether a picked feature belongs to the layer being picked. */
  accept(feature: Cesium3DTileFeature): boolean;
  onHover(feature: Cesium3DTileFeature | null): void;
  onClick(feature: Cesium3DTileFeature | null): void;
}

const HOVER_COLOR = Color.fromCssColorString('#ffffff').withAlpha(1);

export function installPicking(scene: Scene, options: PickingOptions): () => void {
  const handler = new ScreenSpaceEventHandler(scene.canvas);
  let hovered: { feature: Cesium3DTileFeature; color: Color } | null = null;
  let pending: Cartesian2 | null = null;
  let frame = 0;

  const pickFeature = (pos: Cartesian2): Cesium3DTileFeature | null => {
    const picked: unknown = scene.pick(pos);
    return picked instanceof Cesium3DTileFeature && options.accept(picked) ? picked : null;
  };
  const clearHover = () => {
    if (hovered !== null) {
      try {
        hovered.feature.color = hovered.color;
      } catch {
        // The feature's tile was unloaded: nothing to restore.
      }
      hovered = null;
      options.onHover(null);
      scene.requestRender();
    }
  };
  const hover = () => {
    frame = 0;
    if (pending === null) return;
    const f = pickFeature(pending);
    pending = null;
    if (hovered !== null && f === hovered.feature) return;
    clearHover();
    if (f !== null) {
      hovered = { feature: f, color: Color.clone(f.color) };
      f.color = Color.lerp(f.color, HOVER_COLOR, 0.55, new Color());
      options.onHover(f);
      scene.requestRender();
    }
  };
  handler.setInputAction((e: { endPosition: Cartesian2 }) => {
    pending = e.endPosition.clone();
    if (frame === 0) frame = requestAnimationFrame(hover);
  }, ScreenSpaceEventType.MOUSE_MOVE);
  handler.setInputAction((e: { position: Cartesian2 }) => {
    options.onClick(pickFeature(e.position));
  }, ScreenSpaceEventType.LEFT_CLICK);
  const onLeave = () => clearHover();
  scene.canvas.addEventListener('mouseleave', onLeave);
  return () => {
    if (frame !== 0) cancelAnimationFrame(frame);
    scene.canvas.removeEventListener('mouseleave', onLeave);
    clearHover();
    handler.destroy();
  };
}
