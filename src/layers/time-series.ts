import type { TimeSeries } from './types.ts';

/**
 * Reading a recorded time series at any instant, without inventing data silently: the answer
 * says whether the value is a snapshot, an interpolation between two snapshots (linear), or the
 * nearest snapshot because the instant is before the first or after the last one. The UI shows
 * that mode next to the value.
 */

export type SampleMode = 'exact' | 'interpolated' | 'before-first' | 'after-last' | 'none';

export interface Sample {
  /** NaN when there is no value at all. */
  value: number;
  mode: SampleMode;
  /** Snapshot(s) the value comes from, ms. */
  fromMs?: number;
  toMs?: number;
}

/** Within this distance of a snapshot the value is that snapshot's. */
export const EXACT_WINDOW_MS = 60_000;

/** The value of one series at `tMs`. */
export function sampleAt(timesMs: readonly number[], values: readonly number[], tMs: number): Sample {
  const idx: number[] = [];
  for (let i = 0; i < timesMs.length; i++) if (Number.isFinite(values[i])) idx.push(i);
  if (idx.length === 0) return { value: NaN, mode: 'none' };
  const first = idx[0]!, last = idx[idx.length - 1]!;
  for (const i of idx) {
    if (Math.abs(timesMs[i]! - tMs) <= EXACT_WINDOW_MS) return { value: values[i]!, mode: 'exact', fromMs: timesMs[i]! };
  }
  if (tMs < timesMs[first]!) return { value: values[first]!, mode: 'before-first', fromMs: timesMs[first]! };
  if (tMs > timesMs[last]!) return { value: values[last]!, mode: 'after-last', fromMs: timesMs[last]! };
  for (let k = 0; k + 1 < idx.length; k++) {
    const a = idx[k]!, b = idx[k + 1]!;
    const ta = timesMs[a]!, tb = timesMs[b]!;
    if (tMs >= ta && tMs <= tb) {
      const f = tb === ta ? 0 : (tMs - ta) / (tb - ta);
      return { value: values[a]! + f * (values[b]! - values[a]!), mode: 'interpolated', fromMs: ta, toMs: tb };
    }
  }
  return { value: NaN, mode: 'none' };
}

/** Values of every feature at `tMs`, and the mode of the whole snapshot (the worst one). */
export function sampleSeries(series: TimeSeries, tMs: number): { values: Map<string, Sample>; mode: SampleMode; fromMs?: number; toMs?: number } {
  const values = new Map<string, Sample>();
  const rank: Record<SampleMode, number> = { exact: 0, interpolated: 1, 'before-first': 2, 'after-last': 2, none: -1 };
  let mode: SampleMode = 'none';
  let fromMs: number | undefined, toMs: number | undefined;
  for (const [id, v] of Object.entries(series.values)) {
    const s = sampleAt(series.timesMs, v, tMs);
    values.set(id, s);
    if (rank[s.mode] > rank[mode]) {
      mode = s.mode;
      fromMs = s.fromMs;
      toMs = s.toMs;
    }
  }
  return { values, mode, ...(fromMs !== undefined ? { fromMs } : {}), ...(toMs !== undefined ? { toMs } : {}) };
}
