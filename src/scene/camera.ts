import {
  Cartesian2,
  Cartesian3,
  Cartographic,
  HeadingPitchRange,
  Math as CesiumMath,
  Matrix4,
  type Ray,
  Transforms,
  type Scene,
} from 'cesium';
import type { CameraState } from '../core/url-state.ts';
import { roundCamera } from '../core/url-state.ts';

/**
 * Camera moves for the toolbar and the keyboard, and the camera ↔ URL state conversion.
 * Moves that turn around something turn around the point at the centre of the screen.
 */

/** Current camera as a URL-ready state (degrees, metres, rounded). */
export function getCameraState(scene: Scene): CameraState {
  const c = scene.camera;
  const p = c.positionCartographic;
  return roundCamera({
    lonDeg: CesiumMath.toDegrees(p.longitude),
    latDeg: CesiumMath.toDegrees(p.latitude),
    heightM: p.height,
    headingDeg: CesiumMath.toDegrees(c.heading),
    pitchDeg: CesiumMath.toDegrees(c.pitch),
    rollDeg: CesiumMath.toDegrees(c.roll),
  });
}

function destination(state: CameraState) {
  return {
    destination: Cartesian3.fromDegrees(state.lonDeg, state.latDeg, state.heightM),
    orientation: {
      heading: CesiumMath.toRadians(state.headingDeg),
      pitch: CesiumMath.toRadians(state.pitchDeg),
      roll: CesiumMath.toRadians(state.rollDeg),
    },
  };
}

/** Moves the camera to a state, at once or in a flight of `durationS` seconds. */
export function setCameraState(scene: Scene, state: CameraState, durationS = 0): void {
  scene.camera.cancelFlight();
  if (durationS <= 0 || reducedMotion()) scene.camera.setView(destination(state));
  else scene.camera.flyTo({ ...destination(state), duration: durationS });
  scene.requestRender();
}

/**
 * Moves the camera to a state in a flight of `durationS` seconds (a cut when 0 or when the user
 * prefers reduced motion); resolves 'arrived' when it is there, 'cancelled' when another move
 * interrupted the flight.
 */
export function flyToCamera(scene: Scene, state: CameraState, durationS: number): Promise<'arrived' | 'cancelled'> {
  scene.camera.cancelFlight();
  if (durationS <= 0 || reducedMotion()) {
    scene.camera.setView(destination(state));
    scene.requestRender();
    return Promise.resolve('arrived');
  }
  return new Promise((resolve) => {
    scene.camera.flyTo({
      ...destination(state),
      duration: durationS,
      complete: () => resolve('arrived'),
      cancel: () => resolve('cancelled'),
    });
    scene.requestRender();
  });
}

/** Whether the user asked the system for less motion (flights become cuts). */
export function reducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

/** The point at the centre of the screen: buildings or terrain, else the ellipsoid, else null. */
export function centerTarget(scene: Scene): Cartesian3 | null {
  const canvas = scene.canvas;
  const center = new Cartesian2(canvas.clientWidth / 2, canvas.clientHeight / 2);
  if (scene.pickPositionSupported) {
    try {
      const p = scene.pickPosition(center);
      if (p !== undefined && Number.isFinite(p.x)) return p;
    } catch {
      // Depth picking can fail on some drivers; fall through to the globe.
    }
  }
  const ray: Ray | undefined = scene.camera.getPickRay(center);
  if (ray === undefined) return null;
  const onGlobe = scene.globe.pick(ray, scene);
  if (onGlobe !== undefined) return onGlobe;
  return scene.camera.pickEllipsoid(center) ?? null;
}

/** Moves towards (factor > 0) or away from (factor < 0) the centre point by a share of the distance. */
export function zoom(scene: Scene, factor: number): void {
  const camera = scene.camera;
  const target = centerTarget(scene);
  const distance = target !== null ? Cartesian3.distance(camera.positionWC, target) : camera.positionCartographic.height;
  const amount = distance * factor;
  if (factor > 0) camera.zoomIn(Math.min(amount, Math.max(0, distance - 10)));
  else camera.zoomOut(-amount);
  scene.requestRender();
}

/** Turns the camera around the vertical through the centre point, by `deg` (positive: clockwise seen from above). */
export function orbit(scene: Scene, deg: number): void {
  const target = centerTarget(scene);
  if (target === null) {
    scene.camera.twistRight(CesiumMath.toRadians(deg));
    return;
  }
  const camera = scene.camera;
  const frame = Transforms.eastNorthUpToFixedFrame(target);
  camera.lookAtTransform(frame);
  camera.rotate(Cartesian3.UNIT_Z, CesiumMath.toRadians(deg));
  camera.lookAtTransform(Matrix4.IDENTITY);
  scene.requestRender();
}

/** Turns the view to face north, keeping the centre point, the distance and the tilt. */
export function northUp(scene: Scene, durationS = 0.6): void {
  const camera = scene.camera;
  const target = centerTarget(scene);
  if (target === null) {
    camera.setView({ orientation: { heading: 0, pitch: camera.pitch, roll: 0 } });
    scene.requestRender();
    return;
  }
  const range = Cartesian3.distance(camera.positionWC, target);
  const pitch = camera.pitch;
  // Where the camera must stand: looking at the target from the south, same range and tilt.
  const frame = Transforms.eastNorthUpToFixedFrame(target);
  const offset = new HeadingPitchRange(0, pitch, range);
  camera.lookAtTransform(frame, offset);
  const position = Cartesian3.clone(camera.positionWC);
  camera.lookAtTransform(Matrix4.IDENTITY);
  const cg = Cartographic.fromCartesian(position);
  setCameraState(
    scene,
    {
      lonDeg: CesiumMath.toDegrees(cg.longitude),
      latDeg: CesiumMath.toDegrees(cg.latitude),
      heightM: cg.height,
      headingDeg: 0,
      pitchDeg: CesiumMath.toDegrees(pitch),
      rollDeg: 0,
    },
    durationS,
  );
}

/** Moves along the ground: `forward` and `right` as shares of the camera height. */
export function pan(scene: Scene, forward: number, right: number): void {
  const camera = scene.camera;
  const h = Math.max(20, camera.positionCartographic.height);
  const up = scene.globe.ellipsoid.geodeticSurfaceNormal(camera.positionWC, new Cartesian3());
  // Horizontal forward: the view direction with its vertical part removed.
  const dir = Cartesian3.subtract(camera.directionWC, Cartesian3.multiplyByScalar(up, Cartesian3.dot(camera.directionWC, up), new Cartesian3()), new Cartesian3());
  if (Cartesian3.magnitude(dir) < 1e-6) Cartesian3.clone(camera.upWC, dir);
  Cartesian3.normalize(dir, dir);
  const rightDir = Cartesian3.normalize(Cartesian3.cross(dir, up, new Cartesian3()), new Cartesian3());
  camera.move(dir, forward * h);
  camera.move(rightDir, right * h);
  scene.requestRender();
}

/** Heading in degrees [0, 360). */
export function headingDeg(scene: Scene): number {
  return ((CesiumMath.toDegrees(scene.camera.heading) % 360) + 360) % 360;
}

/** Calls `fn` when the camera stops moving. Returns the unsubscribe function. */
export function onCameraMoveEnd(scene: Scene, fn: () => void): () => void {
  return scene.camera.moveEnd.addEventListener(fn);
}

/** Calls `fn` with the heading after each rendered frame in which it changed. */
export function onHeadingChange(scene: Scene, fn: (deg: number) => void): () => void {
  let last = Number.NaN;
  return scene.postRender.addEventListener(() => {
    const h = headingDeg(scene);
    if (Math.abs(h - last) > 0.05) {
      last = h;
      fn(h);
    }
  });
}
