import { enuFrame, enuToEcefMatrix, metresPerDegree, multiplyMat4, type Mat4 } from '../core/geodesy.ts';
import type { Region, TileNode } from './tiler.ts';

/**
 * tileset.json (3D Tiles 1.1) for a tile tree. Every tile with content has its own east-north-up
 * frame at the centre of its content; 3D Tiles composes a tile's `transform` with its parent's,
 * so each tile stores its frame relative to its parent's frame.
 */

export interface TilesetTile {
  boundingVolume: { region: Region };
  geometricError: number;
  refine?: 'ADD' | 'REPLACE';
  transform?: number[];
  content?: { uri: string; boundingVolume: { region: Region } };
  children?: TilesetTile[];
}

export interface Tileset {
  asset: { version: '1.1'; generator: string; tilesetVersion?: string };
  /** The metadata schema, once for the tileset (its tiles carry it without descriptions). */
  schema?: Record<string, unknown>;
  geometricError: number;
  root: TilesetTile;
}

const DEG = 180 / Math.PI;

/** Frame origin of a tile: centre of its content region (else its region), at the minimum height. */
export function tileOrigin(t: TileNode): { lonDeg: number; latDeg: number; heightM: number } {
  const r = t.contentRegion ?? t.region;
  return { lonDeg: ((r[0] + r[2]) / 2) * DEG, latDeg: ((r[1] + r[3]) / 2) * DEG, heightM: r[4] };
}

/** Inverse of a rigid column-major transform (rotation + translation). */
export function invertRigid(m: Mat4): Mat4 {
  const r = Float64Array.from([m[0]!, m[4]!, m[8]!, 0, m[1]!, m[5]!, m[9]!, 0, m[2]!, m[6]!, m[10]!, 0, 0, 0, 0, 1]);
  const tx = m[12]!, ty = m[13]!, tz = m[14]!;
  r[12] = -(r[0]! * tx + r[4]! * ty + r[8]! * tz);
  r[13] = -(r[1]! * tx + r[5]! * ty + r[9]! * tz);
  r[14] = -(r[2]! * tx + r[6]! * ty + r[10]! * tz);
  return r;
}


/** Diagonal of a region in metres (ground extent and height). */
export function regionDiagonalM(r: Region): number {
  const m = metresPerDegree(((r[1] + r[3]) / 2) * DEG);
  return Math.hypot((r[2] - r[0]) * DEG * m.lonM, (r[3] - r[1]) * DEG * m.latM, r[5] - r[4]);
}

/**
 * Builds the tileset JSON. `uriOf` names the content file of a tile; tiles without content
 * have none.
 */
export function buildTileset(root: TileNode, uriOf: (t: TileNode) => string | null, schema?: Record<string, unknown>): Tileset {
  const convert = (t: TileNode, parentFrame: Mat4 | null): TilesetTile => {
    const o = tileOrigin(t);
    const frame = enuToEcefMatrix(o.lonDeg, o.latDeg, o.heightM);
    const local = parentFrame === null ? frame : multiplyMat4(invertRigid(parentFrame), frame);
    const uri = t.content.length > 0 ? uriOf(t) : null;
    const tile: TilesetTile = {
      boundingVolume: { region: t.region },
      geometricError: t.geometricErrorM,
      ...(parentFrame === null ? { refine: 'ADD' as const } : {}),
      transform: Array.from(local, (v) => (Math.abs(v) < 1e-15 ? 0 : v)),
    };
    if (uri !== null && t.contentRegion !== null) tile.content = { uri, boundingVolume: { region: t.contentRegion } };
    if (t.children.length > 0) tile.children = t.children.map((c) => convert(c, frame));
    return tile;
  };
  const rootTile = convert(root, null);
  return {
    asset: { version: '1.1', generator: 'Jumeau city pipeline' },
    ...(schema !== undefined ? { schema } : {}),
    geometricError: Math.max(regionDiagonalM(root.region), root.geometricErrorM * 2),
    root: rootTile,
  };
}

/** The ENU frame a tile's content is written in (same origin as its tileset transform). */
export function tileFrame(t: TileNode) {
  return enuFrame(tileOrigin(t));
}
