import {
  buildModuleUrl,
  CesiumWidget,
  Color,
  EllipsoidTerrainProvider,
  ImageryLayer,
  Ion,
  JulianDate,
  TileMapServiceImageryProvider,
  type Scene,
} from 'cesium';

/**
 * The Cesium widget, configured for offline use: no Ion token and no Ion assets, the
 * NaturalEarthII imagery shipped with Cesium as the base layer, the WGS84 ellipsoid as terrain
 * until a city provides its own, rendering on demand.
 */

export interface ViewerHandle {
  readonly widget: CesiumWidget;
  readonly scene: Scene;
  /** Asks for a frame (the scene renders on demand). */
  requestRender(): void;
  dispose(): void;
}

export interface ViewerOptions {
  /** Element that receives Cesium's own credits (data attributions Cesium requires). */
  creditContainer: HTMLElement;
  /** Called when the render loop throws (the widget stops rendering). */
  onRenderError(reason: string): void;
  /**
   * Called once when the browser takes the WebGL context away (GPU reset, driver update, too many
   * contexts, a tab in the background on a phone). Cesium cannot restore its GPU resources, so the
   * caller rebuilds the scene in a new widget.
   */
  onContextLost?(): void;
  /** Screenshots and benchmarks: fixed clock, no animation. */
  stable: boolean;
  /**
   * Rendering quality. 'low' (slow or software GPUs, low-power mode): half resolution, no
   * anti-aliasing, no fog or sky atmosphere.
   */
  quality: 'high' | 'low';
}

/** Creates the widget. Throws (with WebGL's reason) when WebGL is unavailable. */
export function createViewer(container: HTMLElement, options: ViewerOptions): ViewerHandle {
  Ion.defaultAccessToken = '';
  const widget = new CesiumWidget(container, {
    baseLayer: ImageryLayer.fromProviderAsync(TileMapServiceImageryProvider.fromUrl(buildModuleUrl('Assets/Textures/NaturalEarthII'))),
    terrainProvider: new EllipsoidTerrainProvider(),
    creditContainer: options.creditContainer,
    requestRenderMode: true,
    maximumRenderTimeChange: Infinity,
    shouldAnimate: false,
    scene3DOnly: true,
    showRenderLoopErrors: false,
    msaaSamples: options.stable || options.quality === 'low' ? 1 : 4,
    contextOptions: { webgl: { preserveDrawingBuffer: options.stable } },
  });
  const scene = widget.scene;
  scene.globe.baseColor = Color.fromCssColorString('#5a6b5e');
  scene.globe.depthTestAgainstTerrain = true;
  scene.globe.enableLighting = false;
  scene.globe.tileCacheSize = 200;
  scene.fog.enabled = true;
  scene.highDynamicRange = false;
  scene.screenSpaceCameraController.enableCollisionDetection = true;
  scene.screenSpaceCameraController.minimumZoomDistance = 5;
  scene.screenSpaceCameraController.maximumZoomDistance = 2.5e7;
  if (options.quality === 'low') {
    widget.resolutionScale = 0.5;
    widget.useBrowserRecommendedResolution = true;
    scene.fog.enabled = false;
    if (scene.skyAtmosphere !== undefined) scene.skyAtmosphere.show = false;
    scene.globe.showGroundAtmosphere = false;
  }
  widget.clock.shouldAnimate = false;
  if (options.stable) widget.clock.currentTime = JulianDate.fromIso8601('2026-06-21T12:00:00Z');
  const removeError = scene.renderError.addEventListener((_scene: Scene, error: unknown) => {
    options.onRenderError(error instanceof Error ? error.message : String(error));
  });
  const canvas = scene.canvas;
  let lost = false;
  const onLost = (e: Event) => {
    e.preventDefault();
    if (lost) return;
    lost = true;
    widget.useDefaultRenderLoop = false; // nothing can be drawn on a lost context
    options.onContextLost?.();
  };
  canvas.addEventListener('webglcontextlost', onLost);
  return {
    widget,
    scene,
    requestRender: () => scene.requestRender(),
    dispose() {
      canvas.removeEventListener('webglcontextlost', onLost);
      removeError();
      if (!widget.isDestroyed()) widget.destroy();
    },
  };
}
