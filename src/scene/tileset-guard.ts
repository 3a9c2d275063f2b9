import type { Cesium3DTileset } from 'cesium';
import { DEFAULT_TILESET_LIMITS, type TilesetLimits } from '../core/tileset-limits.ts';

/**
 * Enforces tileset limits while a tileset streams: tiles loaded (external tilesets and implicit
 * tiling add tiles Cesium discovers as it goes), depth reached, and bytes of content downloaded.
 * Past a limit the tileset stops streaming (it stays shown with what it has) and `onLimit` says
 * why, once.
 */

interface TileLike {
  content?: { byteLength?: number; geometryByteLength?: number; texturesByteLength?: number };
  parent?: TileLike;
}

export function guardTileset(tileset: Cesium3DTileset, where: string, onLimit: (reason: string) => void, limits: TilesetLimits = DEFAULT_TILESET_LIMITS): () => void {
  let bytes = 0, tiles = 0, stopped = false;
  const stop = (reason: string) => {
    if (stopped) return;
    stopped = true;
    // No more requests: the tiles loaded so far stay, refinement stops.
    tileset.maximumScreenSpaceError = Number.MAX_VALUE;
    (tileset as unknown as { preloadWhenHidden: boolean }).preloadWhenHidden = false;
    onLimit(`${where}: ${reason}`);
  };
  const remove = tileset.tileLoad.addEventListener((tile: TileLike) => {
    tiles++;
    const c = tile.content;
    bytes += c?.byteLength ?? (c?.geometryByteLength ?? 0) + (c?.texturesByteLength ?? 0);
    let depth = 0;
    for (let p = tile.parent; p !== undefined && depth <= limits.maxDepth; p = p.parent) depth++;
    if (depth > limits.maxDepth) stop(`a tile deeper than ${limits.maxDepth} levels`);
    else if (tiles > limits.maxTiles) stop(`more than ${limits.maxTiles.toLocaleString('en-US')} tiles loaded`);
    else if (bytes > limits.maxContentBytes) stop(`more than ${Math.round(limits.maxContentBytes / 2 ** 20)} MiB of tile content downloaded`);
  });
  return () => remove();
}
