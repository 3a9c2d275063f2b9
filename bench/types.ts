/** One measured figure. Benchmarks report numbers; they never pass or fail on time. */
export interface BenchRow {
  suite: string;
  metric: string;
  value: number;
  unit: string;
  /** The goal an issue set, as text (e.g. "≤ 150 B"). */
  goal?: string;
  note?: string;
}

export interface BenchSuite {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

export interface BenchContext {
  root: string;
  /** Base URL of a server running the production build and the packs. */
  baseUrl(): Promise<string>;
  log(line: string): void;
}
