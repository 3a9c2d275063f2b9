import {
  type Billboard,
  Cartesian2,
  Cartesian3,
  Cartographic,
  CustomDataSource,
  Entity,
  HeightReference,
  type Label,
  Math as CesiumMath,
  VerticalOrigin,
  type CesiumWidget,
  type Scene,
} from 'cesium';
import type { PickedItem, PickHandler } from './picking.ts';

/**
 * The consultation's pins in 3D: one billboard per comment, clustered by Cesium's EntityCluster
 * when they crowd on screen (a cluster shows how many comments it holds). Pins are drawn over
 * the buildings (no depth test) so a comment on a wall or behind a roof is still seen. Texts are
 * never drawn in 3D: a picked pin gives its id, and the UI shows the comment as text.
 */

export type PinKind = 'published' | 'mine' | 'draft' | 'review';

export interface PinData {
  id: string;
  lonDeg: number;
  latDeg: number;
  heightM: number;
  /** CSS colour of the pin's head. */
  color: string;
  kind: PinKind;
}

export interface PinLayer {
  /** Replaces the pins (published comments, the resident's own, a moderator's review pin). */
  setPins(pins: readonly PinData[]): void;
  /** The place chosen for a new comment (null hides it). */
  setDraft(position: { lonDeg: number; latDeg: number; heightM: number } | null): void;
  /** Recognises picked pins (`{layerId:'consult', id}`) and clusters (`{layerId:'consult-cluster', id:null}`). */
  readonly pickHandler: PickHandler;
  dispose(): void;
}

export const PIN_LAYER_ID = 'consult';
export const CLUSTER_LAYER_ID = 'consult-cluster';

const images = new Map<string, HTMLCanvasElement>();

/** A map pin (teardrop with a white ring), drawn once per colour and kind. */
function pinImage(color: string, kind: PinKind): HTMLCanvasElement {
  const key = `${color}|${kind}`;
  const hit = images.get(key);
  if (hit !== undefined) return hit;
  const w = 30, h = 42;
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const g = c.getContext('2d');
  if (g !== null) {
    const r = 12, cx = w / 2, cy = 14;
    g.beginPath();
    g.moveTo(cx, h - 2);
    g.bezierCurveTo(cx - 4, h - 14, cx - r, cy + 8, cx - r, cy);
    g.arc(cx, cy, r, Math.PI, 0);
    g.bezierCurveTo(cx + r, cy + 8, cx + 4, h - 14, cx, h - 2);
    g.closePath();
    g.fillStyle = kind === 'draft' ? '#ffffff' : color;
    g.fill();
    g.lineWidth = 2.5;
    g.strokeStyle = kind === 'mine' ? '#ffca28' : kind === 'review' ? '#ff6b6b' : '#10141a';
    if (kind === 'mine' || kind === 'review') g.setLineDash([4, 3]);
    g.stroke();
    g.setLineDash([]);
    g.beginPath();
    g.arc(cx, cy, 4.5, 0, Math.PI * 2);
    g.fillStyle = kind === 'draft' ? color : '#ffffff';
    g.fill();
  }
  images.set(key, c);
  return c;
}

/** A round cluster marker with its count. */
function clusterImage(n: number): HTMLCanvasElement {
  const key = `cluster|${n}`;
  const hit = images.get(key);
  if (hit !== undefined) return hit;
  const size = n < 10 ? 34 : n < 100 ? 40 : 48;
  const c = document.createElement('canvas');
  c.width = size;
  c.height = size;
  const g = c.getContext('2d');
  if (g !== null) {
    g.beginPath();
    g.arc(size / 2, size / 2, size / 2 - 2, 0, Math.PI * 2);
    g.fillStyle = 'rgba(22, 26, 33, 0.9)';
    g.fill();
    g.lineWidth = 3;
    g.strokeStyle = '#4fc3f7';
    g.stroke();
    g.fillStyle = '#ffffff';
    g.font = `bold ${n < 100 ? 15 : 13}px system-ui, sans-serif`;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(String(n), size / 2, size / 2 + 1);
  }
  images.set(key, c);
  return c;
}

/** Creates the pin layer on the widget; `dispose()` removes it. */
export function createPinLayer(widget: CesiumWidget): PinLayer {
  const ds = new CustomDataSource('consultation');
  ds.clustering.enabled = true;
  ds.clustering.pixelRange = 28;
  ds.clustering.minimumClusterSize = 3;
  ds.clustering.clusterLabels = false;
  ds.clustering.clusterPoints = false;
  const removeCluster = ds.clustering.clusterEvent.addEventListener((entities: Entity[], cluster: { billboard: Billboard; label: Label }) => {
    cluster.label.show = false;
    cluster.billboard.show = true;
    cluster.billboard.image = clusterImage(entities.length) as unknown as string; // Billboard accepts a canvas (typed as string)
    cluster.billboard.verticalOrigin = VerticalOrigin.CENTER;
    cluster.billboard.disableDepthTestDistance = Number.POSITIVE_INFINITY;
    cluster.billboard.id = entities;
  });
  void widget.dataSources.add(ds);
  const draft = new Entity({ id: 'consult-draft', show: false });
  const scene = widget.scene;
  const render = () => scene.requestRender();
  const ids = new Set<string>();

  const billboard = (color: string, kind: PinKind) => ({
    image: pinImage(color, kind),
    verticalOrigin: VerticalOrigin.BOTTOM,
    heightReference: HeightReference.NONE,
    disableDepthTestDistance: Number.POSITIVE_INFINITY,
    scale: kind === 'draft' || kind === 'review' ? 1.15 : 0.85,
  });

  const own = (e: unknown): e is Entity => e instanceof Entity && ds.entities.contains(e);
  const pickHandler: PickHandler = {
    resolve(picked) {
      const id = (picked as { id?: unknown } | null)?.id;
      if (Array.isArray(id) && id.length > 0 && id.every(own)) {
        return { layerId: CLUSTER_LAYER_ID, id: null, properties: { ids: (id as Entity[]).map((e) => e.id) } } satisfies PickedItem;
      }
      if (own(id) && id !== draft) return { layerId: PIN_LAYER_ID, id: id.id, properties: {} } satisfies PickedItem;
      return null;
    },
  };

  return {
    setPins(pins) {
      ds.entities.suspendEvents();
      for (const id of ids) ds.entities.removeById(id);
      ids.clear();
      for (const p of pins) {
        if (ids.has(p.id)) continue;
        ds.entities.add(new Entity({ id: p.id, position: Cartesian3.fromDegrees(p.lonDeg, p.latDeg, p.heightM), billboard: billboard(p.color, p.kind) }));
        ids.add(p.id);
      }
      ds.entities.resumeEvents();
      render();
    },
    setDraft(position) {
      if (position === null) {
        if (ds.entities.contains(draft)) ds.entities.remove(draft);
      } else {
        draft.position = Cartesian3.fromDegrees(position.lonDeg, position.latDeg, position.heightM) as unknown as Entity['position'];
        draft.billboard = billboard('#4fc3f7', 'draft') as unknown as Entity['billboard'];
        draft.show = true;
        if (!ds.entities.contains(draft)) ds.entities.add(draft);
      }
      render();
    },
    pickHandler,
    dispose() {
      removeCluster();
      if (!widget.isDestroyed()) widget.dataSources.remove(ds, true);
      render();
    },
  };
}

/**
 * The 3D place under a window position (CSS pixels): the depth buffer (buildings, terrain) when
 * the browser supports reading it, else the terrain under the ray. Null over the sky.
 */
export function pickPlace(scene: Scene, x: number, y: number): { lonDeg: number; latDeg: number; heightM: number } | null {
  const win = new Cartesian2(x, y);
  let world: Cartesian3 | undefined;
  try {
    if (scene.pickPositionSupported) world = scene.pickPosition(win);
  } catch {
    world = undefined;
  }
  if (world === undefined) {
    const ray = scene.camera.getPickRay(win);
    if (ray !== undefined) world = scene.globe.pick(ray, scene);
  }
  if (world === undefined) return null;
  const c = Cartographic.fromCartesian(world);
  if (c === undefined) return null;
  return { lonDeg: CesiumMath.toDegrees(c.longitude), latDeg: CesiumMath.toDegrees(c.latitude), heightM: c.height };
}

