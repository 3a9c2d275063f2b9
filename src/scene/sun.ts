import { JulianDate, type CesiumWidget } from 'cesium';

/** Scene time (sun position) and shadows. */

export function setSceneTime(widget: CesiumWidget, ms: number): void {
  widget.clock.currentTime = JulianDate.fromDate(new Date(ms));
  widget.clock.shouldAnimate = false;
  widget.scene.requestRender();
}

/**
 * Turns cast shadows on or off. Flat-shaded LOD1 walls facing away from the sun show shadow acne
 * with Cesium's default bias for models, so the normal offset is raised (the bias object is not
 * public API; the setting is skipped if it is absent).
 */
export function setShadows(widget: CesiumWidget, on: boolean): void {
  const scene = widget.scene;
  const map = scene.shadowMap;
  map.enabled = on;
  map.softShadows = true;
  map.size = 2048;
  map.darkness = 0.35;
  map.maximumDistance = 3000;
  const bias = (map as unknown as { _primitiveBias?: { normalOffsetScale: number; depthBias: number } })._primitiveBias;
  if (bias !== undefined) {
    bias.normalOffsetScale = 0.2;
    bias.depthBias = 0.001;
  }
  scene.requestRender();
}
