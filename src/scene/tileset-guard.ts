import type { Cesium3DTileset } from 'cesium';
import { DEFAULT_TILESET_LIMITS, explainTileError, inspectTileset, tilesetBudgetsOn, type TilesetLimits } from '../core/tileset-limits.ts';
import { tilesetFolder, watchTileFetches } from './tile-fetch-guard.ts';

/**
 * Enforces tileset limits while a tileset streams: tiles loaded (external tilesets and implicit
 * tiling add tiles Cesium discovers as it goes), depth reached, and bytes of content downloaded.
 * Past a limit the tileset stops streaming (it stays shown with what it has) and `onLimit` says
 * why, once.
 *
 * Budgets that hold the page responsive (issue 22): an external tileset is checked like the root
 * one (children per tile, depth, tiles left) before Cesium builds its tiles; each tile's bytes
 * are checked on Content-Length and while streaming, and its header before the engine parses it
 * (scene/tile-fetch-guard.ts); past `maxVisitedPerFrame` tiles visited in a frame the tileset is
 * drawn coarser; its cache is held within `maxMemoryBytes`; and the engine's errors about a tile
 * reach `tileFailed` listeners in plain words (`explainTileError`).
 */

interface TileLike {
  content?: { byteLength?: number; geometryByteLength?: number; texturesByteLength?: number };
  parent?: TileLike;
}

interface TilesetInternals {
  update(frameState: unknown): void;
  loadTileset(resource: { url?: string }, json: unknown, parent?: unknown): unknown;
  _statistics?: { visited?: number; numberOfTilesTotal?: number };
  tileFailed: { raiseEvent(...args: unknown[]): void };
  resource?: { url?: string };
}

/** Most the screen-space error is raised to when a view asks for too many tiles at once. */
const MAX_COARSE_SSE = 4096;

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
  if (!tilesetBudgetsOn()) return () => remove();

  const t = tileset as unknown as TilesetInternals;
  const restore: (() => void)[] = [() => remove()];

  // Memory: the cache and the overflow allowed for one view, within the budget together.
  const cache = Math.min(tileset.cacheBytes, limits.maxMemoryBytes);
  tileset.cacheBytes = cache;
  tileset.maximumCacheOverflowBytes = Math.min(tileset.maximumCacheOverflowBytes, limits.maxMemoryBytes - cache);

  // Bytes per tile and tile headers, for everything under the tileset's folder.
  const url = t.resource?.url;
  if (typeof url === 'string') restore.push(watchTileFetches(tilesetFolder(url), limits.maxTileBytes));

  // External tilesets: checked before Cesium builds their tiles (a throw fails that tile only).
  const loadTileset = t.loadTileset;
  t.loadTileset = function (resource, json, parent) {
    if (parent !== undefined) {
      const declared = t._statistics?.numberOfTilesTotal ?? 0;
      inspectTileset(json, typeof resource.url === 'string' ? resource.url : where, { ...limits, maxTiles: Math.max(1, limits.maxTiles - declared) });
    }
    return loadTileset.call(this, resource, json, parent);
  };
  restore.push(() => {
    t.loadTileset = loadTileset;
  });

  // Tiles visited per frame: past the budget, draw coarser (each time, up to a ceiling).
  const update = t.update;
  let coarsened = false;
  t.update = function (frameState) {
    update.call(this, frameState);
    const visited = t._statistics?.visited ?? 0;
    if (visited > limits.maxVisitedPerFrame && tileset.maximumScreenSpaceError < MAX_COARSE_SSE) {
      tileset.maximumScreenSpaceError = Math.min(MAX_COARSE_SSE, tileset.maximumScreenSpaceError * 2);
      if (!coarsened) onLimit(`${where}: more than ${limits.maxVisitedPerFrame.toLocaleString('en-US')} tiles to check in one frame (${visited.toLocaleString('en-US')}): shown coarser to keep the page responsive`);
      coarsened = true;
    }
  };
  restore.push(() => {
    t.update = update;
  });

  // Engine errors in plain words; the tile's address stays in the event's url.
  const event = t.tileFailed;
  const raise = event.raiseEvent;
  event.raiseEvent = function (...args: unknown[]) {
    const e = args[0] as { url?: unknown; message?: unknown } | undefined;
    if (e !== undefined && typeof e.message === 'string') args[0] = { ...e, message: explainTileError(e.message) };
    raise.apply(this, args);
  };
  restore.push(() => {
    event.raiseEvent = raise;
  });
  return () => {
    for (const f of restore) f();
  };
}
