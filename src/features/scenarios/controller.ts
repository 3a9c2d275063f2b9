import { metresPerDegree } from '../../core/geodesy.ts';
import type { KeysOf } from '../../core/messages.ts';
import type { SimScenario } from '../../core/simulation/scenario-input.ts';
import type { AnySimulation } from '../../core/simulation/types.ts';
import type { BuildingUse, Edit, LonLat } from '../../scenarios/edits.ts';
import type { KpiProvider, KpiStudy, KpiTable } from '../../scenarios/kpi.ts';
import type { Scenario, StudySettings } from '../../scenarios/model.ts';
import { COMPARE_PARAM, KPI_PARAM, SHARE_PARAM, writeCompareLink, type CompareMode } from './compare-link.ts';
import { parameterEdit, round2 } from './tool-edits.ts';
import type { scenarioMessages } from './messages.ts';

/**
 * The state and decisions of the scenarios feature, without DOM, scene or fetching: the message
 * line, the edit tool in use, the indicator table (and whether it is still that of the edits),
 * the comparison and gizmo shown, the panel's view model, the edits the tools make, the
 * comparison's run sequence (cancelled by a newer one) and the share link's URL parameters.
 * Side effects come in as callbacks (`ControllerDeps`, `KpiEngine`).
 */

/** The time zone of the scenario studies (sun). */
/** The time zone of cities that name none (pack cities from before city files). */
export const TIME_ZONE = 'Europe/Paris';

export type Tool = 'building' | 'remove' | 'hide' | 'clip' | 'hotspot' | 'model' | 'facility' | 'carpark';

/** The values of the tool fields. */
export interface ToolParams {
  heightM: number;
  floors: number | null;
  use: BuildingUse;
  depthM: number;
  capacity: number;
}

/** What the panel shows (it renders this and calls back). */
export interface ScenarioView {
  scenarios: { id: string; name: string }[];
  activeId: string | null;
  edits: readonly Edit[];
  canUndo: boolean;
  canRedo: boolean;
  saveState: 'saved' | 'saving' | 'failed' | null;
  hint: string | null;
  running: string | null;
  table: KpiTable | null;
  tableStale: boolean;
  areaText: string | null;
  missingKpis: string | null;
  /** The comparison view shown: split by a divider, two synchronised views, or none. */
  compare: CompareMode | null;
  /** The imported model edit whose 3D gizmo is open. */
  gizmoFor: string | null;
  note: string | null;
  /** Simulation ids of the registry (for parameters). */
  simulations: string[];
}

export type ScenarioKey = KeysOf<typeof scenarioMessages>;
export type Level = 'info' | 'error';
/** The outcome of a change of the scenario (the service's `EditResult`). */
export type EditResult = { ok: boolean; error?: string };
/** A place picked in the view. */
export type Place = { lonDeg: number; latDeg: number; heightM: number };
export type ModelEdit = Extract<Edit, { kind: 'add-model' }>;

/** What the controller reads and changes of the scenarios (the ScenarioService). */
export interface ScenarioPort {
  readonly pending: boolean;
  readonly saveError: string | null;
  list(): readonly Scenario[];
  active(): Scenario | null;
  canUndo(): boolean;
  canRedo(): boolean;
  newId(prefix: string): string;
  select(id: string | null): Promise<boolean>;
  addEdit(edit: Edit): EditResult;
  updateEdit(edit: Edit): EditResult;
  updateMeta(patch: { study?: StudySettings }): void;
}

/** The open city as the controller sees it. */
export interface ControllerCity {
  synthetic: boolean;
  /** The city's IANA time zone (its city file); {@link TIME_ZONE} when it names none. */
  timeZone?: string;
  /** The city's buildings as the simulations take them (null: the city has no 3D buildings). */
  buildings(): KpiStudy['city'] | null;
}

/** One comparison under way: cancelled by `abort` (a newer comparison, the city closing). */
export interface KpiJob {
  abort(): void;
  /** The study with the data its runs load first (see `prepareStudy`). */
  prepare(providers: readonly KpiProvider[], study: KpiStudy): Promise<KpiStudy>;
  /** The table of both sides (see `computeKpiTable`); rejects with an AbortError once aborted. */
  compute(providers: readonly KpiProvider[], study: KpiStudy, edits: readonly Edit[], simScenario: SimScenario, onStep: (step: { index: number; total: number; run: { title: { fr: string; en: string } }; side: 'baseline' | 'scenario' }) => void): Promise<KpiTable>;
}

/** How comparisons are run (the worker pool and layer data on the page). */
export interface KpiEngine {
  /** A study area around the edits (null when no edit has a place). */
  autoArea(edits: readonly Edit[]): LonLat[] | null;
  /** The scenario's edits as the simulations take them; `missing` names models without triangles. */
  simScenario(edits: readonly Edit[]): { scenario: SimScenario; missing: string[] };
  start(): KpiJob;
}

export interface ControllerDeps {
  scenarios: ScenarioPort;
  t(key: ScenarioKey, params?: Record<string, string | number>): string;
  lang(): 'fr' | 'en';
  formatNumber(value: number, decimals: number): string;
  /** The URL's extra parameters (the live state) and the call that writes them to the address. */
  url: { readonly extra: Record<string, string>; sync(): void };
  registry: { readonly simulations: readonly AnySimulation[]; findSimulation(id: string): AnySimulation | null; readonly indicators: readonly KpiProvider[] };
  city(): ControllerCity | null;
  kpis: KpiEngine;
  showMessage(text: string | null, level: Level): void;
  render(view: ScenarioView): void;
  /** The 3D view's text alternative changed. */
  describe(): void;
}

/** Area of an open ring of [lon, lat], km² (local flat approximation). */
export function ringKm2(ring: readonly LonLat[]): number {
  const m = metresPerDegree(ring.reduce((s, p) => s + p[1], 0) / ring.length);
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j]![0] * m.lonM * ring[i]![1] * m.latM - ring[i]![0] * m.lonM * ring[j]![1] * m.latM;
  return Math.abs(a / 2) / 1e6;
}

/** Indicators the issue asks for whose simulations are not registered yet (named, not faked); null when none. */
export function missingIndicators(simulations: readonly { id: string }[], indicators: readonly { id: string }[], lang: 'fr' | 'en'): string[] {
  const ids = simulations.map((s) => s.id);
  const wanted: [string, string][] = [
    ['wifi', lang === 'fr' ? 'habitants couverts par le wifi' : 'residents covered by wifi'],
    ['parking', lang === 'fr' ? 'temps moyen de recherche de stationnement' : 'mean parking cruising time'],
    ['transit', lang === 'fr' ? 'habitants à 15 min des transports' : 'residents within 15 min of transit'],
  ];
  return wanted.filter(([k]) => !ids.some((id) => id.includes(k)) && !indicators.some((p) => p.id.includes(k))).map(([, l]) => l);
}

export type ScenarioController = ReturnType<typeof createScenarioController>;

/** The feature's state object; every change that shows calls `deps.render`. */
export function createScenarioController(deps: ControllerDeps) {
  const { scenarios, t } = deps;
  let job: KpiJob | null = null;
  const editsKey = () => JSON.stringify(scenarios.active()?.edits ?? []);

  const c = {
    /** The message line's text (null: none). */
    message: null as string | null,
    tool: null as Tool | null,
    hint: null as string | null,
    drawPoints: 0,
    table: null as KpiTable | null,
    /** The edits the table was computed for. */
    tableFor: null as string | null,
    /** What the comparison is doing now (null: not running). */
    running: null as string | null,
    compare: null as CompareMode | null,
    gizmoFor: null as string | null,
    lastReport: null as string | null,
    linkHandled: false,

    say(text: string | null, level: Level = 'info'): void {
      c.message = text;
      deps.showMessage(text, level);
    },
    /** Says why a change was refused (nothing when it was made). */
    report(r: EditResult): void {
      if (!r.ok) c.say(t('scenario.refused', { reason: r.error ?? '' }), 'error');
    },
    view(): ScenarioView {
      const s = scenarios.active();
      const missing = missingIndicators(deps.registry.simulations, deps.registry.indicators, deps.lang());
      const table = c.table;
      return {
        scenarios: scenarios.list().map((x) => ({ id: x.id, name: x.name })),
        activeId: s?.id ?? null,
        edits: s?.edits ?? [],
        canUndo: scenarios.canUndo(),
        canRedo: scenarios.canRedo(),
        saveState: s === null ? null : scenarios.saveError !== null ? 'failed' : scenarios.pending ? 'saving' : 'saved',
        hint: c.hint,
        running: c.running,
        table,
        tableStale: table !== null && c.tableFor !== editsKey(),
        areaText: table !== null ? t('scenario.kpiArea', { km2: deps.formatNumber(ringKm2(table.study.area), 3), date: table.study.date }) : null,
        missingKpis: missing.length === 0 ? null : t('scenario.kpiMissing', { list: missing.join(', ') }),
        compare: c.compare,
        gizmoFor: c.gizmoFor,
        note: deps.city()?.synthetic === true ? t('scenario.synthetic') : null,
        simulations: deps.registry.simulations.filter((d) => d.id !== 'building-stats').map((d) => d.id),
      };
    },
    render(): void {
      deps.render(c.view());
    },

    /**
     * After a change of the scenarios: another scenario drops the table; changed edits take the
     * share link's parameters out of the URL (it no longer says what is shown); a failed save is said.
     */
    changed(reason: 'list' | 'active' | 'edits' | 'meta' | 'saved' | 'save-failed', saveError: string | null): void {
      if (reason === 'active') {
        c.table = null;
        c.tableFor = null;
      }
      if (reason === 'edits' && deps.url.extra[SHARE_PARAM] !== undefined) {
        delete deps.url.extra[SHARE_PARAM];
        delete deps.url.extra[KPI_PARAM];
        deps.url.sync();
      }
      if (reason === 'save-failed') c.say(t('scenario.saveFailed', { reason: saveError ?? '' }), 'error');
    },
    /**
     * The scenarios of a newly opened city are read: the share link to open (once per page), or
     * null; without a link, comparison parameters have nothing to compare and leave the URL.
     */
    cityOpened(): string | null {
      const extra = deps.url.extra;
      const link = extra[SHARE_PARAM];
      if (!c.linkHandled && link !== undefined) {
        c.linkHandled = true;
        return link;
      }
      if (link === undefined && c.compare === null && (extra[COMPARE_PARAM] !== undefined || extra[KPI_PARAM] !== undefined)) {
        delete extra[COMPARE_PARAM];
        delete extra[KPI_PARAM];
        deps.url.sync();
      }
      return null;
    },
    /** The comparison view now shown, in the URL (`cmp`) and the panel. */
    compareShown(): void {
      if (c.compare !== null) deps.url.extra[COMPARE_PARAM] = c.compare;
      else delete deps.url.extra[COMPARE_PARAM];
      deps.url.sync();
      c.render();
    },
    /** Puts a share link in the URL with the comparison shown and, when the table is up to date, its date. */
    shareLink(value: string): void {
      deps.url.extra[SHARE_PARAM] = value;
      writeCompareLink(deps.url.extra, { mode: c.compare, kpiDate: c.freshTable()?.study.date ?? null });
      deps.url.sync();
    },

    setTool(kind: Tool, hint: string): void {
      c.tool = kind;
      c.hint = hint;
    },
    clearTool(): void {
      c.tool = null;
      c.hint = null;
      c.drawPoints = 0;
      c.render();
    },
    newEditId: () => scenarios.newId('e'),
    addEdit(edit: Edit): EditResult {
      const r = scenarios.addEdit(edit);
      c.report(r);
      return r;
    },
    /** The imported model edit `id` of the active scenario, or null. */
    modelEdit(id: string | null): ModelEdit | null {
      const e = id === null ? undefined : scenarios.active()?.edits.find((x) => x.id === id);
      return e?.kind === 'add-model' ? e : null;
    },
    /** The model edit `e` placed again, turned or scaled. */
    updateModel(e: ModelEdit, change: Partial<Pick<ModelEdit, 'lonDeg' | 'latDeg' | 'baseM' | 'headingDeg' | 'scale'>>): void {
      c.report(scenarios.updateEdit({ ...e, ...change }));
    },
    /** The panel's heading (taken modulo 360°) and scale of a model. */
    adjustModel(id: string, headingDeg: number, scale: number): void {
      const e = c.modelEdit(id);
      if (e !== null) c.updateModel(e, { headingDeg: ((headingDeg % 360) + 360) % 360, scale });
    },
    /** The model edit `e` placed at a picked place (its base at the place's height, to the cm). */
    moveModel(e: ModelEdit, at: Place): void {
      c.updateModel(e, { lonDeg: at.lonDeg, latDeg: at.latDeg, baseM: round2(at.heightM) });
    },
    setParameter(simulation: string, name: string, value: number | string | boolean): void {
      const r = parameterEdit(deps.registry.findSimulation(simulation), c.newEditId, simulation, name, value);
      if (r === null) return;
      if (!r.ok) return c.say(t('scenario.refused', { reason: r.reason }), 'error');
      c.addEdit(r.edit);
    },

    /** The table when it is that of the edits shown, else null. */
    freshTable(): KpiTable | null {
      return c.table !== null && c.tableFor === editsKey() ? c.table : null;
    },
    cancelKpis(): void {
      job?.abort();
    },
    /**
     * Compares the active scenario with the baseline on the study date `date` (kept in the
     * scenario when valid): every registered indicator, both sides. A newer comparison cancels
     * this one; its errors are said, a cancellation is not.
     */
    async runKpis(date: string): Promise<void> {
      const s = scenarios.active();
      const buildings = deps.city()?.buildings() ?? null;
      if (s === null || buildings === null) return;
      const area = s.study.area ?? deps.kpis.autoArea(s.edits);
      if (area === null) return c.say(t('scenario.kpiNeedEdits'), 'error');
      const study = { ...s.study, ...(/^\d{4}-\d{2}-\d{2}$/.test(date) ? { date } : {}) };
      if (study.date !== s.study.date) scenarios.updateMeta({ study });
      let kstudy: KpiStudy = { city: buildings, area, date: study.date, stepMin: study.stepMin, cellM: study.cellM, timeZone: deps.city()?.timeZone ?? TIME_ZONE };
      const { scenario, missing } = deps.kpis.simScenario(s.edits);
      if (missing.length > 0) c.say(t('scenario.refused', { reason: missing.join(', ') }), 'error');
      job?.abort();
      const j = deps.kpis.start();
      job = j;
      const key = editsKey();
      c.say(null);
      const wanted = deps.registry.indicators;
      try {
        if (wanted.some((k) => k.runs.some((r) => r.prepare !== undefined))) {
          c.running = t('scenario.kpiLoading');
          c.render();
          kstudy = await j.prepare(wanted, kstudy);
          if (job !== j) return;
        }
        const tb = await j.compute(wanted, kstudy, s.edits, scenario, (st) => {
          c.running = t('scenario.kpiRunning', { run: st.run.title[deps.lang()], side: t(`scenario.side.${st.side}`), i: st.index + 1, n: st.total });
          c.render();
        });
        if (job !== j) return;
        c.table = tb;
        c.tableFor = key;
        deps.describe();
      } catch (e) {
        if (!(e instanceof Error && e.name === 'AbortError')) c.say(t('scenario.refused', { reason: e instanceof Error ? e.message : String(e) }), 'error');
      } finally {
        if (job === j) {
          job = null;
          c.running = null;
        }
        c.render();
      }
    },

    /** How tours show scenarios (a stop's scenario, the editor's menu): see `ctx.tours`. */
    tourProvider() {
      return {
        list: () => scenarios.list().map((x) => ({ id: x.id, name: x.name })),
        active: () => scenarios.active()?.id ?? null,
        apply: async (id: string | null): Promise<{ ok: true } | { ok: false; error: string }> => ((await scenarios.select(id)) ? { ok: true } : { ok: false, error: t('scenario.unknown', { id: id ?? '' }) }),
      };
    },

    /** The 3D view's text alternative: the scenario shown and its indicators, in words. */
    description(): string | null {
      const sc = scenarios.active();
      if (sc === null) return null;
      const parts = [t('scenario.a11y.active', { name: sc.name, n: sc.edits.length })];
      for (const r of c.table?.rows ?? []) {
        if (r.baseline === null || r.scenario === null) continue;
        parts.push(`${r.label[deps.lang()]} ${deps.formatNumber(r.baseline, r.decimals)} → ${deps.formatNumber(r.scenario, r.decimals)}${r.unit === '' ? '' : ` ${r.unit}`}`);
      }
      return `${parts.join(' ; ')}.`;
    },
  };
  return c;
}
