import { Cartesian2, Cartesian3, Color, HorizontalOrigin, LabelCollection, LabelStyle, PointPrimitiveCollection, VerticalOrigin, type Scene } from 'cesium';
import type { SteppedRamp } from '../../core/color-ramp.ts';
import { cellColors } from '../../core/simulation/display.ts';
import { addFacadeQuads, addRaster } from '../../scene/sim-raster.ts';
import type { WifiCoverageOutput } from './contract.ts';
import { PLANNED_COLOR, type MarkerKind, type WifiMarker } from './controller.ts';

/**
 * The wifi feature's drawing in the scene: the coverage of a result (street cells and facade
 * receivers, coloured by signal) and the access points and candidate sites.
 *
 * Access points and candidate sites are drawn as points on masts (one point collection and one
 * label collection for all of them), always visible over buildings. Replaced as a whole when the
 * list changes; `dispose` removes everything.
 */

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

/** Adds the (empty) marker collections to the scene; `set` replaces the markers drawn. */
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

/**
 * Draws a coverage result: street cells with signal as quads just above the ground, cells the
 * proposed hotspots would newly cover in their own colour, and facade receivers as squares on
 * their walls. Returns what removes it all.
 */
export function drawCoverage(scene: Scene, o: WifiCoverageOutput, ramp: SteppedRamp): () => void {
  // Street cells as quads just above the ground (over the street and square layers, which
  // would hide a draped image), with signal; cells without signal stay clear.
  const colors = cellColors(o.rssiDbm, ramp, (i) => o.surface[i] === 1, 255);
  // Cells the proposed hotspots would newly cover are drawn in their own colour.
  if (o.plannedCovered !== null) for (let i = 0; i < o.plannedCovered.length; i++) if (o.plannedCovered[i] === 1) colors.set([...PLANNED_COLOR, 255], 4 * i);
  const cells: number[] = [];
  for (let i = 0; i < o.rssiDbm.length; i++) if (colors[4 * i + 3] !== 0 && Number.isFinite(o.groundZ[i]!)) cells.push(i);
  const rgba = new Uint8Array(cells.length * 4);
  cells.forEach((i, k) => rgba.set(colors.subarray(4 * i, 4 * i + 4), 4 * k));
  const raster = addRaster(scene, {
    frame: o.frame,
    grid: o.grid,
    ground: new Uint8ClampedArray(0),
    roofs: { cells: Uint32Array.from(cells), heightM: Float32Array.from(cells, (i) => o.groundZ[i]! + 0.3), rgba },
  });
  // Facade receivers as squares on their walls, about the size of the wall area each stands for
  // (a little larger: the points are quasi-random, not on a grid, so exact squares leave gaps).
  const f = o.facades;
  const facadeQuads = f !== null ? addFacadeQuads(scene, { frame: o.frame, xyz: f.xyz, normal: f.normal, sizeM: f.areaM2.map((a) => 1.2 * Math.sqrt(a)), rgba: cellColors(f.rssiDbm, ramp, () => true, 255) }) : null;
  return () => {
    raster.dispose();
    facadeQuads?.();
  };
}
