import type { PickedItem, PickHandler } from '../../scene/picking.ts';
import { drawLayer, flyToSphere, groundHeightFn, isFeatureTag, unionSpheres, type DrawnLayer, type Sphere } from '../../scene/layers/draw.ts';
import { addWmtsLayer, type ImageryHandle } from '../../scene/layers/imagery.ts';
import type { ViewerHandle } from '../../scene/viewer.ts';
import type { LayersViewPort } from './controller.ts';

/**
 * The layers in 3D: each layer's batched drawing (src/scene/layers/draw.ts) or imagery, their
 * showing, opacity and time values, flying to features, and picking. It holds the Cesium objects
 * of the open city; `clear()` removes them all. Without a viewer every call does nothing.
 */
export interface LayersView extends LayersViewPort {
  /** Picking of drawn features: `item(layerId, index)` gives the info panel's item. */
  pickHandler(item: (layerId: string, index: number) => PickedItem | null): PickHandler;
  /** Whether a layer's primitives are built (true when not drawn). */
  ready(id: string): boolean;
  /** Drawing counts of a layer (tests, benchmark); null when it is not drawn. */
  stats(id: string): ReturnType<DrawnLayer['stats']> | null;
}

/** The view over `viewer` (null without WebGL); `stable` flies instantly (screenshots). */
export function createLayersView(viewer: ViewerHandle | null, stable: boolean): LayersView {
  const drawn = new Map<string, DrawnLayer>();
  const imagery = new Map<string, ImageryHandle>();
  const flyTo = (sphere: Sphere, range?: number) => {
    if (viewer !== null) flyToSphere(viewer.scene, sphere, range ?? Math.max(350, sphere.radius * 3), stable);
  };
  return {
    available: viewer !== null,
    isDrawn: (id) => drawn.has(id),
    draw(def, variant, parsed, o) {
      if (viewer === null) return;
      drawn.set(def.id, drawLayer(viewer.scene, def, variant, parsed, { groundHeight: groundHeightFn(viewer.scene), ...o }));
    },
    undraw(id) {
      drawn.get(id)?.dispose();
      drawn.delete(id);
    },
    async addImagery(id, source, centre, opacity, current) {
      if (viewer === null) return { ok: false, reason: 'no viewer' };
      const r = await addWmtsLayer(viewer.widget, source, centre, opacity, 4000);
      if (!current()) {
        if (r.ok) r.handle.dispose();
        return null;
      }
      if (!r.ok) return r;
      imagery.set(id, r.handle);
      return { ok: true };
    },
    setShown(id, shown) {
      drawn.get(id)?.setShown(shown);
      imagery.get(id)?.setShown(shown);
    },
    setOpacity(id, opacity) {
      drawn.get(id)?.setOpacity(opacity);
      imagery.get(id)?.setOpacity(opacity);
    },
    setValues: (id, quantity, values) => drawn.get(id)?.setValues(quantity, values),
    zoomTo(id, count) {
      const d = drawn.get(id);
      if (d === undefined) return;
      const merged = unionSpheres(Array.from({ length: count }, (_, i) => d.featureSphere(i)));
      if (merged !== null) flyTo(merged, merged.radius * 2.6);
    },
    flyToFeature(id, index) {
      const sphere = drawn.get(id)?.featureSphere(index) ?? null;
      if (sphere !== null) flyTo(sphere);
    },
    requestRender: () => viewer?.requestRender(),
    clear() {
      for (const d of drawn.values()) d.dispose();
      for (const i of imagery.values()) i.dispose();
      drawn.clear();
      imagery.clear();
    },
    pickHandler: (item) => ({
      resolve(picked) {
        const tag = (picked as { id?: unknown } | undefined)?.id;
        if (!isFeatureTag(tag)) return null;
        const index = drawn.get(tag.jumeauLayer)?.resolve(picked) ?? null;
        return index === null ? null : item(tag.jumeauLayer, index);
      },
      highlight(picked) {
        const tag = (picked as { id?: unknown } | undefined)?.id;
        if (!isFeatureTag(tag)) return () => undefined;
        return drawn.get(tag.jumeauLayer)?.highlight(tag.index) ?? (() => undefined);
      },
    }),
    ready: (id) => drawn.get(id)?.ready() ?? true,
    stats: (id) => drawn.get(id)?.stats() ?? null,
  };
}
