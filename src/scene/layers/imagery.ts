import { ImageryLayer, Rectangle, WebMapTileServiceImageryProvider, type CesiumWidget } from 'cesium';
import type { OnlineSource } from '../../layers/types.ts';
import { probe } from '../../sources/http.ts';
import { basemapProbeUrl } from '../basemap.ts';

/** A WMTS imagery layer (probed first, like the basemaps), with show and opacity. */
export interface ImageryHandle {
  setShown(on: boolean): void;
  setOpacity(alpha: number): void;
  dispose(): void;
}

export async function addWmtsLayer(
  widget: CesiumWidget,
  s: Extract<OnlineSource, { kind: 'wmts' }>,
  at: { lonDeg: number; latDeg: number },
  opacity: number,
  timeoutMs: number,
): Promise<{ ok: true; handle: ImageryHandle } | { ok: false; reason: string }> {
  const extentDeg = s.coverage ?? ([-180, -85, 180, 85] as const);
  const b = { kind: 'wmts' as const, id: 'layer', names: { fr: '', en: '' }, url: s.url, layer: s.layer, style: '', format: s.format, tileMatrixSetID: s.tileMatrixSetID, tileMatrixPrefix: s.tileMatrixPrefix, maximumLevel: s.maximumLevel, extentDeg: [...extentDeg] as [number, number, number, number], attribution: s.attribution };
  const p = await probe(basemapProbeUrl(b, at.lonDeg, at.latDeg), timeoutMs);
  if (!p.ok) return { ok: false, reason: p.reason };
  const provider = new WebMapTileServiceImageryProvider({
    url: s.url,
    layer: s.layer,
    style: '',
    format: s.format,
    tileMatrixSetID: s.tileMatrixSetID,
    tileMatrixLabels: Array.from({ length: s.maximumLevel + 1 }, (_, i) => `${s.tileMatrixPrefix}${i}`),
    maximumLevel: s.maximumLevel,
    rectangle: Rectangle.fromDegrees(...extentDeg),
  });
  const layer = new ImageryLayer(provider, { alpha: opacity });
  widget.imageryLayers.add(layer);
  widget.scene.requestRender();
  return {
    ok: true,
    handle: {
      setShown(on) {
        layer.show = on;
        widget.scene.requestRender();
      },
      setOpacity(a) {
        layer.alpha = a;
        widget.scene.requestRender();
      },
      dispose() {
        if (!widget.isDestroyed() && widget.imageryLayers.contains(layer)) widget.imageryLayers.remove(layer, true);
      },
    },
  };
}
