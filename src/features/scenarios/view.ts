import {
  Axis,
  Cartesian2,
  Cartesian3,
  Cartographic,
  Cesium3DTileFeature,
  Math as CesiumMath,
  ClippingPolygon,
  ClippingPolygonCollection,
  Color,
  ColorBlendMode,
  ColorGeometryInstanceAttribute,
  Cesium3DTileset,
  GeometryInstance,
  Matrix4,
  Model,
  PerInstanceColorAppearance,
  PointPrimitiveCollection,
  PolygonGeometry,
  PolygonHierarchy,
  Primitive,
  SplitDirection,
  type Scene,
} from 'cesium';
import { HEIGHT_RAMP } from '../../core/color-ramp.ts';
import { MeshBuilder } from '../../core/geometry/extrude.ts';
import { metresPerDegree } from '../../core/geodesy.ts';
import { placementMatrix, type Placement } from '../../core/placement.ts';
import type { BuildingsSource } from '../../config/types.ts';
import type { BuildingUse } from '../../scenarios/edits.ts';
import type { ScenarioEffect } from '../../scenarios/model.ts';
import type { BuildingsHandle } from '../../scene/buildings.ts';
import { positionAt } from '../../scene/draw.ts';
import { createHeightStyle } from '../../scene/style.ts';

/**
 * A scenario drawn over the city: buildings added (extruded, one glTF model each, coloured by
 * use), imported models placed by their anchor, heading and scale (the same matrix the
 * simulations use, `core/placement.ts`), buildings demolished or hidden (through the tileset's
 * style, so they stay hidden when tiles reload), excavations (terrain and tiles clipped inside
 * the polygon, with the pit drawn below), wifi hotspots and car parks added as points.
 *
 * Split view: the baseline city (a second copy of the tileset, unedited) on the left of a
 * divider, the scenario on the right. Everything added here is owned by the handle and removed
 * by `dispose()`.
 */

export const USE_COLORS: Record<BuildingUse, readonly [number, number, number]> = {
  residential: [255, 183, 77],
  office: [100, 181, 246],
  commercial: [240, 98, 146],
  public: [129, 199, 132],
  industrial: [161, 136, 127],
  mixed: [186, 104, 200],
  other: [224, 224, 224],
};

export interface ScenarioLayer {
  /** Draws this effect (replacing the previous one). `model(sha)` gives an imported model's bytes. */
  update(fx: ScenarioEffect, model: (sha: string) => Uint8Array | null): void;
  /**
   * Shows an imported model (by its edit id) at another placement without changing the scenario:
   * the gizmo's live preview during a drag. The next `update` draws the scenario's placement.
   */
  previewModel(editId: string, placement: Placement): void;
  /** Split view on (divider at `position`, 0–1 from the left) or off (null). */
  setSplit(position: number | null): void;
  /** Counts of what is drawn (tests, bench). */
  stats(): { added: number; models: number; hidden: number; clips: number; points: number; split: boolean };
  dispose(): void;
}

async function buildingGlb(ring: readonly [number, number][], heightM: number, rgb: readonly [number, number, number]): Promise<Uint8Array> {
  const [lon0, lat0] = ring[0]!;
  const m = metresPerDegree(lat0);
  const outer: number[] = [];
  for (const [lon, lat] of ring) outer.push((lon - lon0) * m.lonM, (lat - lat0) * m.latM);
  const mb = new MeshBuilder();
  mb.addExtrudedPolygon({ outer, holes: [] }, 0, heightM, 0);
  // Loaded on first use: gltf-transform stays out of the first view's bundle.
  const { writeGlb } = await import('../../core/gltf-io.ts');
  return writeGlb({ positions: mb.positions.toArray(), normals: mb.normals.toArray(), indices: mb.indices.toArray(), color: [rgb[0] / 255, rgb[1] / 255, rgb[2] / 255, 1] });
}

export function createScenarioLayer(scene: Scene, buildings: BuildingsHandle | null, source: BuildingsSource | null): ScenarioLayer {
  /** Ground height at a place (terrain when loaded, else the ellipsoid). */
  const groundAt = (lon: number, lat: number): number => {
    const h = scene.globe.getHeight(Cartographic.fromDegrees(lon, lat));
    return h !== undefined && Number.isFinite(h) ? h : 0;
  };
  let models: Model[] = [];
  const byEdit = new Map<string, Model>();
  let pits: Primitive | null = null;
  const points = scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection;
  let baseline: Cesium3DTileset | null = null;
  let baselineLoading = false;
  let split: number | null = null;
  let generation = 0;
  let counts = { added: 0, models: 0, hidden: 0, clips: 0, points: 0 };
  let disposed = false;

  const clearModels = () => {
    for (const m of models) if (!m.isDestroyed()) scene.primitives.remove(m);
    models = [];
    byEdit.clear();
  };
  const direction = () => (split !== null ? SplitDirection.RIGHT : SplitDirection.NONE);

  const addModel = (bytes: Uint8Array | Promise<Uint8Array>, matrix: Matrix4, gen: number, tint?: readonly [number, number, number], editId?: string) => {
    // `gltf` (bytes) is accepted at run time (Cesium reads `url ?? gltf`); the typings only name `url`.
    Promise.resolve(bytes)
      .then((gltf) => Model.fromGltfAsync({ gltf, modelMatrix: matrix, upAxis: Axis.Y, forwardAxis: Axis.X, splitDirection: direction(), allowPicking: false, ...(tint !== undefined ? { color: Color.fromBytes(tint[0], tint[1], tint[2], 255), colorBlendMode: ColorBlendMode.MIX, colorBlendAmount: 0.85 } : {}) } as unknown as Parameters<typeof Model.fromGltfAsync>[0]))
      .then((model) => {
        if (disposed || gen !== generation) return model.destroy();
        scene.primitives.add(model);
        models.push(model);
        if (editId !== undefined) byEdit.set(editId, model);
        scene.requestRender();
      })
      .catch((e: unknown) => console.warn('scenario model', e));
  };

  const setClips = (rings: (readonly [number, number][])[]) => {
    const make = () => (rings.length === 0 ? undefined : new ClippingPolygonCollection({ polygons: rings.map((r) => new ClippingPolygon({ positions: Cartesian3.fromDegreesArray(r.flat()) })) })) as ClippingPolygonCollection;
    try {
      if (buildings !== null) buildings.tileset.clippingPolygons = make();
      scene.globe.clippingPolygons = make();
    } catch (e) {
      // Clipping polygons need WebGL 2; without it the pit is still drawn.
      console.warn('clipping polygons unavailable', e);
    }
  };

  const layer: ScenarioLayer = {
    update(fx, model) {
      generation++;
      const gen = generation;
      clearModels();
      if (pits !== null && !pits.isDestroyed()) scene.primitives.remove(pits);
      pits = null;
      points.removeAll();
      for (const b of fx.addedBuildings) {
        const [lon0, lat0] = b.footprint[0]!;
        const base = b.baseM ?? groundAt(lon0, lat0);
        addModel(buildingGlb(b.footprint, b.heightM, USE_COLORS[b.use]), Matrix4.fromArray([...placementMatrix({ lonDeg: lon0, latDeg: lat0, baseM: base, headingDeg: 0, scale: 1 })]), gen, USE_COLORS[b.use]);
      }
      let nModels = 0;
      for (const m of fx.models) {
        const bytes = model(m.asset);
        if (bytes === null) continue;
        nModels++;
        addModel(bytes, Matrix4.fromArray([...placementMatrix(m)]), gen, undefined, m.id);
      }
      const hidden = [...fx.removed, ...fx.hidden];
      if (buildings !== null) buildings.setHidden(hidden);
      setClips(fx.clips.map((c) => c.ring));
      if (fx.clips.length > 0) {
        pits = scene.primitives.add(
          new Primitive({
            geometryInstances: fx.clips.map(
              (c) =>
                new GeometryInstance({
                  geometry: new PolygonGeometry({ polygonHierarchy: new PolygonHierarchy(Cartesian3.fromDegreesArray(c.ring.flat())), height: (c.baseM ?? groundAt(...c.ring[0]!)) - c.depthM, extrudedHeight: (c.baseM ?? groundAt(...c.ring[0]!)) - 0.05, closeTop: false, vertexFormat: PerInstanceColorAppearance.VERTEX_FORMAT }),
                  attributes: { color: ColorGeometryInstanceAttribute.fromColor(Color.fromBytes(141, 110, 99, 255)) },
                }),
            ),
            appearance: new PerInstanceColorAppearance({ closed: false, translucent: false }),
            asynchronous: false,
            allowPicking: false,
          }),
        ) as Primitive;
      }
      const dot = (lon: number, lat: number, color: Color) => points.add({ position: Cartesian3.fromDegrees(lon, lat, groundAt(lon, lat) + 4), pixelSize: 12, color, outlineColor: Color.BLACK, outlineWidth: 2, disableDepthTestDistance: Number.POSITIVE_INFINITY });
      for (const hsp of fx.hotspots.added) dot(hsp.lonDeg, hsp.latDeg, Color.fromCssColorString('#00e676'));
      for (const mv of fx.hotspots.moved.values()) dot(mv.lonDeg, mv.latDeg, Color.fromCssColorString('#00e676'));
      for (const cp of fx.carParks.added) dot(cp.lonDeg, cp.latDeg, Color.fromCssColorString('#2979ff'));
      for (const cp of fx.carParks.closed.values()) if (cp.lonDeg !== undefined && cp.latDeg !== undefined) dot(cp.lonDeg, cp.latDeg, Color.fromCssColorString('#ff1744'));
      counts = { added: fx.addedBuildings.length, models: nModels, hidden: hidden.length, clips: fx.clips.length, points: points.length };
      scene.requestRender();
    },
    previewModel(editId, placement) {
      const m = byEdit.get(editId);
      if (m === undefined || m.isDestroyed()) return;
      m.modelMatrix = Matrix4.fromArray([...placementMatrix(placement)]);
      scene.requestRender();
    },
    setSplit(position) {
      split = position === null ? null : Math.min(0.95, Math.max(0.05, position));
      for (const m of models) m.splitDirection = direction();
      if (buildings !== null) buildings.tileset.splitDirection = direction();
      if (split !== null) scene.splitPosition = split;
      if (split !== null && baseline === null && !baselineLoading && source !== null) {
        baselineLoading = true;
        void Cesium3DTileset.fromUrl(source.url, { maximumScreenSpaceError: source.maximumScreenSpaceError ?? 16 })
          .then((ts) => {
            baselineLoading = false;
            if (disposed) return ts.destroy();
            ts.style = createHeightStyle(HEIGHT_RAMP, source.heightProperties);
            ts.splitDirection = SplitDirection.LEFT;
            ts.show = split !== null;
            baseline = scene.primitives.add(ts) as Cesium3DTileset;
            scene.requestRender();
          })
          .catch((e: unknown) => {
            baselineLoading = false;
            console.warn('baseline tileset', e);
          });
      }
      if (baseline !== null) baseline.show = split !== null;
      scene.requestRender();
    },
    stats: () => ({ ...counts, split: split !== null }),
    dispose() {
      if (disposed) return;
      layer.setSplit(null);
      disposed = true;
      clearModels();
      if (pits !== null && !pits.isDestroyed()) scene.primitives.remove(pits);
      if (!points.isDestroyed()) scene.primitives.remove(points);
      if (baseline !== null && !baseline.isDestroyed()) scene.primitives.remove(baseline);
      if (buildings !== null) {
        buildings.setHidden([]);
        buildings.tileset.splitDirection = SplitDirection.NONE;
      }
      setClips([]);
      scene.requestRender();
    },
  };
  return layer;
}

/** The place under a window position (CSS pixels of the canvas): lon, lat, ellipsoid height; or null. */
export function placeAt(scene: Scene, x: number, y: number): { lonDeg: number; latDeg: number; heightM: number } | null {
  const c = positionAt(scene, x, y);
  if (c === null) return null;
  const g = Cartographic.fromCartesian(c);
  return { lonDeg: CesiumMath.toDegrees(g.longitude), latDeg: CesiumMath.toDegrees(g.latitude), heightM: g.height };
}

/** The id of the city building under a window position, or null. */
export function buildingAt(scene: Scene, buildings: BuildingsHandle, x: number, y: number): string | null {
  const picked: unknown = scene.pick(new Cartesian2(x, y));
  return picked instanceof Cesium3DTileFeature && picked.tileset === buildings.tileset ? buildings.featureId(picked) : null;
}

/**
 * The split view's divider over the 3D view: dragged with a pointer or moved with the arrow keys;
 * `onMove` gets the position (0–1 from the left). Returns the remover.
 */
export function addSplitDivider(view: HTMLElement, start: number, onMove: (x: number) => void, labels: { left: string; right: string }): () => void {
  const bar = document.createElement('div');
  bar.className = 'scn-divider';
  bar.id = 'scn-divider';
  bar.tabIndex = 0;
  bar.setAttribute('role', 'separator');
  bar.setAttribute('aria-orientation', 'vertical');
  const left = document.createElement('div');
  const right = document.createElement('div');
  left.className = right.className = 'scn-split-label';
  left.textContent = labels.left;
  right.textContent = labels.right;
  let pos = start;
  const place = () => {
    bar.style.left = `${pos * 100}%`;
    left.style.right = `${(1 - pos) * 100 + 1}%`;
    right.style.left = `${pos * 100 + 1}%`;
    bar.setAttribute('aria-valuenow', String(Math.round(pos * 100)));
    onMove(pos);
  };
  const move = (e: PointerEvent) => {
    const r = view.getBoundingClientRect();
    pos = Math.min(0.95, Math.max(0.05, (e.clientX - r.left) / r.width));
    place();
  };
  bar.addEventListener('pointerdown', (e) => {
    bar.setPointerCapture(e.pointerId);
    bar.addEventListener('pointermove', move);
    e.preventDefault();
    e.stopPropagation();
  });
  bar.addEventListener('pointerup', (e) => {
    bar.releasePointerCapture(e.pointerId);
    bar.removeEventListener('pointermove', move);
  });
  bar.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    pos = Math.min(0.95, Math.max(0.05, pos + (e.key === 'ArrowLeft' ? -0.02 : 0.02)));
    place();
    e.preventDefault();
    e.stopPropagation();
  });
  view.append(bar, left, right);
  place();
  return () => {
    bar.remove();
    left.remove();
    right.remove();
  };
}
