import type { GeodeticDeg } from '../../core/geodesy.ts';
import { measureArea, measureDistance, measureHeight } from './measure.ts';

/**
 * The measurement tools' state and decisions, without DOM or Cesium: which measurement is on,
 * its result in words once there are enough points, the hint to show, and the order of things
 * when one starts, ends or is cleared (picking of layers suspended while points are picked).
 * The scene drawing and the texts are injected as `MeasureEffects`.
 */

export type MeasureKind = 'distance' | 'height' | 'area';
export const MEASURE_KINDS: readonly MeasureKind[] = ['distance', 'height', 'area'];

/** A result as a message key of the feature and its formatted values. */
export interface MeasureResult {
  key: 'measure.distanceResult' | 'measure.heightResult' | 'measure.areaResult';
  params: Record<string, string>;
}

/**
 * The result of a measurement on these points, formatted by `fmt` (value, fraction digits):
 * lengths to 0.1 m, areas to 1 m²; null when there are not enough points (two, three for an area).
 */
export function measureResult(kind: MeasureKind, pts: readonly GeodeticDeg[], fmt: (v: number, digits: number) => string): MeasureResult | null {
  const f = (v: number) => fmt(v, 1);
  if (kind === 'distance' && pts.length >= 2) {
    const d = measureDistance(pts);
    return { key: 'measure.distanceResult', params: { length: f(d.lengthM), horizontal: f(d.horizontalM), rise: f(d.riseM) } };
  }
  if (kind === 'height' && pts.length >= 2) {
    const m = measureHeight(pts[0]!, pts[1]!);
    return { key: 'measure.heightResult', params: { height: f(m.heightM), horizontal: f(m.horizontalM) } };
  }
  if (kind === 'area' && pts.length >= 3) {
    const a = measureArea(pts);
    return { key: 'measure.areaResult', params: { horizontal: fmt(a.horizontalM2, 0), plane: fmt(a.planeM2, 0), perimeter: f(a.perimeterM) } };
  }
  return null;
}

/** The panel's hint for the measurement on (none, height, or the others). */
export function hintKey(kind: MeasureKind | null): 'measure.none' | 'measure.hintHeight' | 'measure.hint' {
  return kind === null ? 'measure.none' : kind === 'height' ? 'measure.hintHeight' : 'measure.hint';
}

/** A measurement being drawn in the scene. */
export interface MeasureDrawing {
  readonly points: readonly unknown[];
  dispose(): void;
}

export interface MeasureEffects {
  /** Starts picking points; `onChange` returns the label to show at the last point. */
  draw(kind: MeasureKind, onChange: (points: GeodeticDeg[]) => string, onEnd: () => void): MeasureDrawing;
  /** Stops picking of layers (hover, click) until the returned function is called. */
  suspendPicking(): () => void;
  format(v: number, digits: number): string;
  /** The text of a result in the current language. */
  text(r: MeasureResult): string;
  /** The result changed while points are picked. */
  showResult(text: string | null): void;
  /** The measurement on or its result changed: redraw the panel. */
  render(): void;
}

/** What the end-to-end tests read (window.__jumeauMeasure). */
export interface MeasureTestState {
  kind: MeasureKind | null;
  points: number;
  result: string | null;
}

export interface MeasureController {
  /** Starts a measurement (the previous one is cleared). */
  start(kind: MeasureKind): void;
  /** Removes the measurement and its result; picking of layers resumes. */
  clear(): void;
  kind(): MeasureKind | null;
  result(): string | null;
  state(): MeasureTestState;
}

/** The controller: the measurement on, its drawing, its result. */
export function createMeasureController(fx: MeasureEffects): MeasureController {
  let drawing: MeasureDrawing | null = null;
  let kind: MeasureKind | null = null;
  let result: string | null = null;
  let resume: (() => void) | null = null;
  const endInput = () => {
    resume?.();
    resume = null;
  };
  function clear(): void {
    drawing?.dispose();
    drawing = null;
    endInput();
    kind = null;
    result = null;
    fx.render();
  }
  function start(k: MeasureKind): void {
    clear();
    kind = k;
    resume = fx.suspendPicking();
    drawing = fx.draw(
      k,
      (pts) => {
        const r = measureResult(k, pts, fx.format);
        const text = r === null ? '' : fx.text(r);
        result = text === '' ? null : text;
        fx.showResult(result);
        return text;
      },
      () => {
        endInput();
        kind = null;
        fx.render();
      },
    );
    fx.render();
  }
  return {
    start,
    clear,
    kind: () => kind,
    result: () => result,
    state: () => ({ kind, points: drawing?.points.length ?? 0, result }),
  };
}
