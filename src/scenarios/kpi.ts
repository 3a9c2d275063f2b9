import type { SimScenario } from '../core/simulation/scenario-input.ts';
import type { SimError, SimResult, Text } from '../core/simulation/types.ts';
import type { LayerDefinition, LayerFeature } from '../layers/types.ts';
import type { LonLat } from './edits.ts';
import { applyEdits, emptyEffect, type ScenarioEffect } from './model.ts';
import { ringPolygon } from './simulate.ts';
import type { Edit } from './edits.ts';

/**
 * Key performance indicators: a registry of providers, each a plain object (id, label, unit,
 * which way is better, the simulation runs it needs, and `compute(baseline, scenario)`), so a
 * feature adds its indicators with one file (`src/features/<id>/indicators.ts`) named in its
 * manifest. Each run builds its own input, and loads what that input needs beyond the study
 * (`prepare`: layer data, pack files) from what the page gives it (`KpiSource`), so the
 * scenario feature knows no simulation's input.
 *
 * A comparison runs every simulation the chosen indicators need twice — on the baseline city
 * and on the scenario — with the same study (area, date, steps), then each provider computes its
 * two numbers from the outputs. Runs shared by several indicators run once per side. The same
 * scenario and study always give the same numbers (the simulations are deterministic).
 */

export type Side = 'baseline' | 'scenario';

/** What a comparison studies: the same for both sides. */
export interface KpiStudy {
  city: { tileset: string; idProperties?: readonly string[] };
  /** Open ring of [lon, lat]. */
  area: readonly LonLat[];
  date: string;
  stepMin: number;
  cellM: number;
  timeZone: string;
  /**
   * The city pack's data files by layer id (absolute URLs, or paths headless): car parks,
   * streets, population, … Indicators whose files are missing say so instead of a number.
   */
  files?: Readonly<Record<string, string>>;
  /**
   * Layer data loaded for the study by the runs' `prepare` (layers that may come from open-data
   * services, not only pack files), by name: each run reads the names its own `prepare` writes
   * (the wifi run: `wifiSites`, `population`). Headless callers set it themselves.
   */
  data?: Readonly<Record<string, unknown>>;
}

/** What the study's `files` and `data` gain from one run's `prepare`. */
export type KpiStudyAdditions = Partial<Pick<KpiStudy, 'files' | 'data'>>;

/**
 * What the page gives the runs to prepare a comparison (see {@link KpiRun.prepare}): the open
 * city and a loader of its layer data.
 */
export interface KpiSource {
  /** The open city: its bounding box [w, s, e, n] and its pack's layer files. */
  readonly city: { readonly bbox: readonly number[]; readonly packUrl?: string; readonly packLayers?: readonly { layer?: string; file: string }[] };
  /** The address relative URLs are resolved against (the page's). */
  readonly base: string;
  /** A layer's features in the open city: null when the city has no source for it; rejects when loading fails. */
  features(layer: LayerDefinition): Promise<readonly LayerFeature[] | null>;
}

/** What a comparison reads of an AbortSignal (kept free of the DOM library for pure callers). */
export interface KpiSignal {
  readonly aborted: boolean;
}

/** What a run's input is built from, for one side. */
export interface KpiRunContext {
  study: KpiStudy;
  side: Side;
  /** The scenario's edits as simulations take them (absent on the baseline side). */
  scenario?: SimScenario;
  /** The effect of the side's edits (empty on the baseline side): hotspots, car parks, … */
  effect: ScenarioEffect;
  /** The area as a GeoJSON polygon. */
  areaPolygon: ReturnType<typeof ringPolygon>;
}

/** One simulation run an indicator needs (shared by id between indicators). */
export interface KpiRun {
  id: string;
  /** The simulation (registry id). */
  simulation: string;
  title: Text;
  /** Its input for one side (parameters set in the scenario are added on the scenario side). */
  input(ctx: KpiRunContext): Record<string, unknown>;
  /**
   * What its input needs beyond the study, loaded once per comparison before any run (layer data
   * that may come from open-data services, the city pack's files), merged into the study by
   * {@link prepareStudy}. What cannot be loaded is left out and `input` says so.
   */
  prepare?(source: KpiSource, study: KpiStudy): Promise<KpiStudyAdditions>;
}

/** One side's outputs, as providers see them. */
export interface KpiSide {
  side: Side;
  effect: ScenarioEffect;
  /** Simulation ids of the buildings the side adds (imported models included). */
  addedIds: ReadonlySet<string>;
  /** Outputs by run id. */
  outputs: ReadonlyMap<string, unknown>;
}

/** The output of `run` on one side; a run that gave none is an error naming its simulation. */
export function runOutput<T>(side: KpiSide, run: KpiRun): T {
  const o = side.outputs.get(run.id);
  if (o === undefined) throw new Error(`${run.simulation} results missing`);
  return o as T;
}

export interface KpiProvider {
  id: string;
  label: Text;
  /** Unit as shown ('m²', 'h', '', …). */
  unit: string;
  /** Which way is an improvement ('neutral': a change is neither). */
  better: 'higher' | 'lower' | 'neutral';
  /** Decimals shown. */
  decimals: number;
  /** The runs it needs (outputs under their ids). */
  runs: readonly KpiRun[];
  /** Its two numbers. Throws (with a message) when the outputs do not allow it. */
  compute(baseline: KpiSide, scenario: KpiSide): { baseline: number; scenario: number };
  /** How it is computed, for the report. */
  method: Text;
}

export interface KpiRow {
  id: string;
  label: Text;
  unit: string;
  better: KpiProvider['better'];
  decimals: number;
  baseline: number | null;
  scenario: number | null;
  /** scenario − baseline. */
  delta: number | null;
  /** Relative change, % (null when the baseline is 0). */
  deltaPct: number | null;
  verdict: 'better' | 'worse' | 'same' | 'changed' | null;
  error: string | null;
  method: Text;
}

export interface KpiTable {
  rows: KpiRow[];
  study: KpiStudy;
  /** Which runs ran, how long, and their errors. */
  runs: { id: string; simulation: string; side: Side; ok: boolean; ms: number; error?: string }[];
  /** Key of the scenario and study these numbers are for (stale when it changes). */
  key: string;
}

/** Runs one simulation (the page's worker pool, or headless). */
export type KpiRunner = (simulation: string, input: Record<string, unknown>, o: { key: string; side: Side; run: KpiRun; signal?: KpiSignal }) => Promise<SimResult<unknown> & { ms?: number }>;

export interface ComputeOptions {
  /** The simulation edits of the scenario (imported models' triangles included). */
  simScenario: SimScenario;
  signal?: KpiSignal;
  onStep?(step: { index: number; total: number; run: KpiRun; side: Side }): void;
}

/** The runs a set of indicators needs, each once, in order of first use. */
export function runsOf(providers: readonly KpiProvider[]): KpiRun[] {
  const out = new Map<string, KpiRun>();
  for (const p of providers) for (const r of p.runs) if (!out.has(r.id)) out.set(r.id, r);
  return [...out.values()];
}

/**
 * The study with what the runs of `providers` prepare (each run once, all at once): their
 * `files` and `data` merged into the study's own.
 */
export async function prepareStudy(providers: readonly KpiProvider[], study: KpiStudy, source: KpiSource): Promise<KpiStudy> {
  const added = await Promise.all(runsOf(providers).map((r) => r.prepare?.(source, study) ?? Promise.resolve<KpiStudyAdditions>({})));
  let out = study;
  for (const a of added) {
    if (a.files !== undefined) out = { ...out, files: { ...out.files, ...a.files } };
    if (a.data !== undefined) out = { ...out, data: { ...out.data, ...a.data } };
  }
  return out;
}

/** A stable key of what a comparison depends on. */
export function comparisonKey(edits: readonly Edit[], study: KpiStudy, providers: readonly KpiProvider[]): string {
  const text = JSON.stringify({ edits, study, kpis: providers.map((p) => p.id) });
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${h.toString(16)}:${text.length}`;
}

function verdict(p: KpiProvider, delta: number, scale: number): KpiRow['verdict'] {
  const eps = 0.5 * 10 ** -p.decimals;
  if (Math.abs(delta) < Math.max(eps, 1e-9 * scale)) return 'same';
  if (p.better === 'neutral') return 'changed';
  return (delta > 0) === (p.better === 'higher') ? 'better' : 'worse';
}

/**
 * Computes the indicators for baseline and scenario. Errors of a run show on the rows that need
 * it; the other rows are computed. Cancelling through `signal` rejects with an AbortError.
 */
export async function computeKpiTable(providers: readonly KpiProvider[], study: KpiStudy, edits: readonly Edit[], runner: KpiRunner, o: ComputeOptions): Promise<KpiTable> {
  const fx = applyEdits(edits);
  const addedIds = new Set([...o.simScenario.added.map((b) => b.id), ...o.simScenario.meshes.map((m) => m.id)]);
  const sides: Record<Side, { effect: ScenarioEffect; outputs: Map<string, unknown>; errors: Map<string, string> }> = {
    baseline: { effect: emptyEffect(), outputs: new Map(), errors: new Map() },
    scenario: { effect: fx, outputs: new Map(), errors: new Map() },
  };
  const runs = runsOf(providers);
  const log: KpiTable['runs'] = [];
  const areaPolygon = ringPolygon(study.area);
  let index = 0;
  for (const run of runs) {
    for (const side of ['baseline', 'scenario'] as const) {
      if (o.signal?.aborted === true) throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
      o.onStep?.({ index: index++, total: runs.length * 2, run, side });
      const ctx: KpiRunContext = { study, side, effect: sides[side].effect, areaPolygon, ...(side === 'scenario' ? { scenario: o.simScenario } : {}) };
      let input: Record<string, unknown>;
      try {
        input = run.input(ctx);
        if (side === 'scenario') Object.assign(input, fx.parameters.get(run.simulation) ?? {});
      } catch (e) {
        sides[side].errors.set(run.id, e instanceof Error ? e.message : String(e));
        log.push({ id: run.id, simulation: run.simulation, side, ok: false, ms: 0, error: sides[side].errors.get(run.id)! });
        continue;
      }
      const r = await runner(run.simulation, input, { key: `kpi:${run.id}:${side}`, side, run, ...(o.signal !== undefined ? { signal: o.signal } : {}) });
      if (!r.ok && r.error.code === 'cancelled') throw Object.assign(new Error('cancelled'), { name: 'AbortError' });
      if (r.ok) sides[side].outputs.set(run.id, r.value);
      else sides[side].errors.set(run.id, describe(r.error));
      log.push({ id: run.id, simulation: run.simulation, side, ok: r.ok, ms: r.ms ?? 0, ...(r.ok ? {} : { error: describe(r.error) }) });
    }
  }
  const sideOf = (s: Side): KpiSide => ({ side: s, effect: sides[s].effect, addedIds: s === 'scenario' ? addedIds : new Set(), outputs: sides[s].outputs });
  const rows: KpiRow[] = providers.map((p) => {
    const base: Omit<KpiRow, 'baseline' | 'scenario' | 'delta' | 'deltaPct' | 'verdict' | 'error'> = { id: p.id, label: p.label, unit: p.unit, better: p.better, decimals: p.decimals, method: p.method };
    const failed = p.runs.flatMap((r) => (['baseline', 'scenario'] as const).flatMap((s) => (sides[s].errors.has(r.id) ? [`${r.title.en} (${s}): ${sides[s].errors.get(r.id)!}`] : [])));
    if (failed.length > 0) return { ...base, baseline: null, scenario: null, delta: null, deltaPct: null, verdict: null, error: failed[0]! };
    try {
      const v = p.compute(sideOf('baseline'), sideOf('scenario'));
      if (!Number.isFinite(v.baseline) || !Number.isFinite(v.scenario)) throw new Error('not a finite number');
      const delta = v.scenario - v.baseline;
      return { ...base, baseline: v.baseline, scenario: v.scenario, delta, deltaPct: v.baseline !== 0 ? (100 * delta) / Math.abs(v.baseline) : null, verdict: verdict(p, delta, Math.max(Math.abs(v.baseline), Math.abs(v.scenario))), error: null };
    } catch (e) {
      return { ...base, baseline: null, scenario: null, delta: null, deltaPct: null, verdict: null, error: e instanceof Error ? e.message : String(e) };
    }
  });
  return { rows, study, runs: log, key: comparisonKey(edits, study, providers) };
}

function describe(e: SimError): string {
  return e.message;
}
