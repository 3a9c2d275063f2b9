import {
  CesiumTerrainProvider,
  EllipsoidTerrainProvider,
  ImageryLayer,
  OpenStreetMapImageryProvider,
  Rectangle,
  WebMapTileServiceImageryProvider,
  type CesiumWidget,
  type ImageryProvider,
} from 'cesium';
import type { BasemapSource, TerrainSource } from '../config/types.ts';
import { probe } from '../sources/http.ts';

/**
 * Online basemaps and terrain, each probed with a short timeout before use, with a fallback
 * that never leaves a blank screen: the NaturalEarthII layer stays under the online basemap,
 * and the ellipsoid replaces an unreachable terrain.
 */

export interface OnlineResult {
  ok: boolean;
  reason?: string;
  dispose(): void;
}

/** Web-Mercator tile containing a point at a zoom level. */
export function webMercatorTile(lonDeg: number, latDeg: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const lat = (latDeg * Math.PI) / 180;
  const x = Math.floor(((lonDeg + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / Math.PI) / 2) * n);
  return { x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)) };
}

/** URL of one tile of a basemap, used as a probe. */
export function basemapProbeUrl(b: BasemapSource, lonDeg: number, latDeg: number): string {
  const z = 14;
  const { x, y } = webMercatorTile(lonDeg, latDeg, z);
  if (b.kind === 'osm') return `${b.url}${z}/${x}/${y}.png`;
  const q = new URLSearchParams({
    SERVICE: 'WMTS',
    REQUEST: 'GetTile',
    VERSION: '1.0.0',
    LAYER: b.layer,
    STYLE: b.style,
    TILEMATRIXSET: b.tileMatrixSetID,
    TILEMATRIX: `${b.tileMatrixPrefix}${z}`,
    TILEROW: String(y),
    TILECOL: String(x),
    FORMAT: b.format,
  });
  return `${b.url}?${q.toString()}`;
}

function createProvider(b: BasemapSource): ImageryProvider {
  if (b.kind === 'osm') return new OpenStreetMapImageryProvider({ url: b.url, maximumLevel: b.maximumLevel });
  return new WebMapTileServiceImageryProvider({
    url: b.url,
    layer: b.layer,
    style: b.style,
    format: b.format,
    tileMatrixSetID: b.tileMatrixSetID,
    tileMatrixLabels: Array.from({ length: b.maximumLevel + 1 }, (_, i) => `${b.tileMatrixPrefix}${i}`),
    maximumLevel: b.maximumLevel,
    rectangle: Rectangle.fromDegrees(...b.extentDeg),
  });
}

/** Errors from a basemap after which it is removed (a service that died after the probe). */
const MAX_TILE_ERRORS = 12;

/** Adds an online basemap above the offline imagery, if it answers. */
export async function addBasemap(
  widget: CesiumWidget,
  b: BasemapSource,
  at: { lonDeg: number; latDeg: number },
  timeoutMs: number,
  onLateFailure: (reason: string) => void,
): Promise<OnlineResult> {
  const p = await probe(basemapProbeUrl(b, at.lonDeg, at.latDeg), timeoutMs);
  if (!p.ok) return { ok: false, reason: p.reason, dispose: () => undefined };
  const provider = createProvider(b);
  const layer = new ImageryLayer(provider);
  widget.imageryLayers.add(layer);
  let errors = 0;
  const removeError = provider.errorEvent.addEventListener((e: { retry: boolean; message: string }) => {
    e.retry = false;
    errors++;
    if (errors === MAX_TILE_ERRORS && widget.imageryLayers.contains(layer)) {
      widget.imageryLayers.remove(layer, true);
      onLateFailure(e.message || 'tiles failed to load');
    }
  });
  widget.scene.requestRender();
  return {
    ok: true,
    dispose() {
      removeError();
      if (!widget.isDestroyed() && widget.imageryLayers.contains(layer)) widget.imageryLayers.remove(layer, true);
    },
  };
}

/** Sets a city's terrain, if it answers; else keeps the ellipsoid. */
export async function setTerrain(widget: CesiumWidget, terrain: TerrainSource, timeoutMs: number): Promise<OnlineResult> {
  const base = terrain.url.endsWith('/') ? terrain.url : `${terrain.url}/`;
  const p = await probe(`${base}layer.json`, timeoutMs);
  if (!p.ok) return { ok: false, reason: p.reason, dispose: () => undefined };
  try {
    widget.terrainProvider = await CesiumTerrainProvider.fromUrl(base, { requestVertexNormals: true });
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e), dispose: () => undefined };
  }
  widget.scene.requestRender();
  return {
    ok: true,
    dispose() {
      if (!widget.isDestroyed()) widget.terrainProvider = new EllipsoidTerrainProvider();
    },
  };
}
