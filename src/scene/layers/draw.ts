import {
  ArcType,
  BoundingSphere,
  Cartesian2,
  Cartesian3,
  ClassificationType,
  Color,
  ColorGeometryInstanceAttribute,
  CorridorGeometry,
  CylinderGeometry,
  EllipsoidGeometry,
  EllipsoidTerrainProvider,
  GeometryInstance,
  GroundPolylineGeometry,
  GroundPolylinePrimitive,
  GroundPrimitive,
  HorizontalOrigin,
  LabelCollection,
  LabelStyle,
  Matrix4,
  PerInstanceColorAppearance,
  PointPrimitiveCollection,
  PolygonGeometry,
  PolygonHierarchy,
  PolylineColorAppearance,
  PolylineGeometry,
  Primitive,
  SceneTransforms,
  Transforms,
  VerticalOrigin,
  type Label,
  type PointPrimitive,
  type Scene,
} from 'cesium';
import type { Rgb } from '../../core/color-ramp.ts';
import { clusterPoints, declutter, type Box } from '../../core/screen-layout.ts';
import { colorOf, sizeOf, symbolsFor } from '../../layers/style.ts';
import type { LabelSpec, LayerDefinition, LayerFeature, ParsedLayer, Position, SymbolSpec } from '../../layers/types.ts';
import { toNumber } from '../../layers/parse/geojson.ts';
import { anchorOf, extent, ringArea } from '../../layers/feature-geometry.ts';

/**
 * Draws a parsed layer with batched primitives (DESIGN.md: big layers are batched, not one Entity
 * per feature; bench/suites/layers.ts measures both): one PointPrimitiveCollection for points,
 * one ground-clamped polyline primitive for lines and outlines, one ground primitive for fills,
 * one primitive for extrusions, trees or ribbons, a LabelCollection decluttered in screen space,
 * and screen-space clustering of dense points. Gauges (a handful of car parks) are one small
 * primitive each so their fill can change with time without rebuilding geometry.
 */

/** What every pickable object of a layer carries as its id. */
export interface FeatureTag {
  readonly jumeauLayer: string;
  readonly index: number;
}

export function isFeatureTag(v: unknown): v is FeatureTag {
  return typeof v === 'object' && v !== null && typeof (v as FeatureTag).jumeauLayer === 'string' && typeof (v as FeatureTag).index === 'number';
}

export interface DrawnLayer {
  setShown(on: boolean): void;
  setOpacity(alpha: number): void;
  /** Values computed outside the data (occupancy at the chosen time), by feature id. */
  setValues(field: string, values: ReadonlyMap<string, number>): void;
  /** Feature index of a picked object of this layer, or null. */
  resolve(picked: unknown): number | null;
  /** Tints a feature; returns the function that restores it. */
  highlight(index: number): () => void;
  /** A sphere around a feature, for flying to it. */
  featureSphere(index: number): BoundingSphere | null;
  /** Whether every primitive has been built (they build asynchronously, in Cesium's workers). */
  ready(): boolean;
  /** Counts for the benchmark and tests. */
  stats(): { primitives: number; points: number; labels: number; instances: number; labelsShown: number; clusters: number };
  dispose(): void;
}

export interface DrawOptions {
  opacity: number;
  /** Clamp lines and fills to the terrain (default: when the globe has real terrain). */
  clampToTerrain?: boolean;
  /** Draw the labels (default true; the benchmark compares geometry alone). */
  labels?: boolean;
  /** Ground height under a position (terrain), metres; 0 on the ellipsoid. */
  groundHeight(lonDeg: number, latDeg: number): number;
}

/** Heights of unclamped lines and fills above the ellipsoid: above the imagery, under the buildings. */
const LINE_HEIGHT_M = 1.5;
const FILL_HEIGHT_M = 0.3;

/** Most labels one layer shows at once. */
const MAX_LABELS = 250;

const toColor = (c: Rgb, alpha: number) => new Color(c[0] / 255, c[1] / 255, c[2] / 255, alpha);
const HIGHLIGHT = (c: Rgb): Rgb => [c[0] + (255 - c[0]) * 0.6, c[1] + (255 - c[1]) * 0.6, c[2] + (255 - c[2]) * 0.6];

/** A batched primitive whose instances' colours follow the layer's opacity and hover. */
interface Batch {
  primitive: Primitive | GroundPrimitive | GroundPolylinePrimitive;
  tags: FeatureTag[];
  colors: Rgb[];
  alphas: number[];
}

/** A unit cylinder (centred on its origin) scaled to `heightM` and standing on the frame's origin. */
function columnMatrix(frame: Matrix4, heightM: number): Matrix4 {
  const m = Matrix4.multiplyByScale(frame, new Cartesian3(1, 1, heightM), new Matrix4());
  return Matrix4.multiplyByTranslation(m, new Cartesian3(0, 0, 0.5), m);
}

const flat = (line: readonly Position[]) => Cartesian3.fromDegreesArray(line.flatMap((p) => [p[0], p[1]]));

/** Draws a layer. `variantId` picks the display (e.g. choropleth or extruded). */
export function drawLayer(scene: Scene, def: Pick<LayerDefinition, 'id' | 'variants' | 'label'>, variantId: string, parsed: ParsedLayer, o: DrawOptions): DrawnLayer {
  const variant = def.variants.find((v) => v.id === variantId) ?? def.variants[0];
  const features = parsed.features;
  const tags = features.map((_, index): FeatureTag => ({ jumeauLayer: def.id, index }));
  const override = new Map<string, Record<string, number>>();
  let opacity = o.opacity;
  let shown = true;
  const batches: Batch[] = [];
  const primitives: (Primitive | GroundPrimitive | GroundPolylinePrimitive)[] = [];
  let pendingRecolor = true;

  // On real terrain, lines and fills are clamped to it (ground primitives); on the ellipsoid (packs
  // without terrain) plain primitives just above it look the same and cost less (bench).
  const clamp = o.clampToTerrain ?? !(scene.terrainProvider instanceof EllipsoidTerrainProvider);
  // Collect instances per kind of batch.
  type Inst = { tag: FeatureTag; color: Rgb; alpha: number; geometry: unknown };
  const groups = new Map<string, { kind: 'ground-line' | 'ground-fill' | 'primitive-line' | 'primitive-fill'; insts: Inst[]; closed?: boolean }>();
  const add = (key: string, kind: 'ground-line' | 'ground-fill' | 'primitive-line' | 'primitive-fill', inst: Inst, closed = false) => {
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { kind, insts: [], closed }));
    // Each instance gets its own id object (Cesium keys instance attributes by id), so every part
    // of a feature (rings, trunk and crown) follows opacity and hover.
    g.insts.push({ ...inst, tag: { jumeauLayer: inst.tag.jumeauLayer, index: inst.tag.index } });
  };
  const points: { index: number; spec: Extract<SymbolSpec, { kind: 'point' }> }[] = [];
  const gauges: { index: number; spec: Extract<SymbolSpec, { kind: 'gauge' }> }[] = [];

  features.forEach((f, index) => {
    const tag = tags[index]!;
    for (const s of symbolsFor(variant, f)) {
      const color = s.kind === 'imagery' ? ([0, 0, 0] as Rgb) : colorOf(s.color, f.properties);
      const g = f.geometry;
      switch (s.kind) {
        case 'point':
          points.push({ index, spec: s });
          break;
        case 'gauge':
          gauges.push({ index, spec: s });
          break;
        case 'line':
        case 'outline': {
          const lines = g.type === 'line' ? g.lines : g.type === 'polygon' ? g.polygons.flatMap((p) => p.map((r) => [...r, r[0]!])) : [];
          for (const l of lines) {
            if (clamp) add(`ground-line:${s.widthPx}`, 'ground-line', { tag, color, alpha: 1, geometry: new GroundPolylineGeometry({ positions: flat(l), width: s.widthPx }) });
            else add(`line:${s.widthPx}`, 'primitive-line', { tag, color, alpha: 1, geometry: new PolylineGeometry({ positions: Cartesian3.fromDegreesArrayHeights(l.flatMap((p) => [p[0], p[1], LINE_HEIGHT_M])), width: s.widthPx, vertexFormat: PolylineColorAppearance.VERTEX_FORMAT, arcType: ArcType.GEODESIC }) });
          }
          break;
        }
        case 'ribbon': {
          if (g.type !== 'line') break;
          const w = toNumber(f.properties[s.widthField] ?? null);
          const widthM = w !== null && w > 0 && w < 200 ? w : s.defaultWidthM;
          for (const l of g.lines) {
            add('ribbon', 'primitive-fill', { tag, color, alpha: 1, geometry: new CorridorGeometry({ positions: flat(l), width: widthM, height: 0.05, vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT }) });
          }
          break;
        }
        case 'fill': {
          if (g.type !== 'polygon') break;
          for (const p of g.polygons) {
            const hierarchy = new PolygonHierarchy(flat(p[0]!), p.slice(1).map((h) => new PolygonHierarchy(flat(h))));
            if (clamp) add(`ground-fill:${s.alpha}`, 'ground-fill', { tag, color, alpha: s.alpha, geometry: new PolygonGeometry({ polygonHierarchy: hierarchy, vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT }) });
            else add(`fill:${s.alpha}`, 'primitive-fill', { tag, color, alpha: s.alpha, geometry: new PolygonGeometry({ polygonHierarchy: hierarchy, height: FILL_HEIGHT_M, vertexFormat: PerInstanceColorAppearance.FLAT_VERTEX_FORMAT }) });
          }
          break;
        }
        case 'extrusion': {
          if (g.type !== 'polygon') break;
          const v = toNumber(f.properties[s.heightField] ?? null) ?? 0;
          const a = anchorOf(f);
          const base = o.groundHeight(a[0], a[1]);
          for (const p of g.polygons) {
            const hierarchy = new PolygonHierarchy(flat(p[0]!), p.slice(1).map((h) => new PolygonHierarchy(flat(h))));
            add(`extrusion:${s.alpha}`, 'primitive-fill', { tag, color, alpha: s.alpha, geometry: new PolygonGeometry({ polygonHierarchy: hierarchy, height: base, extrudedHeight: base + Math.max(0.5, v * s.metresPerUnit), vertexFormat: PerInstanceColorAppearance.VERTEX_FORMAT }) }, true);
          }
          break;
        }
        case 'tree': {
          if (g.type !== 'point') break;
          const [lon, lat] = g.coordinates;
          const base = o.groundHeight(lon, lat);
          const frame = Transforms.eastNorthUpToFixedFrame(Cartesian3.fromDegrees(lon, lat, base));
          const trunkH = s.heightM * 0.45;
          add('tree', 'primitive-fill', {
            tag, color: [109, 76, 65], alpha: 1,
            geometry: { geometry: new CylinderGeometry({ length: trunkH, topRadius: 0.25, bottomRadius: 0.35, slices: 8, vertexFormat: PerInstanceColorAppearance.VERTEX_FORMAT }), modelMatrix: Matrix4.multiplyByTranslation(frame, new Cartesian3(0, 0, trunkH / 2), new Matrix4()) },
          }, true);
          add('tree', 'primitive-fill', {
            tag, color, alpha: 1,
            geometry: { geometry: new EllipsoidGeometry({ radii: new Cartesian3(s.crownRadiusM, s.crownRadiusM, (s.heightM - trunkH) / 1.6), stackPartitions: 8, slicePartitions: 10, vertexFormat: PerInstanceColorAppearance.VERTEX_FORMAT }), modelMatrix: Matrix4.multiplyByTranslation(frame, new Cartesian3(0, 0, trunkH + (s.heightM - trunkH) / 2), new Matrix4()) },
          }, true);
          break;
        }
        case 'flow': {
          if (g.type !== 'point') break;
          const tlon = toNumber(f.properties[s.toLonField] ?? null), tlat = toNumber(f.properties[s.toLatField] ?? null);
          if (tlon === null || tlat === null) break;
          const [lon, lat] = g.coordinates;
          const dist = Cartesian3.distance(Cartesian3.fromDegrees(lon, lat), Cartesian3.fromDegrees(tlon, tlat));
          const pos: Cartesian3[] = [];
          for (let k = 0; k <= 24; k++) {
            const t = k / 24;
            pos.push(Cartesian3.fromDegrees(lon + (tlon - lon) * t, lat + (tlat - lat) * t, 4 * t * (1 - t) * dist * 0.15));
          }
          add(`flow:${s.widthPx}`, 'primitive-line', { tag, color, alpha: 0.85, geometry: new PolylineGeometry({ positions: pos, width: s.widthPx, vertexFormat: PolylineColorAppearance.VERTEX_FORMAT }) });
          break;
        }
        case 'imagery':
          break;
      }
    }
  });

  // One primitive per group.
  for (const [key, g] of groups) {
    const instances = g.insts.map((i) => {
      const geo = i.geometry as { geometry?: unknown; modelMatrix?: Matrix4 };
      const isWrapped = geo !== null && typeof geo === 'object' && 'geometry' in geo && geo.geometry !== undefined;
      return new GeometryInstance({
        geometry: (isWrapped ? geo.geometry : i.geometry) as PolygonGeometry,
        ...(isWrapped && geo.modelMatrix !== undefined ? { modelMatrix: geo.modelMatrix } : {}),
        id: i.tag,
        attributes: { color: ColorGeometryInstanceAttribute.fromColor(toColor(i.color, i.alpha * opacity)) },
      });
    });
    let primitive: Primitive | GroundPrimitive | GroundPolylinePrimitive;
    if (g.kind === 'ground-line') {
      primitive = new GroundPolylinePrimitive({ geometryInstances: instances, appearance: new PolylineColorAppearance({ translucent: true }), classificationType: ClassificationType.TERRAIN, asynchronous: true });
    } else if (g.kind === 'ground-fill') {
      primitive = new GroundPrimitive({ geometryInstances: instances, appearance: new PerInstanceColorAppearance({ flat: true, translucent: true }), classificationType: ClassificationType.TERRAIN, asynchronous: true });
    } else if (g.kind === 'primitive-line') {
      primitive = new Primitive({ geometryInstances: instances, appearance: new PolylineColorAppearance({ translucent: true }), asynchronous: true });
    } else {
      const flatShaded = key === 'ribbon' || key.startsWith('fill:');
      primitive = new Primitive({ geometryInstances: instances, appearance: new PerInstanceColorAppearance({ flat: flatShaded, translucent: true, closed: g.closed === true }), asynchronous: true });
    }
    scene.primitives.add(primitive);
    primitives.push(primitive);
    batches.push({ primitive, tags: g.insts.map((i) => i.tag), colors: g.insts.map((i) => i.color), alphas: g.insts.map((i) => i.alpha) });
  }

  // Instance colours follow opacity, hover and computed values; instances are visited in order,
  // which keeps Cesium's id look-up constant time.
  const highlighted = new Set<number>();
  const recolorBatch = (b: Batch): boolean => {
    const p = b.primitive as { ready?: boolean; getGeometryInstanceAttributes(id: unknown): { color?: Uint8Array } | undefined };
    if (p.ready !== true) return false;
    b.tags.forEach((tag, k) => {
      const attrs = p.getGeometryInstanceAttributes(tag);
      if (attrs === undefined) return;
      const c = b.colors[k]!;
      const f = features[tag.index]!;
      const live = override.get(f.id);
      const base = live !== undefined ? recolorFor(f, c, live) : c;
      attrs.color = ColorGeometryInstanceAttribute.toValue(toColor(highlighted.has(tag.index) ? HIGHLIGHT(base) : base, b.alphas[k]! * opacity), attrs.color);
    });
    return true;
  };
  const recolorFor = (f: LayerFeature, c: Rgb, live: Record<string, number>): Rgb => {
    for (const s of symbolsFor(variant, f)) if (s.kind !== 'imagery' && s.color.kind === 'gradient' && s.color.field in live) return colorOf(s.color, f.properties, live);
    return c;
  };

  // ---- Points (one collection), with clustering -------------------------------------------------
  const pointCollection = points.length > 0 ? scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection : null;
  const clusterCollection = points.some((p) => p.spec.cluster !== undefined) ? scene.primitives.add(new PointPrimitiveCollection()) as PointPrimitiveCollection : null;
  const clusterLabels = clusterCollection !== null ? scene.primitives.add(new LabelCollection()) as LabelCollection : null;
  const pointPrims: { p: PointPrimitive; index: number; color: Rgb; clusterRadius: number | null }[] = [];
  for (const { index, spec } of points) {
    const f = features[index]!;
    if (f.geometry.type !== 'point') continue;
    const [lon, lat] = f.geometry.coordinates;
    const color = colorOf(spec.color, f.properties);
    const p = pointCollection!.add({
      position: Cartesian3.fromDegrees(lon, lat, o.groundHeight(lon, lat) + 2),
      pixelSize: sizeOf(spec.sizePx, f.properties),
      color: toColor(color, opacity),
      outlineColor: toColor(spec.outline ?? [20, 20, 20], opacity),
      outlineWidth: spec.outline !== undefined ? 1.5 : 0,
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
      id: tags[index],
    });
    pointPrims.push({ p, index, color, clusterRadius: spec.cluster?.radiusPx ?? null });
  }

  // ---- Gauges (car parks): shell + fill per feature -------------------------------------------
  const gaugeParts: { index: number; fill: Primitive; shell: Primitive; frame: Matrix4; heightM: number; spec: Extract<SymbolSpec, { kind: 'gauge' }> }[] = [];
  for (const { index, spec } of gauges) {
    const f = features[index]!;
    if (f.geometry.type !== 'point') continue;
    const [lon, lat] = f.geometry.coordinates;
    const cap = toNumber(f.properties[spec.radiusM.field] ?? null);
    const r = cap === null ? spec.radiusM.minM : spec.radiusM.minM + (spec.radiusM.maxM - spec.radiusM.minM) * Math.sqrt(Math.min(1, Math.max(0, cap / spec.radiusM.maxValue)));
    const frame = Transforms.eastNorthUpToFixedFrame(Cartesian3.fromDegrees(lon, lat, o.groundHeight(lon, lat)));
    const unit = (radius: number, color: Rgb, alpha: number) =>
      new Primitive({
        geometryInstances: new GeometryInstance({
          geometry: new CylinderGeometry({ length: 1, topRadius: radius, bottomRadius: radius, slices: 32, vertexFormat: PerInstanceColorAppearance.VERTEX_FORMAT }),
          id: tags[index],
          attributes: { color: ColorGeometryInstanceAttribute.fromColor(toColor(color, alpha)) },
        }),
        appearance: new PerInstanceColorAppearance({ translucent: alpha < 1, closed: true }),
        asynchronous: false,
        modelMatrix: frame,
      });
    const shell = scene.primitives.add(unit(r * 1.04, [225, 230, 238], 0.2 * opacity)) as Primitive;
    shell.modelMatrix = columnMatrix(frame, spec.heightM);
    const fill = scene.primitives.add(unit(r, colorOf(spec.color, f.properties), 0.95)) as Primitive;
    fill.modelMatrix = columnMatrix(frame, 0.01);
    fill.show = false;
    gaugeParts.push({ index, fill, shell, frame, heightM: spec.heightM, spec });
  }
  const updateGauges = () => {
    for (const g of gaugeParts) {
      const f = features[g.index]!;
      const live = override.get(f.id);
      const v = live?.occupancy;
      const has = v !== undefined && Number.isFinite(v);
      g.fill.show = shown && has;
      if (has) {
        g.fill.modelMatrix = columnMatrix(g.frame, Math.max(0.01, v * g.heightM));
        const attrs = g.fill.ready ? g.fill.getGeometryInstanceAttributes(tags[g.index]) : undefined;
        const c = colorOf(g.spec.color, f.properties, live);
        if (attrs !== undefined) attrs.color = ColorGeometryInstanceAttribute.toValue(toColor(highlighted.has(g.index) ? HIGHLIGHT(c) : c, 0.95 * Math.max(0.35, opacity)), attrs.color);
        else pendingRecolor = true;
      }
      const sattrs = g.shell.ready ? g.shell.getGeometryInstanceAttributes(tags[g.index]) : undefined;
      if (sattrs !== undefined) sattrs.color = ColorGeometryInstanceAttribute.toValue(toColor(highlighted.has(g.index) ? [255, 255, 255] : [225, 230, 238], (highlighted.has(g.index) ? 0.45 : 0.2) * opacity), sattrs.color);
      g.shell.show = shown;
    }
  };

  // ---- Labels ----------------------------------------------------------------------------------
  const labelSpec: LabelSpec | undefined = def.label;
  const labels = labelSpec !== undefined ? scene.primitives.add(new LabelCollection()) as LabelCollection : null;
  // Label candidates are data; Label objects exist only for the labels placed by the declutter
  // (at most MAX_LABELS), so a layer with thousands of names (streets) costs what is on screen.
  const labelItems: { label: Label | null; text: string; point: boolean; index: number; position: Cartesian3; halfW: number; halfH: number; priority: number }[] = [];
  if (labels !== null && labelSpec !== undefined && o.labels !== false) {
    features.forEach((f, index) => {
      const raw = labelSpec.field !== undefined ? f.properties[labelSpec.field] : f.name;
      if (raw === null || raw === undefined || String(raw).trim() === '') return;
      const text = String(raw).trim().slice(0, 60);
      const a = anchorOf(f);
      const lift = gaugeParts.some((g) => g.index === index) ? gaugeParts.find((g) => g.index === index)!.heightM + 6 : f.geometry.type === 'point' ? 4 : 2;
      const position = Cartesian3.fromDegrees(a[0], a[1], o.groundHeight(a[0], a[1]) + lift);
      const label = null;
      const p = labelSpec.priorityField !== undefined ? toNumber(f.properties[labelSpec.priorityField] ?? null) ?? 0 : f.geometry.type === 'polygon' ? ringArea(anchorPolygon(f)) * 1e6 : -text.length;
      labelItems.push({ label, text, point: f.geometry.type === 'point', index, position, halfW: (text.length * labelSpec.sizePx * 0.56) / 2 + 2, halfH: labelSpec.sizePx * 0.7, priority: p });
    });
  }
  const order = labelItems.map((_, i) => i).sort((a, b) => labelItems[b]!.priority - labelItems[a]!.priority);
  const makeLabel = (l: (typeof labelItems)[number]): Label =>
    labels!.add({
      position: l.position,
      text: l.text,
      font: `600 ${labelSpec!.sizePx}px system-ui, sans-serif`,
      fillColor: Color.WHITE,
      outlineColor: Color.fromBytes(20, 24, 30, 255),
      outlineWidth: 3,
      style: LabelStyle.FILL_AND_OUTLINE,
      horizontalOrigin: HorizontalOrigin.CENTER,
      verticalOrigin: l.point ? VerticalOrigin.BOTTOM : VerticalOrigin.CENTER,
      pixelOffset: l.point && gaugeParts.length === 0 ? new Cartesian2(0, -8) : Cartesian2.ZERO,
      disableDepthTestDistance: Number.POSITIVE_INFINITY,
      id: tags[l.index],
    });
  let labelsShown = 0;
  let clusters = 0;

  /** Declutters labels and clusters points for the current view. */
  const layout = () => {
    const cam = scene.camera.positionWC;
    const win = new Cartesian2();
    // Points: clustering in screen space.
    clusterCollection?.removeAll();
    clusterLabels?.removeAll();
    clusters = 0;
    const hiddenByCluster = new Set<number>();
    const clustered = pointPrims.filter((p) => p.clusterRadius !== null);
    if (clustered.length > 0 && shown) {
      const xs = new Float64Array(clustered.length), ys = new Float64Array(clustered.length);
      clustered.forEach((p, k) => {
        const w = SceneTransforms.worldToWindowCoordinates(scene, p.p.position, win);
        const visible = w !== undefined && Cartesian3.distance(cam, p.p.position) < 2e5;
        xs[k] = visible ? w.x : NaN;
        ys[k] = visible ? w.y : NaN;
      });
      const radius = clustered[0]!.clusterRadius!;
      for (const c of clusterPoints(xs, ys, radius)) {
        if (c.members.length < 3) continue;
        clusters++;
        let sx = 0, sy = 0, sz = 0;
        for (const m of c.members) {
          const pp = clustered[m]!;
          pp.p.show = false;
          hiddenByCluster.add(pp.index);
          sx += pp.p.position.x;
          sy += pp.p.position.y;
          sz += pp.p.position.z;
        }
        const n = c.members.length;
        const pos = new Cartesian3(sx / n, sy / n, sz / n);
        const first = clustered[c.members[0]!]!;
        // A dark disc ringed with the members' colour, and the count in white.
        clusterCollection!.add({ position: pos, pixelSize: 20 + Math.min(20, Math.sqrt(n) * 2.5), color: toColor([38, 50, 56], 0.92 * opacity), outlineColor: toColor(first.color, opacity), outlineWidth: 3, disableDepthTestDistance: Number.POSITIVE_INFINITY, id: { jumeauLayer: def.id, index: first.index, cluster: n } });
        clusterLabels!.add({ position: pos, text: String(n), font: '700 14px system-ui, sans-serif', fillColor: Color.WHITE.withAlpha(opacity), horizontalOrigin: HorizontalOrigin.CENTER, verticalOrigin: VerticalOrigin.CENTER, disableDepthTestDistance: Number.POSITIVE_INFINITY });
      }
    }
    for (const p of pointPrims) if (!hiddenByCluster.has(p.index)) p.p.show = shown;
    // Labels: visible range, then greedy declutter by priority.
    const boxes: Box[] = labelItems.map((l) => {
      if (!shown || hiddenByCluster.has(l.index) || labelSpec === undefined || Cartesian3.distance(cam, l.position) > labelSpec.maxDistanceM) return { x: NaN, y: NaN, halfW: 0, halfH: 0 };
      const w = SceneTransforms.worldToWindowCoordinates(scene, l.position, win);
      const canvas = scene.canvas;
      if (w === undefined || w.x < -50 || w.y < -20 || w.x > canvas.clientWidth + 50 || w.y > canvas.clientHeight + 20) return { x: NaN, y: NaN, halfW: 0, halfH: 0 };
      return { x: w.x, y: w.y, halfW: l.halfW, halfH: l.halfH };
    });
    const visible = declutter(boxes, order);
    labelsShown = 0;
    for (const i of order) {
      const l = labelItems[i]!;
      const on = visible[i]! && labelsShown < MAX_LABELS;
      if (on) {
        labelsShown++;
        if (l.label === null) l.label = makeLabel(l);
        l.label.fillColor = Color.WHITE.withAlpha(Math.max(0.3, opacity));
      } else if (l.label !== null) {
        labels!.remove(l.label);
        l.label = null;
      }
    }
    scene.requestRender();
  };
  const removeMoveEnd = scene.camera.moveEnd.addEventListener(layout);
  // Recolour batches once their primitives are ready (they build asynchronously).
  const removePreRender = scene.preRender.addEventListener(() => {
    if (!pendingRecolor) return;
    let all = true;
    for (const b of batches) all = recolorBatch(b) && all;
    if (gaugeParts.length > 0) {
      const ready = gaugeParts.every((g) => g.fill.ready && g.shell.ready);
      if (ready) updateGauges();
      else all = false;
    }
    if (all) {
      pendingRecolor = false;
      scene.requestRender();
    }
  });
  let laidOut = false;
  const removePostRender = scene.postRender.addEventListener(() => {
    if (laidOut) return;
    laidOut = true;
    layout();
  });

  function anchorPolygon(f: LayerFeature): Position[] {
    return f.geometry.type === 'polygon' ? f.geometry.polygons.reduce((a, b) => (ringArea(b[0]!) > ringArea(a[0]!) ? b : a))[0]! : [];
  }

  const refresh = () => {
    pendingRecolor = true;
    for (const b of batches) recolorBatch(b);
    for (const p of pointPrims) {
      const hl = highlighted.has(p.index);
      p.p.color = toColor(hl ? HIGHLIGHT(p.color) : p.color, opacity);
      p.p.outlineColor = p.p.outlineColor.withAlpha(opacity);
      p.p.pixelSize = Math.max(1, p.p.pixelSize);
    }
    updateGauges();
    scene.requestRender();
  };

  return {
    setShown(on) {
      shown = on;
      for (const p of primitives) p.show = on;
      if (pointCollection !== null) pointCollection.show = on;
      if (clusterCollection !== null) clusterCollection.show = on;
      if (clusterLabels !== null) clusterLabels.show = on;
      if (labels !== null) labels.show = on;
      updateGauges();
      layout();
    },
    setOpacity(alpha) {
      opacity = Math.min(1, Math.max(0, alpha));
      refresh();
      layout();
    },
    setValues(field, values) {
      for (const f of features) {
        const v = values.get(f.id);
        const o2 = override.get(f.id) ?? {};
        if (v === undefined) delete o2[field];
        else o2[field] = v;
        override.set(f.id, o2);
      }
      refresh();
    },
    resolve(picked) {
      const id = (picked as { id?: unknown } | undefined)?.id;
      return isFeatureTag(id) && id.jumeauLayer === def.id ? id.index : null;
    },
    highlight(index) {
      highlighted.add(index);
      refresh();
      return () => {
        highlighted.delete(index);
        refresh();
      };
    },
    featureSphere(index) {
      const f = features[index];
      if (f === undefined) return null;
      const [w, s, e, n] = extent(f);
      const a = anchorOf(f);
      const h = o.groundHeight(a[0], a[1]);
      const centre = Cartesian3.fromDegrees((w + e) / 2, (s + n) / 2, h);
      const corner = Cartesian3.fromDegrees(e, n, h);
      return new BoundingSphere(centre, Math.max(120, Cartesian3.distance(centre, corner)));
    },
    ready: () => primitives.every((p) => (p as { ready?: boolean }).ready === true) && gaugeParts.every((g) => g.fill.ready && g.shell.ready),
    stats: () => ({
      primitives: primitives.length + gaugeParts.length * 2 + (pointCollection !== null ? 1 : 0) + (labels !== null ? 1 : 0),
      points: pointPrims.length,
      labels: labelItems.length,
      instances: batches.reduce((s, b) => s + b.tags.length, 0),
      labelsShown,
      clusters,
    }),
    dispose() {
      removeMoveEnd();
      removePreRender();
      removePostRender();
      for (const p of [...primitives, ...gaugeParts.flatMap((g) => [g.fill, g.shell])]) if (!p.isDestroyed()) scene.primitives.remove(p);
      for (const c of [pointCollection, clusterCollection, clusterLabels, labels]) if (c !== null && !c.isDestroyed()) scene.primitives.remove(c);
      scene.requestRender();
    },
  };
}

export { flyToSphere, groundHeightFn, unionSpheres, type Sphere } from './camera.ts';
export { anchorOf } from '../../layers/feature-geometry.ts';
