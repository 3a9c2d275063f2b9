/**
 * Mean wall time of a synchronous function in milliseconds: one untimed warm-up call (so the JIT and
 * caches are in the state a repeated call sees), then as many calls as fit in `minMs`.
 */
export function meanMs(fn: () => unknown, minMs = 200): number {
  fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    fn();
    n++;
  }
  return (performance.now() - t0) / Math.max(1, n);
}
