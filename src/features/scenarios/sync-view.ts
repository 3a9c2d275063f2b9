import { Cartesian3, Cesium3DTileset, ImageryLayer, JulianDate, type Scene } from 'cesium';
import { HEIGHT_RAMP } from '../../core/color-ramp.ts';
import { createCameraSync, type CameraPose, type ViewSide } from './camera-sync.ts';
import type { BuildingsSource } from '../../config/types.ts';
import { setShadows } from '../../scene/sun.ts';
import { createHeightStyle } from '../../scene/style.ts';
import { createViewer, type ViewerHandle } from '../../scene/viewer.ts';

/**
 * The scenario comparison's synchronised views: today's city in a second Cesium widget on the
 * left half of the 3D view, the main view (the scenario) on the right half. The second widget
 * shares what it can with the main one: the imagery providers and terrain provider (the same
 * objects, so tiles come from the same HTTP cache) and the buildings tileset URL (one extra
 * tileset, unedited, with the same height style). Cameras follow each other whichever view is
 * moved (`core/camera-sync.ts` guards against feedback), and the clock (sun) and shadows follow
 * the main view. Low-power mode: the second widget renders at half resolution and loads coarser
 * tiles. `dispose()` destroys the second widget (its WebGL context, tileset and textures) and
 * gives the main view its whole width back.
 */

export interface SyncViewOptions {
  /** The city's buildings (null: the baseline view shows terrain and imagery only). */
  buildings: BuildingsSource | null;
  quality: 'high' | 'low';
  stable: boolean;
  labels: { left: string; right: string };
  /** The second widget could not be made (no WebGL context left) or stopped rendering. */
  onError(reason: string): void;
}

export interface SyncViewHandle {
  /** The baseline (left) view's scene. */
  readonly scene: Scene;
  /** Sets the label of the scenario side (renamed, another scenario). */
  setRightLabel(text: string): void;
  /** Counts for tests: frames of each view that shared their camera, tileset loaded and its GPU/CPU memory (bytes). */
  stats(): { shared: { left: number; right: number }; tileset: boolean; tilesetBytes: number };
  dispose(): void;
}

const poseOf = (scene: Scene): CameraPose => {
  const c = scene.camera;
  return { position: [c.positionWC.x, c.positionWC.y, c.positionWC.z], direction: [c.directionWC.x, c.directionWC.y, c.directionWC.z], up: [c.upWC.x, c.upWC.y, c.upWC.z] };
};

const applyPose = (scene: Scene, p: CameraPose) => {
  scene.camera.setView({ destination: new Cartesian3(...p.position), orientation: { direction: new Cartesian3(...p.direction), up: new Cartesian3(...p.up) } });
  scene.requestRender();
};

/** Opens the synchronised views over `host` (the 3D view element holding `main`). Throws when WebGL is unavailable. */
export function createSyncView(main: ViewerHandle, host: HTMLElement, o: SyncViewOptions): SyncViewHandle {
  const pane = document.createElement('div');
  pane.className = 'scn-sync-pane';
  pane.id = 'scn-sync-pane';
  pane.setAttribute('role', 'img');
  pane.setAttribute('aria-label', o.labels.left);
  const credits = document.createElement('div');
  credits.hidden = true;
  const left = document.createElement('div');
  const right = document.createElement('div');
  left.className = right.className = 'scn-split-label scn-sync-label';
  left.id = 'scn-sync-left';
  right.id = 'scn-sync-right';
  left.textContent = o.labels.left;
  right.textContent = o.labels.right;
  left.style.left = '1%';
  right.style.left = '51%';
  host.classList.add('scn-sync-on');
  host.append(pane, left, right);
  let other: ViewerHandle;
  try {
    other = createViewer(pane, { creditContainer: credits, stable: o.stable, quality: o.quality, onRenderError: o.onError });
  } catch (e) {
    host.classList.remove('scn-sync-on');
    pane.remove();
    left.remove();
    right.remove();
    throw e;
  }
  const scene = other.scene;
  // Same imagery (the providers are shared; each widget makes its own textures) and terrain.
  const mainLayers = main.scene.imageryLayers;
  for (let i = 1; i < mainLayers.length; i++) {
    const l = mainLayers.get(i);
    if (!l.ready || !l.show) continue;
    scene.imageryLayers.add(new ImageryLayer(l.imageryProvider, { alpha: l.alpha }));
  }
  scene.terrainProvider = main.scene.terrainProvider;
  scene.globe.depthTestAgainstTerrain = main.scene.globe.depthTestAgainstTerrain;

  let disposed = false;
  let tileset: Cesium3DTileset | null = null;
  if (o.buildings !== null) {
    const b = o.buildings;
    const sse = (b.maximumScreenSpaceError ?? 16) * (o.quality === 'low' ? 2 : 1);
    void Cesium3DTileset.fromUrl(b.url, { maximumScreenSpaceError: sse, foveatedScreenSpaceError: !o.stable, cacheBytes: 128 * 1024 * 1024 })
      .then((ts) => {
        if (disposed) return ts.destroy();
        ts.style = createHeightStyle(HEIGHT_RAMP, b.heightProperties);
        tileset = scene.primitives.add(ts) as Cesium3DTileset;
        ts.allTilesLoaded.addEventListener(() => scene.requestRender());
        scene.requestRender();
      })
      .catch((e: unknown) => o.onError(e instanceof Error ? e.message : String(e)));
  }

  const sync = createCameraSync();
  const shared = { left: 0, right: 0 };
  const scenes: Record<ViewSide, Scene> = { left: scene, right: main.scene };
  const onFrame = (side: ViewSide) => () => {
    if (disposed) return;
    const out = sync.frame(side, poseOf(scenes[side]));
    if (out !== null) {
      shared[side]++;
      applyPose(scenes[out.to], out.pose);
    }
    if (side === 'right') {
      // The clock (sun position) and shadows follow the main view.
      const mw = main.widget, ow = other.widget;
      if (!JulianDate.equals(mw.clock.currentTime, ow.clock.currentTime)) {
        ow.clock.currentTime = JulianDate.clone(mw.clock.currentTime);
        scene.requestRender();
      }
      if (scene.shadowMap.enabled !== main.scene.shadowMap.enabled) setShadows(ow, main.scene.shadowMap.enabled);
    }
  };
  // The baseline starts where the scenario view is.
  applyPose(scene, poseOf(main.scene));
  sync.frame('right', poseOf(main.scene));
  other.widget.clock.currentTime = JulianDate.clone(main.widget.clock.currentTime);
  if (main.scene.shadowMap.enabled) setShadows(other.widget, true);
  const offLeft = scene.postRender.addEventListener(onFrame('left'));
  const offRight = main.scene.postRender.addEventListener(onFrame('right'));
  main.scene.requestRender();

  return {
    scene,
    setRightLabel(text) {
      right.textContent = text;
    },
    stats: () => ({ shared: { ...shared }, tileset: tileset !== null, tilesetBytes: tileset?.totalMemoryUsageInBytes ?? 0 }),
    dispose() {
      if (disposed) return;
      disposed = true;
      offLeft();
      offRight();
      other.dispose(); // destroys the widget's primitives (the tileset) and its WebGL context
      tileset = null;
      pane.remove();
      left.remove();
      right.remove();
      host.classList.remove('scn-sync-on');
      main.scene.requestRender();
    },
  };
}
