import {
  Cartesian3,
  Color,
  ColorGeometryInstanceAttribute,
  CorridorGeometry,
  GeometryInstance,
  PerInstanceColorAppearance,
  PolygonGeometry,
  PolygonHierarchy,
  Primitive,
  type Scene,
} from 'cesium';
import type { GroundShapes } from '../layers/ground.ts';

/**
 * Draws ground shapes as two batched primitives (one draw call each), slightly above the
 * ellipsoid so they do not fight with the imagery.
 */
export function addGroundShapes(scene: Scene, shapes: GroundShapes, heightM = 0.05): () => void {
  const added: Primitive[] = [];
  const color = (c: readonly [number, number, number]) => ColorGeometryInstanceAttribute.fromColor(Color.fromBytes(c[0], c[1], c[2], 255));
  if (shapes.ribbons.length > 0) {
    added.push(
      new Primitive({
        geometryInstances: shapes.ribbons.map(
          (r) =>
            new GeometryInstance({
              geometry: new CorridorGeometry({ positions: Cartesian3.fromDegreesArray(r.line.flat()), width: r.widthM, height: heightM, vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT }),
              attributes: { color: color(r.color) },
            }),
        ),
        appearance: new PerInstanceColorAppearance({ flat: true, translucent: false }),
        asynchronous: true,
        allowPicking: false,
      }),
    );
  }
  if (shapes.areas.length > 0) {
    added.push(
      new Primitive({
        geometryInstances: shapes.areas.map(
          (a) =>
            new GeometryInstance({
              geometry: new PolygonGeometry({ polygonHierarchy: new PolygonHierarchy(Cartesian3.fromDegreesArray(a.ring.flat())), height: heightM * 2, vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT }),
              attributes: { color: color(a.color) },
            }),
        ),
        appearance: new PerInstanceColorAppearance({ flat: true, translucent: false }),
        asynchronous: true,
        allowPicking: false,
      }),
    );
  }
  for (const p of added) scene.primitives.add(p);
  scene.requestRender();
  return () => {
    for (const p of added) if (!p.isDestroyed()) scene.primitives.remove(p);
  };
}
