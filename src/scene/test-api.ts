import type { CameraState, UrlState } from '../core/url-state.ts';
import type { Level } from '../ui/messages.ts';
import type { AppView } from './app-view.ts';
import { getCameraState, setCameraState } from './camera.ts';
import type { CityScene } from './city-scene.ts';
import { toWindow } from './interaction.ts';
import { tilesetStats, type StatsProbe } from './stats.ts';

/**
 * The small API the end-to-end tests and the benchmark drive (`window.__jumeau`, also handy in
 * the console): the app's state, the camera, tile loading, frame statistics, picking.
 */

export interface JumeauTestApi {
  ready: Promise<void>;
  state(): { city: string | null; url: string; selected: string | null; hovered: string | null; messages: { level: Level; text: string }[]; lang: string };
  camera(): CameraState | null;
  setCamera(state: CameraState): void;
  /** Resolves true when buildings and globe tiles for the view are loaded (false on timeout). */
  waitForTiles(timeoutMs?: number): Promise<boolean>;
  stats(): { frame: ReturnType<StatsProbe['read']> | null; tileset: ReturnType<typeof tilesetStats> | null; qualityLevel: number | null };
  resetStats(): void;
  /** The pickable item at a canvas position, without clicking. */
  pickAt(x: number, y: number): { layerId: string; id: string | null } | null;
  toWindow(lonDeg: number, latDeg: number, heightM: number): { x: number; y: number } | null;
  /** Shows or hides the buildings tileset (comparisons with the empty globe). */
  setBuildingsShown(show: boolean): void;
  render(): void;
}

declare global {
  interface Window {
    __jumeau?: JumeauTestApi;
  }
}

export interface TestApiSources {
  view: AppView;
  /** The city shown now: its id and scene. */
  city(): { id: string; scene: CityScene } | null;
  state: UrlState;
  syncUrl(): void;
  messages(): readonly { level: Level; text: string }[];
  lang(): string;
}

/** The test API over the app's view and state. */
export function createTestApi(o: TestApiSources): JumeauTestApi {
  const { view, state } = o;
  const viewer = view.viewer;
  const waitForTiles = (timeoutMs = 60000): Promise<boolean> =>
    new Promise((resolve) => {
      const start = performance.now();
      const check = () => {
        const city = o.city();
        if (viewer === null || city === null) return resolve(false);
        viewer.scene.requestRender();
        if ((city.scene.buildings?.tilesLoaded ?? true) && viewer.scene.globe.tilesLoaded) return resolve(true);
        if (performance.now() - start > timeoutMs) return resolve(false);
        setTimeout(check, 100);
      };
      check();
    });
  return {
    ready: Promise.resolve(),
    state: () => ({
      city: o.city()?.id ?? null,
      url: location.href,
      selected: state.selected ?? null,
      hovered: view.hovered?.id ?? null,
      messages: o.messages().map((m) => ({ level: m.level, text: m.text })),
      lang: o.lang(),
    }),
    camera: () => (viewer === null ? null : getCameraState(viewer.scene)),
    setCamera: (c) => {
      if (viewer === null) return;
      setCameraState(viewer.scene, c);
      state.camera = getCameraState(viewer.scene);
      o.syncUrl();
    },
    waitForTiles,
    stats: () => {
      const city = o.city();
      return {
        frame: view.stats?.read() ?? null,
        tileset: city !== null && city.scene.buildings !== null ? tilesetStats(city.scene.buildings.tileset) : null,
        qualityLevel: view.adaptive?.level() ?? null,
      };
    },
    resetStats: () => view.stats?.reset(),
    pickAt: (x, y) => {
      const item = view.picking?.pickAt(x, y) ?? null;
      return item === null ? null : { layerId: item.layerId, id: item.id };
    },
    toWindow: (lon, lat, hgt) => (viewer === null ? null : toWindow(viewer.scene, lon, lat, hgt)),
    setBuildingsShown: (show) => {
      const city = o.city();
      if (city === null || viewer === null) return;
      if (city.scene.buildings !== null) city.scene.buildings.tileset.show = show;
      viewer.scene.requestRender();
    },
    render: () => {
      // The scene renders on demand: ask for a frame, then render it now.
      viewer?.scene.requestRender();
      viewer?.scene.render();
    },
  };
}
