import { JulianDate, type CesiumWidget } from 'cesium';

/** Scene time (sun position) and shadows. */

export function setSceneTime(widget: CesiumWidget, ms: number): void {
  widget.clock.currentTime = JulianDate.fromDate(new Date(ms));
  widget.clock.shouldAnimate = false;
  widget.scene.requestRender();
}

export function setShadows(widget: CesiumWidget, on: boolean): void {
  const scene = widget.scene;
  scene.shadowMap.enabled = on;
  scene.shadowMap.softShadows = false;
  scene.shadowMap.size = 2048;
  scene.shadowMap.maximumDistance = 3000;
  scene.requestRender();
}
