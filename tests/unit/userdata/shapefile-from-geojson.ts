import type { LayerFeature } from '../../../src/layers/types.ts';
import { writeDbf, writeShp, type TestShape } from './shapefile-writer.ts';

/**
 * Polygons of parsed features written as a WGS84 shapefile (outer rings clockwise, holes
 * anticlockwise, as ESRI requires), with their name as the one attribute: real geometry for
 * shapefile tests and the bench when no open shapefile is at hand.
 */
export function polygonsToShapefile(features: readonly LayerFeature[]): { shp: Uint8Array; dbf: Uint8Array; prj: string; count: number } {
  const shapes: TestShape[] = [];
  const names: string[][] = [];
  const area = (r: readonly (readonly [number, number])[]) => {
    let a = 0;
    for (let i = 0; i < r.length; i++) {
      const p = r[i]!, q = r[(i + 1) % r.length]!;
      a += (q[0] - p[0]) * (q[1] + p[1]);
    }
    return a; // > 0: clockwise
  };
  for (const f of features) {
    if (f.geometry.type !== 'polygon') continue;
    const parts: [number, number][][] = [];
    for (const poly of f.geometry.polygons) {
      poly.forEach((ring, k) => {
        const r = ring.map((p) => [p[0], p[1]] as [number, number]);
        const cw = area(r) > 0;
        if ((k === 0) !== cw) r.reverse();
        parts.push([...r, r[0]!]);
      });
    }
    shapes.push({ type: 5, parts });
    names.push([String(f.name ?? f.id).slice(0, 40)]);
  }
  return { shp: writeShp(shapes), dbf: writeDbf([{ name: 'NAME', type: 'C', len: 40 }], names), prj: 'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137,298.257223563]],PRIMEM["Greenwich",0],UNIT["Degree",0.017453292519943295]]', count: shapes.length };
}
