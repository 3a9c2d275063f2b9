import type { CesiumWidget, Scene } from 'cesium';
import type { AppContext } from '../../app/context.ts';
import type { SteppedRamp } from '../../core/color-ramp.ts';
import { cellColors } from '../../core/simulation/display.ts';
import { startPolygonDraw, type DrawHandle } from '../../scene/draw.ts';
import { addRaster, type RasterHandle } from '../../scene/sim-raster.ts';
import { setSceneTime, setShadows } from '../../scene/sun.ts';
import type { SunHoursOutput } from './contract.ts';

/**
 * The sun feature's drawing in the scene: a result's cells (ground draped, roofs at their
 * height), the shadows of a day played as an animation, and drawing a polygon (the study area or
 * a project building's footprint) with picking suspended meanwhile.
 */

/** Draws the cells of a result coloured by `values` on `ramp` (cells with surface 0 stay clear). */
export function drawResult(scene: Scene, output: SunHoursOutput, values: Float32Array, ramp: SteppedRamp): RasterHandle {
  const roofIdx: number[] = [];
  for (let i = 0; i < output.surface.length; i++) if (output.surface[i] === 2 && !Number.isNaN(values[i]!)) roofIdx.push(i);
  const colors = cellColors(values, ramp, (i) => output.surface[i] !== 0);
  const ground = cellColors(values, ramp, (i) => output.surface[i] === 1);
  const rgba = new Uint8Array(roofIdx.length * 4);
  roofIdx.forEach((i, k) => rgba.set(colors.subarray(4 * i, 4 * i + 4), 4 * k));
  return addRaster(scene, {
    frame: output.frame,
    grid: output.grid,
    ground,
    roofs: { cells: Uint32Array.from(roofIdx), heightM: Float32Array.from(roofIdx, (i) => output.heightM[i]!), rgba },
  });
}

/**
 * Plays a day's shadows from sunrise to sunset in a loop (about 24 s for the day at 10 frames a
 * second), shadows on. Returns what stops it and puts back the scene time and shadows of `before`.
 */
export function animateDay(widget: CesiumWidget, buildings: { setShadows(on: boolean): void } | null | undefined, day: { riseMs: number; setMs: number }, before: { timeMs: number; shadows: boolean }): () => void {
  const rise = day.riseMs, set = day.setMs;
  setShadows(widget, true);
  buildings?.setShadows(true);
  let tMs = rise;
  const stepMs = (set - rise) / 240; // about 24 s for the day at 10 frames a second
  const timer = setInterval(() => {
    tMs += stepMs;
    if (tMs > set) tMs = rise;
    setSceneTime(widget, tMs);
  }, 100);
  return () => {
    clearInterval(timer);
    setSceneTime(widget, before.timeMs);
    setShadows(widget, before.shadows);
    buildings?.setShadows(before.shadows);
  };
}

/** Drawing a polygon in the view, one at a time. */
export interface SunDrawing {
  /** Starts a drawing (ending one under way); `onFinish` gets the ring and the heights under its points. */
  start(o: { onStart(): void; onPoints(n: number): void; onFinish(ring: [number, number][], heightsM: number[]): void }): void;
  /** Ends a drawing under way (nothing is kept). */
  stop(): void;
}

/** `ended` is called whenever a drawing ends (finished, cancelled or stopped). */
export function createSunDrawing(ctx: AppContext, ended: () => void): SunDrawing {
  let draw: DrawHandle | null = null;
  let resumePicking: (() => void) | null = null;
  function stop(): void {
    draw?.dispose();
    draw = null;
    resumePicking?.();
    resumePicking = null;
    ended();
  }
  return {
    start(o) {
      if (ctx.viewer === null) return;
      stop();
      resumePicking = ctx.picking?.suspend() ?? null;
      o.onStart();
      const viewEl = ctx.viewer.scene.canvas.closest('.view') as HTMLElement | null;
      viewEl?.focus();
      draw = startPolygonDraw(ctx.viewer.scene, {
        keyTarget: viewEl ?? document.body,
        onChange: (pts) => o.onPoints(pts.length),
        onFinish: (ring, heights) => {
          draw = null;
          stop();
          o.onFinish(ring, heights);
        },
        onCancel: () => {
          draw = null;
          stop();
        },
      });
    },
    stop,
  };
}
