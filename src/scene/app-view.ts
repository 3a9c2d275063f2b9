import type { Scene } from 'cesium';
import { QUALITY_LEVELS } from '../core/adaptive-quality.ts';
import type { CameraState } from '../core/url-state.ts';
import type { CameraAction } from '../ui/toolbar.ts';
import type { KeyAction } from '../ui/keyboard.ts';
import type { ViewFacts } from '../ui/view-description.ts';
import { installAdaptiveQuality, type AdaptiveQualityHandle } from './adaptive-quality.ts';
import { getCameraState, northUp, orbit, pan, setCameraState, zoom } from './camera.ts';
import type { CityScene } from './city-scene.ts';
import { createPickRouter, type PickedItem, type PickRouter } from './picking.ts';
import { installStats, tilesetStats, type StatsProbe } from './stats.ts';
import { createViewer, type ViewerHandle } from './viewer.ts';

/**
 * The app's 3D view as the shell starts it: the Cesium viewer with its frame statistics, the
 * adaptive quality, and picking for every layer; the toolbar's and the keyboard's camera moves;
 * the facts the text alternative of the view reads.
 */

export interface AppView {
  /** Null when WebGL is unavailable (the UI still works). */
  viewer: ViewerHandle | null;
  stats: StatsProbe | null;
  adaptive: AdaptiveQualityHandle | null;
  picking: PickRouter | null;
  /** The item under the mouse. */
  hovered: PickedItem | null;
  /** Why the view could not start (WebGL missing), or null. */
  error: string | null;
}

export interface AppViewOptions {
  credits: HTMLElement;
  stable: boolean;
  /** The URL's `quality`: 'low' (low-power mode, pinned), 'high' (pinned best), 'auto' or none. */
  quality: string | undefined;
  onRenderError(reason: string): void;
  onContextLost(): void;
  /** A click on an item (a click on empty ground is not reported: it keeps the selection). */
  onClick(item: PickedItem): void;
}

/**
 * Starts the 3D view in `el`. What fails (no WebGL) is named in `error`, and the parts started
 * before the failure are kept, so the app goes on without them.
 */
export function startAppView(el: HTMLElement, o: AppViewOptions): AppView {
  const view: AppView = { viewer: null, stats: null, adaptive: null, picking: null, hovered: null, error: null };
  try {
    const v = createViewer(el, { creditContainer: o.credits, stable: o.stable, quality: o.quality === 'low' ? 'low' : 'high', onRenderError: o.onRenderError, onContextLost: o.onContextLost });
    view.viewer = v;
    view.stats = installStats(v.scene);
    // Quality: `quality=low` is the low-power mode (the cheapest level, pinned); `quality=high`
    // pins the best; otherwise it adapts to frame times. Screenshots and tests (stable) stay fixed.
    const q = o.quality;
    if (o.stable ? q === 'auto' : q !== 'high') {
      view.adaptive = installAdaptiveQuality(v.widget, { baseResolution: 1 });
      if (q === 'low') view.adaptive.pin(QUALITY_LEVELS.length - 1);
    }
    view.picking = createPickRouter(v.scene, {
      onHover: (item) => {
        view.hovered = item;
        v.scene.canvas.style.cursor = item === null ? '' : 'pointer';
      },
      onClick: (item) => {
        if (item !== null) o.onClick(item);
      },
    });
  } catch (e) {
    view.error = e instanceof Error ? e.message : String(e);
  }
  return view;
}

/** A toolbar camera move; `home` is the open city's home view (null: none open). */
export function cameraAction(scene: Scene, a: CameraAction, home: CameraState | null): void {
  switch (a) {
    case 'home':
      if (home !== null) setCameraState(scene, home, 1.2);
      break;
    case 'zoomIn':
      zoom(scene, 0.35);
      break;
    case 'zoomOut':
      zoom(scene, -0.55);
      break;
    case 'orbitLeft':
      orbit(scene, -15);
      break;
    case 'orbitRight':
      orbit(scene, 15);
      break;
    case 'northUp':
      northUp(scene);
      break;
  }
}

/** A keyboard move (camera actions and pans; closing a panel is the shell's). */
export function keyMove(scene: Scene, a: KeyAction, home: CameraState | null): void {
  if ('camera' in a) cameraAction(scene, a.camera, home);
  else if ('pan' in a) pan(scene, a.pan[0], a.pan[1]);
}

/** What the view shows of an open city, for the text alternative. */
export function viewFacts(viewer: ViewerHandle | null, name: string, scene: CityScene, synthetic: boolean): ViewFacts {
  const b = scene.buildings;
  return {
    city: name,
    camera: viewer !== null ? getCameraState(viewer.scene) : null,
    buildingsLoaded: b !== null ? tilesetStats(b.tileset).featuresLoaded : null,
    synthetic,
  };
}
