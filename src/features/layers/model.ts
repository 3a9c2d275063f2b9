import type { Attribution } from '../../core/schemas/attribution.ts';
import { fromZoned, toZoned } from '../../core/time.ts';
import type { LayerMessageKey } from '../../layers/messages.ts';
import type { SourcePlan } from '../../layers/resolve.ts';
import { sampleAt, sampleSeries } from '../../layers/time-series.ts';
import type { LayerDefinition, OnlineSource, ParseIssue, ParsedLayer, TimeSeries } from '../../layers/types.ts';
import { formatClock } from '../../layers/url.ts';

/**
 * What one layer's state is, and what the layers panel, the info panel and the sources panel
 * say of it (pure functions of the state, the time shown and the texts). The state changes in
 * controller.ts.
 */

export type LayerStatus =
  | { kind: 'off' }
  | { kind: 'loading' }
  | { kind: 'ready'; count: number; issues: readonly ParseIssue[] }
  | { kind: 'error'; where: string; reason: string }
  | { kind: 'unavailable'; reason: string };

export interface LayerProvenance {
  title: string;
  attribution: Attribution;
}

export interface LayerTimeState {
  /** Local date of the recorded day (YYYY-MM-DD), or null for a live reading. */
  day: string | null;
  /** Minutes since local midnight shown now. */
  minutes: number;
  /** What the values shown are (exact snapshot, interpolated, clamped…), already translated. */
  explanation: string;
  /** Local times of the snapshots (HH:MM). */
  snapshots: string[];
  playing: boolean;
}

/** What the panel shows of one layer. */
export interface LayerRowState {
  def: LayerDefinition;
  on: boolean;
  opacity: number;
  variant: string;
  status: LayerStatus;
  provenance: readonly LayerProvenance[];
  notes: readonly string[];
  time: LayerTimeState | null;
}

/** Where the data shown comes from: one line per input (as src/sources/layers.ts gives it). */
export interface InputProvenance {
  input: string;
  title: string;
  attribution: Attribution;
}

export interface LayerNote {
  key: LayerMessageKey;
  params: Record<string, string | number>;
}

/** The result of loading a layer (the shape of `LoadResult` in src/sources/layers.ts). */
export type LayerLoad =
  | { ok: true; kind: 'features'; parsed: ParsedLayer; provenance: InputProvenance[]; notes: LayerNote[]; bytes: number; fetchMs: number; parseMs: number }
  | { ok: true; kind: 'imagery'; source: Extract<OnlineSource, { kind: 'wmts' }>; provenance: InputProvenance[]; notes: LayerNote[] }
  | { ok: false; where: string; reason: string; provenance: InputProvenance[]; notes: LayerNote[] };

/** One layer of the catalogue and its state. */
export interface LayerEntry {
  readonly def: LayerDefinition;
  on: boolean;
  opacity: number;
  variant: string;
  plan: SourcePlan | null;
  status: LayerStatus;
  result: LayerLoad | null;
  notes: LayerNote[];
  /** Cancels the load in flight. */
  cancel: (() => void) | null;
}

/** A feature as the info panel shows it (a `PickedItem` of src/scene/picking.ts). */
export interface LayerItem {
  layerId: string;
  id: string;
  properties: Record<string, unknown>;
}

export type LayersMessageKey = LayerMessageKey | 'a11y.layers' | 'msg.urlParam';


/** The texts (src/ui/i18n, injected: this file is pure). */
export interface LayersTexts {
  t(key: LayersMessageKey, params?: Record<string, string | number>): string;
  formatNumber(value: number, maximumFractionDigits: number): string;
}

/** Default time for recorded series: 18:00 local (an evening peak; the slider changes it). */
export const DEFAULT_TIME_MIN = 18 * 60;

/** The features of a loaded layer, or null. */
export const parsedOf = (l: LayerEntry): ParsedLayer | null => (l.result?.ok === true && l.result.kind === 'features' ? l.result.parsed : null);
/** The recorded (or live) series of a loaded layer, or null. */
export const seriesOf = (l: LayerEntry): TimeSeries | null => parsedOf(l)?.series ?? null;

/** The instant of a series shown at `timeMin` on its recorded day (its only instant for a live reading). */
export function seriesInstant(s: TimeSeries, timeMin: number): number {
  const day = toZoned(s.timesMs[0]!, s.timeZone).date;
  return s.timesMs.length === 1 ? s.timesMs[0]! : fromZoned(day, timeMin, s.timeZone);
}

/** Each feature's value at `timeMin` (features without a value left out). */
export function seriesValues(s: TimeSeries, timeMin: number): Map<string, number> {
  const values = new Map<string, number>();
  for (const [id, smp] of sampleSeries(s, seriesInstant(s, timeMin)).values) if (Number.isFinite(smp.value)) values.set(id, smp.value);
  return values;
}

/** Where a layer's data would come from, before it is loaded (the panel's "about"). */
export function provenanceOfPlan(plan: SourcePlan | null): InputProvenance[] {
  if (plan === null || plan.kind === 'unavailable') return [];
  if (plan.kind === 'pack') return plan.files.map((f) => ({ input: f.input.name, title: f.file.title, attribution: f.file.attribution }));
  return [{ input: plan.source.input, title: plan.source.attribution.title, attribution: plan.source.attribution }];
}

/** Why a layer has no source for this city (offline, or none covers it). */
export function unavailableStatus(plan: Extract<SourcePlan, { kind: 'unavailable' }>, t: LayersTexts['t']): LayerStatus {
  return { kind: 'unavailable', reason: t(plan.reason === 'offline' ? 'layers.why.offline' : 'layers.why.noSource') };
}

/**
 * The time control of a layer with a series: a live reading (one instant, or a live source) shows
 * its time; a recorded day shows `timeMin` and what the values are (exact, interpolated, clamped).
 */
export function timeState(l: LayerEntry, timeMin: number, playing: boolean, t: LayersTexts['t']): LayerTimeState | null {
  const s = seriesOf(l);
  if (s === null || s.timesMs.length === 0) return null;
  const fmt = (ms: number) => formatClock(toZoned(ms, s.timeZone).minutes);
  if (s.timesMs.length === 1 || l.result?.ok !== true || l.result.provenance.some((x) => x.attribution.status === 'live')) {
    return { day: null, minutes: toZoned(s.timesMs[0]!, s.timeZone).minutes, explanation: t('layers.time.live', { time: fmt(s.timesMs[0]!) }), snapshots: [fmt(s.timesMs[0]!)], playing: false };
  }
  const day = toZoned(s.timesMs[0]!, s.timeZone).date;
  const sample = sampleSeries(s, fromZoned(day, timeMin, s.timeZone));
  const explanation =
    sample.mode === 'exact' ? t('layers.time.exact', { time: fmt(sample.fromMs!) })
      : sample.mode === 'interpolated' ? t('layers.time.interpolated', { from: fmt(sample.fromMs!), to: fmt(sample.toMs!) })
        : sample.mode === 'before-first' ? t('layers.time.beforeFirst', { time: fmt(sample.fromMs!) })
          : sample.mode === 'after-last' ? t('layers.time.afterLast', { time: fmt(sample.fromMs!) })
            : t('layers.time.none');
  return { day, minutes: timeMin, explanation, snapshots: s.timesMs.map(fmt), playing };
}

/** The panel's row of a layer. */
export function rowOf(l: LayerEntry, timeMin: number, playing: boolean, t: LayersTexts['t']): LayerRowState {
  return {
    def: l.def,
    on: l.on,
    opacity: l.opacity,
    variant: l.variant,
    status: l.on ? l.status : l.plan?.kind === 'unavailable' ? unavailableStatus(l.plan, t) : { kind: 'off' },
    provenance: l.result !== null ? l.result.provenance : provenanceOfPlan(l.plan),
    notes: l.notes.map((n) => t(n.key, n.params)),
    time: l.on ? timeState(l, timeMin, playing, t) : null,
  };
}

/**
 * The info panel's item for a feature: its key properties first, then the others, its value at
 * the time shown (with how it was sampled) and the layer's title. Null for no such feature.
 */
export function itemOf(l: LayerEntry, index: number, timeMin: number, x: LayersTexts): LayerItem | null {
  const f = parsedOf(l)?.features[index];
  if (f === undefined) return null;
  const properties: Record<string, unknown> = {};
  for (const k of l.def.keyProperties ?? []) if (k in f.properties) properties[k] = f.properties[k];
  Object.assign(properties, f.properties);
  const s = seriesOf(l);
  if (s !== null && s.values[f.id] !== undefined) {
    const at = seriesInstant(s, timeMin);
    const smp = sampleAt(s.timesMs, s.values[f.id]!, at);
    properties[x.t('layers.prop.occupancy')] = Number.isFinite(smp.value) ? `${x.formatNumber(smp.value * 100, 0)} % (${formatClock(toZoned(at, s.timeZone).minutes)}, ${smp.mode})` : x.t('layers.time.none');
  }
  properties[x.t('layers.prop.layer')] = x.t(l.def.title);
  return { layerId: l.def.id, id: f.id, properties };
}

/** The occupancy chart's data for a feature of a recorded day (null: no chart). */
export function chartOf(l: LayerEntry, featureId: string | null, timeMin: number): { name: string; timesMs: number[]; values: number[]; timeZone: string; nowMs: number } | null {
  const s = seriesOf(l);
  const f = parsedOf(l)?.features.find((x) => x.id === featureId);
  if (s === null || f === undefined || s.values[f.id] === undefined || s.timesMs.length < 2) return null;
  return { name: f.name ?? f.id, timesMs: s.timesMs, values: s.values[f.id]!, timeZone: s.timeZone, nowMs: seriesInstant(s, timeMin) };
}

/** The sources panel's lines (a `SourceEntry` of src/ui/sources-panel.ts): each input of the layers shown. */
export function sourcesOf(entries: readonly LayerEntry[], t: LayersTexts['t']): { role: 'layer'; attribution: Attribution; shown: boolean; reason?: string }[] {
  return entries.flatMap((l) => {
    const r = l.result;
    if (!l.on || r === null) return [];
    return r.provenance.map((x) => ({ role: 'layer' as const, attribution: { ...x.attribution, title: `${t(l.def.title)} — ${x.attribution.title}` }, shown: r.ok && l.status.kind === 'ready', ...(r.ok ? {} : { reason: `${r.where}: ${r.reason}` }) }));
  });
}
