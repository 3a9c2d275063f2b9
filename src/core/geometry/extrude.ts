import earcut from 'earcut';
import { GrowableF32, GrowableU32 } from './buffers.ts';
import { reverseRing, signedArea } from './polygon.ts';

/**
 * LOD1 extrusion of building footprints into a triangle mesh: vertical walls with outward
 * normals and a flat roof (earcut, holes kept). No floor: it is never seen from above ground
 * and ray casts hit walls or roofs first.
 *
 * Coordinates are local metres, x east, y north, z up. Output is flat-shaded: every wall quad
 * and every roof has its own vertices, so normals are exact.
 */

/** A footprint polygon: an outer ring and holes, each a flat open ring `[x0, y0, x1, y1, …]`. */
export interface FootprintM {
  outer: ArrayLike<number>;
  holes: readonly ArrayLike<number>[];
}

/** Accumulates extruded buildings into one mesh with a feature id per vertex. */
export class MeshBuilder {
  readonly positions = new GrowableF32(4096);
  readonly normals = new GrowableF32(4096);
  readonly featureIds = new GrowableU32(1365);
  readonly indices = new GrowableU32(4096);

  get vertexCount(): number {
    return this.positions.length / 3;
  }

  get triangleCount(): number {
    return this.indices.length / 3;
  }

  private vertex(x: number, y: number, z: number, nx: number, ny: number, nz: number, fid: number): number {
    const i = this.vertexCount;
    this.positions.push3(x, y, z);
    this.normals.push3(nx, ny, nz);
    this.featureIds.push(fid);
    return i;
  }

  /**
   * Adds one extruded polygon between `baseZ` and `topZ` for feature `featureId`. Rings may come
   * in either orientation; they are oriented here (outer counter-clockwise, holes clockwise).
   * Returns the number of triangles added (0 for a degenerate footprint).
   */
  addExtrudedPolygon(footprint: FootprintM, baseZ: number, topZ: number, featureId: number): number {
    if (!(topZ > baseZ)) return 0;
    if (footprint.outer.length < 6) return 0;
    const outerArea = signedArea(footprint.outer);
    if (outerArea === 0 || !Number.isFinite(outerArea)) return 0;
    const outer = outerArea > 0 ? Array.from(footprint.outer) : reverseRing(footprint.outer);
    const holes = footprint.holes
      .filter((h) => h.length >= 6 && signedArea(h) !== 0)
      .map((h) => (signedArea(h) < 0 ? Array.from(h) : reverseRing(h)));
    const before = this.triangleCount;
    for (const ring of [outer, ...holes]) this.addWalls(ring, baseZ, topZ, featureId);
    this.addRoof(outer, holes, topZ, featureId);
    return this.triangleCount - before;
  }

  private addWalls(ring: readonly number[], baseZ: number, topZ: number, fid: number): void {
    const n = ring.length >> 1;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      const ax = ring[2 * i]!, ay = ring[2 * i + 1]!;
      const bx = ring[2 * j]!, by = ring[2 * j + 1]!;
      const dx = bx - ax, dy = by - ay;
      const len = Math.hypot(dx, dy);
      if (len === 0) continue;
      // Outward normal: right of the direction of travel on a CCW outer ring / CW hole.
      const nx = dy / len, ny = -dx / len;
      const v0 = this.vertex(ax, ay, baseZ, nx, ny, 0, fid);
      const v1 = this.vertex(bx, by, baseZ, nx, ny, 0, fid);
      const v2 = this.vertex(bx, by, topZ, nx, ny, 0, fid);
      const v3 = this.vertex(ax, ay, topZ, nx, ny, 0, fid);
      this.indices.push3(v0, v1, v2);
      this.indices.push3(v0, v2, v3);
    }
  }

  private addRoof(outer: readonly number[], holes: readonly (readonly number[])[], topZ: number, fid: number): void {
    const flat: number[] = outer.slice();
    const holeIndices: number[] = [];
    for (const h of holes) {
      holeIndices.push(flat.length >> 1);
      for (const v of h) flat.push(v);
    }
    const tri = earcut(flat, holeIndices.length > 0 ? holeIndices : undefined, 2);
    if (tri.length === 0) return;
    const first = this.vertexCount;
    const n = flat.length >> 1;
    for (let i = 0; i < n; i++) this.vertex(flat[2 * i]!, flat[2 * i + 1]!, topZ, 0, 0, 1, fid);
    for (let t = 0; t < tri.length; t += 3) {
      const a = tri[t]!, b = tri[t + 1]!, c = tri[t + 2]!;
      const cross =
        (flat[2 * b]! - flat[2 * a]!) * (flat[2 * c + 1]! - flat[2 * a + 1]!) -
        (flat[2 * b + 1]! - flat[2 * a + 1]!) * (flat[2 * c]! - flat[2 * a]!);
      if (cross === 0) continue; // degenerate sliver
      // Roofs face up: counter-clockwise seen from above.
      if (cross > 0) this.indices.push3(first + a, first + b, first + c);
      else this.indices.push3(first + a, first + c, first + b);
    }
  }
}
