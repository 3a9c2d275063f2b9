import type { AppContext, OpenCity } from '../../app/context.ts';
import { toZoned } from '../../core/time.ts';
import { formatNumber, getLang, t } from '../../ui/i18n/index.ts';
import { createComparison } from './compare-view.ts';
import { createScenarioController, TIME_ZONE } from './controller.ts';
import { createExchange } from './exchange.ts';
import { deferredStore } from './idb-store.ts';
import { createKpiRuns } from './kpi-runs.ts';
import { createScenarioPanel, listenUndoKeys } from './panel.ts';
import { ScenarioService } from './service.ts';
import { installScenarioTestApi } from './test-api.ts';
import { createScenarioTools } from './tools-view.ts';
import { createScenarioLayer, type ScenarioLayer } from './view.ts';

/**
 * The scenarios feature: the planners' workbench. It owns the scenario service (IndexedDB
 * autosave, undo/redo), the scene layer of the active scenario, the edit tools (draw, pick,
 * place: tools-view.ts), export/import and share links (`?scn=`: exchange.ts), and the
 * comparison with today's city: split view or synchronised views (compare-view.ts), indicator
 * table (every simulation the indicators need, run on both sides by the worker pool:
 * kpi-runs.ts) and the printable report. The state and decisions are in controller.ts; this
 * file wires them to the app.
 */

const SCENARIO_ICON = ['M4 20h16', 'M6 20V9l4-3v14', 'M14 20v-8h4v8', 'M10 3l2 2-2 2', 'M12 5H8'];

export function install(ctx: AppContext): () => void {
  let city: OpenCity | null = null;
  let layer: ScenarioLayer | null = null;
  const service = new ScenarioService({ store: deferredStore((reason) => controller.say(t('scenario.noStorage', { reason }), 'error')) });
  const kpis = createKpiRuns(ctx, { city: () => city, modelTriangles: (sha) => service.modelTriangles(sha) });
  const controller = createScenarioController({
    scenarios: service,
    t,
    lang: getLang,
    formatNumber,
    url: { get extra() { return ctx.state.extra; }, sync: () => ctx.syncUrl() },
    registry: ctx.registry,
    city: () => kpis.city(),
    kpis,
    showMessage: (text, level) => panel.setMessage(text, level),
    render: (view) => {
      const s = service.active();
      if (s !== null) comparison.setRightLabel(s.name);
      panel.render(view);
    },
    describe: () => ctx.describe(),
  });

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
    onTool: (k, p) => tools.start(k, p),
    onModelFile: (file) => void tools.importModel(file),
    onModelAdjust: (id, headingDeg, scale) => controller.adjustModel(id, headingDeg, scale),
    onModelGizmo: (id) => tools.setGizmo(controller.gizmoFor === id ? null : id),
    onModelMove: (id) => tools.moveModel(id),
    onParameter: (simulation, name, value) => controller.setParameter(simulation, name, value),
    onRemoveEdit: (id) => controller.report(service.removeEdit(id)),
    onUndo: () => service.undo(),
    onRedo: () => service.redo(),
    onExport: () => void exchange.exportFile(),
    onImportFile: (file) => void file.text().then((text) => exchange.importText(text)),
    onShare: () => void exchange.share(),
    onCompare: (mode) => comparison.set(mode),
    onKpis: (date) => void controller.runKpis(date),
    onCancel: () => controller.cancelKpis(),
    onReport: () => void exchange.makeReport(true),
  });
  const removePanel = ctx.addPanel('scenario', panel, 'right', { label: 'scenario.toolbar', icon: SCENARIO_ICON });
  panel.setDate(toZoned(ctx.state.timeMs ?? Date.now(), ctx.city()?.config.timeZone ?? TIME_ZONE).date);

  const redraw = () => layer?.update(service.effect(), (sha) => service.asset(sha)?.bytes ?? null);
  const tools = createScenarioTools({ ctx, controller, service, city: () => city, layer: () => layer, outlines: kpis.outlines });
  const comparison = createComparison({ ctx, controller, service, city: () => city, layer: () => layer, redraw });
  const exchange = createExchange({ ctx, controller, service, panel, city: () => city, setCompare: (mode) => comparison.set(mode), screenshots: () => comparison.screenshots() });

  const offChange = service.onChange((reason) => {
    const shown = reason === 'edits' || reason === 'active';
    if (shown) {
      ctx.describe();
      redraw();
    }
    controller.changed(reason, service.saveError);
    if (shown) {
      tools.syncGizmo();
      if (service.active() === null && controller.compare !== null) comparison.set(null);
    }
    controller.render();
  });

  const offKeys = listenUndoKeys(() => service.undo(), () => service.redo());
  const onHide = () => void service.flush();
  window.addEventListener('pagehide', onHide);

  const offCity = ctx.onCity((c) => {
    city = c;
    kpis.clearCity();
    if (ctx.viewer !== null) layer = createScenarioLayer(ctx.viewer.scene, c.scene.buildings, c.config.buildings ?? null);
    void service.openCity(c.config.id).then(() => {
      if (service.damaged.length > 0) controller.say(t('scenario.damaged', { n: service.damaged.length }), 'error');
      const link = controller.cityOpened();
      if (link !== null) void exchange.openLink(link);
    });
    return () => {
      controller.cancelKpis();
      tools.stop();
      tools.setGizmo(null);
      comparison.set(null);
      layer?.dispose();
      layer = null;
      controller.table = null;
      service.closeCity();
      city = null;
    };
  });

  const offTestApi = installScenarioTestApi({ service, controller, tools, comparison, exchange, layer: () => layer });
  controller.render();
  const offLang = ctx.onLangChange(() => controller.render());
  const offDescribe = ctx.addDescription(() => controller.description());
  // Tours show scenarios through this provider (a stop's scenario, the editor's menu).
  const offTours = ctx.tours.onApplyScenario(controller.tourProvider());

  return () => {
    offDescribe();
    offTours();
    offCity();
    offLang();
    offChange();
    offKeys();
    window.removeEventListener('pagehide', onHide);
    void service.flush();
    panel.dispose();
    removePanel();
    kpis.dispose();
    offTestApi();
  };
}
