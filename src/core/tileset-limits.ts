/**
 * Limits against huge or hostile 3D tilesets (a city pack, an online service, a tileset a user
 * opens): how deep the tile tree may go, how many tiles it may declare, how many bytes of tile
 * content a session may download from it. `inspectTileset` checks a tileset.json before Cesium
 * sees it; src/scene/tileset-guard.ts enforces the limits while it streams (external tilesets
 * add tiles as they load).
 */

export interface TilesetLimits {
  /** Deepest tile level accepted (the root is level 0). */
  maxDepth: number;
  /** Most tiles declared, over the tileset and the external tilesets it references. */
  maxTiles: number;
  /** Most bytes of tile content downloaded per tileset in a session. */
  maxContentBytes: number;
  /** Largest tileset.json accepted. */
  maxJsonBytes: number;
}

export const DEFAULT_TILESET_LIMITS: TilesetLimits = {
  maxDepth: 40,
  maxTiles: 250_000,
  maxContentBytes: 2 * 1024 ** 3,
  maxJsonBytes: 64 * 1024 ** 2,
};

export class TilesetLimitError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
    this.name = 'TilesetLimitError';
  }
}

export interface TilesetSummary {
  version: string | null;
  tiles: number;
  depth: number;
  /** Content URIs that point to other tileset.json files (loaded later, checked then). */
  externalTilesets: number;
  implicit: boolean;
}

/**
 * Walks a parsed tileset.json without recursion (a hostile tree cannot blow the stack) and
 * checks its shape and size. Throws a TilesetLimitError naming the tile path (`root.children[3]…`)
 * on the first problem.
 */
export function inspectTileset(json: unknown, where: string, limits: TilesetLimits = DEFAULT_TILESET_LIMITS): TilesetSummary {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new TilesetLimitError(where, 'not a JSON object');
  const t = json as { asset?: { version?: unknown }; root?: unknown };
  if (typeof t.asset !== 'object' || t.asset === null) throw new TilesetLimitError(where, 'no "asset" object (not a 3D Tiles tileset.json)');
  const version = typeof t.asset.version === 'string' ? t.asset.version : null;
  if (version === null) throw new TilesetLimitError(where, '"asset.version" is missing');
  if (typeof t.root !== 'object' || t.root === null) throw new TilesetLimitError(where, 'no "root" tile');
  const stack: { tile: unknown; depth: number; path: string }[] = [{ tile: t.root, depth: 0, path: 'root' }];
  let tiles = 0, depth = 0, external = 0, implicit = false;
  while (stack.length > 0) {
    const { tile, depth: d, path } = stack.pop()!;
    if (typeof tile !== 'object' || tile === null || Array.isArray(tile)) throw new TilesetLimitError(where, `${path} is not a tile object`);
    tiles++;
    depth = Math.max(depth, d);
    if (tiles > limits.maxTiles) throw new TilesetLimitError(where, `more than ${limits.maxTiles.toLocaleString('en-US')} tiles`);
    if (d > limits.maxDepth) throw new TilesetLimitError(where, `${path} is deeper than ${limits.maxDepth} levels`);
    const tl = tile as { boundingVolume?: unknown; geometricError?: unknown; children?: unknown; content?: { uri?: unknown; url?: unknown }; contents?: unknown; implicitTiling?: unknown };
    if (typeof tl.boundingVolume !== 'object' || tl.boundingVolume === null) throw new TilesetLimitError(where, `${path} has no boundingVolume`);
    if (typeof tl.geometricError !== 'number' || !Number.isFinite(tl.geometricError) || tl.geometricError < 0) throw new TilesetLimitError(where, `${path} has no valid geometricError`);
    if (tl.implicitTiling !== undefined) implicit = true;
    const uris: unknown[] = [];
    if (tl.content !== undefined) uris.push(tl.content?.uri ?? tl.content?.url);
    if (Array.isArray(tl.contents)) for (const c of tl.contents) uris.push((c as { uri?: unknown } | null)?.uri);
    for (const u of uris) if (typeof u === 'string' && /\.json(\?|#|$)/i.test(u)) external++;
    if (tl.children !== undefined) {
      if (!Array.isArray(tl.children)) throw new TilesetLimitError(where, `${path}.children is not an array`);
      for (let i = 0; i < tl.children.length; i++) stack.push({ tile: tl.children[i], depth: d + 1, path: `${path}.children[${i}]` });
    }
  }
  return { version, tiles, depth, externalTilesets: external, implicit };
}
