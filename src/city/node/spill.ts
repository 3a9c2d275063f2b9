import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SummaryColumns, summariseOne } from '../tiler.ts';
import type { BuildingRecord, BuildingSummary } from '../types.ts';

/**
 * Where a streaming build keeps its buildings between reading and tiling: each cleaned record
 * is appended to a temporary file as one line of JSON as soon as it is read, and only a compact
 * index stays in memory: its tiling summary (centroid, bounds, heights, importance) in typed
 * columns, and its offset and length in the file, 84 bytes in all. Tiles then read back their
 * own records by offset. The memory of a build is that index, the ids seen (records.ts,
 * `UniqueIdTally`) and the tiles in flight, whatever the input size.
 */

/** What a pack writer needs from its buildings, in memory or spilled. */
export interface BuildingStore {
  readonly count: number;
  /** Tiling summaries, `index` (row) = record number. */
  summaries(): BuildingSummary[] | SummaryColumns;
  /** The records of the given numbers, in that order. */
  read(indices: readonly number[]): Promise<BuildingRecord[]>;
  /** [west, south, east, north] of every vertex, degrees (rounded to 1e-7). */
  bbox(): [number, number, number, number];
  /** The `source` most buildings have (deterministic: the first to reach the top count). */
  defaultSource(): string | undefined;
}

/** Running bounds and source counts, shared by both stores. */
class Tally {
  w = Infinity;
  s = Infinity;
  e = -Infinity;
  n = -Infinity;
  private readonly sources = new Map<string, number>();
  private best: string | undefined;
  private bestN = 0;

  add(b: BuildingRecord): void {
    const ring = (r: readonly number[], stride: number) => {
      for (let i = 0; i < r.length; i += stride) {
        const x = r[i]!, y = r[i + 1]!;
        if (x < this.w) this.w = x;
        if (x > this.e) this.e = x;
        if (y < this.s) this.s = y;
        if (y > this.n) this.n = y;
      }
    };
    for (const p of b.polygons) ring(p.outer, 2);
    for (const f of b.surfaces ?? []) for (const r of f.rings) ring(r, 3);
    const k = (this.sources.get(b.source) ?? 0) + 1;
    this.sources.set(b.source, k);
    if (k > this.bestN) {
      this.best = b.source;
      this.bestN = k;
    }
  }

  bbox(): [number, number, number, number] {
    const r = (v: number) => Math.round(v * 1e7) / 1e7;
    return [r(this.w), r(this.s), r(this.e), r(this.n)];
  }

  defaultSource(): string | undefined {
    return this.best;
  }

  clone(): Tally {
    const t = new Tally();
    Object.assign(t, { w: this.w, s: this.s, e: this.e, n: this.n, best: this.best, bestN: this.bestN });
    for (const [k, v] of this.sources) t.sources.set(k, v);
    return t;
  }
}

/** The buildings of an array, as a store. */
export function memoryStore(buildings: readonly BuildingRecord[]): BuildingStore {
  const tally = new Tally();
  for (const b of buildings) tally.add(b);
  return {
    count: buildings.length,
    summaries: () => buildings.map((b, i) => summariseOne(b, i)),
    read: async (indices) => indices.map((i) => buildings[i]!),
    bbox: () => tally.bbox(),
    defaultSource: () => tally.defaultSource(),
  };
}

const FLUSH_BYTES = 4 << 20;

/** A store that appends records to a temporary file (see the module comment). */
export class SpillStore implements BuildingStore {
  private readonly dir: string;
  private readonly fd: number;
  private readonly index = new SummaryColumns();
  /** Byte offset and length of each record in the file. */
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private written = 0;
  private tally = new Tally();
  private closed = false;
  /** Applied to each record read back (e.g. dropping textures that could not be prepared). */
  onRead: ((r: BuildingRecord) => void) | null = null;

  constructor(parent = tmpdir()) {
    this.dir = mkdtempSync(join(parent, 'jumeau-spill-'));
    this.fd = openSync(join(this.dir, 'records.jsonl'), 'w+');
  }

  get count(): number {
    return this.index.count;
  }

  /** Appends a record. */
  add(r: BuildingRecord): void {
    const bytes = Buffer.from(JSON.stringify(r) + '\n');
    const i = this.index.count;
    if (i === this.offsets.length) {
      const o = new Float64Array(2 * i), l = new Uint32Array(2 * i);
      o.set(this.offsets);
      l.set(this.lengths);
      this.offsets = o;
      this.lengths = l;
    }
    this.index.push(summariseOne(r, i));
    this.offsets[i] = this.written + this.bufferedBytes;
    this.lengths[i] = bytes.length;
    this.buffered.push(bytes);
    this.bufferedBytes += bytes.length;
    this.tally.add(r);
    if (this.bufferedBytes >= FLUSH_BYTES) this.flush();
  }

  /** A point to roll back to (a file read again with a CRS found after its features). */
  mark(): { count: number; tally: Tally } {
    return { count: this.index.count, tally: this.tally.clone() };
  }

  /** Forgets every record added since `mark` (the file space is reused). */
  rollback(m: { count: number; tally: Tally }): void {
    this.flush();
    if (m.count < this.index.count) this.written = this.offsets[m.count]!;
    this.index.truncate(m.count);
    this.tally = m.tally;
  }

  private flush(): void {
    if (this.bufferedBytes === 0) return;
    const all = Buffer.concat(this.buffered, this.bufferedBytes);
    let done = 0;
    while (done < all.length) done += writeSync(this.fd, all, done, all.length - done, this.written + done);
    this.written += all.length;
    this.buffered = [];
    this.bufferedBytes = 0;
  }

  /** Every record, in order, read back from the file one at a time. */
  *records(): Generator<{ index: number; record: BuildingRecord }> {
    this.flush();
    for (let i = 0; i < this.index.count; i++) yield { index: i, record: this.readOne(i) };
  }

  private readOne(i: number): BuildingRecord {
    const len = this.lengths[i]!;
    const buf = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const n = readSync(this.fd, buf, got, len - got, this.offsets[i]! + got);
      if (n === 0) throw new Error(`spilled record ${i} is truncated`);
      got += n;
    }
    const r = JSON.parse(buf.toString('utf8')) as BuildingRecord;
    this.onRead?.(r);
    return r;
  }

  summaries(): SummaryColumns {
    return this.index;
  }

  async read(indices: readonly number[]): Promise<BuildingRecord[]> {
    this.flush();
    return indices.map((i) => this.readOne(i));
  }

  bbox(): [number, number, number, number] {
    return this.tally.bbox();
  }

  defaultSource(): string | undefined {
    return this.tally.defaultSource();
  }

  /** Deletes the temporary file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
