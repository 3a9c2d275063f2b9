import { toZoned } from '../../core/time.ts';
import { enuFrame, metresPerDegree } from '../../core/geodesy.ts';
import { createSnapIndex, type SnapIndex } from './snap.ts';
import type { BuildingStatsOutput } from '../buildings/contract.ts';
import type { Edit, LonLat } from '../../scenarios/edits.ts';
import { createMemoryStore, type ScenarioStore } from '../../scenarios/store.ts';
import { openIndexedDbStore } from './idb-store.ts';
import { packFiles } from '../mobility/inputs.ts';
import { openWifiSites, polygonsFc, ringBbox } from '../wifi/inputs.ts';
import { wifiLayer } from '../../layers/wifi.ts';
import { populationGridLayer } from '../../layers/population-grid.ts';
import { createLayerData } from '../../sources/layer-data.ts';
import { computeKpiTable, type KpiRunner, type KpiStudy, type KpiTable } from '../../scenarios/kpi.ts';
import { kpisFor } from '../../app/indicators.ts';
import { applyEdits, emptyEffect, type Scenario } from '../../scenarios/model.ts';
import { buildReport } from './report.ts';
import { ScenarioService } from './service.ts';
import { COMPARE_PARAM, decodeShare, encodeShare, KPI_PARAM, readCompareLink, SHARE_PARAM, writeCompareLink, type CompareMode } from './share.ts';
import { autoStudyArea, toSimScenario } from '../../scenarios/simulate.ts';
import { lazySimulationClient } from '../../simulations/client.ts';
import { findSimulation, SIMULATIONS } from '../../app/simulations.ts';
import { getCameraState, setCameraState } from '../../scene/camera.ts';
import { startPolygonDraw, type DrawHandle } from '../../scene/draw.ts';
import { addSplitDivider, buildingAt, createScenarioLayer, placeAt, type ScenarioLayer } from './view.ts';
import { createSyncView, type SyncViewHandle } from './sync-view.ts';
import { createModelGizmo, type ModelGizmo } from './gizmo-view.ts';
import { gizmoRadiusM } from './gizmo.ts';
import { formatNumber, getLang, t } from '../../ui/i18n/index.ts';
import { createScenarioPanel, describeEdit, type Tool, type ToolParams } from './panel.ts';
import { readTours, toursOfScenario, withTours } from '../tours/scenario-adapter.ts';
import { readUserData, withUserData } from '../../scenarios/userdata.ts';
import { downloadText } from '../../ui/download.ts';
import type { AppContext, OpenCity } from '../../app/context.ts';

/**
 * The scenarios feature: the planners' workbench. It owns the scenario service (IndexedDB
 * autosave, undo/redo), the scene layer of the active scenario, the edit tools (draw, pick,
 * place), export/import and share links (`?scn=`), and the comparison with today's city: split
 * view, indicator table (every simulation the indicators need, run on both sides by the worker
 * pool) and the printable report.
 */

const SCENARIO_ICON = ['M4 20h16', 'M6 20V9l4-3v14', 'M14 20v-8h4v8', 'M10 3l2 2-2 2', 'M12 5H8'];
const TIME_ZONE = 'Europe/Paris';

/** What the end-to-end tests read and drive. */
export interface ScenarioTestApi {
  state(): {
    city: string | null;
    scenarios: { id: string; name: string; edits: number }[];
    active: Scenario | null;
    canUndo: boolean;
    tool: Tool | null;
    drawPoints: number;
    running: boolean;
    table: KpiTable | null;
    message: string | null;
    layer: ReturnType<ScenarioLayer['stats']> | null;
    saved: boolean;
    /** The comparison view shown, and the synchronised views' counts when they are open. */
    compare: CompareMode | null;
    sync: ReturnType<SyncViewHandle['stats']> | null;
    /** The 3D gizmo: the model edit it adjusts, the handle being dragged and where the handles are on screen. */
    gizmo: { edit: string; dragging: string | null; handles: { handle: string; x: number; y: number }[] } | null;
  };
  exportText(): Promise<string | null>;
  importText(text: string): Promise<{ ok: boolean; error?: string }>;
  lastReport(): string | null;
}

declare global {
  interface Window {
    __jumeauScenarios?: ScenarioTestApi;
  }
}

/** A store that waits for IndexedDB to open, or falls back to memory (with the reason). */
function deferredStore(onFallback: (reason: string) => void): ScenarioStore {
  const ready: Promise<ScenarioStore> = openIndexedDbStore().catch((e: unknown) => {
    onFallback(e instanceof Error ? e.message : String(e));
    return createMemoryStore();
  });
  return {
    list: (c) => ready.then((s) => s.list(c)),
    get: (id) => ready.then((s) => s.get(id)),
    put: (x) => ready.then((s) => s.put(x)),
    delete: (id) => ready.then((s) => s.delete(id)),
    getAsset: (sha) => ready.then((s) => s.getAsset(sha)),
    putAsset: (sha, a) => ready.then((s) => s.putAsset(sha, a)),
    collectAssets: () => ready.then((s) => s.collectAssets()),
  };
}


function ringKm2(ring: readonly LonLat[]): number {
  const m = metresPerDegree(ring.reduce((s, p) => s + p[1], 0) / ring.length);
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j]![0] * m.lonM * ring[i]![1] * m.latM - ring[i]![0] * m.lonM * ring[j]![1] * m.latM;
  return Math.abs(a / 2) / 1e6;
}

export function install(ctx: AppContext): () => void {
  let message: string | null = null;
  const say = (text: string | null, level: 'info' | 'error' = 'info') => {
    message = text;
    panel.setMessage(text, level);
  };
  const service = new ScenarioService({ store: deferredStore((reason) => say(t('scenario.noStorage', { reason }), 'error')) });
  let city: OpenCity | null = null;
  const layerData = createLayerData(() => ctx.state.offline === true);
  let layer: ScenarioLayer | null = null;
  let tool: Tool | null = null;
  let hint: string | null = null;
  let draw: DrawHandle | null = null;
  let endTool: (() => void) | null = null;
  let drawPoints = 0;
  let table: KpiTable | null = null;
  let tableFor: string | null = null;
  let running: string | null = null;
  let abort: AbortController | null = null;
  let split: number | null = null;
  let compare: CompareMode | null = null;
  let syncView: SyncViewHandle | null = null;
  let gizmo: ModelGizmo | null = null;
  let gizmoFor: string | null = null;
  let removeDivider: (() => void) | null = null;
  let lastReport: string | null = null;
  let linkHandled = false;
  const sims = lazySimulationClient(() => ctx.simulationPool(), { owned: false });
  const engine = () => sims.get();
  const kpis = () => kpisFor(SIMULATIONS);
  const editsKey = () => JSON.stringify(service.active()?.edits ?? []);

  const panel = createScenarioPanel({
    onClose: () => ctx.setPanelOpen('scenario', false),
    onSelect: (id) => void service.select(id),
    onNew: () => void service.create(t('scenario.newName', { n: service.list().length + 1 })),
    onDuplicate: () => {
      const s = service.active();
      if (s !== null) void service.duplicate(s.id, t('scenario.copy'));
    },
    onDelete: () => {
      const s = service.active();
      if (s !== null && confirm(t('scenario.deleteConfirm', { name: s.name }))) void service.remove(s.id);
    },
    onRename: (name) => service.updateMeta({ name }),
    onTool: (k, p) => startTool(k, p),
    onModelFile: (file) => void importModel(file),
    onModelAdjust: (id, headingDeg, scale) => {
      const e = service.active()?.edits.find((x) => x.id === id);
      if (e?.kind !== 'add-model') return;
      report(service.updateEdit({ ...e, headingDeg: ((headingDeg % 360) + 360) % 360, scale }));
    },
    onModelGizmo: (id) => setGizmo(gizmoFor === id ? null : id),
    onModelMove: (id) => {
      const e = service.active()?.edits.find((x) => x.id === id);
      if (e?.kind !== 'add-model' || ctx.viewer === null) return;
      const scene = ctx.viewer.scene;
      capture('model', t('scenario.placing'), (x, y) => {
        const at = placeAt(scene, x, y);
        if (at !== null) report(service.updateEdit({ ...e, lonDeg: at.lonDeg, latDeg: at.latDeg, baseM: Math.round(at.heightM * 100) / 100 }));
      });
    },
    onParameter: (simulation, name, value) => {
      const def = findSimulation(simulation);
      if (def === null) return;
      // The value must be one the simulation accepts: checked against its input schema's field.
      const shape = (def.input as unknown as { shape?: Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }> }).shape;
      const field = shape?.[name];
      if (field === undefined) return say(t('scenario.refused', { reason: `${simulation}: no parameter "${name}"` }), 'error');
      const check = field.safeParse(value);
      if (!check.success) return say(t('scenario.refused', { reason: `${simulation}.${name}: ${check.error?.issues[0]?.message ?? 'invalid'}` }), 'error');
      report(service.addEdit({ kind: 'set-parameter', id: newEditId(), simulation, name, value }));
    },
    onRemoveEdit: (id) => report(service.removeEdit(id)),
    onUndo: () => service.undo(),
    onRedo: () => service.redo(),
    onExport: () => void exportFile(),
    onImportFile: (file) => void file.text().then((text) => importText(text)),
    onShare: () => void share(),
    onCompare: (mode) => setCompare(mode),
    onKpis: (date) => void runKpis(date),
    onCancel: () => abort?.abort(),
    onReport: () => void makeReport(true),
  });
  const removePanel = ctx.addPanel('scenario', panel, 'right', { label: 'scenario.toolbar', icon: SCENARIO_ICON });
  panel.setDate(toZoned(ctx.state.timeMs ?? Date.now(), TIME_ZONE).date);

  function report(r: { ok: boolean; error?: string }): void {
    if (!r.ok) say(t('scenario.refused', { reason: r.error ?? '' }), 'error');
  }

  function render(): void {
    const s = service.active();
    if (s !== null) syncView?.setRightLabel(s.name);
    const missing = missingKpis();
    panel.render({
      scenarios: service.list().map((x) => ({ id: x.id, name: x.name })),
      activeId: s?.id ?? null,
      edits: s?.edits ?? [],
      canUndo: service.canUndo(),
      canRedo: service.canRedo(),
      saveState: s === null ? null : service.saveError !== null ? 'failed' : service.pending ? 'saving' : 'saved',
      hint,
      running,
      table,
      tableStale: table !== null && tableFor !== editsKey(),
      areaText: table !== null ? t('scenario.kpiArea', { km2: formatNumber(ringKm2(table.study.area), 3), date: table.study.date }) : null,
      missingKpis: missing,
      compare,
      gizmoFor,
      note: city?.config.synthetic === true ? t('scenario.synthetic') : null,
      simulations: SIMULATIONS.filter((d) => d.id !== 'building-stats').map((d) => d.id),
    });
  }

  /** Indicators the issue asks for whose simulations are not registered yet (named, not faked). */
  function missingKpis(): string | null {
    const ids = new Set(SIMULATIONS.map((s) => s.id));
    const wanted: [string, string][] = [
      ['wifi', getLang() === 'fr' ? 'habitants couverts par le wifi' : 'residents covered by wifi'],
      ['parking', getLang() === 'fr' ? 'temps moyen de recherche de stationnement' : 'mean parking cruising time'],
      ['transit', getLang() === 'fr' ? 'habitants à 15 min des transports' : 'residents within 15 min of transit'],
    ];
    const left = wanted.filter(([k]) => ![...ids].some((id) => id.includes(k)) && !kpis().some((p) => p.id.includes(k))).map(([, l]) => l);
    return left.length === 0 ? null : t('scenario.kpiMissing', { list: left.join(', ') });
  }

  function redraw(): void {
    if (layer === null) return;
    layer.update(service.effect(), (sha) => service.asset(sha)?.bytes ?? null);
  }

  const offChange = service.onChange((reason) => {
    if (reason === 'edits' || reason === 'active') ctx.describe();
    if (reason === 'edits' || reason === 'active') {
      redraw();
      if (reason === 'active') {
        table = null;
        tableFor = null;
      }
      if (ctx.state.extra[SHARE_PARAM] !== undefined && reason === 'edits') {
        // The link no longer says what is shown: neither the scenario nor its indicators.
        delete ctx.state.extra[SHARE_PARAM];
        delete ctx.state.extra[KPI_PARAM];
        ctx.syncUrl();
      }
      syncGizmo();
      if (service.active() === null && compare !== null) setCompare(null);
    }
    if (reason === 'save-failed') say(t('scenario.saveFailed', { reason: service.saveError ?? '' }), 'error');
    render();
  });

  function stopTool(): void {
    draw?.dispose();
    draw = null;
    endTool?.();
    endTool = null;
    tool = null;
    hint = null;
    drawPoints = 0;
    render();
  }

  function newEditId(): string {
    return service.newId('e');
  }

  /** A click on the view for picking or placing, with Escape to cancel. */
  function capture(kind: Tool, text: string, fn: (x: number, y: number) => void): void {
    if (ctx.picking === null) return;
    const release = ctx.picking.capture((x, y) => {
      stopTool();
      fn(x, y);
    });
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopImmediatePropagation();
        stopTool();
      }
    };
    document.addEventListener('keydown', onKey, true);
    tool = kind;
    hint = text;
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
    render();
  }

  function startTool(kind: Tool, p: ToolParams): void {
    if (ctx.viewer === null || service.active() === null) return;
    stopTool();
    say(null);
    const scene = ctx.viewer.scene;
    if (kind === 'building' || kind === 'clip') {
      const resume = ctx.picking?.suspend() ?? (() => undefined);
      const viewEl = scene.canvas.closest('.view') as HTMLElement | null;
      viewEl?.focus();
      tool = kind;
      hint = t('scenario.drawing');
      endTool = resume;
      const snap = snapper(scene.canvas.clientWidth, scene.canvas.clientHeight);
      draw = startPolygonDraw(scene, {
        keyTarget: viewEl ?? document.body,
        snap: (lon, lat) => snap.at(lon, lat),
        onChange: (pts) => {
          drawPoints = pts.length;
        },
        onFinish: (ring, heights) => {
          draw = null;
          stopTool();
          const baseM = Math.round(Math.min(...heights) * 100) / 100;
          const edit: Edit =
            kind === 'building'
              ? { kind: 'add-building', id: newEditId(), footprint: ring, heightM: p.heightM, use: p.use, ...(p.floors !== null && Number.isFinite(p.floors) ? { floors: p.floors } : {}), ...(Number.isFinite(baseM) ? { baseM } : {}) }
              : { kind: 'clip', id: newEditId(), ring, depthM: p.depthM, ...(Number.isFinite(baseM) ? { baseM } : {}) };
          report(service.addEdit(edit));
        },
        onCancel: () => {
          draw = null;
          stopTool();
        },
      });
      render();
      return;
    }
    if (kind === 'remove' || kind === 'hide') {
      const b = city?.scene.buildings ?? null;
      if (b === null) return;
      capture(kind, t('scenario.picking'), (x, y) => {
        const id = buildingAt(scene, b, x, y);
        if (id === null) return say(t('scenario.noBuildingThere'), 'error');
        const at = placeAt(scene, x, y);
        const where = at !== null ? { lonDeg: Math.round(at.lonDeg * 1e7) / 1e7, latDeg: Math.round(at.latDeg * 1e7) / 1e7 } : {};
        report(service.addEdit(kind === 'remove' ? { kind: 'remove-building', id: newEditId(), buildingId: id, ...where } : { kind: 'hide-building', id: newEditId(), buildingId: id, ...where }));
      });
      return;
    }
    if (kind === 'carpark') {
      capture(kind, t('scenario.placing'), (x, y) => {
        const at = placeAt(scene, x, y);
        if (at === null) return;
        report(service.addEdit({ kind: 'add-car-park', id: newEditId(), lonDeg: at.lonDeg, latDeg: at.latDeg, capacity: Math.round(p.capacity) }));
      });
      return;
    }
    if (kind === 'facility') {
      const picking = ctx.picking;
      if (picking === null) return;
      capture(kind, t('scenario.pickFacility'), (x, y) => {
        const item = picking.pickAt(x, y);
        const at = placeAt(scene, x, y);
        const where = at !== null ? { lonDeg: Math.round(at.lonDeg * 1e7) / 1e7, latDeg: Math.round(at.latDeg * 1e7) / 1e7 } : {};
        const name = item?.properties.name ?? item?.properties.nom;
        const label = typeof name === 'string' && name !== '' ? { label: name.slice(0, 120) } : {};
        if (item !== null && item.id !== null && /park/.test(item.layerId)) report(service.addEdit({ kind: 'close-car-park', id: newEditId(), carParkId: `${item.layerId}:${item.id}`, ...where, ...label }));
        else if (item !== null && item.id !== null && /wifi/.test(item.layerId)) report(service.addEdit({ kind: 'remove-hotspot', id: newEditId(), hotspotId: `${item.layerId}:${item.id}`, ...where, ...label }));
        else say(t('scenario.noFacility'), 'error');
      });
      return;
    }
    if (kind === 'hotspot') {
      capture(kind, t('scenario.placing'), (x, y) => {
        const at = placeAt(scene, x, y);
        if (at === null) return;
        report(service.addEdit({ kind: 'add-hotspot', id: newEditId(), lonDeg: at.lonDeg, latDeg: at.latDeg, heightM: 4, eirpDbm: 20, bandGHz: 5, pattern: 'omni' }));
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
    const b = city?.config.buildings;
    if (centre !== null && b !== undefined) {
      const m = metresPerDegree(centre.latDeg);
      const dx = 400 / m.lonM, dy = 400 / m.latM;
      const area = { type: 'Polygon', coordinates: [[[centre.lonDeg - dx, centre.latDeg - dy], [centre.lonDeg + dx, centre.latDeg - dy], [centre.lonDeg + dx, centre.latDeg + dy], [centre.lonDeg - dx, centre.latDeg + dy], [centre.lonDeg - dx, centre.latDeg - dy]]] };
      void engine()
        .run<BuildingStatsOutput>('building-stats', { area, city: { tileset: new URL(b.url, location.href).href, idProperties: [...b.idProperties] }, outlines: true, reachM: 0 }, { key: 'scenario-snap', parts: 1 })
        .then((r) => {
          if (r.ok) index = { frame: enuFrame(r.value.frame), idx: createSnapIndex(r.value.outlines) };
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
    if (!r.ok) return say(t('scenario.refused', { reason: r.error }), 'error');
    const scene = ctx.viewer.scene;
    capture('model', t('scenario.placing'), (x, y) => {
      const at = placeAt(scene, x, y);
      if (at === null) return;
      const id = newEditId();
      const added = service.addEdit({ kind: 'add-model', id, asset: r.sha, name: file.name.slice(0, 200) || 'model.glb', lonDeg: at.lonDeg, latDeg: at.latDeg, baseM: Math.round(at.heightM * 100) / 100, headingDeg: 0, scale: 1 });
      report(added);
      // Placed: its gizmo opens to move, turn and scale it in the view.
      if (added.ok) setGizmo(id);
    });
  }

  /** The scenario file, with the tours that show this scenario and the city's My data (they travel with it). */
  async function exportText(): Promise<string | null> {
    const active = service.active();
    if (active === null) return null;
    if (ctx.viewer !== null) service.updateMeta({ view: getCameraState(ctx.viewer.scene) });
    const text = service.exportFile();
    const tours = toursOfScenario(ctx.tours.all(), active.id);
    const mine = ctx.userData.provider()?.items() ?? [];
    if (tours.length === 0 && mine.length === 0) return text;
    const doc = JSON.parse(text) as object;
    const { doc: out, leftOut } = await withUserData(tours.length === 0 ? doc : withTours(doc, tours), mine);
    if (leftOut.length > 0) say(t('scenario.userDataLeftOut', { list: leftOut.map((l) => `${l.name} (${l.reason})`).join('; ') }), 'error');
    return JSON.stringify(out, null, 1) + '\n';
  }

  async function exportFile(): Promise<void> {
    try {
      const text = await exportText();
      if (text === null) return;
      const s = service.active()!;
      downloadText(`${s.name.replace(/[^\p{L}\p{N}_-]+/gu, '-').slice(0, 60) || 'scenario'}.jumeau-scenario.json`, text, 'application/json');
    } catch (e) {
      say(t('scenario.refused', { reason: e instanceof Error ? e.message : String(e) }), 'error');
    }
  }

  async function importText(text: string): Promise<{ ok: boolean; error?: string }> {
    const r = await service.importFile(text, t('scenario.copy'));
    if (!r.ok) {
      say(t('scenario.importFailed', { reason: r.error }), 'error');
      return { ok: false, error: r.error };
    }
    // Tours saved with the scenario join the city's tours (the file was valid JSON: it was read).
    const doc = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
    const { tours, problems } = readTours(doc);
    if (tours.length > 0) ctx.tours.adopt(tours);
    // My data saved with it joins the city's items; a bad item is named, the scenario is kept.
    const notes = [t('scenario.imported', { name: r.scenario.name })];
    const ud = await readUserData(doc);
    problems.push(...ud.problems);
    const provider = ctx.userData.provider();
    if (ud.items.length > 0 && provider !== null) {
      const a = await provider.adopt(ud.items);
      problems.push(...a.problems);
      notes.push(t('scenario.userDataAdded', { added: a.added, skipped: a.skipped }));
    }
    if (ud.leftOut.length > 0) notes.push(t('scenario.userDataNotInFile', { list: ud.leftOut.map((l) => `${l.name} (${l.reason})`).join('; ') }));
    say(problems.length === 0 ? notes.join(' ') : `${notes.join(' ')} ${problems.join('; ')}`, problems.length === 0 ? 'info' : 'error');
    return { ok: true };
  }

  async function share(): Promise<void> {
    const s = service.active();
    if (s === null) return;
    const withView = ctx.viewer !== null ? { ...s, view: getCameraState(ctx.viewer.scene) } : s;
    const r = await encodeShare(withView);
    if (!r.ok) return say(r.reason === 'models' ? t('scenario.shareModels') : t('scenario.shareTooLong', { n: r.length ?? 0 }), 'error');
    ctx.state.extra[SHARE_PARAM] = r.value;
    // The comparison shown and, when the indicator table is up to date, its date: the link
    // opens the same view and computes the same numbers.
    writeCompareLink(ctx.state.extra, { mode: compare, kpiDate: table !== null && tableFor === editsKey() ? table.study.date : null });
    ctx.syncUrl();
    try {
      await navigator.clipboard.writeText(location.href);
    } catch {
      // No clipboard permission: the link is in the address bar.
    }
    say(t('scenario.shareCopied'));
  }

  async function openLink(value: string): Promise<void> {
    // Read before the import: a change of edits takes the link's parameters out of the URL.
    const cmp = readCompareLink(ctx.state.extra);
    const r = await decodeShare(value);
    if (!r.ok) return say(t('scenario.linkFailed', { reason: r.error }), 'error');
    const added = await service.importRead(r, t('scenario.copy'));
    if (!added.ok) return say(t('scenario.linkFailed', { reason: added.error }), 'error');
    if (r.scenario.view !== undefined && ctx.viewer !== null) setCameraState(ctx.viewer.scene, r.scenario.view);
    panel.setDate(r.scenario.study.date);
    ctx.setPanelOpen('scenario', true);
    const notes = [t('scenario.linkOpened', { name: r.scenario.name })];
    for (const i of cmp.issues) notes.push(t('scenario.linkIssue', { param: i.param, value: i.value, reason: i.reason }));
    if (cmp.value.mode !== null) setCompare(cmp.value.mode);
    if (cmp.value.kpiDate !== null) {
      panel.setDate(cmp.value.kpiDate);
      void runKpis(cmp.value.kpiDate);
      notes.push(t('scenario.linkKpis', { date: cmp.value.kpiDate }));
    }
    say(notes.join(' '), cmp.issues.length > 0 ? 'error' : 'info');
  }

  /** The imported model edit `id` as the gizmo's, or null. */
  function modelEdit(id: string | null) {
    const e = id === null ? undefined : service.active()?.edits.find((x) => x.id === id);
    return e?.kind === 'add-model' ? e : null;
  }

  function gizmoRadius(e: NonNullable<ReturnType<typeof modelEdit>>): number {
    const tri = service.modelTriangles(e.asset);
    return tri === null ? 10 : gizmoRadiusM(tri.bounds, e.scale);
  }

  /** Opens the 3D gizmo on an imported model (null closes it). */
  function setGizmo(id: string | null): void {
    gizmo?.dispose();
    gizmo = null;
    gizmoFor = null;
    const e = modelEdit(id);
    if (e !== null && ctx.viewer !== null && layer !== null) {
      const editId = e.id;
      gizmoFor = editId;
      gizmo = createModelGizmo(ctx.viewer.scene, {
        placement: e,
        radiusM: gizmoRadius(e),
        onPreview: (p) => layer?.previewModel(editId, p),
        onCommit: (p) => {
          const cur = modelEdit(editId);
          if (cur !== null) report(service.updateEdit({ ...cur, lonDeg: p.lonDeg, latDeg: p.latDeg, headingDeg: p.headingDeg, scale: p.scale }));
        },
        onCancel: () => {
          const cur = modelEdit(editId);
          if (cur !== null) layer?.previewModel(editId, cur);
        },
      });
      say(t('scenario.gizmoHint'));
    }
    render();
  }

  /** After an edit, undo or another scenario: the gizmo follows its model, or closes when it is gone. */
  function syncGizmo(): void {
    if (gizmoFor === null) return;
    const e = modelEdit(gizmoFor);
    if (e === null) setGizmo(null);
    else gizmo?.update(e, gizmoRadius(e));
  }

  /** The comparison view: split by a divider, two synchronised views, or none (they exclude each other). */
  function setCompare(mode: CompareMode | null): void {
    if (mode !== null && (service.active() === null || ctx.viewer === null)) mode = null;
    if (mode !== 'sync' && syncView !== null) {
      syncView.dispose();
      syncView = null;
    }
    if (mode !== 'split' && split !== null) setSplit(null);
    compare = mode;
    if (mode === 'split' && split === null) setSplit(0.5);
    if (mode === 'sync' && syncView === null && ctx.viewer !== null) {
      const view = ctx.viewer.scene.canvas.closest('.view') as HTMLElement | null;
      try {
        if (view === null) throw new Error('no 3D view');
        syncView = createSyncView(ctx.viewer, view, {
          buildings: city?.config.buildings ?? null,
          quality: ctx.state.extra.quality === 'low' ? 'low' : 'high',
          stable: ctx.stable,
          labels: { left: t('scenario.today'), right: service.active()?.name ?? t('scenario.active') },
          onError: (reason) => say(t('scenario.syncFailed', { reason }), 'error'),
        });
      } catch (e) {
        say(t('scenario.syncFailed', { reason: e instanceof Error ? e.message : String(e) }), 'error');
        compare = null;
      }
    }
    if (compare !== null) ctx.state.extra[COMPARE_PARAM] = compare;
    else delete ctx.state.extra[COMPARE_PARAM];
    ctx.syncUrl();
    render();
  }

  function setSplit(pos: number | null): void {
    split = pos;
    removeDivider?.();
    removeDivider = null;
    layer?.setSplit(pos);
    const view = ctx.viewer?.scene.canvas.closest('.view') as HTMLElement | null;
    if (pos !== null && view !== null && view !== undefined) {
      removeDivider = addSplitDivider(view, pos, (x) => {
        split = x;
        layer?.setSplit(x);
      }, { left: t('scenario.baseline'), right: service.active()?.name ?? t('scenario.active') });
    }
    render();
  }

  /**
   * Layer data of the study that is not a plain pack file: the wifi access points in service
   * (none when the city has no wifi source; left out when it fails to load, and the indicator
   * says so) and the population squares meeting the area.
   */
  async function studyData(c: OpenCity, area: readonly LonLat[]): Promise<NonNullable<KpiStudy['data']>> {
    const [wifi, pop] = await Promise.all([layerData.features(c, wifiLayer).catch(() => undefined), layerData.features(c, populationGridLayer).catch(() => null)]);
    return {
      ...(wifi !== undefined ? { wifiSites: openWifiSites(wifi ?? [], c.config.bbox) } : {}),
      ...(pop !== null ? { population: polygonsFc(pop, ringBbox(area)) } : {}),
    };
  }

  async function runKpis(date: string): Promise<void> {
    const s = service.active();
    if (s === null || city === null || city.config.buildings === undefined) return;
    const area = s.study.area ?? autoStudyArea(s.edits);
    if (area === null) return say(t('scenario.kpiNeedEdits'), 'error');
    const study = { ...s.study, ...(/^\d{4}-\d{2}-\d{2}$/.test(date) ? { date } : {}) };
    if (study.date !== s.study.date) service.updateMeta({ study });
    const b = city.config.buildings;
    const kstudy: KpiStudy = { city: { tileset: new URL(b.url, location.href).href, idProperties: [...b.idProperties] }, area, date: study.date, stepMin: study.stepMin, cellM: study.cellM, timeZone: TIME_ZONE, files: packFiles(city.config.packUrl, city.config.packLayers, location.href) };
    const { scenario, missing } = toSimScenario(applyEdits(s.edits), (sha) => service.modelTriangles(sha));
    if (missing.length > 0) say(t('scenario.refused', { reason: missing.join(', ') }), 'error');
    abort?.abort();
    const ac = new AbortController();
    abort = ac;
    const c = engine();
    const runner: KpiRunner = async (sim, input, o) => {
      const r = await c.run(sim, input, { key: o.key, signal: ac.signal });
      return r.ok ? { ok: true, value: r.value, ms: r.info.ms } : { ok: false, error: r.error, ms: r.info.ms };
    };
    const key = editsKey();
    say(null);
    const wanted = kpis();
    if (wanted.some((k) => k.id === 'wifi-residents')) {
      running = t('scenario.kpiLoading');
      render();
      kstudy.data = await studyData(city, area);
      if (abort !== ac) return;
    }
    try {
      const tb = await computeKpiTable(wanted, kstudy, s.edits, runner, {
        simScenario: scenario,
        signal: ac.signal,
        onStep: (st) => {
          running = t('scenario.kpiRunning', { run: st.run.title[getLang()], side: t(`scenario.side.${st.side}`), i: st.index + 1, n: st.total });
          render();
        },
      });
      if (abort !== ac) return;
      table = tb;
      tableFor = key;
      ctx.describe();
    } catch (e) {
      if (!(e instanceof Error && e.name === 'AbortError')) say(t('scenario.refused', { reason: e instanceof Error ? e.message : String(e) }), 'error');
    } finally {
      if (abort === ac) {
        abort = null;
        running = null;
      }
      render();
    }
  }

  /** Screenshots of the scenario and of the baseline (the scenario layer removed for a frame). */
  function screenshots(): { baseline?: string; scenario?: string } {
    if (ctx.viewer === null || layer === null) return {};
    const scene = ctx.viewer.scene;
    const shot = () => {
      scene.render();
      return scene.canvas.toDataURL('image/png');
    };
    const wasSplit = split;
    layer.setSplit(null);
    const scen = shot();
    layer.update(emptyEffect(), () => null);
    const base = shot();
    redraw();
    layer.setSplit(wasSplit);
    return { baseline: base, scenario: scen };
  }

  async function makeReport(open: boolean): Promise<string | null> {
    const s = service.active();
    if (s === null || city === null) return null;
    const sims = new Set(table?.runs.map((r) => r.simulation) ?? []);
    const html = buildReport({
      scenario: s,
      lang: getLang(),
      madeAt: new Date(ctx.stable ? Date.parse('2026-03-21T12:00:00Z') : Date.now()).toISOString(),
      city: { name: city.config.name, synthetic: city.config.synthetic },
      screenshots: screenshots(),
      table: table !== null && tableFor === editsKey() ? table : null,
      methods: [...sims].flatMap((id) => {
        const d = findSimulation(id);
        return d === null ? [] : [{ title: d.card.title, summary: d.card.summary, version: d.version }];
      }),
      sources: city.config.buildings !== undefined ? [{ ...city.config.buildings.attribution, kind: city.config.buildings.attribution.status }] : [],
      userData: (ctx.userData.provider()?.items() ?? []).map((it) => ({ name: it.name, publisher: 'publisher' in it ? it.publisher : '', licence: 'licence' in it ? it.licence : '', origin: 'source' in it && it.source.kind === 'url' ? it.source.url : it.name })),
      describeEdit,
    });
    lastReport = html;
    if (open) {
      const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
      window.open(url, '_blank', 'noopener');
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    }
    return html;
  }

  const onKeys = (e: KeyboardEvent) => {
    if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
    if (((e.target as HTMLElement | null)?.closest('input, textarea, select') ?? null) !== null) return;
    const k = e.key.toLowerCase();
    if (k === 'z' && !e.shiftKey) service.undo();
    else if ((k === 'z' && e.shiftKey) || k === 'y') service.redo();
    else return;
    e.preventDefault();
  };
  document.addEventListener('keydown', onKeys);
  const onHide = () => void service.flush();
  window.addEventListener('pagehide', onHide);

  const offCity = ctx.onCity((c) => {
    city = c;
    layerData.clear();
    if (ctx.viewer !== null) {
      const b = c.config.buildings ?? null;
      layer = createScenarioLayer(ctx.viewer.scene, c.scene.buildings, b);
    }
    void service.openCity(c.config.id).then(() => {
      if (service.damaged.length > 0) say(t('scenario.damaged', { n: service.damaged.length }), 'error');
      const link = ctx.state.extra[SHARE_PARAM];
      if (!linkHandled && link !== undefined) {
        linkHandled = true;
        void openLink(link);
      } else if (link === undefined && compare === null && (ctx.state.extra[COMPARE_PARAM] !== undefined || ctx.state.extra[KPI_PARAM] !== undefined)) {
        // Without a shared scenario there is nothing to compare yet: the address says so.
        delete ctx.state.extra[COMPARE_PARAM];
        delete ctx.state.extra[KPI_PARAM];
        ctx.syncUrl();
      }
    });
    return () => {
      abort?.abort();
      stopTool();
      setGizmo(null);
      setCompare(null);
      layer?.dispose();
      layer = null;
      table = null;
      service.closeCity();
      city = null;
    };
  });

  window.__jumeauScenarios = {
    state: () => {
      const s = service.active();
      return {
        city: service.cityId,
        scenarios: service.list().map((x) => ({ id: x.id, name: x.name, edits: x.edits.length })),
        active: s === null ? null : structuredClone(s),
        canUndo: service.canUndo(),
        tool,
        drawPoints: draw?.points.length ?? drawPoints,
        running: running !== null,
        table,
        message,
        layer: layer?.stats() ?? null,
        saved: s !== null && !service.pending && service.saveError === null,
        compare,
        sync: syncView?.stats() ?? null,
        gizmo: gizmo === null || gizmoFor === null ? null : { edit: gizmoFor, dragging: gizmo.dragging(), handles: gizmo.handlesOnScreen() },
      };
    },
    exportText,
    importText,
    lastReport: () => lastReport ?? null,
  };
  (window.__jumeauScenarios as ScenarioTestApi & { report(): Promise<string | null> }).report = () => makeReport(false);
  render();
  const offLang = ctx.onLangChange(() => render());
  // The view's text alternative: the scenario shown and its indicators, in words.
  const offDescribe = ctx.addDescription(() => {
    const sc = service.active();
    if (sc === null) return null;
    const parts = [t('scenario.a11y.active', { name: sc.name, n: sc.edits.length })];
    for (const r of table?.rows ?? []) {
      if (r.baseline === null || r.scenario === null) continue;
      parts.push(`${r.label[getLang()]} ${formatNumber(r.baseline, r.decimals)} → ${formatNumber(r.scenario, r.decimals)}${r.unit === '' ? '' : ` ${r.unit}`}`);
    }
    return `${parts.join(' ; ')}.`;
  });
  // Tours show scenarios through this provider (a stop's scenario, the editor's menu).
  const offTours = ctx.tours.onApplyScenario({
    list: () => service.list().map((x) => ({ id: x.id, name: x.name })),
    active: () => service.active()?.id ?? null,
    apply: async (id) => ((await service.select(id)) ? { ok: true } : { ok: false, error: t('scenario.unknown', { id: id ?? '' }) }),
  });

  return () => {
    offDescribe();
    offTours();
    offCity();
    offLang();
    offChange();
    document.removeEventListener('keydown', onKeys);
    window.removeEventListener('pagehide', onHide);
    void service.flush();
    panel.dispose();
    removePanel();
    sims.dispose();
    layerData.dispose();
    delete window.__jumeauScenarios;
  };
}
