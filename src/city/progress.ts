/**
 * A terminal progress bar with rate and ETA for the city pipeline's phases. On a terminal it
 * redraws one line; otherwise (CI logs, files) it prints a line at most every few seconds and at
 * the end of each phase. The formatting is a pure function, tested on its own.
 */

export interface ProgressState {
  phase: string;
  done: number;
  total: number;
  /** Unit of `done`/`total` for the rate ("buildings", "MB"). */
  unit: string;
  elapsedS: number;
  /** Extra text after the figures (e.g. "12 tiles"). */
  note?: string;
}

function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return n >= 100 ? Math.round(n).toString() : n.toFixed(n >= 10 ? 0 : 1);
}

function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.ceil(s)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s - m * 60)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** One line: `phase [#####-----]  45% 1,234/5,000 buildings · 3.4k buildings/s · ETA 12 s`. */
export function formatProgress(p: ProgressState, width = 24): string {
  const frac = p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : 0;
  const filled = Math.round(frac * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const rate = p.elapsedS > 0 ? p.done / p.elapsedS : 0;
  const eta = rate > 0 ? (p.total - p.done) / rate : NaN;
  const pct = `${Math.floor(frac * 100)}%`.padStart(4);
  const parts = [`${p.phase.padEnd(8)} ${bar} ${pct} ${compact(p.done)}/${compact(p.total)} ${p.unit}`, `${compact(rate)} ${p.unit}/s`];
  parts.push(p.done >= p.total ? `${duration(p.elapsedS)}` : `ETA ${duration(eta)}`);
  if (p.note !== undefined) parts.push(p.note);
  return parts.join(' · ');
}

export interface ProgressSink {
  /** Starts a phase. */
  start(phase: string, total: number, unit: string): void;
  update(done: number, total?: number, note?: string): void;
  /** Ends the current phase (prints its final line). */
  end(note?: string): void;
}

/** A sink writing to a stream (stderr by default), redrawing in place on a terminal. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr, now: () => number = () => performance.now()): ProgressSink {
  const tty = stream.isTTY === true;
  let state: ProgressState | null = null;
  let t0 = 0;
  let lastPrint = -Infinity;
  const draw = (final: boolean) => {
    if (state === null) return;
    state.elapsedS = (now() - t0) / 1000;
    const line = formatProgress(state);
    if (tty) stream.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
    else if (final || now() - lastPrint > 5000) {
      stream.write(`${line}\n`);
      lastPrint = now();
    }
  };
  return {
    start(phase, total, unit) {
      state = { phase, done: 0, total, unit, elapsedS: 0 };
      t0 = now();
      lastPrint = now();
    },
    update(done, total, note) {
      if (state === null) return;
      state.done = done;
      if (total !== undefined) state.total = total;
      if (note !== undefined) state.note = note;
      if (tty && now() - lastPrint < 100 && done < state.total) return;
      if (tty) lastPrint = now();
      draw(false);
    },
    end(note) {
      if (state === null) return;
      if (note !== undefined) state.note = note;
      state.done = Math.max(state.done, state.total);
      draw(true);
      state = null;
    },
  };
}

/** A sink that prints nothing. */
export const silentProgress: ProgressSink = { start() {}, update() {}, end() {} };
