import {
  Cartesian2,
  Cartesian3,
  Cartographic,
  Color,
  LabelCollection,
  LabelStyle,
  Material,
  Math as CesiumMath,
  PointPrimitiveCollection,
  PolylineCollection,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  VerticalOrigin,
  type Scene,
} from 'cesium';
import type { GeodeticDeg } from '../../core/geodesy.ts';
import { positionAt } from '../../scene/draw.ts';
import type { MeasureKind } from './controller.ts';

/**
 * Picking points for measurements on the 3D city: each click lands on the surface under the
 * cursor (a roof, a wall, the ground — read from the depth buffer, so points snap to the picked
 * surface), the points are drawn with a line (closed for an area) and the result as a label at the
 * last point. Double-click or Enter ends, Backspace removes the last point, Escape cancels.
 */

export interface MeasureDrawOptions {
  kind: MeasureKind;
  /** Called after each change: the points so far; returns the label text to show. */
  onChange(points: GeodeticDeg[]): string;
  onEnd(points: GeodeticDeg[]): void;
}

export interface MeasureDrawHandle {
  /** Adds a point at a window position; false when nothing is there. */
  addAt(x: number, y: number): boolean;
  readonly points: GeodeticDeg[];
  finish(): void;
  /** Removes the drawing (the last result stays until then). */
  dispose(): void;
}

/** Starts picking points for a measurement in `scene`; returns its handle. */
export function startMeasure(scene: Scene, o: MeasureDrawOptions): MeasureDrawHandle {
  const lines = scene.primitives.add(new PolylineCollection()) as PolylineCollection;
  const dots = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
  const labels = scene.primitives.add(new LabelCollection()) as LabelCollection;
  const events = new ScreenSpaceEventHandler(scene.canvas);
  const points: GeodeticDeg[] = [];
  const color = Color.fromCssColorString('#ffd600');
  let active = true;
  let disposed = false;
  scene.canvas.style.cursor = 'crosshair';

  const redraw = () => {
    lines.removeAll();
    dots.removeAll();
    labels.removeAll();
    const pos = points.map((p) => Cartesian3.fromDegrees(p.lonDeg, p.latDeg, p.heightM));
    for (const p of pos) dots.add({ position: p, pixelSize: 8, color, outlineColor: Color.BLACK, outlineWidth: 1.5, disableDepthTestDistance: Number.POSITIVE_INFINITY });
    if (pos.length >= 2) {
      const path = o.kind === 'area' && pos.length >= 3 ? [...pos, pos[0]!] : o.kind === 'height' ? pos.slice(0, 2) : pos;
      lines.add({ positions: path, width: 3, material: Material.fromType('Color', { color }) });
    }
    const text = o.onChange([...points]);
    if (pos.length > 0 && text !== '') {
      labels.add({ position: pos.at(-1)!, text, font: '600 15px sans-serif', fillColor: Color.WHITE, outlineColor: Color.BLACK, outlineWidth: 3, style: LabelStyle.FILL_AND_OUTLINE, verticalOrigin: VerticalOrigin.BOTTOM, pixelOffset: new Cartesian2(0, -10), disableDepthTestDistance: Number.POSITIVE_INFINITY });
    }
    scene.requestRender();
  };
  const add = (x: number, y: number): boolean => {
    if (!active) return false;
    const c = positionAt(scene, x, y);
    if (c === null) return false;
    const g = Cartographic.fromCartesian(c);
    const p = { lonDeg: CesiumMath.toDegrees(g.longitude), latDeg: CesiumMath.toDegrees(g.latitude), heightM: g.height };
    const last = points.at(-1);
    if (last !== undefined && Math.abs(last.lonDeg - p.lonDeg) < 1e-9 && Math.abs(last.latDeg - p.latDeg) < 1e-9) return true;
    points.push(p);
    redraw();
    if (o.kind === 'height' && points.length === 2) finish();
    return true;
  };
  const stopInput = () => {
    if (!active) return;
    active = false;
    document.removeEventListener('keydown', onKey, true);
    if (!events.isDestroyed()) events.destroy();
    scene.canvas.style.cursor = '';
  };
  const finish = () => {
    if (!active) return;
    stopInput();
    o.onEnd([...points]);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (((e.target as HTMLElement | null)?.closest('input, select, textarea') ?? null) !== null) return;
    if (e.key === 'Enter' || e.key === 'Escape') finish();
    else if (e.key === 'Backspace') {
      points.pop();
      redraw();
    } else return;
    e.preventDefault();
    e.stopImmediatePropagation();
  };
  events.setInputAction((e: { position: Cartesian2 }) => void add(e.position.x, e.position.y), ScreenSpaceEventType.LEFT_CLICK);
  events.setInputAction(() => finish(), ScreenSpaceEventType.LEFT_DOUBLE_CLICK);
  document.addEventListener('keydown', onKey, true);
  return {
    addAt: add,
    points,
    finish,
    dispose() {
      if (disposed) return;
      disposed = true;
      stopInput();
      for (const c of [lines, dots, labels]) if (!c.isDestroyed()) scene.primitives.remove(c);
      scene.requestRender();
    },
  };
}
