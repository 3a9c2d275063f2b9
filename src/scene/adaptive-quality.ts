import { Cesium3DTileset, type CesiumWidget } from 'cesium';
import { createAdaptiveController, QUALITY_LEVELS, type AdaptiveOptions } from '../core/adaptive-quality.ts';

/**
 * Applies the adaptive quality controller (core/adaptive-quality.ts) to a widget: samples the
 * time between rendered frames, and on a level change sets the resolution scale and multiplies
 * the maximum screen-space error of every 3D tileset in the scene (the buildings, and any tileset
 * a user opened) by the level's factor, from each tileset's own base value.
 */

export interface AdaptiveQualityHandle {
  readonly level: () => number;
  /** Pins a level (the low-power mode pins the cheapest); null lets the controller decide again. */
  pin(level: number | null): void;
  dispose(): void;
}

export function installAdaptiveQuality(widget: CesiumWidget, options: Partial<AdaptiveOptions> & { onChange?: (level: number) => void; baseResolution?: number } = {}): AdaptiveQualityHandle {
  const scene = widget.scene;
  const controller = createAdaptiveController(options);
  const baseSse = new WeakMap<Cesium3DTileset, number>();
  const baseResolution = options.baseResolution ?? widget.resolutionScale;
  let pinned: number | null = null;
  let applied = 0;

  const apply = (level: number) => {
    applied = level;
    const q = QUALITY_LEVELS[level]!;
    widget.resolutionScale = baseResolution * q.resolutionScale;
    for (let i = 0; i < scene.primitives.length; i++) {
      const p: unknown = scene.primitives.get(i);
      if (!(p instanceof Cesium3DTileset)) continue;
      if (!baseSse.has(p)) baseSse.set(p, p.maximumScreenSpaceError);
      p.maximumScreenSpaceError = baseSse.get(p)! * q.sseFactor;
    }
    scene.requestRender();
    options.onChange?.(level);
  };

  // A tileset added later (another city, a user's tileset) gets the level in force.
  const removeAdded = scene.primitives.primitiveAdded.addEventListener((p: unknown) => {
    if (p instanceof Cesium3DTileset && applied > 0) {
      baseSse.set(p, p.maximumScreenSpaceError);
      p.maximumScreenSpaceError *= QUALITY_LEVELS[applied]!.sseFactor;
    }
  });
  const removePost = scene.postRender.addEventListener(() => {
    if (pinned !== null) return;
    const next = controller.frame(performance.now());
    if (next !== null) {
      apply(next);
      controller.reset();
    }
  });
  return {
    level: () => applied,
    pin(level) {
      pinned = level;
      if (level !== null) apply(level);
      else controller.reset();
    },
    dispose() {
      removeAdded();
      removePost();
    },
  };
}
