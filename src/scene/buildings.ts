import { type Cesium3DTileFeature, Cesium3DTileset, ShadowMode, type Scene } from 'cesium';
import { HEIGHT_RAMP } from '../core/color-ramp.ts';
import type { BuildingsSource } from '../config/types.ts';
import { DEFAULT_TILESET_LIMITS, inspectTileset } from '../core/tileset-limits.ts';
import { fetchJson } from '../sources/http.ts';
import { createHeightStyle } from './style.ts';
import { guardTileset } from './tileset-guard.ts';

/**
 * The buildings tileset of a city: streaming, height style, selection highlight, error reports,
 * and the look-ups the UI needs (properties of a feature, finding a feature by id).
 */

export interface BuildingsHandle {
  readonly tileset: Cesium3DTileset;
  /** Highlights a building by id through the style (null clears). */
  setSelected(id: string | null): void;
  /** Hides buildings by id through the style (a scenario's demolitions); [] shows all. */
  setHidden(ids: readonly string[]): void;
  /** Highlights buildings by id (a tour stop) in the highlight colour; [] clears. */
  setHighlighted(ids: readonly string[]): void;
  /** Id of a picked feature, from the first id candidate it has. */
  featureId(feature: Cesium3DTileFeature): string | null;
  /** All properties of a feature as plain values. */
  featureProperties(feature: Cesium3DTileFeature): Record<string, unknown>;
  /** Looks for a loaded feature with this id. */
  findLoaded(id: string): Cesium3DTileFeature | null;
  /** Calls back once when a feature with this id is loaded (or now if it is). */
  whenLoaded(id: string, fn: (feature: Cesium3DTileFeature) => void): () => void;
  setShadows(on: boolean): void;
  /** Whether every tile needed for the current view is loaded. */
  readonly tilesLoaded: boolean;
  dispose(): void;
}

export interface BuildingsOptions {
  /** A tile failed to load or parse. */
  onTileError(url: string, reason: string): void;
  stable: boolean;
  shadows: boolean;
}

/** Limits against huge or hostile tilesets (bytes kept in memory). */
const CACHE_BYTES = 512 * 1024 * 1024;

function* contentFeatures(tileset: Cesium3DTileset): Generator<Cesium3DTileFeature> {
  const stack = [tileset.root];
  while (stack.length > 0) {
    const tile = stack.pop()!;
    const content = tile.content as { featuresLength?: number; getFeature?: (i: number) => Cesium3DTileFeature } | undefined;
    if (content !== undefined && content?.featuresLength !== undefined && content.getFeature !== undefined) {
      for (let i = 0; i < content.featuresLength; i++) yield content.getFeature(i);
    }
    for (const c of tile.children) stack.push(c);
  }
}

/** Loads a tileset; rejects with a readable reason when tileset.json cannot be read. */
export async function loadBuildings(scene: Scene, source: BuildingsSource, options: BuildingsOptions): Promise<BuildingsHandle> {
  // Read and check tileset.json within limits first (size, depth, tile count, shape): a hostile
  // or broken tileset is refused with the reason, before Cesium starts streaming it.
  inspectTileset(await fetchJson(source.url, { timeoutMs: 20_000, maxBytes: DEFAULT_TILESET_LIMITS.maxJsonBytes }), source.url);
  const tileset = await Cesium3DTileset.fromUrl(source.url, {
    maximumScreenSpaceError: source.maximumScreenSpaceError ?? 16,
    foveatedScreenSpaceError: !options.stable,
    shadows: options.shadows ? ShadowMode.ENABLED : ShadowMode.DISABLED,
    cacheBytes: CACHE_BYTES,
    maximumCacheOverflowBytes: CACHE_BYTES / 2,
    enableCollision: true,
  });
  let selected: string | null = null;
  let hidden: readonly string[] = [];
  let highlighted: readonly string[] = [];
  const applyStyle = () => {
    tileset.style = createHeightStyle(
      HEIGHT_RAMP,
      source.heightProperties,
      selected !== null ? { id: selected, idCandidates: source.idProperties } : undefined,
      highlighted.length > 0 ? { ids: highlighted, idCandidates: source.idProperties } : undefined,
      hidden.length > 0 ? { ids: hidden, idCandidates: source.idProperties } : undefined,
    );
    scene.requestRender();
  };
  applyStyle();
  const removeFailed = tileset.tileFailed.addEventListener((e: { url: string; message: string }) => {
    options.onTileError(e.url, e.message);
  });
  const removeLoad = tileset.allTilesLoaded.addEventListener(() => scene.requestRender());
  const removeGuard = guardTileset(tileset, source.url, (reason) => options.onTileError(source.url, reason));
  const waiters = new Map<string, Set<(f: Cesium3DTileFeature) => void>>();
  const featureId = (f: Cesium3DTileFeature): string | null => {
    for (const p of source.idProperties) {
      const v: unknown = f.getProperty(p);
      if (v !== undefined && v !== null && v !== '') return String(v);
    }
    return null;
  };
  const removeTileLoad = tileset.tileLoad.addEventListener((tile: { content: { featuresLength?: number; getFeature?: (i: number) => Cesium3DTileFeature } }) => {
    if (waiters.size === 0) return;
    const content = tile.content;
    if (content.featuresLength === undefined || content.getFeature === undefined) return;
    for (let i = 0; i < content.featuresLength; i++) {
      const f = content.getFeature(i);
      const id = featureId(f);
      const set = id !== null ? waiters.get(id) : undefined;
      if (set !== undefined) {
        waiters.delete(id!);
        for (const fn of set) fn(f);
      }
    }
  });
  scene.primitives.add(tileset);
  const handle: BuildingsHandle = {
    tileset,
    setSelected(id) {
      if (id === selected) return;
      selected = id;
      applyStyle();
    },
    setHighlighted(ids) {
      if (ids.length === highlighted.length && ids.every((id, i) => id === highlighted[i])) return;
      highlighted = [...ids];
      applyStyle();
    },
    setHidden(ids) {
      if (ids.length === hidden.length && ids.every((x, i) => x === hidden[i])) return;
      hidden = [...ids];
      applyStyle();
    },
    featureId,
    featureProperties(f) {
      const out: Record<string, unknown> = {};
      for (const p of f.getPropertyIds()) {
        const v: unknown = f.getProperty(p);
        out[p] = typeof v === 'bigint' ? v.toString() : v;
      }
      return out;
    },
    findLoaded(id) {
      for (const f of contentFeatures(tileset)) if (featureId(f) === id) return f;
      return null;
    },
    whenLoaded(id, fn) {
      const found = handle.findLoaded(id);
      if (found !== null) {
        fn(found);
        return () => undefined;
      }
      let set = waiters.get(id);
      if (set === undefined) waiters.set(id, (set = new Set()));
      set.add(fn);
      return () => waiters.get(id)?.delete(fn);
    },
    setShadows(on) {
      tileset.shadows = on ? ShadowMode.ENABLED : ShadowMode.DISABLED;
      scene.requestRender();
    },
    get tilesLoaded() {
      return tileset.tilesLoaded;
    },
    dispose() {
      removeFailed();
      removeLoad();
      removeTileLoad();
      removeGuard();
      waiters.clear();
      if (!tileset.isDestroyed()) scene.primitives.remove(tileset); // remove() destroys it
    },
  };
  return handle;
}
