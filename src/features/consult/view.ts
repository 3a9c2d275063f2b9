import { getCameraState, reducedMotion, setCameraState } from '../../scene/camera.ts';
import { createPinLayer, pickPlace, PIN_LAYER_ID, type PinLayer } from '../../scene/consult-pins.ts';
import type { PickRouter } from '../../scene/picking.ts';
import type { ViewerHandle } from '../../scene/viewer.ts';
import type { ConsultViewPort } from './controller.ts';

/**
 * The consultation in 3D: the pins of the city shown (clustered, src/scene/consult-pins.ts) and
 * their picking, capturing the click that places a comment, and the camera. Without a viewer or
 * picking there are no pins and no placing.
 */
export interface ConsultView extends ConsultViewPort {
  /**
   * A city is shown: adds its pin layer, whose picked pins and clusters get their properties from
   * `describe`. Returns what removes it, or null without a viewer.
   */
  openCity(describe: { pin(id: string | null): Record<string, unknown> | null; cluster(ids: readonly string[]): Record<string, unknown> }): (() => void) | null;
  /** Removes the pins of the city shown now (the feature is removed). */
  dispose(): void;
}

/** The view over `viewer` and `picking` (null without WebGL). */
export function createConsultView(viewer: ViewerHandle | null, picking: PickRouter | null): ConsultView {
  let pins: PinLayer | null = null;
  let endCapture: (() => void) | null = null;
  /** Removes the pins of the city shown now (also when the feature itself is removed). */
  let closeCityPins: (() => void) | null = null;
  return {
    canPlace: viewer !== null && picking !== null,
    capture(fn) {
      if (viewer === null || picking === null) return;
      viewer.scene.canvas.style.cursor = 'crosshair';
      endCapture = picking.capture((x, y) => fn(pickPlace(viewer.scene, x, y)));
    },
    endCapture() {
      endCapture?.();
      endCapture = null;
      if (viewer !== null) viewer.scene.canvas.style.cursor = '';
    },
    camera: () => getCameraState(viewer!.scene),
    fly(camera, durationS) {
      if (viewer !== null) setCameraState(viewer.scene, camera, reducedMotion() ? 0 : durationS);
    },
    setPins(list, draft) {
      if (pins === null) return;
      pins.setPins(list);
      pins.setDraft(draft);
    },
    openCity(describe) {
      if (viewer === null || picking === null) return null;
      const layer = createPinLayer(viewer.widget);
      pins = layer;
      const removePick = picking.add({
        resolve(picked) {
          const item = layer.pickHandler.resolve(picked);
          if (item === null) return null;
          if (item.layerId === PIN_LAYER_ID) {
            const properties = describe.pin(item.id);
            return properties === null ? item : { ...item, properties };
          }
          return { ...item, properties: describe.cluster((item.properties.ids as string[] | undefined) ?? []) };
        },
      });
      let done = false;
      const cleanup = () => {
        if (done) return;
        done = true;
        removePick();
        layer.dispose();
        if (pins === layer) pins = null;
        if (closeCityPins === cleanup) closeCityPins = null;
      };
      closeCityPins = cleanup;
      return cleanup;
    },
    dispose: () => closeCityPins?.(),
  };
}
