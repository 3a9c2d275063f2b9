import type { Tour, TourLayer } from '../features/tours/model.ts';
import { readTours, toursOfScenario } from '../features/tours/scenario-adapter.ts';

/**
 * How tours reach the features whose state a stop sets, without importing them: each feature
 * registers a small provider on the app context (`ctx.tours`), and a stop's part is skipped, with
 * a message, while its provider is missing.
 */

/** Layers shown: provided by the layers feature. */
export interface LayerControl {
  /** The layers shown now (in the URL form of the layers feature). */
  shown(): TourLayer[];
  /** Shows exactly these layers (others off); unknown ids are reported by the layers feature. */
  show(layers: readonly TourLayer[]): void;
}

/** Scenarios: provided by the scenario feature (issue 9). */
export interface ScenarioProvider {
  /** The scenarios a stop can show (for the editor's menu). */
  list(): { id: string; name: string }[];
  /** The scenario shown now, or null for today's city. */
  active(): string | null;
  /** Shows a scenario (null: today's city). Resolves with a reason when it cannot. */
  apply(id: string | null): Promise<{ ok: true } | { ok: false; error: string }>;
}

export interface TourHooks {
  /** The scenario feature registers itself; returns the remover. */
  onApplyScenario(provider: ScenarioProvider): () => void;
  scenarios(): ScenarioProvider | null;
  /** The layers feature registers itself; returns the remover. */
  provideLayers(control: LayerControl): () => void;
  layers(): LayerControl | null;
  /**
   * Adds tours read from elsewhere (a scenario file: see `scenario-adapter.ts`) to the saved tours
   * of their city, replacing tours with the same id. Does nothing until the tours feature is installed.
   */
  adopt(tours: readonly Tour[]): void;
  /** The tours feature registers what `adopt` does, and what `all` lists. */
  provideTours(impl: { adopt(tours: readonly Tour[]): void; all(): Tour[] }): () => void;
  /** Every saved tour of the open city (for saving them with a scenario). */
  all(): Tour[];
  /** The saved tours that show this scenario: they are saved with it (its file's `tours`). */
  ofScenario(scenarioId: string): Tour[];
  /**
   * Adopts the tours a scenario document carries (its `tours` list, each validated: see
   * `scenario-adapter.ts`); returns the problems of those left out.
   */
  adoptFrom(doc: unknown): string[];
}

export function createTourHooks(): TourHooks {
  let scenarios: ScenarioProvider | null = null;
  let layers: LayerControl | null = null;
  let tours: { adopt(tours: readonly Tour[]): void; all(): Tour[] } | null = null;
  return {
    onApplyScenario(p) {
      scenarios = p;
      return () => {
        if (scenarios === p) scenarios = null;
      };
    },
    scenarios: () => scenarios,
    provideLayers(c) {
      layers = c;
      return () => {
        if (layers === c) layers = null;
      };
    },
    layers: () => layers,
    adopt: (t) => tours?.adopt(t),
    provideTours(impl) {
      tours = impl;
      return () => {
        if (tours === impl) tours = null;
      };
    },
    all: () => tours?.all() ?? [],
    ofScenario: (id) => toursOfScenario(tours?.all() ?? [], id),
    adoptFrom(doc) {
      const { tours: read, problems } = readTours(doc);
      if (read.length > 0) tours?.adopt(read);
      return problems;
    },
  };
}
