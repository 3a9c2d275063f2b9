import { Cartesian2, Cartesian3, SceneTransforms, type Scene } from 'cesium';
import type { BuildingsHandle } from './buildings.ts';
import { installPicking } from './picking.ts';

/** Picking of buildings expressed in ids and plain properties, for the UI. */

export interface PickedBuilding {
  id: string | null;
  properties: Record<string, unknown>;
}

export function installBuildingPicking(
  scene: Scene,
  buildings: BuildingsHandle,
  cb: { onHover(id: string | null): void; onSelect(picked: PickedBuilding | null): void },
): () => void {
  return installPicking(scene, {
    accept: (f) => f.tileset === buildings.tileset,
    onHover: (f) => cb.onHover(f === null ? null : buildings.featureId(f)),
    onClick: (f) => cb.onSelect(f === null ? null : { id: buildings.featureId(f), properties: buildings.featureProperties(f) }),
  });
}

/** The building under a window position (CSS pixels from the canvas's top-left), or null. */
export function pickBuildingAt(scene: Scene, buildings: BuildingsHandle, x: number, y: number): PickedBuilding | null {
  const picked: unknown = scene.pick(new Cartesian2(x, y));
  const f = picked as { tileset?: unknown } | undefined;
  if (f === undefined || f === null || f.tileset !== buildings.tileset) return null;
  const feature = picked as Parameters<BuildingsHandle['featureId']>[0];
  return { id: buildings.featureId(feature), properties: buildings.featureProperties(feature) };
}

/** Window position of a geodetic point, or null when it is behind the camera. */
export function toWindow(scene: Scene, lonDeg: number, latDeg: number, heightM: number): { x: number; y: number } | null {
  const p = SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromDegrees(lonDeg, latDeg, heightM));
  return p === undefined ? null : { x: p.x, y: p.y };
}
