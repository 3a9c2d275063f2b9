import { Cartesian2, Cartesian3, Color, PointPrimitiveCollection, PolylineCollection, SceneTransforms, type Scene } from 'cesium';
import { gizmoDrag, gizmoFrame, gizmoHandles, nearestHandle, rayHitsLevel, rayToEnu, type GizmoHandle } from './gizmo.ts';
import type { EnuFrame } from '../../core/geodesy.ts';
import type { Placement } from '../../core/placement.ts';

/**
 * The gizmo of an imported model in the 3D view: a ring around the model at its base, a move
 * handle on its anchor (white), a rotate handle on the ring in its heading (yellow) and a scale
 * handle a quarter turn from it (cyan). Dragging a handle (or the model's footprint, inside the
 * ring, for a move) previews the new placement live and commits it once on release (one undo
 * step per drag); the camera does not move during a drag; Escape cancels the drag and puts the
 * model back. The math is `core/model-gizmo.ts`. Everything drawn and every listener is removed
 * by `dispose()`.
 */

export interface ModelGizmoOptions {
  placement: Placement;
  /** Ring radius at the placement's scale, metres (`gizmoRadiusM`). */
  radiusM: number;
  /** During a drag: the placement to show now (not an edit yet). */
  onPreview(p: Placement): void;
  /** At the end of a drag: the placement to keep (one edit). */
  onCommit(p: Placement): void;
  /** A drag was cancelled (Escape): the model goes back to `placement`. */
  onCancel(): void;
}

export interface ModelGizmo {
  /** Shows another placement (after an edit, undo, or the numeric fields). */
  update(p: Placement, radiusM: number): void;
  /** The handle being dragged, or null. */
  dragging(): GizmoHandle | null;
  /** Window positions (CSS pixels of the canvas) of the handles, for tests and keyboard hints. */
  handlesOnScreen(): { handle: GizmoHandle; x: number; y: number }[];
  dispose(): void;
}

const COLORS: Record<GizmoHandle, string> = { move: '#ffffff', rotate: '#ffd600', scale: '#00e5ff' };
const RING_SEGMENTS = 72;
/** The ring is at least this many CSS pixels across its radius, so that handles stay apart when the model is small on screen. */
const MIN_RING_PX = 70;

export function createModelGizmo(scene: Scene, o: ModelGizmoOptions): ModelGizmo {
  let placement = { ...o.placement };
  /** The model's own ring radius (its extent at its scale). */
  let radius = o.radiusM;
  /** The radius drawn now: the model's, or more when it is small on screen. */
  let drawn = radius;
  const points = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
  const lines = scene.primitives.add(new PolylineCollection()) as PolylineCollection;
  let drag: { handle: GizmoHandle; start: Placement; frame: EnuFrame; from: [number, number]; pointerId: number; last: Placement; radius: number } | null = null;
  const canvas = scene.canvas;
  const controller = scene.screenSpaceCameraController;

  /** The ring radius for the current camera: the model's, at least MIN_RING_PX on screen. */
  const ringFor = (p: Placement, modelR: number): number => {
    // Pixels per metre at the model, measured by projecting the model's own ring (east and north).
    const f = gizmoFrame(p);
    const win = (e: number, n: number) => SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromArray(f.toEcef(e, n, 0)), new Cartesian2());
    const c = win(0, 0), ea = win(modelR, 0), no = win(0, modelR);
    if (c === undefined || ea === undefined || no === undefined) return modelR;
    const px = Math.max(Math.hypot(ea.x - c.x, ea.y - c.y), Math.hypot(no.x - c.x, no.y - c.y));
    return px > 0 && Number.isFinite(px) ? Math.max(modelR, (MIN_RING_PX * modelR) / px) : modelR;
  };

  const draw = (p: Placement, r: number) => {
    drawn = r;
    points.removeAll();
    lines.removeAll();
    const f = gizmoFrame(p);
    const at = (e: number, n: number) => Cartesian3.fromArray(f.toEcef(e, n, 1));
    const ring: Cartesian3[] = [];
    for (let i = 0; i <= RING_SEGMENTS; i++) {
      const a = (i / RING_SEGMENTS) * 2 * Math.PI;
      ring.push(at(r * Math.sin(a), r * Math.cos(a)));
    }
    lines.add({ positions: ring, width: 3, material: undefined });
    const hs = gizmoHandles(p.headingDeg, r);
    lines.add({ positions: [at(0, 0), at(...hs.rotate)], width: 2 });
    for (const k of ['move', 'rotate', 'scale'] as const) {
      points.add({ id: `gizmo-${k}`, position: at(...hs[k]), pixelSize: k === 'move' ? 16 : 14, color: Color.fromCssColorString(COLORS[k]), outlineColor: Color.BLACK, outlineWidth: 2, disableDepthTestDistance: Number.POSITIVE_INFINITY });
    }
    scene.requestRender();
  };

  const screen = (): { handle: GizmoHandle; x: number; y: number }[] => {
    const out: { handle: GizmoHandle; x: number; y: number }[] = [];
    for (let i = 0; i < points.length; i++) {
      const pt = points.get(i);
      const w = SceneTransforms.worldToWindowCoordinates(scene, pt.position, new Cartesian2());
      if (w !== undefined) out.push({ handle: String(pt.id).slice('gizmo-'.length) as GizmoHandle, x: w.x, y: w.y });
    }
    return out;
  };

  const planeHit = (frame: EnuFrame, x: number, y: number): [number, number] | null => {
    const ray = scene.camera.getPickRay(new Cartesian2(x, y));
    if (ray === undefined) return null;
    const r = rayToEnu(frame, [ray.origin.x, ray.origin.y, ray.origin.z], [ray.direction.x, ray.direction.y, ray.direction.z]);
    return rayHitsLevel(r.origin, r.direction, 0);
  };

  const local = (e: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const end = () => {
    if (drag !== null && canvas.hasPointerCapture(drag.pointerId)) canvas.releasePointerCapture(drag.pointerId);
    drag = null;
    controller.enableInputs = true;
    canvas.style.cursor = '';
  };

  const onDown = (e: PointerEvent) => {
    if (e.button !== 0 || drag !== null) return;
    const { x, y } = local(e);
    let handle = nearestHandle(screen(), x, y);
    const frame = gizmoFrame(placement);
    const from = planeHit(frame, x, y);
    // A press on the model's footprint (inside the ring, away from the handles) moves it.
    if (handle === null && from !== null && Math.hypot(from[0], from[1]) < radius * 0.7) handle = 'move';
    if (handle === null || from === null) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    drag = { handle, start: { ...placement }, frame, from, pointerId: e.pointerId, last: { ...placement }, radius: drawn };
    controller.enableInputs = false;
    canvas.setPointerCapture(e.pointerId);
    canvas.style.cursor = handle === 'move' ? 'move' : handle === 'rotate' ? 'grabbing' : 'nwse-resize';
  };
  const onMove = (e: PointerEvent) => {
    if (drag === null || e.pointerId !== drag.pointerId) return;
    e.stopImmediatePropagation();
    const { x, y } = local(e);
    const to = planeHit(drag.frame, x, y);
    if (to === null) return;
    const p = gizmoDrag(drag.handle, drag.start, drag.from, to, drag.frame);
    drag.last = p;
    draw(p, (drag.radius * p.scale) / drag.start.scale);
    o.onPreview(p);
  };
  const onUp = (e: PointerEvent) => {
    if (drag === null || e.pointerId !== drag.pointerId) return;
    e.stopImmediatePropagation();
    const d = drag;
    end();
    const changed = d.last.lonDeg !== d.start.lonDeg || d.last.latDeg !== d.start.latDeg || d.last.headingDeg !== d.start.headingDeg || d.last.scale !== d.start.scale;
    if (changed) o.onCommit(d.last);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || drag === null) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    const start = drag.start;
    end();
    draw(start, ringFor(start, radius));
    o.onCancel();
  };
  canvas.addEventListener('pointerdown', onDown, true);
  canvas.addEventListener('pointermove', onMove, true);
  canvas.addEventListener('pointerup', onUp, true);
  canvas.addEventListener('pointercancel', onUp, true);
  document.addEventListener('keydown', onKey, true);
  draw(placement, ringFor(placement, radius));
  // Zooming changes how big the ring must be to stay usable: redrawn when it is off by 20 %.
  const offCamera = scene.camera.changed.addEventListener(() => {
    if (drag !== null) return;
    const want = ringFor(placement, radius);
    if (Math.abs(want - drawn) > 0.2 * drawn) draw(placement, want);
  });

  return {
    update(p, r) {
      placement = { ...p };
      radius = r;
      if (drag === null) draw(placement, ringFor(placement, radius));
    },
    dragging: () => drag?.handle ?? null,
    handlesOnScreen: screen,
    dispose() {
      end();
      offCamera();
      canvas.removeEventListener('pointerdown', onDown, true);
      canvas.removeEventListener('pointermove', onMove, true);
      canvas.removeEventListener('pointerup', onUp, true);
      canvas.removeEventListener('pointercancel', onUp, true);
      document.removeEventListener('keydown', onKey, true);
      if (!points.isDestroyed()) scene.primitives.remove(points);
      if (!lines.isDestroyed()) scene.primitives.remove(lines);
      scene.requestRender();
    },
  };
}
