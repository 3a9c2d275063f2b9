import type { z } from 'zod';
import type { KernelProgress } from './kernel.ts';

/**
 * The contract every simulation keeps (DESIGN.md convention 4 and 6): an id and a version, the
 * input as a zod schema (parsed, with defaults, before any work), a method card, how to split a
 * run between workers and merge the parts. The kernel that does the work is bound to the id on
 * the worker side (`workers/simulations.ts`), so this module and the definitions stay free of
 * three.js and loaders.gl and can be imported by the page.
 */

/** A text in both languages of the app. */
export interface Text {
  fr: string;
  en: string;
}

/** What a planner needs to trust a number: the method, one click away in the UI. */
export interface MethodCard {
  title: Text;
  summary: Text;
  model: Text;
  /** Equations as plain text (Unicode), each with what it computes. */
  equations: { label: Text; formula: string }[];
  parameters: { name: string; value: string; unit: string; meaning: Text }[];
  sources: { label: string; url?: string }[];
  validity: Text[];
  /** What the implementation was checked against, and where the check lives. */
  reference: Text;
}

/** A failure, as data. `path` names the input field when the input is at fault. */
export interface SimError {
  code: 'invalid-input' | 'cancelled' | 'worker-crashed' | 'worker-unresponsive' | 'tile-failed' | 'unknown-simulation' | 'version-mismatch' | 'kernel' | 'internal';
  message: string;
  path?: string;
}

export type SimResult<T> = { ok: true; value: T } | { ok: false; error: SimError };

/** Progress as the page sees it: a stage and a fraction. */
export interface SimProgress {
  stage: string;
  done: number;
  total: number;
}

export type { KernelProgress };

export interface SimulationDefinition<I = unknown, O = unknown, P = O> {
  id: string;
  version: number;
  title: Text;
  /** The input schema: parsing gives the input with defaults, or issues naming the field. */
  input: z.ZodType<I, unknown>;
  /** Checks an output (tests and the CLI use it; cheap enough to run after every run). */
  output: z.ZodType<O, unknown>;
  card: MethodCard;
  /** Whether the run needs the city's buildings in the worker. */
  needsCity: boolean;
  /** Whether it uses random numbers (then its input has a seed). */
  seeded: boolean;
  /** Splits an input into parts for `workers` workers (default: one part). */
  split?(input: I, workers: number): I[];
  /** Puts parts together (default: the single part). */
  merge?(parts: P[], input: I): O;
  /**
   * Top-level input fields that the headless CLI also accepts as a path to a JSON file (read and
   * put in place before parsing), for large inputs such as population grids.
   */
  fileInputs?: readonly string[];
  /** A small input that runs in a second, for the conformance tests and `--example`. */
  example: unknown;
  /**
   * Indicators of the scenario comparison this simulation provides (`KpiProvider`s from
   * `src/scenarios/kpi.ts`; typed loosely here so contracts do not depend on scenarios).
   * `kpisFor()` in `src/app/indicators.ts` picks them up from the registry.
   */
  kpis?: readonly unknown[];
}

/** Any definition, for registries. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySimulation = SimulationDefinition<any, any, any>;

/**
 * The usual split of a grid simulation: the same input `workers` times (1–256), each with its
 * part index; the kernel takes every `count`-th row from `index`.
 */
export function splitIntoParts<I extends object>(input: I, workers: number): (I & { part: { index: number; count: number } })[] {
  const n = Math.max(1, Math.min(256, Math.floor(workers)));
  return Array.from({ length: n }, (_, index) => ({ ...input, part: { index, count: n } }));
}

/**
 * Parses an input against a simulation's schema (defaults applied); a failure is data naming the
 * first field at fault (`path: message`). Used by the page before a run and by the worker.
 */
export function parseSimulationInput(def: AnySimulation, input: unknown): SimResult<unknown> {
  const r = def.input.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0]!;
  const path = issue.path.map(String).join('.');
  return { ok: false, error: { code: 'invalid-input', message: `${path === '' ? 'input' : path}: ${issue.message}`, path } };
}
