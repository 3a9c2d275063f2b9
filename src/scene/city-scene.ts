import type { CesiumWidget } from 'cesium';
import { NATURAL_EARTH_ATTRIBUTION } from '../config/cities.ts';
import type { BasemapSource, CityConfig } from '../config/types.ts';
import type { Attribution } from '../core/schemas/attribution.ts';
import { addBasemap, setTerrain, type OnlineResult } from './basemap.ts';
import { loadBuildings, type BuildingsHandle } from './buildings.ts';

/**
 * Everything one city puts in the scene (basemap, terrain, buildings), owned by one handle:
 * `dispose()` removes all of it, so switching cities leaves nothing behind. The pack's data
 * layers (the demo's streets and squares included) are drawn by the layers feature
 * (src/features/layers/feature.ts), which owns them the same way.
 */

export type SourceRole = 'buildings' | 'terrain' | 'basemap' | 'imagery' | 'layer';

export interface SourceStatus {
  role: SourceRole;
  attribution: Attribution;
  shown: boolean;
  reason?: string;
}

export type CityEvent =
  | { kind: 'basemap-failed'; name: string; reason: string }
  | { kind: 'terrain-failed'; name: string; reason: string }
  | { kind: 'tile-failed'; url: string; reason: string }
  | { kind: 'layer-failed'; name: string; reason: string }
  | { kind: 'sources-changed' };

export interface CityScene {
  readonly city: CityConfig;
  /** Null for a layers-only pack (a city without a buildings tileset). */
  readonly buildings: BuildingsHandle | null;
  sources(): SourceStatus[];
  terrainIsEllipsoid(): boolean;
  /** The city's basemaps (its file's order) and the one shown now (null: offline imagery only). */
  basemaps(): readonly BasemapSource[];
  basemap(): string | null;
  /** Shows another of the city's basemaps (null: none, the offline imagery only). */
  setBasemap(id: string | null): void;
  dispose(): void;
}

export interface CitySceneOptions {
  offline: boolean;
  stable: boolean;
  shadows: boolean;
  probeTimeoutMs: number;
  /** The basemap to show first (a link's `basemap=`); absent or unknown: the city's first. */
  basemap?: string;
  onEvent(e: CityEvent): void;
}

/**
 * Loads a city. Rejects only when its buildings tileset cannot be loaded (the caller falls back
 * to another city); basemap and terrain failures are reported as events and fall back. A city
 * without a tileset (a layers-only pack) opens on the globe alone.
 */
export async function openCityScene(widget: CesiumWidget, city: CityConfig, o: CitySceneOptions): Promise<CityScene> {
  const statuses: SourceStatus[] = [{ role: 'imagery', attribution: NATURAL_EARTH_ATTRIBUTION, shown: true }];
  const disposers: (() => void)[] = [];
  let disposed = false;
  let ellipsoid = true;

  const buildings = city.buildings === undefined ? null : await loadBuildings(widget.scene, city.buildings, {
    stable: o.stable,
    shadows: o.shadows,
    onTileError: (url, reason) => o.onEvent({ kind: 'tile-failed', url, reason }),
  });
  if (buildings !== null && city.buildings !== undefined) {
    disposers.push(() => buildings.dispose());
    statuses.push({ role: 'buildings', attribution: city.buildings.attribution, shown: true });
  }

  const centre = { lonDeg: (city.bbox[0] + city.bbox[2]) / 2, latDeg: (city.bbox[1] + city.bbox[3]) / 2 };
  const track = (r: OnlineResult) => {
    if (disposed) r.dispose();
    else disposers.push(() => r.dispose());
  };

  // Basemaps: one shown at a time, switched by the user; the one shown owns its imagery layer.
  const basemaps = city.basemaps;
  let current: { id: string; status: SourceStatus; result: OnlineResult | null; gone: boolean } | null = null;
  const showBasemap = (id: string | null) => {
    if (current !== null) {
      current.gone = true;
      current.result?.dispose();
      const at = statuses.indexOf(current.status);
      if (at >= 0) statuses.splice(at, 1);
      current = null;
    }
    const basemap = basemaps.find((b) => b.id === id);
    if (basemap === undefined) return;
    const status: SourceStatus = { role: 'basemap', attribution: basemap.attribution, shown: false, reason: '…' };
    statuses.push(status);
    const mine = { id: basemap.id, status, result: null as OnlineResult | null, gone: false };
    current = mine;
    if (o.offline) {
      status.reason = 'offline mode';
      return;
    }
    void addBasemap(widget, basemap, centre, o.probeTimeoutMs, (reason) => {
      status.shown = false;
      status.reason = reason;
      o.onEvent({ kind: 'basemap-failed', name: basemap.attribution.title, reason });
      o.onEvent({ kind: 'sources-changed' });
    }).then((r) => {
      if (disposed || mine.gone) return r.dispose();
      mine.result = r;
      status.shown = r.ok;
      if (r.ok) delete status.reason;
      else {
        status.reason = r.reason ?? '';
        o.onEvent({ kind: 'basemap-failed', name: basemap.attribution.title, reason: r.reason ?? '' });
      }
      o.onEvent({ kind: 'sources-changed' });
    });
  };
  showBasemap(basemaps.find((b) => b.id === o.basemap)?.id ?? basemaps[0]?.id ?? null);
  disposers.push(() => showBasemap(null));

  if (city.terrain !== undefined) {
    const terrain = city.terrain;
    const st: SourceStatus = { role: 'terrain', attribution: terrain.attribution, shown: false, reason: o.offline ? 'offline mode' : '…' };
    statuses.push(st);
    if (!o.offline) {
      void setTerrain(widget, terrain, o.probeTimeoutMs).then((r) => {
        track(r);
        st.shown = r.ok;
        ellipsoid = !r.ok;
        if (r.ok) delete st.reason;
        else {
          st.reason = r.reason ?? '';
          if (!disposed) o.onEvent({ kind: 'terrain-failed', name: terrain.attribution.title, reason: r.reason ?? '' });
        }
        if (!disposed) o.onEvent({ kind: 'sources-changed' });
      });
    }
  }

  return {
    city,
    buildings,
    sources: () => statuses.map((s) => ({ ...s })),
    terrainIsEllipsoid: () => ellipsoid,
    basemaps: () => basemaps,
    basemap: () => current?.id ?? null,
    setBasemap(id) {
      if (disposed || id === (current?.id ?? null)) return;
      showBasemap(id);
      widget.scene.requestRender();
      o.onEvent({ kind: 'sources-changed' });
    },
    dispose() {
      disposed = true;
      for (const d of disposers.splice(0).reverse()) d();
      widget.scene.requestRender();
    },
  };
}
