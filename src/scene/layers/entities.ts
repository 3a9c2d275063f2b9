import { ArcType, Cartesian3, ClassificationType, Color, ColorMaterialProperty, EllipsoidTerrainProvider, PolygonHierarchy, PrimitiveCollection, type CesiumWidget, type Entity } from 'cesium';
import { colorOf, symbolsFor } from '../../layers/style.ts';
import type { LayerDefinition, ParsedLayer, Position } from '../../layers/types.ts';

/**
 * The same layer drawn the naive way, one Entity per feature (polylines, polygons and point
 * graphics, clamped to terrain under the same rule as draw.ts). Not used by the app: bench/suites/layers.ts compares it with the
 * batched primitives of draw.ts, which is how the choice was measured rather than assumed.
 */
export function drawAsEntities(widget: CesiumWidget, def: LayerDefinition, parsed: ParsedLayer): { ready(): boolean; count: number; setAlpha(alpha: number): void; dispose(): void } {
  const variant = def.variants[0];
  // Clamped like the batched drawing: to real terrain only.
  const clamp = !(widget.scene.terrainProvider instanceof EllipsoidTerrainProvider);
  const added: Entity[] = [];
  const flat = (l: readonly Position[]) => Cartesian3.fromDegreesArray(l.flatMap((p) => [p[0], p[1]]));
  widget.entities.suspendEvents();
  for (const f of parsed.features) {
    for (const s of symbolsFor(variant, f)) {
      if (s.kind === 'imagery') continue;
      const c = colorOf(s.color, f.properties);
      const color = Color.fromBytes(c[0], c[1], c[2], 255);
      const g = f.geometry;
      if (g.type === 'point') added.push(widget.entities.add({ position: Cartesian3.fromDegrees(g.coordinates[0], g.coordinates[1], 2), point: { pixelSize: 8, color, disableDepthTestDistance: Number.POSITIVE_INFINITY } }));
      else if (g.type === 'line') for (const l of g.lines) added.push(widget.entities.add({ polyline: { positions: clamp ? flat(l) : Cartesian3.fromDegreesArrayHeights(l.flatMap((p) => [p[0], p[1], 1.5])), width: 2, clampToGround: clamp, arcType: ArcType.GEODESIC, material: color } }));
      else for (const p of g.polygons) added.push(widget.entities.add({ polygon: { hierarchy: new PolygonHierarchy(flat(p[0]!), p.slice(1).map((h) => new PolygonHierarchy(flat(h)))), material: color.withAlpha(0.6), ...(clamp ? { classificationType: ClassificationType.TERRAIN } : { height: 0.3 }) } }));
    }
  }
  widget.entities.resumeEvents();
  widget.scene.requestRender();
  return {
    // Entities become primitives over several widget updates: ready when the display says so and
    // every primitive it made has been built.
    ready: () => widget.dataSourceDisplay.ready && allBuilt(widget.scene.primitives) && allBuilt(widget.scene.groundPrimitives),
    count: added.length,
    /** What the layer's opacity slider would do with entities: a new material for each one. */
    setAlpha(alpha) {
      widget.entities.suspendEvents();
      for (const e of added) {
        const g = e.polyline ?? e.polygon;
        const m = g?.material as ColorMaterialProperty | undefined;
        if (g !== undefined && m !== undefined) g.material = new ColorMaterialProperty(m.color!.getValue()!.withAlpha(alpha));
        if (e.point !== undefined) e.point.color = e.point.color!.getValue()!.withAlpha(alpha) as never;
      }
      widget.entities.resumeEvents();
      widget.scene.requestRender();
    },
    dispose() {
      for (const e of added) widget.entities.remove(e);
      widget.scene.requestRender();
    },
  };
}

function allBuilt(c: PrimitiveCollection): boolean {
  for (let i = 0; i < c.length; i++) {
    const p = c.get(i) as { ready?: boolean; show?: boolean };
    if (p instanceof PrimitiveCollection) {
      if (!allBuilt(p)) return false;
    } else if (p.show !== false && p.ready === false) return false;
  }
  return true;
}
