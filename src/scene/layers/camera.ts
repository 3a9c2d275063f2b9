import { BoundingSphere, Cartographic, EllipsoidTerrainProvider, HeadingPitchRange, type Scene } from 'cesium';

/**
 * Terrain height under a position: 0 on the ellipsoid (where `globe.getHeight` can answer with
 * the skirt of a coarse tile, tens of kilometres below), else the loaded terrain's height when it
 * is plausible, else 0.
 */
export function groundHeightFn(scene: Scene): (lonDeg: number, latDeg: number) => number {
  if (scene.terrainProvider instanceof EllipsoidTerrainProvider) return () => 0;
  return (lon, lat) => {
    const h = scene.globe.getHeight(Cartographic.fromDegrees(lon, lat));
    return h !== undefined && Number.isFinite(h) && h > -500 && h < 9000 ? h : 0;
  };
}

export type Sphere = BoundingSphere;

/** The smallest sphere around several (nulls skipped); null when there is none. */
export function unionSpheres(spheres: readonly (BoundingSphere | null)[]): BoundingSphere | null {
  let out: BoundingSphere | null = null;
  for (const s of spheres) if (s !== null) out = out === null ? BoundingSphere.clone(s) : BoundingSphere.union(out, s, out);
  return out;
}

/** Flies the camera to look at a sphere from `rangeM`, keeping the heading (instantly in stable mode). */
export function flyToSphere(scene: Scene, sphere: BoundingSphere, rangeM: number, stable: boolean): void {
  scene.camera.flyToBoundingSphere(sphere, { offset: new HeadingPitchRange(scene.camera.heading, -0.7, rangeM), duration: stable ? 0 : 1.2 });
  scene.requestRender();
}
