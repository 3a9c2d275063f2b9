import {
  Cartesian3, Cesium3DTileFeature, Cesium3DTileset, Cesium3DTileStyle, Color, HeadingPitchRange, HeadingPitchRoll, ImageryLayer, Math as CesiumMath, Model, Transforms,
  GeographicTilingScheme, Rectangle, UrlTemplateImageryProvider, WebMapServiceImageryProvider, WebMapTileServiceImageryProvider, WebMercatorTilingScheme, type CesiumWidget, type ImageryProvider, type Scene,
} from 'cesium';
import { rgbToHex } from '../../core/color-ramp.ts';
import { DEFAULT_TILESET_LIMITS, inspectTileset } from '../../core/tileset-limits.ts';
import { FetchError, fetchJson } from '../../sources/http.ts';
import { guardTileset } from '../../scene/tileset-guard.ts';
import type { ColorRule, PropertyValue } from '../../layers/types.ts';
import { styleString } from '../../scene/style.ts';

/**
 * Drawing what the user brought (issue 13) that is not a vector layer: 3D Tiles tilesets by URL
 * (any version Cesium reads: 1.0 b3dm/i3dm/pnts/cmpt, 1.1 glTF content, implicit tiling,
 * metadata), glTF models placed at a point, and imagery (WMS, WMTS, XYZ). Each function returns a
 * handle that owns what it added (DESIGN.md convention 5) and recognises its own picked objects.
 * Vector layers are drawn by scene/layers/draw.ts like the open-data layers.
 */

export interface UserSceneHandle {
  setShown(on: boolean): void;
  setOpacity(alpha: number): void;
  /** Properties of a picked object when it is this item's, else null. */
  resolve(picked: unknown): { id: string | null; properties: Record<string, unknown> } | null;
  flyTo(stable: boolean): void;
  dispose(): void;
}

export interface TilesetHandle extends UserSceneHandle {
  /** Attributes of the features loaded so far (batch tables or EXT_structural_metadata). */
  loadedFeatures(max: number): Record<string, PropertyValue>[];
  /** Colours the features by a rule on their attributes (constant: the tileset's own colours). */
  setStyle(rule: ColorRule | null): void;
  readonly tileset: Cesium3DTileset;
}

const reasonOf = (e: unknown): string => {
  // Cesium chains its messages with the (blob) URL on each line: keep the distinct explanations.
  if (e instanceof Error) return [...new Set(e.message.split('\n').map((l) => l.replace(/:?\s*blob:\S+/g, '').trim()).filter((l) => l !== ''))].join(' — ');
  const o = e as { statusCode?: number; response?: unknown } | null;
  if (o !== null && typeof o === 'object' && 'statusCode' in o) return o.statusCode === undefined ? 'network error or refused by CORS' : `HTTP ${o.statusCode}`;
  return String(e);
};

function featureProps(f: Cesium3DTileFeature): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  for (const p of f.getPropertyIds()) {
    const v: unknown = f.getProperty(p);
    out[p] = typeof v === 'bigint' ? v.toString() : typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : v === null || v === undefined ? null : JSON.stringify(v);
  }
  return out;
}

/** A Cesium style expressing a colour rule at an opacity (constant rule at full opacity: no style, the tileset's own colours). */
export function tilesetStyle(rule: ColorRule | null, alpha = 1): Cesium3DTileStyle | undefined {
  const col = (c: readonly [number, number, number]) => `color('${rgbToHex(c)}', ${alpha})`;
  if (rule === null || rule.kind === 'constant' || rule.kind === 'data' || rule.field.includes("'")) {
    return alpha < 1 ? new Cesium3DTileStyle({ color: `color('#ffffff', ${alpha})` }) : undefined;
  }
  const ref = `\${feature['${rule.field}']}`;
  if (rule.kind === 'category') {
    return new Cesium3DTileStyle({ color: { conditions: [...rule.classes.map((c) => [`String(${ref}) === ${styleString(c.value)}`, col(c.color)]), ['true', col(rule.other)]] } });
  }
  // Classes: [min, max) of a stepped ramp, or the nearest gradient stop (boundaries half-way).
  const classes =
    rule.kind === 'steps'
      ? rule.ramp.classes.map((c) => ({ below: c.max, color: c.color }))
      : rule.stops.map((x, i) => ({ below: i + 1 < rule.stops.length ? (x.value + rule.stops[i + 1]!.value) / 2 : Infinity, color: x.color }));
  const noData = rule.kind === 'gradient' ? rule.noData : rule.ramp.noData;
  const last = classes[classes.length - 1]?.color ?? noData;
  return new Cesium3DTileStyle({
    color: { conditions: [[`isNaN(Number(${ref}))`, col(noData)], ...classes.filter((c) => Number.isFinite(c.below)).map((c) => [`Number(${ref}) < ${c.below}`, col(c.color)]), ['true', col(last)]] },
  });
}

/** Opens a tileset by URL; rejects with a readable reason (HTTP status, CORS, malformed JSON). */
export async function addUserTileset(scene: Scene, url: string, onTileError: (url: string, message: string) => void, options: { checked?: boolean } = {}): Promise<TilesetHandle> {
  // tileset.json is read and checked within limits first (size, depth, tile count, shape), so a
  // hostile or broken tileset is refused with the reason before Cesium streams it. A local
  // tileset (archive, folder: tiles.ts) comes with its tileset.json already read
  // and checked there, where errors can name the file inside the archive.
  if (options.checked !== true) {
    let json: unknown;
    try {
      json = await fetchJson(url, { timeoutMs: 20_000, maxBytes: DEFAULT_TILESET_LIMITS.maxJsonBytes });
    } catch (e) {
      if (e instanceof FetchError) throw new Error(e.kind === 'network' ? 'unreachable, or refused by the server\'s CORS policy' : e.reason);
      throw new Error(reasonOf(e));
    }
    try {
      inspectTileset(json, url);
    } catch (e) {
      throw new Error(`not a readable 3D Tiles tileset (${(e as { reason?: string }).reason ?? reasonOf(e)})`);
    }
  }
  let tileset: Cesium3DTileset;
  try {
    tileset = await Cesium3DTileset.fromUrl(url, { maximumScreenSpaceError: 16 });
  } catch (e) {
    const o = e as { statusCode?: unknown } | null;
    // Request failures name the status; anything else is a JSON that is not a tileset Cesium reads.
    if (o !== null && typeof o === 'object' && 'statusCode' in o) throw new Error(reasonOf(e));
    throw new Error(`not a readable 3D Tiles tileset (${reasonOf(e)})`);
  }
  const removeFailed = tileset.tileFailed.addEventListener((e: { url: string; message: string }) => onTileError(e.url, e.message));
  const removeLoad = tileset.allTilesLoaded.addEventListener(() => scene.requestRender());
  const removeGuard = guardTileset(tileset, url, (reason) => onTileError(url, reason));
  scene.primitives.add(tileset);
  scene.requestRender();
  let alpha = 1;
  let rule: ColorRule | null = null;
  const apply = () => {
    tileset.style = tilesetStyle(rule, alpha);
    scene.requestRender();
  };
  return {
    tileset,
    setShown(on) {
      tileset.show = on;
      scene.requestRender();
    },
    setOpacity(a) {
      alpha = a;
      apply();
    },
    setStyle(r) {
      rule = r;
      apply();
    },
    resolve(picked) {
      if (!(picked instanceof Cesium3DTileFeature) || picked.tileset !== tileset) return null;
      const properties = featureProps(picked);
      const id = ['id', 'ID', 'gml_id', 'cleabs', 'name'].map((k) => properties[k]).find((v) => v !== undefined && v !== null && v !== '');
      return { id: id !== undefined ? String(id) : `${picked.featureId}`, properties };
    },
    loadedFeatures(max) {
      const out: Record<string, PropertyValue>[] = [];
      const visit = (tile: { content?: unknown; children?: unknown[] } | undefined) => {
        if (tile === undefined || out.length >= max) return;
        const c = tile.content as { featuresLength?: number; getFeature?: (i: number) => Cesium3DTileFeature; innerContents?: unknown[] } | undefined;
        if (c?.featuresLength !== undefined && c.getFeature !== undefined) for (let i = 0; i < c.featuresLength && out.length < max; i++) out.push(featureProps(c.getFeature(i)));
        for (const ch of tile.children ?? []) visit(ch as never);
      };
      visit(tileset.root as never);
      return out;
    },
    flyTo(stable) {
      const s = tileset.boundingSphere;
      void scene.camera.flyToBoundingSphere(s, { offset: new HeadingPitchRange(0, CesiumMath.toRadians(-35), Math.max(200, s.radius * 2.5)), duration: stable ? 0 : 1.2 });
      scene.requestRender();
    },
    dispose() {
      removeFailed();
      removeLoad();
      removeGuard();
      if (!scene.isDestroyed() && scene.primitives.contains(tileset)) scene.primitives.remove(tileset);
      scene.requestRender();
    },
  };
}

/**
 * Shows a city model built in the worker (CityGML, CityJSON): its glb and one-tile tileset.json
 * are served from blob URLs to the same tileset path as a tileset opened by URL (picking of the
 * buildings' metadata, colour by attribute, zoom); the URLs live as long as the handle.
 */
export async function addUserCityModel(scene: Scene, glb: Uint8Array, tileset: { root: { content: { uri: string } } }, onTileError: (url: string, message: string) => void): Promise<TilesetHandle> {
  const glbUrl = URL.createObjectURL(new Blob([glb as Uint8Array<ArrayBuffer>], { type: 'model/gltf-binary' }));
  const json = { ...tileset, root: { ...tileset.root, content: { ...tileset.root.content, uri: glbUrl } } };
  const jsonUrl = URL.createObjectURL(new Blob([JSON.stringify(json)], { type: 'application/json' }));
  const revoke = () => {
    URL.revokeObjectURL(jsonUrl);
    URL.revokeObjectURL(glbUrl);
  };
  let handle: TilesetHandle;
  try {
    handle = await addUserTileset(scene, jsonUrl, onTileError);
  } catch (e) {
    revoke();
    throw e;
  }
  const dispose = handle.dispose;
  handle.dispose = () => {
    dispose();
    revoke();
  };
  return handle;
}

export interface Placement {
  lonDeg: number;
  latDeg: number;
  heightM: number;
  headingDeg: number;
  scale: number;
}

export interface ModelHandle extends UserSceneHandle {
  place(p: Placement): void;
}

/** Adds a glTF binary model at a point; rejects with the reason when it cannot be read. */
export async function addUserModel(scene: Scene, bytes: Uint8Array, at: Placement, name: string, timeoutMs = 60_000): Promise<ModelHandle> {
  const matrix = (p: Placement) => Transforms.headingPitchRollToFixedFrame(Cartesian3.fromDegrees(p.lonDeg, p.latDeg, p.heightM), new HeadingPitchRoll(CesiumMath.toRadians(p.headingDeg), 0, 0));
  let model: Model;
  const blobUrl = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'model/gltf-binary' }));
  try {
    model = await Model.fromGltfAsync({ url: blobUrl, modelMatrix: matrix(at), scale: at.scale, id: { jumeauUserModel: name } });
  } catch (e) {
    URL.revokeObjectURL(blobUrl);
    throw new Error(reasonOf(e));
  }
  scene.primitives.add(model);
  // The model loads over a few frames (the scene renders on demand): render until ready or failed.
  const outcome = await new Promise<string | null>((resolve) => {
    const start = performance.now();
    const offReady = model.readyEvent.addEventListener(() => finish(null));
    const offError = model.errorEvent.addEventListener((err: unknown) => finish(reasonOf(err)));
    let timer = 0;
    function finish(r: string | null) {
      offReady();
      offError();
      clearTimeout(timer);
      resolve(r);
    }
    const tick = () => {
      if (model.ready) return finish(null);
      if (performance.now() - start > timeoutMs) return finish(`not ready after ${Math.round(timeoutMs / 1000)} s`);
      scene.requestRender();
      timer = window.setTimeout(tick, 50);
    };
    tick();
  });
  URL.revokeObjectURL(blobUrl);
  if (outcome !== null) {
    if (!scene.isDestroyed() && scene.primitives.contains(model)) scene.primitives.remove(model);
    throw new Error(outcome);
  }
  let current = at;
  return {
    setShown(on) {
      model.show = on;
      scene.requestRender();
    },
    setOpacity(a) {
      model.color = Color.WHITE.withAlpha(a);
      scene.requestRender();
    },
    place(p) {
      current = p;
      model.modelMatrix = matrix(p);
      model.scale = p.scale;
      scene.requestRender();
    },
    resolve(picked) {
      const o = picked as { primitive?: unknown } | undefined;
      if (o?.primitive !== model) return null;
      return { id: name, properties: { longitude: current.lonDeg.toFixed(6), latitude: current.latDeg.toFixed(6), heightM: current.heightM, headingDeg: current.headingDeg, scale: current.scale } };
    },
    flyTo(stable) {
      const s = model.boundingSphere;
      void scene.camera.flyToBoundingSphere(s, { offset: new HeadingPitchRange(0, CesiumMath.toRadians(-30), Math.max(120, s.radius * 4)), duration: stable ? 0 : 1.2 });
      scene.requestRender();
    },
    dispose() {
      if (!scene.isDestroyed() && scene.primitives.contains(model)) scene.primitives.remove(model);
      scene.requestRender();
    },
  };
}

export type ImagerySpec =
  | { kind: 'wms'; url: string; layers: string }
  | { kind: 'xyz'; url: string }
  /** A WMTS layer as chosen from its capabilities (userdata/wmts.ts#chooseWmts). */
  | { kind: 'wmts'; url: string; layer: string; style: string; format: string; tileMatrixSet: string; scheme: 'webmercator' | 'geographic'; labels: (string | undefined)[]; minLevel: number; maxLevel: number; tileSizePx: number; bbox: [number, number, number, number] | null };

function imageryProvider(spec: ImagerySpec): ImageryProvider {
  switch (spec.kind) {
    case 'wms':
      return new WebMapServiceImageryProvider({ url: spec.url, layers: spec.layers, parameters: { transparent: true, format: 'image/png' } });
    case 'xyz':
      return new UrlTemplateImageryProvider({ url: spec.url, maximumLevel: 19 });
    case 'wmts':
      return new WebMapTileServiceImageryProvider({
        url: spec.url,
        layer: spec.layer,
        style: spec.style,
        format: spec.format,
        tileMatrixSetID: spec.tileMatrixSet,
        // Labels below the set's first level are never asked for (minimumLevel).
        tileMatrixLabels: spec.labels.map((l) => l ?? ''),
        tilingScheme: spec.scheme === 'geographic' ? new GeographicTilingScheme() : new WebMercatorTilingScheme(),
        minimumLevel: spec.minLevel,
        maximumLevel: spec.maxLevel,
        tileWidth: spec.tileSizePx,
        tileHeight: spec.tileSizePx,
        ...(spec.bbox !== null ? { rectangle: Rectangle.fromDegrees(...spec.bbox) } : {}),
      });
  }
}

/** Adds a WMS or WMTS layer or an XYZ template as imagery over the globe; tile errors are reported once. */
export function addUserImagery(widget: CesiumWidget, spec: ImagerySpec, onError: (message: string) => void): UserSceneHandle {
  const provider = imageryProvider(spec);
  let reported = false;
  const off = provider.errorEvent.addEventListener((e: { message?: string; timesRetried?: number; retry?: boolean }) => {
    e.retry = false;
    if (!reported) onError(e.message ?? 'tile request failed');
    reported = true;
  });
  const layer = new ImageryLayer(provider, { alpha: 1 });
  widget.imageryLayers.add(layer);
  widget.scene.requestRender();
  return {
    setShown(on) {
      layer.show = on;
      widget.scene.requestRender();
    },
    setOpacity(a) {
      layer.alpha = a;
      widget.scene.requestRender();
    },
    resolve: () => null,
    flyTo() {
      // Imagery covers the globe where the service has data: nothing to fly to.
    },
    dispose() {
      off();
      if (!widget.isDestroyed() && widget.imageryLayers.contains(layer)) widget.imageryLayers.remove(layer, true);
      widget.scene.requestRender();
    },
  };
}

/** The point of the globe (or of the 3D content) at a window position, or null. */
export function pointAt(scene: Scene, x: number, y: number): { lonDeg: number; latDeg: number; heightM: number } | null {
  const c = new Cartesian3();
  let p: Cartesian3 | undefined;
  try {
    p = scene.pickPositionSupported ? scene.pickPosition({ x, y } as never, c) : undefined;
  } catch {
    p = undefined;
  }
  p ??= scene.camera.pickEllipsoid({ x, y } as never, scene.globe.ellipsoid, c);
  if (p === undefined) return null;
  const g = scene.globe.ellipsoid.cartesianToCartographic(p);
  if (g === undefined) return null;
  return { lonDeg: CesiumMath.toDegrees(g.longitude), latDeg: CesiumMath.toDegrees(g.latitude), heightM: Math.max(0, g.height) };
}
