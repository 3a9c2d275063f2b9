import { z } from 'zod';
import { ecefToGeodetic, geodeticToEcef, multiplyMat4, type Mat4 } from '../../core/geodesy.ts';

/**
 * Reading a 3D Tiles tileset (1.0 or 1.1) to find the tiles whose content a study needs: every
 * tile whose bounding volume meets a sphere around the study (with ADD refinement, parents and
 * children all hold buildings; with REPLACE, only the deepest tiles that meet it are kept).
 * Bounding volumes (region, box or sphere) are compared as bounding spheres in ECEF.
 */

const num = z.number().finite();
const boundingVolumeSchema = z
  .object({
    region: z.array(num).length(6).optional(),
    box: z.array(num).length(12).optional(),
    sphere: z.array(num).length(4).optional(),
  })
  .refine((v) => v.region !== undefined || v.box !== undefined || v.sphere !== undefined, 'a bounding volume needs a region, box or sphere');

const contentSchema = z.object({ uri: z.string().optional(), url: z.string().optional(), boundingVolume: boundingVolumeSchema.optional() }).refine((c) => c.uri !== undefined || c.url !== undefined, 'content needs a uri');

export interface TileJson {
  boundingVolume: z.infer<typeof boundingVolumeSchema>;
  geometricError?: number;
  refine?: string;
  transform?: number[];
  content?: z.infer<typeof contentSchema>;
  contents?: z.infer<typeof contentSchema>[];
  children?: TileJson[];
}

const tileSchema: z.ZodType<TileJson> = z.lazy(() =>
  z.object({
    boundingVolume: boundingVolumeSchema,
    geometricError: num.optional(),
    refine: z.string().optional(),
    transform: z.array(num).length(16).optional(),
    content: contentSchema.optional(),
    contents: z.array(contentSchema).optional(),
    children: z.array(tileSchema).optional(),
  }),
);

export const tilesetSchema = z.object({
  asset: z.object({ version: z.string(), gltfUpAxis: z.string().optional() }),
  geometricError: num.optional(),
  root: tileSchema,
});
export type TilesetJson = z.infer<typeof tilesetSchema>;

export const IDENTITY: Mat4 = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);


/** Applies a column-major transform to a point. */
export function transformPoint(m: Mat4, x: number, y: number, z: number): [number, number, number] {
  return [
    m[0]! * x + m[4]! * y + m[8]! * z + m[12]!,
    m[1]! * x + m[5]! * y + m[9]! * z + m[13]!,
    m[2]! * x + m[6]! * y + m[10]! * z + m[14]!,
  ];
}

/** A bounding sphere in ECEF metres. */
export interface Sphere {
  center: [number, number, number];
  radius: number;
}

/** The bounding sphere (ECEF) of a tile's bounding volume under its composed transform. */
export function volumeSphere(v: TileJson['boundingVolume'], transform: Mat4): Sphere {
  if (v.region !== undefined) {
    // Regions are in geodetic radians and never transformed.
    const [w, s, e, n, hMin, hMax] = v.region as [number, number, number, number, number, number];
    const pts: [number, number, number][] = [];
    const D = 180 / Math.PI;
    for (const lon of [w, (w + e) / 2, e]) for (const lat of [s, (s + n) / 2, n]) for (const h of [hMin, hMax]) pts.push(geodeticToEcef(lon * D, lat * D, h));
    const c: [number, number, number] = [0, 0, 0];
    for (const p of pts) for (let k = 0; k < 3; k++) c[k]! += p[k]! / pts.length;
    let r = 0;
    for (const p of pts) r = Math.max(r, Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2]));
    return { center: c, radius: r };
  }
  if (v.box !== undefined) {
    const b = v.box;
    const center = transformPoint(transform, b[0]!, b[1]!, b[2]!);
    // Half-axes through the linear part of the transform.
    const axis = (i: number) => {
      const x = b[i]!, y = b[i + 1]!, z = b[i + 2]!;
      return Math.hypot(transform[0]! * x + transform[4]! * y + transform[8]! * z, transform[1]! * x + transform[5]! * y + transform[9]! * z, transform[2]! * x + transform[6]! * y + transform[10]! * z);
    };
    return { center, radius: Math.hypot(axis(3), axis(6), axis(9)) };
  }
  const s = v.sphere!;
  const scale = Math.max(Math.hypot(transform[0]!, transform[1]!, transform[2]!), Math.hypot(transform[4]!, transform[5]!, transform[6]!), Math.hypot(transform[8]!, transform[9]!, transform[10]!));
  return { center: transformPoint(transform, s[0]!, s[1]!, s[2]!), radius: s[3]! * scale };
}

function spheresMeet(a: Sphere, b: Sphere): boolean {
  return Math.hypot(a.center[0] - b.center[0], a.center[1] - b.center[1], a.center[2] - b.center[2]) <= a.radius + b.radius;
}

/** A tile content the study needs, with the transform to ECEF that applies to it. */
export interface SelectedContent {
  url: string;
  transform: Mat4;
  /** glTF up axis of 3D Tiles 1.0 content ('Y' by default). */
  upAxis: 'Y' | 'Z';
}

/**
 * Walks a tileset and lists the contents that meet the study sphere, in a fixed order (depth
 * first, as written). External tilesets (content ending in .json) are returned for the caller to
 * load and walk in turn.
 */
export function selectContents(tileset: TilesetJson, baseUrl: string, study: Sphere, parentTransform: Mat4 = IDENTITY): { contents: SelectedContent[]; external: SelectedContent[] } {
  const contents: SelectedContent[] = [];
  const external: SelectedContent[] = [];
  const upAxis = tileset.asset.gltfUpAxis?.toUpperCase() === 'Z' ? 'Z' : 'Y';
  const visit = (tile: TileJson, parent: Mat4, parentRefine: string): boolean => {
    const transform = tile.transform !== undefined ? multiplyMat4(parent, Float64Array.from(tile.transform)) : parent;
    if (!spheresMeet(volumeSphere(tile.boundingVolume, transform), study)) return false;
    const refine = (tile.refine ?? parentRefine).toUpperCase();
    const childStart = contents.length;
    let childMet = false;
    const own = [...(tile.content !== undefined ? [tile.content] : []), ...(tile.contents ?? [])];
    const mine: SelectedContent[] = [];
    for (const c of own) {
      if (c.boundingVolume !== undefined && !spheresMeet(volumeSphere(c.boundingVolume, transform), study)) continue;
      const url = new URL(c.uri ?? c.url!, baseUrl).href;
      const entry = { url, transform, upAxis } as const;
      if (/\.json(\?|#|$)/i.test(url)) external.push(entry);
      else mine.push(entry);
    }
    contents.push(...mine);
    for (const child of tile.children ?? []) childMet = visit(child, transform, refine) || childMet;
    // With REPLACE refinement, children that meet the study replace their parent's content.
    if (refine === 'REPLACE' && childMet) contents.splice(childStart, mine.length);
    return true;
  };
  visit(tileset.root, parentTransform, tileset.root.refine ?? 'REPLACE');
  return { contents, external };
}

/** Centre (lon, lat) of a tileset's root volume, for the model frame. */
export function rootCentre(tileset: TilesetJson): { lonDeg: number; latDeg: number } {
  const root = tileset.root;
  const s = volumeSphere(root.boundingVolume, root.transform !== undefined ? Float64Array.from(root.transform) : IDENTITY);
  const g = ecefToGeodetic(...s.center);
  return { lonDeg: Math.round(g.lonDeg * 1e6) / 1e6, latDeg: Math.round(g.latDeg * 1e6) / 1e6 };
}
