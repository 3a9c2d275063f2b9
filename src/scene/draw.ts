import {
  Cartesian2,
  Cartesian3,
  Cartographic,
  Color,
  Material,
  Math as CesiumMath,
  PointPrimitiveCollection,
  PolylineCollection,
  ScreenSpaceEventHandler,
  ScreenSpaceEventType,
  type Scene,
} from 'cesium';

/**
 * A polygon drawing tool on the 3D view, reusable by any feature (study areas, scenario
 * footprints, wifi planning zones). Mouse: click to add a point, double-click to finish.
 * Keyboard (when the view has the focus): Space or A adds a point at the centre of the view
 * (the arrow keys move the view), Backspace removes the last point, Enter finishes, Escape
 * cancels. Points land where the view shows something (a roof, the ground), and the polygon is
 * returned as [lon, lat] degrees.
 */

export interface DrawOptions {
  /** Element that receives key presses (the 3D view). */
  keyTarget: HTMLElement;
  /** Called after each change with the points so far. */
  onChange?(points: [number, number][]): void;
  /** The ring, and the height (ellipsoid, metres) of the surface under each point. */
  onFinish(ring: [number, number][], heightsM: number[]): void;
  onCancel(): void;
  minPoints?: number;
  color?: Color;
  /** Moves a clicked point onto a nearby edge or corner (existing buildings); null leaves it. */
  snap?(lonDeg: number, latDeg: number): [number, number] | null;
}

export interface DrawHandle {
  /** Adds a point at a window position (CSS pixels from the canvas's top-left); false when nothing is there. */
  addAt(x: number, y: number): boolean;
  finish(): void;
  cancel(): void;
  readonly points: [number, number][];
  dispose(): void;
}

/** The ground (or roof) position under a window position, or null. */
export function positionAt(scene: Scene, x: number, y: number): Cartesian3 | null {
  const p = new Cartesian2(x, y);
  let c: Cartesian3 | undefined;
  if (scene.pickPositionSupported) {
    try {
      c = scene.pickPosition(p);
    } catch {
      c = undefined;
    }
  }
  if (c === undefined) {
    const ray = scene.camera.getPickRay(p);
    c = ray !== undefined ? scene.globe.pick(ray, scene) : undefined;
  }
  c ??= scene.camera.pickEllipsoid(p, scene.globe.ellipsoid);
  return c ?? null;
}

export function startPolygonDraw(scene: Scene, o: DrawOptions): DrawHandle {
  const minPoints = o.minPoints ?? 3;
  const color = o.color ?? Color.fromCssColorString('#00e5ff');
  const points: [number, number][] = [];
  const heights: number[] = [];
  const lines = scene.primitives.add(new PolylineCollection()) as PolylineCollection;
  const dots = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
  const events = new ScreenSpaceEventHandler(scene.canvas);
  let hover: [number, number, number] | null = null;
  let disposed = false;
  scene.canvas.style.cursor = 'crosshair';

  const redraw = () => {
    lines.removeAll();
    dots.removeAll();
    const pos = points.map(([lon, lat], i) => Cartesian3.fromDegrees(lon, lat, heights[i]! + 0.5));
    for (const p of pos) dots.add({ position: p, pixelSize: 9, color, outlineColor: Color.BLACK, outlineWidth: 1.5, disableDepthTestDistance: Number.POSITIVE_INFINITY });
    const ring = [...pos];
    if (hover !== null) ring.push(Cartesian3.fromDegrees(hover[0], hover[1], hover[2] + 0.5));
    if (ring.length >= 2) {
      ring.push(ring[0]!);
      lines.add({ positions: ring, width: 3, material: Material.fromType('Color', { color }) });
    }
    scene.requestRender();
  };
  const toLonLat = (c: Cartesian3): [number, number, number] => {
    const g = Cartographic.fromCartesian(c);
    return [CesiumMath.toDegrees(g.longitude), CesiumMath.toDegrees(g.latitude), g.height];
  };
  const add = (x: number, y: number): boolean => {
    const c = positionAt(scene, x, y);
    if (c === null) return false;
    const [rawLon, rawLat, hgt] = toLonLat(c);
    const snapped = o.snap?.(rawLon, rawLat) ?? null;
    const [lon, lat] = snapped ?? [rawLon, rawLat];
    const last = points.at(-1);
    if (last !== undefined && Math.abs(last[0] - lon) < 1e-9 && Math.abs(last[1] - lat) < 1e-9) return true; // the second click of a double-click
    points.push([Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7]);
    heights.push(hgt);
    redraw();
    o.onChange?.([...points]);
    return true;
  };
  const finish = () => {
    if (disposed) return;
    if (points.length < minPoints) return;
    const ring = [...points];
    const hs = [...heights];
    dispose();
    o.onFinish(ring, hs);
  };
  const cancel = () => {
    if (disposed) return;
    dispose();
    o.onCancel();
  };
  events.setInputAction((e: { position: Cartesian2 }) => void add(e.position.x, e.position.y), ScreenSpaceEventType.LEFT_CLICK);
  events.setInputAction(() => finish(), ScreenSpaceEventType.LEFT_DOUBLE_CLICK);
  events.setInputAction((e: { endPosition: Cartesian2 }) => {
    if (points.length === 0) return;
    const c = positionAt(scene, e.endPosition.x, e.endPosition.y);
    hover = c !== null ? toLonLat(c) : null;
    redraw();
  }, ScreenSpaceEventType.MOUSE_MOVE);
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement | null;
    if (target !== null && target !== o.keyTarget && target !== document.body && target.closest('input, select, textarea, button') !== null) return;
    let used = true;
    if (e.key === ' ' || e.key === 'a' || e.key === 'A') add(scene.canvas.clientWidth / 2, scene.canvas.clientHeight / 2);
    else if (e.key === 'Enter') finish();
    else if (e.key === 'Escape') cancel();
    else if (e.key === 'Backspace') {
      points.pop();
      heights.pop();
      redraw();
      o.onChange?.([...points]);
    } else used = false;
    if (used) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  };
  // Capture, so Escape cancels the drawing before it closes a panel.
  document.addEventListener('keydown', onKey, true);
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    document.removeEventListener('keydown', onKey, true);
    events.destroy();
    if (!lines.isDestroyed()) scene.primitives.remove(lines);
    if (!dots.isDestroyed()) scene.primitives.remove(dots);
    scene.canvas.style.cursor = '';
    scene.requestRender();
  };
  return { addAt: add, finish, cancel, points, dispose };
}
