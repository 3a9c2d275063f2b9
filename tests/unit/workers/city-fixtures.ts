import { MeshBuilder } from '../../../src/core/geometry/extrude.ts';
import { buildTraceGeometry } from '../../../src/city/analysis/model.ts';
import type { CityGeometry } from '../../../src/city/analysis/geometry.ts';

/** Small cities for analytic tests: axis-aligned boxes (x, y of the south-west corner, sizes in metres). */
export interface Box {
  x: number;
  y: number;
  w: number;
  d: number;
  h: number;
  base?: number;
}

export function boxesGeometry(boxes: readonly Box[]): CityGeometry {
  const mb = new MeshBuilder();
  boxes.forEach((b, i) => {
    const base = b.base ?? 0;
    mb.addExtrudedPolygon({ outer: [b.x, b.y, b.x + b.w, b.y, b.x + b.w, b.y + b.d, b.x, b.y + b.d], holes: [] }, base, base + b.h, i);
  });
  return buildTraceGeometry({ positions: mb.positions.toArray(), index: mb.indices.toArray(), vertexBuilding: mb.featureIds.toArray(), buildingIds: boxes.map((_, i) => `B${i}`) });
}

/** A square polygon centred on (cx, cy) with side s, in the model frame. */
export function squareM(cx: number, cy: number, s: number): number[][] {
  return [[cx - s / 2, cy - s / 2, cx + s / 2, cy - s / 2, cx + s / 2, cy + s / 2, cx - s / 2, cy + s / 2]];
}
