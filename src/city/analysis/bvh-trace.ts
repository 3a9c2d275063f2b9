/**
 * Ray queries against a bounding volume hierarchy built by three-mesh-bvh, read from its
 * serialised form (`MeshBVH.serialize`, format version 1) so that the kernels stay free of
 * three.js: positions, a triangle index and the BVH node buffers are plain typed arrays.
 *
 * Node layout (32 bytes, 8 × uint32): bounds min xyz, max xyz as float32 [0–5]; a leaf has
 * 0xFFFF in uint16 [15], its triangle count in uint16 [14] and its first triangle in uint32 [6];
 * an inner node has the relative offset of its right child (in nodes) in uint32 [6] and its split
 * axis in uint32 [7], its left child follows it. Any-hit queries (is the Sun hidden?) stop at the
 * first triangle met; closest-hit queries find the nearest.
 */

/** Geometry for ray queries: triangles and their BVH. Coordinates are local metres (ENU). */
export interface TraceGeometry {
  /** xyz per vertex. */
  positions: Float32Array;
  /** Three vertex indices per triangle, in BVH order. */
  index: Uint32Array;
  /** The BVH node buffers (one per root). */
  roots: ArrayBuffer[];
}

/**
 * Slab test of node `n`'s box (float32 min xyz at n..n+2, max at n+3..n+5) against the ray from
 * (ox, oy, oz) with inverse direction (ix, iy, iz): whether it meets the box between 0 and
 * `limit`. The traversal and the blocker hint use this one function, so a hinted answer is the
 * traversal's to the bit.
 */
function boxHit(f32: Float32Array, n: number, ox: number, oy: number, oz: number, ix: number, iy: number, iz: number, limit: number): boolean {
  let t0 = (f32[n]! - ox) * ix;
  let t1 = (f32[n + 3]! - ox) * ix;
  let tn = t0 < t1 ? t0 : t1;
  let tf = t0 < t1 ? t1 : t0;
  t0 = (f32[n + 1]! - oy) * iy;
  t1 = (f32[n + 4]! - oy) * iy;
  if (t0 < t1) {
    if (t0 > tn) tn = t0;
    if (t1 < tf) tf = t1;
  } else {
    if (t1 > tn) tn = t1;
    if (t0 < tf) tf = t0;
  }
  t0 = (f32[n + 2]! - oz) * iz;
  t1 = (f32[n + 5]! - oz) * iz;
  if (t0 < t1) {
    if (t0 > tn) tn = t0;
    if (t1 < tf) tf = t1;
  } else {
    if (t1 > tn) tn = t1;
    if (t0 < tf) tf = t0;
  }
  return !(tn > tf || tf < 0 || tn > limit);
}

/** The nearest hit of a ray. */
export interface Hit {
  /** Distance along the (unit) direction. */
  t: number;
  /** Triangle number in `index`. */
  triangle: number;
}

export interface Tracer {
  /** Whether a ray from o along d (unit) meets a triangle at a distance in (tMin, tMax]. */
  occluded(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number): boolean;
  /** The nearest triangle along the ray within (tMin, tMax], written into `out`; false if none. */
  closest(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number, out: Hit): boolean;
  /**
   * Like {@link Tracer.occluded}, and which triangle blocks: its number, or −1 when nothing does.
   * `hint` (a triangle number, or −1) is tested first: when it blocks, no traversal is needed.
   * Neighbouring rays towards the same point are often blocked by the same triangle, so passing
   * the previous answer back saves most of the work on blocked rays; the answer (blocked or not)
   * is the same as `occluded`'s.
   */
  blocker(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number, hint: number): number;
  /** Number of rays traced so far. */
  rays(): number;
}

const LEAF_FLAG = 0xffff;
/** Hits closer than this are the ray's own surface (metres). */
export const T_MIN = 1e-4;

/** Builds a tracer over the geometry. Throws on buffers that do not describe a BVH. */
export function createTracer(g: TraceGeometry): Tracer {
  const P = g.positions;
  const I = g.index;
  if (I.length % 3 !== 0) throw new RangeError('triangle index length is not a multiple of 3');
  const roots = g.roots.map((r) => ({ f32: new Float32Array(r), u32: new Uint32Array(r), u16: new Uint16Array(r) }));
  let stack = new Int32Array(128);
  let count = 0;
  /** The triangle an any-hit query stopped on. */
  let anyTri = -1;
  /** For each triangle, the node (offset in 32-bit words) of its leaf and the root it is in: built on first use. */
  let leafOf: Int32Array | null = null;
  let leafRoot: Uint16Array | null = null;
  const leaves = (): Int32Array => {
    const out = new Int32Array(I.length / 3).fill(-1);
    leafRoot = new Uint16Array(I.length / 3);
    roots.forEach(({ u32, u16 }, r) => {
      for (let n = 0; n < u32.length; n += 8) {
        if (u16[n * 2 + 15] !== LEAF_FLAG) continue;
        const first = u32[n + 6]!;
        for (let tri = first; tri < first + u16[n * 2 + 14]!; tri++) {
          out[tri] = n;
          leafRoot![tri] = r;
        }
      }
    });
    return out;
  };

  // Möller–Trumbore; returns t or -1.
  const triT = (tri: number, ox: number, oy: number, oz: number, dx: number, dy: number, dz: number): number => {
    const a = I[3 * tri]! * 3, b = I[3 * tri + 1]! * 3, c = I[3 * tri + 2]! * 3;
    const ax = P[a]!, ay = P[a + 1]!, az = P[a + 2]!;
    const e1x = P[b]! - ax, e1y = P[b + 1]! - ay, e1z = P[b + 2]! - az;
    const e2x = P[c]! - ax, e2y = P[c + 1]! - ay, e2z = P[c + 2]! - az;
    const px = dy * e2z - dz * e2y, py = dz * e2x - dx * e2z, pz = dx * e2y - dy * e2x;
    const det = e1x * px + e1y * py + e1z * pz;
    if (det > -1e-12 && det < 1e-12) return -1;
    const inv = 1 / det;
    const sx = ox - ax, sy = oy - ay, sz = oz - az;
    const u = (sx * px + sy * py + sz * pz) * inv;
    if (u < 0 || u > 1) return -1;
    const qx = sy * e1z - sz * e1y, qy = sz * e1x - sx * e1z, qz = sx * e1y - sy * e1x;
    const v = (dx * qx + dy * qy + dz * qz) * inv;
    if (v < 0 || u + v > 1) return -1;
    return (e2x * qx + e2y * qy + e2z * qz) * inv;
  };

  const traverse = (ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, tMax: number, anyHit: boolean, out: Hit | null): boolean => {
    count++;
    // A zero component would give 0 × ∞ = NaN on a slab boundary: use a tiny one instead.
    const ix = 1 / (dx === 0 ? 1e-30 : dx), iy = 1 / (dy === 0 ? 1e-30 : dy), iz = 1 / (dz === 0 ? 1e-30 : dz);
    let best = tMax;
    let found = false;
    for (const { f32, u32, u16 } of roots) {
      let sp = 0;
      stack[sp++] = 0;
      while (sp > 0) {
        const n = stack[--sp]!;
        if (!boxHit(f32, n, ox, oy, oz, ix, iy, iz, best)) continue;
        const n16 = n * 2;
        if (u16[n16 + 15] === LEAF_FLAG) {
          const first = u32[n + 6]!;
          const end = first + u16[n16 + 14]!;
          for (let tri = first; tri < end; tri++) {
            const t = triT(tri, ox, oy, oz, dx, dy, dz);
            if (t > T_MIN && t <= best) {
              if (anyHit) {
                anyTri = tri;
                return true;
              }
              best = t;
              found = true;
              out!.t = t;
              out!.triangle = tri;
            }
          }
        } else {
          if (sp + 2 > stack.length) {
            const s = new Int32Array(stack.length * 2);
            s.set(stack);
            stack = s;
          }
          const right = n + u32[n + 6]! * 8;
          const left = n + 8;
          // Visit first the child the ray enters first.
          const axis = u32[n + 7]!;
          const dirPositive = axis === 0 ? dx >= 0 : axis === 1 ? dy >= 0 : dz >= 0;
          if (dirPositive) {
            stack[sp++] = right;
            stack[sp++] = left;
          } else {
            stack[sp++] = left;
            stack[sp++] = right;
          }
        }
      }
    }
    return found;
  };

  return {
    occluded: (ox, oy, oz, dx, dy, dz, tMax) => traverse(ox, oy, oz, dx, dy, dz, tMax, true, null),
    blocker(ox, oy, oz, dx, dy, dz, tMax, hint) {
      if (hint >= 0 && hint < I.length / 3) {
        // The hint answers only where the traversal would reach its leaf: the leaf's box test,
        // with the traversal's own arithmetic (its ancestors' boxes contain it, so pass too).
        if (leafOf === null) leafOf = leaves();
        const n = leafOf[hint]!;
        const f32 = roots[leafRoot![hint]!]!.f32;
        const ix = 1 / (dx === 0 ? 1e-30 : dx), iy = 1 / (dy === 0 ? 1e-30 : dy), iz = 1 / (dz === 0 ? 1e-30 : dz);
        if (boxHit(f32, n, ox, oy, oz, ix, iy, iz, tMax)) {
          const t = triT(hint, ox, oy, oz, dx, dy, dz);
          if (t > T_MIN && t <= tMax) {
            count++;
            return hint;
          }
        }
      }
      return traverse(ox, oy, oz, dx, dy, dz, tMax, true, null) ? anyTri : -1;
    },
    closest: (ox, oy, oz, dx, dy, dz, tMax, out) => traverse(ox, oy, oz, dx, dy, dz, tMax, false, out),
    rays: () => count,
  };
}

/** Unit normal of a triangle from its winding (counter-clockwise front), written into `out`. */
export function triangleNormal(g: TraceGeometry, tri: number, out: Float64Array): void {
  const P = g.positions, I = g.index;
  const a = I[3 * tri]! * 3, b = I[3 * tri + 1]! * 3, c = I[3 * tri + 2]! * 3;
  const e1x = P[b]! - P[a]!, e1y = P[b + 1]! - P[a + 1]!, e1z = P[b + 2]! - P[a + 2]!;
  const e2x = P[c]! - P[a]!, e2y = P[c + 1]! - P[a + 1]!, e2z = P[c + 2]! - P[a + 2]!;
  const nx = e1y * e2z - e1z * e2y, ny = e1z * e2x - e1x * e2z, nz = e1x * e2y - e1y * e2x;
  const l = Math.hypot(nx, ny, nz) || 1;
  out[0] = nx / l;
  out[1] = ny / l;
  out[2] = nz / l;
}
