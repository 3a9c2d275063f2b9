import type { Bundle } from '../core/messages.ts';
import type { AnySimulation } from '../core/simulation/types.ts';
import type { WorkerBindings } from '../city/analysis/env.ts';
import type { LayerDefinition } from '../layers/types.ts';
import type { KpiProvider } from '../scenarios/kpi.ts';

/**
 * What a feature is, as data (pure: no DOM, no Cesium), in `src/features/<id>/manifest.ts`.
 * The one list of features (src/app/features.ts) holds these; the simulation registry, the
 * indicator registry, the message catalogue and the worker dispatch are all built from it, and
 * the app installs each feature from its `feature.ts` (src/app/install.ts).
 */
export interface FeatureManifest {
  /** The feature's folder name under src/features/. */
  readonly id: string;
  /** Simulations it owns (contracts: zod input, method card, split/merge). */
  readonly simulations?: readonly AnySimulation[];
  /** Scenario indicators it provides (shown when their simulations are registered). */
  readonly indicators?: readonly KpiProvider[];
  /** Its texts in both languages (keys prefixed with the feature's name). */
  readonly messages?: Bundle<string>;
  /** Data layers it contributes to the catalogue. */
  readonly layers?: readonly LayerDefinition[];
  /**
   * The worker side of its simulations (kernels bound by simulation id), loaded only inside a
   * simulation worker or the headless runner, so the page never loads kernel code.
   */
  readonly worker?: () => Promise<{ bindings: WorkerBindings }>;
}
