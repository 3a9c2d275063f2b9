import {
  BoundingSphere,
  Cartesian3,
  Color,
  ColorGeometryInstanceAttribute,
  ComponentDatatype,
  Geometry,
  GeometryAttribute,
  GeometryInstance,
  ImageryLayer,
  Matrix4,
  PerInstanceColorAppearance,
  PolygonGeometry,
  PolygonHierarchy,
  Primitive,
  PrimitiveType,
  Rectangle,
  SingleTileImageryProvider,
  TextureMagnificationFilter,
  TextureMinificationFilter,
  type Scene,
} from 'cesium';
import { enuFrame, enuToEcefMatrix } from '../core/geodesy.ts';

/**
 * A simulation raster drawn in the scene: ground cells as an image draped on the globe (one
 * imagery layer, nearest-neighbour so cells stay square), roof cells as one batched primitive of
 * coloured quads at roof height (one draw call). Cells are given in a local east-north-up frame.
 */

export interface RasterGrid {
  x0: number;
  y0: number;
  cellM: number;
  cols: number;
  rows: number;
}

export interface RasterSpec {
  frame: { lonDeg: number; latDeg: number; heightM: number };
  grid: RasterGrid;
  /** RGBA per ground cell (row 0 is the southern row); alpha 0 leaves the cell undrawn. */
  ground: Uint8ClampedArray;
  /** Roof cells: their index, height in the frame and RGBA. */
  roofs: { cells: Uint32Array; heightM: Float32Array; rgba: Uint8Array };
  /** Opacity of the ground image (0–1). */
  groundAlpha?: number;
}

export interface RasterHandle {
  setVisible(on: boolean): void;
  dispose(): void;
}

/** Geodetic rectangle of a grid (its four corners). */
export function gridRectangleDeg(frame: RasterSpec['frame'], g: RasterGrid): [number, number, number, number] {
  const f = enuFrame(frame);
  const corners = [
    [g.x0, g.y0],
    [g.x0 + g.cols * g.cellM, g.y0],
    [g.x0, g.y0 + g.rows * g.cellM],
    [g.x0 + g.cols * g.cellM, g.y0 + g.rows * g.cellM],
  ].map(([x, y]) => f.toGeodetic(x!, y!, 0));
  return [Math.min(...corners.map((c) => c.lonDeg)), Math.min(...corners.map((c) => c.latDeg)), Math.max(...corners.map((c) => c.lonDeg)), Math.max(...corners.map((c) => c.latDeg))];
}

function groundImage(spec: RasterSpec): HTMLCanvasElement {
  const { cols, rows } = spec.grid;
  const canvas = document.createElement('canvas');
  canvas.width = cols;
  canvas.height = rows;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(cols, rows);
  // Image rows go north to south; grid rows south to north.
  for (let r = 0; r < rows; r++) img.data.set(spec.ground.subarray(r * cols * 4, (r + 1) * cols * 4), (rows - 1 - r) * cols * 4);
  ctx.putImageData(img, 0, 0);
  return canvas;
}

function roofPrimitive(spec: RasterSpec): Primitive | null {
  const { cells, heightM, rgba } = spec.roofs;
  const n = cells.length;
  if (n === 0) return null;
  const g = spec.grid;
  const positions = new Float64Array(n * 12);
  const colors = new Uint8Array(n * 16);
  const indices = new Uint32Array(n * 6);
  const lift = 0.15;
  for (let k = 0; k < n; k++) {
    const i = cells[k]!;
    const c = i % g.cols, r = Math.floor(i / g.cols);
    const x = g.x0 + c * g.cellM, y = g.y0 + r * g.cellM, z = heightM[k]! + lift;
    positions.set([x, y, z, x + g.cellM, y, z, x + g.cellM, y + g.cellM, z, x, y + g.cellM, z], k * 12);
    for (let v = 0; v < 4; v++) colors.set(rgba.subarray(k * 4, k * 4 + 4), k * 16 + v * 4);
    indices.set([4 * k, 4 * k + 1, 4 * k + 2, 4 * k, 4 * k + 2, 4 * k + 3], k * 6);
  }
  return quadsPrimitive(spec.frame, positions, colors, indices);
}

/**
 * One primitive of flat-coloured quads in the study's ENU frame: `positions` (xyz per corner, four
 * corners a quad), `colors` (RGBA bytes per corner), `indices` (two triangles a quad). Both faces
 * are drawn (not `closed`): a facade square's winding follows its wall's.
 */
function quadsPrimitive(frame: RasterSpec['frame'], positions: Float64Array, colors: Uint8Array, indices: Uint32Array): Primitive {
  const geometry = new Geometry({
    attributes: {
      position: new GeometryAttribute({ componentDatatype: ComponentDatatype.DOUBLE, componentsPerAttribute: 3, values: positions }),
      color: new GeometryAttribute({ componentDatatype: ComponentDatatype.UNSIGNED_BYTE, componentsPerAttribute: 4, normalize: true, values: colors }),
    } as never,
    indices,
    primitiveType: PrimitiveType.TRIANGLES,
    boundingSphere: BoundingSphere.fromVertices(Array.from(positions)),
  });
  return new Primitive({
    geometryInstances: new GeometryInstance({ geometry, modelMatrix: Matrix4.fromArray(Array.from(enuToEcefMatrix(frame.lonDeg, frame.latDeg, frame.heightM))) }),
    appearance: new PerInstanceColorAppearance({ flat: true, translucent: false, closed: false }),
    asynchronous: false,
    compressVertices: false,
    allowPicking: false,
  });
}

/** Adds a raster to the scene; returns its handle. */
export function addRaster(scene: Scene, spec: RasterSpec): RasterHandle {
  const [w, s, e, n] = gridRectangleDeg(spec.frame, spec.grid);
  let layer: ImageryLayer | null = null;
  // An empty ground array draws no image (cells given as raised quads only).
  if (spec.grid.cols > 0 && spec.grid.rows > 0 && spec.ground.length > 0) {
    const provider = new SingleTileImageryProvider({ url: groundImage(spec).toDataURL('image/png'), rectangle: Rectangle.fromDegrees(w, s, e, n), tileWidth: spec.grid.cols, tileHeight: spec.grid.rows });
    layer = new ImageryLayer(provider, { alpha: spec.groundAlpha ?? 0.85, magnificationFilter: TextureMagnificationFilter.NEAREST, minificationFilter: TextureMinificationFilter.NEAREST });
    scene.imageryLayers.add(layer);
  }
  const roofs = roofPrimitive(spec);
  if (roofs !== null) scene.primitives.add(roofs);
  scene.requestRender();
  return {
    setVisible(on) {
      if (layer !== null) layer.show = on;
      if (roofs !== null) roofs.show = on;
      scene.requestRender();
    },
    dispose() {
      if (layer !== null && !layer.isDestroyed()) scene.imageryLayers.remove(layer, true);
      if (roofs !== null && !roofs.isDestroyed()) scene.primitives.remove(roofs);
      scene.requestRender();
    },
  };
}

/** An extruded footprint (a scenario building) drawn as a solid block. */
export function addBlock(scene: Scene, ring: readonly [number, number][], baseM: number, heightM: number, rgba: readonly [number, number, number, number]): () => void {
  const prim = new Primitive({
    geometryInstances: new GeometryInstance({
      geometry: new PolygonGeometry({ polygonHierarchy: new PolygonHierarchy(Cartesian3.fromDegreesArray(ring.flat())), height: baseM, extrudedHeight: baseM + heightM, vertexFormat: PerInstanceColorAppearance.VERTEX_FORMAT }),
      attributes: { color: ColorGeometryInstanceAttribute.fromColor(Color.fromBytes(...rgba)) },
    }),
    appearance: new PerInstanceColorAppearance({ translucent: rgba[3] < 255, closed: true }),
    asynchronous: false,
    allowPicking: false,
  });
  scene.primitives.add(prim);
  scene.requestRender();
  return () => {
    if (!prim.isDestroyed()) scene.primitives.remove(prim);
    scene.requestRender();
  };
}

/** Facade samples to draw: centre, outward wall normal and side of each square, in a local ENU frame. */
export interface FacadeQuadsSpec {
  frame: { lonDeg: number; latDeg: number; heightM: number };
  /** x, y, z per sample (metres in the frame). */
  xyz: Float32Array;
  /** Unit wall normal per sample (x, y, z). */
  normal: Float32Array;
  /** Side of each sample's square, metres. */
  sizeM: Float32Array;
  /** RGBA per sample; alpha 0 leaves it undrawn. */
  rgba: Uint8ClampedArray | Uint8Array;
}

/**
 * Facade samples as squares lying on their wall (a little off it), one batched primitive (one
 * draw call): a result drawn on the facades, as roof cells are drawn on the roofs.
 */
export function addFacadeQuads(scene: Scene, spec: FacadeQuadsSpec): () => void {
  const keep: number[] = [];
  for (let k = 0; k < spec.sizeM.length; k++) if (spec.rgba[4 * k + 3] !== 0) keep.push(k);
  const n = keep.length;
  if (n === 0) return () => undefined;
  const positions = new Float64Array(n * 12);
  const colors = new Uint8Array(n * 16);
  const indices = new Uint32Array(n * 6);
  const lift = 0.05;
  keep.forEach((k, q) => {
    const nx = spec.normal[3 * k]!, ny = spec.normal[3 * k + 1]!, nz = spec.normal[3 * k + 2]!;
    // Horizontal axis along the wall, and the wall's own "up" (n × u).
    const h = Math.hypot(nx, ny) || 1;
    const ux = -ny / h, uy = nx / h;
    const vx = -nz * uy, vy = nz * ux, vz = nx * uy - ny * ux;
    const s = spec.sizeM[k]! / 2;
    const cx = spec.xyz[3 * k]! + lift * nx, cy = spec.xyz[3 * k + 1]! + lift * ny, cz = spec.xyz[3 * k + 2]! + lift * nz;
    positions.set(
      [cx - s * ux - s * vx, cy - s * uy - s * vy, cz - s * vz, cx + s * ux - s * vx, cy + s * uy - s * vy, cz - s * vz, cx + s * ux + s * vx, cy + s * uy + s * vy, cz + s * vz, cx - s * ux + s * vx, cy - s * uy + s * vy, cz + s * vz],
      q * 12,
    );
    for (let v = 0; v < 4; v++) colors.set(spec.rgba.subarray(4 * k, 4 * k + 4), q * 16 + v * 4);
    indices.set([4 * q, 4 * q + 1, 4 * q + 2, 4 * q, 4 * q + 2, 4 * q + 3], q * 6);
  });
  const prim = quadsPrimitive(spec.frame, positions, colors, indices);
  scene.primitives.add(prim);
  scene.requestRender();
  return () => {
    if (!prim.isDestroyed()) scene.primitives.remove(prim);
    scene.requestRender();
  };
}
