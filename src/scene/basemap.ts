import {
  CesiumTerrainProvider,
  EllipsoidTerrainProvider,
  ImageryLayer,
  Rectangle,
  UrlTemplateImageryProvider,
  WebMapServiceImageryProvider,
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

/** Web-Mercator bounds of a tile, metres (EPSG:3857). */
function tileBoundsM(x: number, y: number, z: number): [number, number, number, number] {
  const size = (2 * Math.PI * 6378137) / 2 ** z;
  const west = -Math.PI * 6378137 + x * size;
  const north = Math.PI * 6378137 - y * size;
  return [west, north - size, west + size, north];
}

/** URL of one tile of a basemap, used as a probe. */
export function basemapProbeUrl(b: BasemapSource, lonDeg: number, latDeg: number): string {
  const z = Math.min(14, b.maximumLevel);
  const { x, y } = webMercatorTile(lonDeg, latDeg, z);
  if (b.kind === 'xyz') return b.url.replace('{z}', String(z)).replace('{x}', String(x)).replace('{y}', String(y));
  if (b.kind === 'wms') {
    const q = new URLSearchParams({
      SERVICE: 'WMS',
      REQUEST: 'GetMap',
      VERSION: b.version,
      LAYERS: b.layers,
      STYLES: '',
      FORMAT: b.format,
      TRANSPARENT: 'true',
      WIDTH: '256',
      HEIGHT: '256',
      [b.version === '1.3.0' ? 'CRS' : 'SRS']: 'EPSG:3857',
      BBOX: tileBoundsM(x, y, z).map((v) => v.toFixed(2)).join(','),
    });
    return `${b.url}${b.url.includes('?') ? '&' : '?'}${q.toString()}`;
  }
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
  const rectangle = b.extentDeg !== undefined ? { rectangle: Rectangle.fromDegrees(...b.extentDeg) } : {};
  if (b.kind === 'xyz') return new UrlTemplateImageryProvider({ url: b.url, maximumLevel: b.maximumLevel, ...rectangle });
  if (b.kind === 'wms') {
    return new WebMapServiceImageryProvider({
      url: b.url,
      layers: b.layers,
      parameters: { format: b.format, transparent: true, version: b.version, styles: '' },
      maximumLevel: b.maximumLevel,
      ...rectangle,
    });
  }
  return new WebMapTileServiceImageryProvider({
    url: b.url,
    layer: b.layer,
    style: b.style,
    format: b.format,
    tileMatrixSetID: b.tileMatrixSetID,
    tileMatrixLabels: Array.from({ length: b.maximumLevel + 1 }, (_, i) => `${b.tileMatrixPrefix}${i}`),
    maximumLevel: b.maximumLevel,
    ...rectangle,
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
  // Just above the offline imagery (index 0), under any imagery layer a data layer added.
  widget.imageryLayers.add(layer, Math.min(1, widget.imageryLayers.length));
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
