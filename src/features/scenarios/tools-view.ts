import type { AppContext, OpenCity } from '../../app/context.ts';
import { enuFrame, metresPerDegree } from '../../core/geodesy.ts';
import { startPolygonDraw, type DrawHandle } from '../../scene/draw.ts';
import { t } from '../../ui/i18n/index.ts';
import type { ModelEdit, ScenarioController, Tool, ToolParams } from './controller.ts';
import { createModelGizmo, type ModelGizmo } from './gizmo-view.ts';
import { gizmoRadiusM } from './gizmo.ts';
import type { ScenarioService } from './service.ts';
import { createSnapIndex, type SnapIndex } from './snap.ts';
import { carParkEdit, drawnEdit, facilityEdit, hotspotEdit, pickedBuildingEdit, placedModelEdit } from './tool-edits.ts';
import { buildingAt, placeAt, type ScenarioLayer } from './view.ts';

/**
 * The edit tools in the 3D view: drawing a footprint (building, excavation) with snapping,
 * picking a building or a facility, placing a car park, a hotspot or an imported model by a
 * click (Escape cancels), and the 3D gizmo that moves, turns and scales an imported model. The
 * edits they make come from the controller; this file holds the scene side.
 */

/** What the snapping reads of a `building-stats` run with outlines. */
export interface Outlines {
  frame: { lonDeg: number; latDeg: number; heightM: number };
  outlines: ArrayLike<number>;
}

export interface ToolsOptions {
  ctx: AppContext;
  controller: ScenarioController;
  service: ScenarioService;
  city(): OpenCity | null;
  layer(): ScenarioLayer | null;
  /** The outlines of the city's buildings in `area` (a GeoJSON polygon), from a worker; null on failure. */
  outlines(area: unknown, tileset: string, idProperties: readonly string[]): Promise<Outlines | null>;
}

export interface ScenarioTools {
  start(kind: Tool, p: ToolParams): void;
  stop(): void;
  /** Reads a glTF model into the scenario, then places it with a click. */
  importModel(file: File): Promise<void>;
  /** Places an imported model again with a click. */
  moveModel(editId: string): void;
  /** Opens the 3D gizmo on an imported model (null closes it). */
  setGizmo(editId: string | null): void;
  /** After an edit, undo or another scenario: the gizmo follows its model, or closes when it is gone. */
  syncGizmo(): void;
  /** Points of the footprint being drawn. */
  drawPoints(): number;
  gizmo(): ModelGizmo | null;
}

export function createScenarioTools(o: ToolsOptions): ScenarioTools {
  const { ctx, controller: c, service } = o;
  let draw: DrawHandle | null = null;
  let endTool: (() => void) | null = null;
  let gizmo: ModelGizmo | null = null;

  function stop(): void {
    draw?.dispose();
    draw = null;
    endTool?.();
    endTool = null;
    c.clearTool();
  }

  /** A click on the view for picking or placing, with Escape to cancel. */
  function capture(kind: Tool, text: string, fn: (x: number, y: number) => void): void {
    if (ctx.picking === null) return;
    const release = ctx.picking.capture((x, y) => {
      stop();
      fn(x, y);
    });
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopImmediatePropagation();
        stop();
      }
    };
    document.addEventListener('keydown', onKey, true);
    c.setTool(kind, text);
    endTool = () => {
      release();
      document.removeEventListener('keydown', onKey, true);
    };
    if (ctx.viewer !== null) ctx.viewer.scene.canvas.style.cursor = 'crosshair';
    const prev = endTool;
    endTool = () => {
      prev();
      if (ctx.viewer !== null) ctx.viewer.scene.canvas.style.cursor = '';
    };
    c.render();
  }

  function start(kind: Tool, p: ToolParams): void {
    if (ctx.viewer === null || service.active() === null) return;
    stop();
    c.say(null);
    const scene = ctx.viewer.scene;
    if (kind === 'building' || kind === 'clip') {
      const resume = ctx.picking?.suspend() ?? (() => undefined);
      const viewEl = scene.canvas.closest('.view') as HTMLElement | null;
      viewEl?.focus();
      c.setTool(kind, t('scenario.drawing'));
      endTool = resume;
      const snap = snapper(scene.canvas.clientWidth, scene.canvas.clientHeight);
      draw = startPolygonDraw(scene, {
        keyTarget: viewEl ?? document.body,
        snap: (lon, lat) => snap.at(lon, lat),
        onChange: (pts) => {
          c.drawPoints = pts.length;
        },
        onFinish: (ring, heights) => {
          draw = null;
          stop();
          c.addEdit(drawnEdit(kind, c.newEditId(), ring, heights, p));
        },
        onCancel: () => {
          draw = null;
          stop();
        },
      });
      c.render();
      return;
    }
    if (kind === 'remove' || kind === 'hide') {
      const b = o.city()?.scene.buildings ?? null;
      if (b === null) return;
      capture(kind, t('scenario.picking'), (x, y) => {
        const id = buildingAt(scene, b, x, y);
        if (id === null) return c.say(t('scenario.noBuildingThere'), 'error');
        c.addEdit(pickedBuildingEdit(kind, c.newEditId(), id, placeAt(scene, x, y)));
      });
      return;
    }
    if (kind === 'carpark') {
      capture(kind, t('scenario.placing'), (x, y) => {
        const at = placeAt(scene, x, y);
        if (at !== null) c.addEdit(carParkEdit(c.newEditId(), at, p.capacity));
      });
      return;
    }
    if (kind === 'facility') {
      const picking = ctx.picking;
      if (picking === null) return;
      capture(kind, t('scenario.pickFacility'), (x, y) => {
        const item = picking.pickAt(x, y);
        const at = placeAt(scene, x, y);
        const edit = facilityEdit(c.newEditId, item, at);
        if (edit !== null) c.addEdit(edit);
        else c.say(t('scenario.noFacility'), 'error');
      });
      return;
    }
    if (kind === 'hotspot') {
      capture(kind, t('scenario.placing'), (x, y) => {
        const at = placeAt(scene, x, y);
        if (at !== null) c.addEdit(hotspotEdit(c.newEditId(), at));
      });
    }
  }

  /**
   * Snapping for a footprint: the outlines of the city's buildings around the view (the
   * building-stats simulation, in a worker) and the footprints already in the scenario; a
   * click within SNAP_M of a corner or an edge lands on it. Until the outlines arrive, clicks
   * snap to the scenario's own footprints only.
   */
  function snapper(w: number, hgt: number): { at(lon: number, lat: number): [number, number] | null } {
    const SNAP_M = 2;
    const scene = ctx.viewer!.scene;
    const centre = placeAt(scene, w / 2, hgt / 2);
    let index: { frame: ReturnType<typeof enuFrame>; idx: SnapIndex } | null = null;
    const own: number[] = [];
    const origin = centre ?? { lonDeg: 0, latDeg: 0 };
    const ownFrame = enuFrame({ lonDeg: origin.lonDeg, latDeg: origin.latDeg, heightM: 0 });
    for (const e of service.active()?.edits ?? []) {
      if (e.kind !== 'add-building') continue;
      const r = e.footprint.map(([x, y]) => ownFrame.fromGeodetic(x, y, 0));
      r.forEach((p, i) => own.push(p[0], p[1], r[(i + 1) % r.length]![0], r[(i + 1) % r.length]![1]));
    }
    const ownIdx = createSnapIndex(own);
    const b = o.city()?.config.buildings;
    if (centre !== null && b !== undefined) {
      const m = metresPerDegree(centre.latDeg);
      const dx = 400 / m.lonM, dy = 400 / m.latM;
      const area = { type: 'Polygon', coordinates: [[[centre.lonDeg - dx, centre.latDeg - dy], [centre.lonDeg + dx, centre.latDeg - dy], [centre.lonDeg + dx, centre.latDeg + dy], [centre.lonDeg - dx, centre.latDeg + dy], [centre.lonDeg - dx, centre.latDeg - dy]]] };
      void o.outlines(area, new URL(b.url, location.href).href, b.idProperties).then((r) => {
        if (r !== null) index = { frame: enuFrame(r.frame), idx: createSnapIndex(r.outlines) };
      });
    }
    return {
      at(lon, lat) {
        const [x, y] = ownFrame.fromGeodetic(lon, lat, 0);
        const a = ownIdx.snap(x, y, SNAP_M);
        if (a.kind !== 'none') {
          const g = ownFrame.toGeodetic(a.x, a.y, 0);
          return [g.lonDeg, g.latDeg];
        }
        if (index === null) return null;
        const [cx, cy] = index.frame.fromGeodetic(lon, lat, 0);
        const s = index.idx.snap(cx, cy, SNAP_M);
        if (s.kind === 'none') return null;
        const g = index.frame.toGeodetic(s.x, s.y, 0);
        return [g.lonDeg, g.latDeg];
      },
    };
  }

  async function importModel(file: File): Promise<void> {
    if (ctx.viewer === null || service.active() === null) return;
    const r = await service.addModel(new Uint8Array(await file.arrayBuffer()), file.name);
    if (!r.ok) return c.say(t('scenario.refused', { reason: r.error }), 'error');
    const scene = ctx.viewer.scene;
    capture('model', t('scenario.placing'), (x, y) => {
      const at = placeAt(scene, x, y);
      if (at === null) return;
      const id = c.newEditId();
      const added = c.addEdit(placedModelEdit(id, r.sha, file.name, at));
      // Placed: its gizmo opens to move, turn and scale it in the view.
      if (added.ok) setGizmo(id);
    });
  }

  function moveModel(editId: string): void {
    const e = c.modelEdit(editId);
    if (e === null || ctx.viewer === null) return;
    const scene = ctx.viewer.scene;
    capture('model', t('scenario.placing'), (x, y) => {
      const at = placeAt(scene, x, y);
      if (at !== null) c.moveModel(e, at);
    });
  }

  function gizmoRadius(e: ModelEdit): number {
    const tri = service.modelTriangles(e.asset);
    return tri === null ? 10 : gizmoRadiusM(tri.bounds, e.scale);
  }

  function setGizmo(id: string | null): void {
    gizmo?.dispose();
    gizmo = null;
    c.gizmoFor = null;
    const e = c.modelEdit(id);
    const layer = o.layer();
    if (e !== null && ctx.viewer !== null && layer !== null) {
      const editId = e.id;
      c.gizmoFor = editId;
      gizmo = createModelGizmo(ctx.viewer.scene, {
        placement: e,
        radiusM: gizmoRadius(e),
        onPreview: (p) => o.layer()?.previewModel(editId, p),
        onCommit: (p) => {
          const cur = c.modelEdit(editId);
          if (cur !== null) c.updateModel(cur, { lonDeg: p.lonDeg, latDeg: p.latDeg, headingDeg: p.headingDeg, scale: p.scale });
        },
        onCancel: () => {
          const cur = c.modelEdit(editId);
          if (cur !== null) o.layer()?.previewModel(editId, cur);
        },
      });
      c.say(t('scenario.gizmoHint'));
    }
    c.render();
  }

  function syncGizmo(): void {
    if (c.gizmoFor === null) return;
    const e = c.modelEdit(c.gizmoFor);
    if (e === null) setGizmo(null);
    else gizmo?.update(e, gizmoRadius(e));
  }

  return { start, stop, importModel, moveModel, setGizmo, syncGizmo, drawPoints: () => draw?.points.length ?? c.drawPoints, gizmo: () => gizmo };
}
