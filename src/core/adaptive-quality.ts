/**
 * Device-adaptive rendering quality: a controller that watches frame times while the view moves
 * and steps the rendering quality down when frames are slow, up again when there is headroom.
 * Pure and deterministic (frame times in, level changes out); src/scene/adaptive-quality.ts
 * applies the levels to Cesium (resolution scale, 3D Tiles screen-space error).
 */

export interface QualityLevel {
  /** Multiplies the device pixel ratio (1 = full resolution). */
  readonly resolutionScale: number;
  /** Multiplies each tileset's maximum screen-space error (larger = coarser tiles, fewer of them). */
  readonly sseFactor: number;
}

/** From best to cheapest. The last one is also what the low-power mode pins. */
export const QUALITY_LEVELS: readonly QualityLevel[] = [
  { resolutionScale: 1, sseFactor: 1 },
  { resolutionScale: 0.85, sseFactor: 1.25 },
  { resolutionScale: 0.7, sseFactor: 1.6 },
  { resolutionScale: 0.5, sseFactor: 2 },
];

export interface AdaptiveOptions {
  /** Frame time above which quality steps down (ms; 33 ≈ 30 frames per second). */
  slowMs: number;
  /** Frame time below which quality may step up again (ms). */
  fastMs: number;
  /** Frames looked at before a decision (their median decides). */
  window: number;
  /** Fast windows needed in a row before stepping up (slower up than down: no flicker). */
  upAfterWindows: number;
  /** Frames further apart than this are not a continuous motion: not sampled (ms). */
  gapMs: number;
}

export const DEFAULT_ADAPTIVE: AdaptiveOptions = { slowMs: 33, fastMs: 18, window: 24, upAfterWindows: 3, gapMs: 250 };

export interface AdaptiveController {
  /** The level in force (index into QUALITY_LEVELS). */
  readonly level: number;
  /**
   * A frame was drawn at `timeMs` (performance.now()). Returns the new level when it changes,
   * else null.
   */
  frame(timeMs: number): number | null;
  /** Forgets the frames seen (after a level change is applied, or when the view stops). */
  reset(): void;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function createAdaptiveController(options: Partial<AdaptiveOptions> = {}, startLevel = 0): AdaptiveController {
  const o = { ...DEFAULT_ADAPTIVE, ...options };
  let level = Math.min(Math.max(0, startLevel), QUALITY_LEVELS.length - 1);
  let last: number | null = null;
  let samples: number[] = [];
  let fastWindows = 0;
  return {
    get level() {
      return level;
    },
    frame(timeMs) {
      const prev = last;
      last = timeMs;
      if (prev === null) return null;
      const dt = timeMs - prev;
      if (!(dt > 0) || dt > o.gapMs) return null;
      samples.push(dt);
      if (samples.length < o.window) return null;
      const m = median(samples);
      samples = [];
      if (m > o.slowMs && level < QUALITY_LEVELS.length - 1) {
        fastWindows = 0;
        level += 1;
        return level;
      }
      if (m < o.fastMs && level > 0) {
        fastWindows += 1;
        if (fastWindows >= o.upAfterWindows) {
          fastWindows = 0;
          level -= 1;
          return level;
        }
      } else fastWindows = 0;
      return null;
    },
    reset() {
      last = null;
      samples = [];
    },
  };
}
