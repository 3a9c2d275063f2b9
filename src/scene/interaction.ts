import { Cartesian3, Cesium3DTileFeature, Color, SceneTransforms, type Scene } from 'cesium';
import type { BuildingsHandle } from './buildings.ts';
import type { PickHandler } from './picking.ts';

/** Pick handling for the city's buildings, and screen projection helpers. */

const HOVER_COLOR = Color.WHITE;

/** A pick handler for the buildings tileset: id and all properties; a light tint on hover. */
export function buildingPickHandler(buildings: BuildingsHandle): PickHandler {
  const own = (picked: unknown): picked is Cesium3DTileFeature => picked instanceof Cesium3DTileFeature && picked.tileset === buildings.tileset;
  return {
    resolve: (picked) => (own(picked) ? { layerId: 'buildings', id: buildings.featureId(picked), properties: buildings.featureProperties(picked) } : null),
    highlight: (picked) => {
      if (!own(picked)) return () => undefined;
      const before = Color.clone(picked.color);
      picked.color = Color.lerp(before, HOVER_COLOR, 0.55, new Color());
      return () => {
        picked.color = before;
      };
    },
  };
}

/** Window position of a geodetic point, or null when it is behind the camera. */
export function toWindow(scene: Scene, lonDeg: number, latDeg: number, heightM: number): { x: number; y: number } | null {
  const p = SceneTransforms.worldToWindowCoordinates(scene, Cartesian3.fromDegrees(lonDeg, latDeg, heightM));
  return p === undefined ? null : { x: p.x, y: p.y };
}
