import type { KpiTable } from '../../scenarios/kpi.ts';
import type { Scenario } from '../../scenarios/model.ts';
import type { CompareMode } from './compare-link.ts';
import type { ScenarioController, Tool } from './controller.ts';
import type { Comparison } from './compare-view.ts';
import type { ScenarioExchange } from './exchange.ts';
import type { ScenarioService } from './service.ts';
import type { SyncViewHandle } from './sync-view.ts';
import type { ScenarioTools } from './tools-view.ts';
import type { ScenarioLayer } from './view.ts';

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

/** Installs `window.__jumeauScenarios` (and its `report()`); returns the remover. */
export function installScenarioTestApi(o: { service: ScenarioService; controller: ScenarioController; tools: ScenarioTools; comparison: Comparison; exchange: ScenarioExchange; layer(): ScenarioLayer | null }): () => void {
  const { service, controller: c, tools } = o;
  window.__jumeauScenarios = {
    state: () => {
      const s = service.active();
      const gizmo = tools.gizmo();
      return {
        city: service.cityId,
        scenarios: service.list().map((x) => ({ id: x.id, name: x.name, edits: x.edits.length })),
        active: s === null ? null : structuredClone(s),
        canUndo: service.canUndo(),
        tool: c.tool,
        drawPoints: tools.drawPoints(),
        running: c.running !== null,
        table: c.table,
        message: c.message,
        layer: o.layer()?.stats() ?? null,
        saved: s !== null && !service.pending && service.saveError === null,
        compare: c.compare,
        sync: o.comparison.syncStats(),
        gizmo: gizmo === null || c.gizmoFor === null ? null : { edit: c.gizmoFor, dragging: gizmo.dragging(), handles: gizmo.handlesOnScreen() },
      };
    },
    exportText: o.exchange.exportText,
    importText: o.exchange.importText,
    lastReport: () => c.lastReport ?? null,
  };
  (window.__jumeauScenarios as ScenarioTestApi & { report(): Promise<string | null> }).report = () => o.exchange.makeReport(false);
  return () => {
    delete window.__jumeauScenarios;
  };
}
