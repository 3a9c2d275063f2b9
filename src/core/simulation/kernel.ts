/**
 * What every kernel shares. A kernel is a pure, synchronous, deterministic generator function:
 * typed arrays and plain values in, typed arrays and plain values out. Each `yield` reports
 * progress and is a checkpoint where whoever drives it may pause (a worker lets its messages in,
 * such as a cancel) or stop. Driven to the end without pauses it is an ordinary function: the
 * headless CLI and the tests do that with {@link runToEnd}.
 */

/** Progress at a checkpoint: `done` of `total` units of the named stage. */
export interface KernelProgress {
  stage: string;
  done: number;
  total: number;
}

/** A running kernel. */
export type KernelRun<O> = Generator<KernelProgress, O, void>;

/** A failure the kernel explains (bad input it found while working, nothing to compute, …). */
export class KernelError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly path?: string,
  ) {
    super(message);
    this.name = 'KernelError';
  }
}

/** Runs a kernel to its end, reporting progress at each checkpoint. */
export function runToEnd<O>(run: KernelRun<O>, onProgress?: (p: KernelProgress) => void): O {
  for (;;) {
    const r = run.next();
    if (r.done === true) return r.value;
    onProgress?.(r.value);
  }
}
