import { Cartesian2, Cartesian3, Color, HorizontalOrigin, LabelCollection, LabelStyle, PointPrimitiveCollection, VerticalOrigin, type Scene } from 'cesium';

/**
 * Access points and candidate sites drawn as points on masts (one point collection and one
 * label collection for all of them), always visible over buildings. Replaced as a whole when the
 * list changes; `dispose` removes everything.
 */

export type MarkerKind = 'open-data' | 'scenario' | 'candidate' | 'pick';

export interface WifiMarker {
  id: string;
  kind: MarkerKind;
  lonDeg: number;
  latDeg: number;
  heightM: number;
  label?: string;
}

const COLORS: Record<MarkerKind, [number, number, number]> = {
  'open-data': [0, 188, 212],
  scenario: [255, 112, 67],
  candidate: [176, 190, 197],
  pick: [124, 179, 66],
};

export interface WifiMarkersHandle {
  set(markers: readonly WifiMarker[]): void;
  dispose(): void;
}

export function addWifiMarkers(scene: Scene): WifiMarkersHandle {
  const points = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
  const labels = scene.primitives.add(new LabelCollection()) as LabelCollection;
  return {
    set(markers) {
      points.removeAll();
      labels.removeAll();
      for (const m of markers) {
        const pos = Cartesian3.fromDegrees(m.lonDeg, m.latDeg, m.heightM);
        const [r, g, b] = COLORS[m.kind];
        points.add({
          position: pos,
          color: Color.fromBytes(r, g, b, 255),
          pixelSize: m.kind === 'candidate' ? 9 : 13,
          outlineColor: m.kind === 'pick' ? Color.WHITE : Color.fromBytes(20, 20, 20, 255),
          outlineWidth: 2,
          disableDepthTestDistance: Number.POSITIVE_INFINITY,
          id: { wifiMarker: m.id },
        });
        if (m.label !== undefined) {
          labels.add({
            position: pos,
            text: m.label,
            font: '600 13px system-ui, sans-serif',
            fillColor: Color.WHITE,
            outlineColor: Color.BLACK,
            outlineWidth: 3,
            style: LabelStyle.FILL_AND_OUTLINE,
            pixelOffset: new Cartesian2(10, -10),
            horizontalOrigin: HorizontalOrigin.LEFT,
            verticalOrigin: VerticalOrigin.BOTTOM,
            disableDepthTestDistance: Number.POSITIVE_INFINITY,
          });
        }
      }
      scene.requestRender();
    },
    dispose() {
      if (!points.isDestroyed()) scene.primitives.remove(points);
      if (!labels.isDestroyed()) scene.primitives.remove(labels);
      scene.requestRender();
    },
  };
}
