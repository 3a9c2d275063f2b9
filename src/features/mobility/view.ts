import {
  BoundingSphere,
  Cartesian3,
  Color,
  ComponentDatatype,
  Geometry,
  GeometryAttribute,
  GeometryInstance,
  LabelCollection,
  LabelStyle,
  PerInstanceColorAppearance,
  PointPrimitiveCollection,
  Primitive,
  PrimitiveType,
  VerticalOrigin,
  Cartesian2,
  type Scene,
} from 'cesium';
import { pickPlace } from '../../scene/consult-pins.ts';
import type { PickRouter } from '../../scene/picking.ts';
import { addRaster } from '../../scene/sim-raster.ts';
import type { MapPoint, WalkDrawing } from './walk-controller.ts';
import type { WalkIsochronesOutput } from './walk-contract.ts';

/**
 * Drawing for the mobility simulations: reached streets as one batch of coloured line segments
 * (one draw call however many edges), and labelled points (origins, car parks) as one point
 * collection and one label collection. Each `add…` and `draw…` returns its disposer.
 */

const LIFT_M = 1.5;

/** Street segments: lon/lat of both ends per segment, RGBA per segment. */
export function addSegments(scene: Scene, coords: Float64Array, rgba: Uint8Array): () => void {
  const n = coords.length / 4;
  if (n === 0) return () => undefined;
  const cart = Cartesian3.fromDegreesArrayHeights(Array.from({ length: n * 2 }, (_, i) => [coords[2 * i]!, coords[2 * i + 1]!, LIFT_M]).flat());
  const centre = BoundingSphere.fromPoints(cart).center;
  const positions = new Float64Array(n * 6);
  const colors = new Uint8Array(n * 8);
  cart.forEach((c, i) => positions.set([c.x - centre.x, c.y - centre.y, c.z - centre.z], 3 * i));
  for (let k = 0; k < n; k++) {
    colors.set(rgba.subarray(4 * k, 4 * k + 4), 8 * k);
    colors.set(rgba.subarray(4 * k, 4 * k + 4), 8 * k + 4);
  }
  const geometry = new Geometry({
    attributes: {
      position: new GeometryAttribute({ componentDatatype: ComponentDatatype.DOUBLE, componentsPerAttribute: 3, values: positions }),
      color: new GeometryAttribute({ componentDatatype: ComponentDatatype.UNSIGNED_BYTE, componentsPerAttribute: 4, normalize: true, values: colors }),
    } as never,
    primitiveType: PrimitiveType.LINES,
    boundingSphere: BoundingSphere.fromVertices(Array.from(positions)),
  });
  const prim = new Primitive({
    geometryInstances: new GeometryInstance({ geometry, modelMatrix: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, centre.x, centre.y, centre.z, 1] as never }),
    appearance: new PerInstanceColorAppearance({ flat: true, translucent: false, renderState: { lineWidth: Math.min(3, scene.maximumAliasedLineWidth) } }),
    asynchronous: false,
    compressVertices: false,
    allowPicking: false,
  });
  scene.primitives.add(prim);
  scene.requestRender();
  return () => {
    if (!prim.isDestroyed()) scene.primitives.remove(prim);
    scene.requestRender();
  };
}

/** Points with optional labels (origins, car parks). */
export function addPoints(scene: Scene, points: readonly MapPoint[]): () => void {
  const pts = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
  const labels = scene.primitives.add(new LabelCollection()) as LabelCollection;
  for (const p of points) {
    const position = Cartesian3.fromDegrees(p.lonDeg, p.latDeg, LIFT_M + 1);
    pts.add({ position, color: Color.fromBytes(...p.rgba), pixelSize: p.sizePx, outlineColor: Color.BLACK, outlineWidth: 1.5, disableDepthTestDistance: Number.POSITIVE_INFINITY });
    if (p.label !== undefined) {
      labels.add({ position, text: p.label, font: '13px sans-serif', fillColor: Color.WHITE, outlineColor: Color.BLACK, outlineWidth: 3, style: LabelStyle.FILL_AND_OUTLINE, verticalOrigin: VerticalOrigin.BOTTOM, pixelOffset: new Cartesian2(0, -p.sizePx / 2 - 3), disableDepthTestDistance: Number.POSITIVE_INFINITY });
    }
  }
  scene.requestRender();
  return () => {
    if (!pts.isDestroyed()) scene.primitives.remove(pts);
    if (!labels.isDestroyed()) scene.primitives.remove(labels);
    scene.requestRender();
  };
}

/** Moves the camera to look down on a lon/lat box. */
export function viewBox(scene: Scene, w: number, s: number, e: number, n: number, stable: boolean): void {
  const sphere = BoundingSphere.fromPoints(Cartesian3.fromDegreesArray([w, s, e, s, e, n, w, n]));
  scene.camera.flyToBoundingSphere(sphere, { duration: stable ? 0 : 1.2 });
  scene.requestRender();
}

/**
 * Draws a walking result (coloured streets, the area raster, the origin) and frames the reached
 * streets; returns the disposer of all three.
 */
export function drawWalk(scene: Scene, o: WalkIsochronesOutput, d: WalkDrawing, stable: boolean): () => void {
  const segments = addSegments(scene, o.edgeCoords, d.edgeRgba);
  const raster = addRaster(scene, { frame: o.area.frame, grid: o.area.grid, ground: d.ground, roofs: { cells: new Uint32Array(0), heightM: new Float32Array(0), rgba: new Uint8Array(0) }, groundAlpha: 0.6 });
  const points = addPoints(scene, d.points);
  if (d.box !== null) viewBox(scene, ...d.box, stable);
  return () => {
    points();
    segments();
    raster.dispose();
  };
}

/**
 * Lets the next click on the 3D view give a place (lon/lat); Escape gives up. `onEnd` gets the
 * place, or null for the sky or Escape. Returns the function that stops waiting.
 */
export function capturePoint(scene: Scene, picking: PickRouter, onEnd: (point: [number, number] | null) => void): () => void {
  const endCapture = picking.capture((x, y) => {
    const p = pickPlace(scene, x, y);
    onEnd(p === null ? null : [p.lonDeg, p.latDeg]);
  });
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') onEnd(null);
  };
  window.addEventListener('keydown', onKey);
  return () => {
    endCapture();
    window.removeEventListener('keydown', onKey);
  };
}
