import type { CityConfig } from '../config/types.ts';
import type { AnySimulation } from '../core/simulation/types.ts';
import type { KpiProvider } from '../scenarios/kpi.ts';
import type { PanelId, UrlState } from '../core/url-state.ts';
import type { CityScene } from '../scene/city-scene.ts';
import type { PickedItem, PickRouter } from '../scene/picking.ts';
import type { ViewerHandle } from '../scene/viewer.ts';
import type { MessageKey } from '../ui/i18n/index.ts';
import type { Level, MessageCenter } from '../ui/messages.ts';
import type { Panel } from '../ui/panel.ts';
import type { SourceEntry } from '../ui/sources-panel.ts';
import type { Toolbar } from '../ui/toolbar.ts';
import type { TourHooks } from './tour-hooks.ts';
import type { UserDataHooks } from '../scenarios/userdata.ts';
import type { WorkerPool } from '../simulations/pool.ts';

/**
 * What a feature (layers, simulations, scenarios, tours, consultation, …) gets from the app.
 * A feature is `{ id, install(ctx) }` listed in `src/app/features.ts`; `install` returns the
 * function that removes everything it added (DESIGN.md convention 5).
 */

/** A city that is open: its configuration and the scene objects it owns. */
export interface OpenCity {
  readonly config: CityConfig;
  readonly scene: CityScene;
}

export interface AppContext {
  /** The live view state; call `syncUrl()` after changing it. */
  readonly state: UrlState;
  /** Screenshot/benchmark mode (fixed clock). */
  readonly stable: boolean;
  /** The 3D viewer, or null when WebGL is unavailable (the UI still works). */
  readonly viewer: ViewerHandle | null;
  readonly messages: MessageCenter;
  readonly toolbar: Toolbar;
  /** Picking for every layer (null without WebGL). */
  readonly picking: PickRouter | null;
  /**
   * The app's one pool of simulation workers (one per core but one), started on first use and
   * stopped with the app. Features share it, so the city geometry each worker holds is loaded once
   * for sun hours, wifi and the scenario indicators alike.
   */
  simulationPool(): WorkerPool;
  /**
   * The registries built from the feature list (src/app/features.ts): every simulation and every
   * scenario indicator. Features read them here rather than importing app/ or each other.
   */
  readonly registry: {
    readonly simulations: readonly AnySimulation[];
    findSimulation(id: string): AnySimulation | null;
    readonly indicators: readonly KpiProvider[];
  };

  /** Shows a translated message; `dedupe` replaces an earlier message with the same key. */
  say(level: Level, key: MessageKey, params?: Record<string, string | number>, dedupe?: string): void;
  /** Takes back the message shown under this `dedupe` key, once what it said no longer holds. */
  unsay(dedupe: string): void;
  /** Writes the state to the URL (history.replaceState). */
  syncUrl(): void;

  /** Adds a panel to the left or right stack, with an optional toolbar button; returns its remover. */
  addPanel(id: PanelId, panel: Panel, where: 'left' | 'right', button?: { label: MessageKey; icon: readonly string[] }): () => void;
  setPanelOpen(id: PanelId, open: boolean): void;
  isPanelOpen(id: PanelId): boolean;

  /** The city shown now. */
  city(): OpenCity | null;
  /**
   * Calls `fn` for the city open now (if any) and every city opened later; what `fn` returns is
   * called when that city closes. Returns the unsubscribe function.
   */
  onCity(fn: (city: OpenCity) => void | (() => void)): () => void;

  /** Shows an item in the info panel and makes it the selection (null clears). */
  select(item: PickedItem | null): void;
  /** How the info panel titles items of a layer (default: the layer id). */
  setItemTitle(layerId: string, title: (item: PickedItem) => string): () => void;

  /** Extra content shown under an item's properties in the info panel (e.g. a chart). */
  setItemDetails(layerId: string, details: (item: PickedItem) => Node | null): () => void;

  /** Adds entries to the sources panel (a layer's attribution); returns the remover. */
  addSources(entries: () => SourceEntry[]): () => void;
  refreshSources(): void;
  /**
   * Adds sentences to the text alternative of the 3D view (read by screen readers: what is
   * visible, the selection, the key figures). `fn` returns null when it has nothing to say.
   * Call `describe()` when what it says changed. Returns the remover.
   */
  addDescription(fn: () => string | null): () => void;
  describe(): void;
  /** Called when the language changes (re-render texts). Returns the unsubscribe function. */
  onLangChange(fn: () => void): () => void;

  /** Sets the scene time (sun) as the time panel does: scene, panel and URL. */
  setTime(ms: number): void;
  /** Buildings drawn highlighted (a tour stop), apart from the selection; [] clears. */
  highlightBuildings(ids: readonly string[]): void;
  /** Hides or shows the app's own controls (top bar, toolbar, panels) for presenting. */
  setChromeHidden(hidden: boolean): void;
  /** Where features that tours drive register themselves (layers, scenarios). */
  readonly tours: TourHooks;
  /** My data, as the scenario feature saves it with a scenario (the userdata feature provides it). */
  readonly userData: UserDataHooks;
}
