/**
 * Two views whose cameras follow each other (the scenario comparison's synchronised views):
 * after each frame of either view, `frame(side, pose)` says whether that view's camera moved
 * since the last pose shared, and if so returns the pose to give the other view. The other view
 * then renders with that pose, which equals the last one shared, so it is not sent back: no
 * feedback loop, whichever view the user moves. Pure: no cesium, no DOM.
 */

/** A camera pose in Earth-fixed coordinates: eye position (m), unit view direction and up. */
export interface CameraPose {
  position: readonly [number, number, number];
  direction: readonly [number, number, number];
  up: readonly [number, number, number];
}

export type ViewSide = 'left' | 'right';

export interface CameraSync {
  /**
   * Called after a frame of `side` with its camera pose. Returns the pose the other side must
   * take, or null when nothing moved (or the pose is the one just shared).
   */
  frame(side: ViewSide, pose: CameraPose): { to: ViewSide; pose: CameraPose } | null;
  /** Forgets the last shared pose (the next frame of either side is shared). */
  reset(): void;
}

/** Largest difference between two poses: position in metres, direction and up in radians (small-angle). */
export function poseDistance(a: CameraPose, b: CameraPose): { positionM: number; angleRad: number } {
  const d = (u: readonly number[], v: readonly number[]) => Math.hypot(u[0]! - v[0]!, u[1]! - v[1]!, u[2]! - v[2]!);
  return { positionM: d(a.position, b.position), angleRad: Math.max(d(a.direction, b.direction), d(a.up, b.up)) };
}

/**
 * A sync guard. `toleranceM` and `toleranceRad` absorb the rounding a renderer applies when it
 * takes a pose (1 mm and 1 µrad by default: far below a pixel at any distance the app shows).
 */
export function createCameraSync(toleranceM = 1e-3, toleranceRad = 1e-6): CameraSync {
  let last: CameraPose | null = null;
  const copy = (p: CameraPose): CameraPose => ({ position: [...p.position], direction: [...p.direction], up: [...p.up] });
  return {
    frame(side, pose) {
      if (last !== null) {
        const d = poseDistance(pose, last);
        if (d.positionM <= toleranceM && d.angleRad <= toleranceRad) return null;
      }
      last = copy(pose);
      return { to: side === 'left' ? 'right' : 'left', pose: copy(pose) };
    },
    reset() {
      last = null;
    },
  };
}
