import earcut from 'earcut';

/**
 * Planar polygons in 3D (LOD2 roofs, walls, ground surfaces): Newell normal, projection onto
 * the polygon's plane and triangulation with holes (earcut). Rings are flat `[x0, y0, z0, …]`,
 * open, in metres; the first ring is the outer one.
 */

export type Vec3Tuple = [number, number, number];

/** Newell normal of a ring (not normalised; its length is twice the ring's area). */
export function newellNormal(ring: ArrayLike<number>): Vec3Tuple {
  let nx = 0, ny = 0, nz = 0;
  const n = Math.floor(ring.length / 3);
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const x1 = ring[3 * i]!, y1 = ring[3 * i + 1]!, z1 = ring[3 * i + 2]!;
    const x2 = ring[3 * j]!, y2 = ring[3 * j + 1]!, z2 = ring[3 * j + 2]!;
    nx += (y1 - y2) * (z1 + z2);
    ny += (z1 - z2) * (x1 + x2);
    nz += (x1 - x2) * (y1 + y2);
  }
  return [nx, ny, nz];
}

/**
 * Projects rings onto the plane orthogonal to `normal`, in a right-handed basis (u, v) with
 * u × v = normal: a ring that turns counter-clockwise around the normal stays counter-clockwise.
 */
export function projectToPlane(rings: readonly ArrayLike<number>[], normal: readonly [number, number, number]): number[][] {
  const len = Math.hypot(normal[0], normal[1], normal[2]);
  const n = [normal[0] / len, normal[1] / len, normal[2] / len] as const;
  const ax = Math.abs(n[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const d = ax[0]! * n[0] + ax[1]! * n[1] + ax[2]! * n[2];
  const u0 = [ax[0]! - d * n[0], ax[1]! - d * n[1], ax[2]! - d * n[2]];
  const ul = Math.hypot(u0[0]!, u0[1]!, u0[2]!);
  const u = [u0[0]! / ul, u0[1]! / ul, u0[2]! / ul];
  const v = [n[1] * u[2]! - n[2] * u[1]!, n[2] * u[0]! - n[0] * u[2]!, n[0] * u[1]! - n[1] * u[0]!];
  return rings.map((ring) => {
    const m = Math.floor(ring.length / 3);
    const out = new Array<number>(m * 2);
    for (let i = 0; i < m; i++) {
      const x = ring[3 * i]!, y = ring[3 * i + 1]!, z = ring[3 * i + 2]!;
      out[2 * i] = x * u[0]! + y * u[1]! + z * u[2]!;
      out[2 * i + 1] = x * v[0]! + y * v[1]! + z * v[2]!;
    }
    return out;
  });
}

/**
 * Triangulates a planar polygon with holes. Returns vertex indices into the concatenated rings
 * (outer first), every triangle turning counter-clockwise around the polygon's Newell normal
 * (so it faces the way the outer ring's orientation says), and that normal, unit length. Empty
 * when the polygon has no area.
 */
export function triangulatePlanar(rings: readonly ArrayLike<number>[]): { indices: number[]; normal: Vec3Tuple } {
  const raw = newellNormal(rings[0]!);
  const len = Math.hypot(raw[0], raw[1], raw[2]);
  if (!(len > 0)) return { indices: [], normal: [0, 0, 1] };
  const normal: Vec3Tuple = [raw[0] / len, raw[1] / len, raw[2] / len];
  const flat2 = projectToPlane(rings, normal);
  const coords: number[] = [];
  const holes: number[] = [];
  flat2.forEach((r, i) => {
    if (i > 0) holes.push(coords.length >> 1);
    for (const v of r) coords.push(v);
  });
  const tri = earcut(coords, holes.length > 0 ? holes : undefined, 2);
  const indices: number[] = [];
  for (let t = 0; t < tri.length; t += 3) {
    const a = tri[t]!, b = tri[t + 1]!, c = tri[t + 2]!;
    const cross = (coords[2 * b]! - coords[2 * a]!) * (coords[2 * c + 1]! - coords[2 * a + 1]!) - (coords[2 * b + 1]! - coords[2 * a + 1]!) * (coords[2 * c]! - coords[2 * a]!);
    if (cross === 0) continue;
    if (cross > 0) indices.push(a, b, c);
    else indices.push(a, c, b);
  }
  return { indices, normal };
}
