import type { StreetGraph } from './street-graph.ts';

/**
 * Multi-source Dijkstra on a street graph with a binary heap (typed arrays, lazy deletion: a
 * node may be pushed again with a shorter distance, stale entries are skipped when popped).
 */

/** A min-heap of (key, value) pairs on typed arrays, growing as needed. */
export class BinaryHeap {
  private keys: Float64Array;
  private values: Uint32Array;
  size = 0;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(Math.max(16, capacity));
    this.values = new Uint32Array(Math.max(16, capacity));
  }

  push(key: number, value: number): void {
    if (this.size === this.keys.length) {
      const k = new Float64Array(this.keys.length * 2), v = new Uint32Array(this.keys.length * 2);
      k.set(this.keys);
      v.set(this.values);
      this.keys = k;
      this.values = v;
    }
    const keys = this.keys, values = this.values;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! <= key) break;
      keys[i] = keys[p]!;
      values[i] = values[p]!;
      i = p;
    }
    keys[i] = key;
    values[i] = value;
  }

  /** Key of the top (call only when size > 0). */
  topKey(): number {
    return this.keys[0]!;
  }

  /** Removes the top and returns its value (call only when size > 0). */
  pop(): number {
    const keys = this.keys, values = this.values;
    const top = values[0]!;
    const n = --this.size;
    if (n > 0) {
      const key = keys[n]!, value = values[n]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && keys[c + 1]! < keys[c]!) c++;
        if (keys[c]! >= key) break;
        keys[i] = keys[c]!;
        values[i] = values[c]!;
        i = c;
      }
      keys[i] = key;
      values[i] = value;
    }
    return top;
  }
}

export interface DijkstraResult {
  /** Distance from the nearest source, metres (Infinity: not reached within the limit). */
  distM: Float64Array;
  /** Index of the source that reached the node (−1: none). */
  source: Int32Array;
  /** Nodes settled. */
  settled: number;
}

/**
 * Shortest distances from several sources at once, following arcs usable in `mode` (WALK or
 * DRIVE). `startM[i]` is the distance already covered to reach source node `sources[i]` (the walk
 * from a clicked point to the graph). Nodes farther than `maxM` are left at Infinity.
 */
export function multiSourceDijkstra(g: StreetGraph, sources: ArrayLike<number>, startM: ArrayLike<number> | null, mode: number, maxM = Infinity): DijkstraResult {
  const distM = new Float64Array(g.nodeCount).fill(Infinity);
  const source = new Int32Array(g.nodeCount).fill(-1);
  const heap = new BinaryHeap(Math.min(g.nodeCount, 1 << 16));
  for (let i = 0; i < sources.length; i++) {
    const n = sources[i]!, d = startM === null ? 0 : startM[i]!;
    if (n >= g.nodeCount || !(d <= maxM) || d >= distM[n]!) continue;
    distM[n] = d;
    source[n] = i;
    heap.push(d, n);
  }
  const { offsets, target, lengthM, arcFlags } = g;
  let settled = 0;
  while (heap.size > 0) {
    const d = heap.topKey();
    const n = heap.pop();
    if (d > distM[n]!) continue;
    settled++;
    const s = source[n]!;
    for (let k = offsets[n]!, end = offsets[n + 1]!; k < end; k++) {
      if ((arcFlags[k]! & mode) === 0) continue;
      const nd = d + lengthM[k]!;
      const t = target[k]!;
      if (nd < distM[t]! && nd <= maxM) {
        distM[t] = nd;
        source[t] = s;
        heap.push(nd, t);
      }
    }
  }
  return { distM, source, settled };
}
