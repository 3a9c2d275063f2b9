import type { CityConfig } from '../../config/types.ts';
import type { SteppedRamp } from '../../core/color-ramp.ts';
import { rssiRamp } from '../../core/simulation/display.ts';
import type { SimProgress, SimResult } from '../../core/simulation/types.ts';
import { demoSquaresLayer } from '../../layers/demo-ground.ts';
import { districtsLayer } from '../../layers/districts.ts';
import { populationGridLayer } from '../../layers/population-grid.ts';
import { priorityAreasLayer } from '../../layers/priority-areas.ts';
import type { LayerDefinition, LayerFeature } from '../../layers/types.ts';
import { wifiLayer } from '../../layers/wifi.ts';
import { ringAreaKm2, squareAround } from './area.ts';
import type { WifiCoverageOutput } from './contract.ts';
import { openDataAp, openWifiSites, polygonsFc, ringBbox, wifiInput, type AccessPointInput } from './inputs.ts';
import { parseWifiParam, serializeWifiParam, type ScenarioAp, type WifiParamIssue } from './scenario.ts';

/**
 * The wifi coverage feature's state and decisions (no DOM, no Cesium): the access points of the
 * open data and those a planner places in the scenario (kept in the URL), candidate sites
 * (squares of the city's data, or clicked), the study area, running `wifi-coverage` and what
 * its result means for the markers and the figures. A shown result follows the scenario: adding
 * or removing an access point runs the study again. Side effects go through {@link WifiPorts}.
 */

/** Side of the square study area around the city's centre when none was drawn, m. */
export const DEFAULT_SIDE_M = 1000;
/** Colour of the cells the proposed hotspots would newly cover (≥ threshold). */
export const PLANNED_COLOR = [231, 41, 138] as const;

/** A site on the map: an open-data access point or a candidate for a new hotspot. */
export interface Site {
  id: string;
  name: string;
  lonDeg: number;
  latDeg: number;
  groundM: number;
}

/** An access point placed in the scenario, named `H1`, `H2`… */
export type PlacedAp = ScenarioAp & { id: string; groundM: number };

/** The access point form of the panel. */
export interface ApForm {
  heightM: number;
  eirpDbm: number;
  band: '2.4' | '5';
  pattern: 'omni' | 'sector';
  azimuthDeg: number;
}

/** The model parameters of the panel. */
export interface WifiParams {
  thresholdDbm: number;
  wallLossDb: number;
  cellM: number;
  receiverHeightM: number;
  place: number;
  useOpenData: boolean;
  /** Also on facades, receivers this far apart (m). */
  facades: boolean;
  facadeSpacingM: number;
}

export type MarkerKind = 'open-data' | 'scenario' | 'candidate' | 'pick';

/** A point drawn on a mast in the view (view.ts). */
export interface WifiMarker {
  id: string;
  kind: MarkerKind;
  lonDeg: number;
  latDeg: number;
  heightM: number;
  label?: string;
}

/** What the end-to-end tests read (test-api.ts). */
export interface WifiTestState {
  running: boolean;
  capturing: boolean;
  error: string | null;
  scenarioAps: number;
  openDataAps: number;
  candidates: number;
  runs: number;
  result: {
    coveredCells: number;
    cells: number;
    areaShare: number;
    residents: number;
    coveredResidents: number;
    picks: number;
    rays: number;
    aps: number;
    /** Facade figures (null when facades were not asked for). */
    facades: { receivers: number; areaM2: number; coveredAreaM2: number; buildings: number; coveredBuildings: number } | null;
  } | null;
}

/** A message for the panel, by key of the wifi messages (null clears it). */
export interface WifiNotice {
  key: 'wifi.noCity' | 'wifi.needAp' | 'wifi.noSquares' | 'wifi.cancelled' | 'wifi.failed';
  params?: Record<string, string | number>;
  level: 'info' | 'error';
}

/** Where the open-data access points stand. */
export type OpenDataStatus = { state: 'loading' } | { state: 'loaded'; count: number; source: string } | { state: 'none' } | { state: 'failed'; reason: string };

/** A result to show: the output and what the texts say about it. */
export interface WifiShown {
  output: WifiCoverageOutput;
  /** Access points in the run, run time (ms) and workers. */
  apCount: number;
  ms: number;
  workers: number;
  /** Whether the priority areas (QPV) could be loaded. */
  qpvData: boolean;
  ramp: SteppedRamp;
  /** Name of a candidate site by id (the id itself when unknown). */
  nameOf(id: string): string;
  /** Whether candidates were given and hotspots asked for (to say none was placed). */
  askedToPlace: boolean;
  synthetic: boolean;
}

/** A run's answer as the simulation client gives it. */
export type WifiRunResult = SimResult<WifiCoverageOutput> & { info: { ms: number; parts: number } };

/** A city as the controller needs it (the app's open city satisfies it). */
export interface WifiCity {
  readonly config: Pick<CityConfig, 'bbox' | 'buildings' | 'synthetic'>;
}

/** Where the results of the controller's decisions go (the panel, the view, the URL). */
export interface WifiOutlet {
  message(notice: WifiNotice | null): void;
  openData(status: OpenDataStatus): void;
  hotspots(aps: readonly PlacedAp[]): void;
  candidates(count: number): void;
  markers(list: WifiMarker[]): void;
  /** The `wifiap` URL parameter (null: none). */
  url(param: string | null): void;
  running(on: boolean): void;
  progress(p: SimProgress): void;
  /** A result to draw and describe, or null to take it away. */
  result(shown: WifiShown | null): void;
}

/** The side effects the controller asks for. */
export interface WifiPorts<C extends WifiCity> {
  /** A layer's features for a city (null when the city has none); may reject. */
  layer(city: C, def: LayerDefinition): Promise<LayerFeature[] | null>;
  /** Where a layer's data came from. */
  sourceOf(layerId: string): string;
  /** Runs `wifi-coverage` (a newer run replaces an older one). */
  simulate(input: Record<string, unknown>, onProgress: (p: SimProgress) => void): Promise<WifiRunResult>;
  /** Cancels the run in progress, if any. */
  cancel(): void;
  /** The absolute URL of a tileset URL relative to the page. */
  absoluteUrl(url: string): string;
  form(): ApForm;
  params(): WifiParams;
  show: WifiOutlet;
}

/** `v` within [lo, hi], or `dflt` when it is not a finite number. */
export const clamp = (v: number, lo: number, hi: number, dflt: number): number => (Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : dflt);

/** A scenario access point as the simulation takes it. */
export const scenarioAccessPoint = (a: PlacedAp): AccessPointInput => ({ id: a.id, position: [a.lonDeg, a.latDeg], heightM: a.heightM, eirpDbm: a.eirpDbm, band: a.band, pattern: a.azimuthDeg === null ? { kind: 'omni' } : { kind: 'sector', azimuthDeg: a.azimuthDeg }, origin: 'scenario' });

/** Ground height under a picked place, m (0 when the pick has none). */
const groundOf = (heightM: number) => (Number.isFinite(heightM) ? Math.max(0, heightM) : 0);
const reasonOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The wifi controller; `ports.show` receives everything there is to show. */
export function createWifiController<C extends WifiCity>(ports: WifiPorts<C>) {
  const show = ports.show;
  let city: C | null = null;
  let area: [number, number][] | null = null;
  let scenario: PlacedAp[] = [];
  let nextId = 1;
  let openData: Site[] = [];
  let candidates: Site[] = [];
  let picks: Set<string> = new Set();
  let hasResult = false;
  const test: WifiTestState = { running: false, capturing: false, error: null, scenarioAps: 0, openDataAps: 0, candidates: 0, runs: 0, result: null };

  const say = (notice: WifiNotice | null) => show.message(notice);
  const layerOf = (def: LayerDefinition): Promise<LayerFeature[] | null> => (city === null ? Promise.resolve(null) : ports.layer(city, def));
  const apName = (k: number) => `H${k}`;

  function markers(): WifiMarker[] {
    return [
      ...(ports.params().useOpenData ? openData.map((s) => ({ id: s.id, kind: 'open-data' as const, lonDeg: s.lonDeg, latDeg: s.latDeg, heightM: s.groundM + 4 })) : []),
      ...scenario.map((a) => ({ id: a.id, kind: 'scenario' as const, lonDeg: a.lonDeg, latDeg: a.latDeg, heightM: a.groundM + a.heightM, label: a.id })),
      ...candidates.map((c) => ({ id: c.id, kind: picks.has(c.id) ? ('pick' as const) : ('candidate' as const), lonDeg: c.lonDeg, latDeg: c.latDeg, heightM: c.groundM + 4, ...(picks.has(c.id) ? { label: `+ ${c.name}` } : {}) })),
    ];
  }
  const renderMarkers = () => show.markers(markers());
  function renderList(): void {
    show.hotspots(scenario);
    test.scenarioAps = scenario.length;
  }
  function renderCandidates(): void {
    show.candidates(candidates.length);
    test.candidates = candidates.length;
    renderMarkers();
  }
  function scenarioChanged(): void {
    show.url(scenario.length === 0 ? null : serializeWifiParam(scenario));
    renderList();
    renderMarkers();
    // A shown result follows the scenario.
    if (hasResult) void run();
  }

  async function loadOpenData(c: C): Promise<void> {
    show.openData({ state: 'loading' });
    try {
      const features = await layerOf(wifiLayer);
      if (city !== c) return;
      openData = openWifiSites(features ?? [], c.config.bbox).map((x) => ({ ...x, groundM: 0 }));
      show.openData(openData.length > 0 ? { state: 'loaded', count: openData.length, source: ports.sourceOf('wifi') } : { state: 'none' });
    } catch (e) {
      if (city !== c) return;
      openData = [];
      show.openData({ state: 'failed', reason: reasonOf(e) });
    }
    test.openDataAps = openData.length;
    renderMarkers();
  }

  function clearResult(): void {
    hasResult = false;
    picks = new Set();
    test.result = null;
    show.result(null);
    renderMarkers();
  }

  function studyRing(c: C): [number, number][] {
    if (area !== null) return area;
    const [w, s, e, n] = c.config.bbox;
    return squareAround((w + e) / 2, (s + n) / 2, DEFAULT_SIDE_M);
  }

  async function run(): Promise<void> {
    const c = city;
    if (c === null || c.config.buildings === undefined) return say({ key: 'wifi.noCity', level: 'error' });
    const p = ports.params();
    const ring = studyRing(c);
    const aps: AccessPointInput[] = [...(p.useOpenData ? openData.map(openDataAp) : []), ...scenario.map(scenarioAccessPoint)];
    if (aps.length === 0 && candidates.length === 0) return say({ key: 'wifi.needAp', level: 'error' });
    say(null);
    test.running = true;
    test.error = null;
    show.running(true);
    const bbox = ringBbox(ring);
    const [pop = null, districts = null, qpv = null] = await Promise.all([populationGridLayer, districtsLayer, priorityAreasLayer].map((d) => layerOf(d).catch(() => null)));
    if (city !== c) return;
    const b = c.config.buildings;
    const input = wifiInput({
      ring,
      city: { tileset: ports.absoluteUrl(b.url), idProperties: b.idProperties },
      accessPoints: aps,
      candidates: candidates.map((s) => ({ id: s.id, name: s.name, position: [s.lonDeg, s.latDeg], origin: 'candidate' })),
      place: candidates.length > 0 ? clamp(Math.round(p.place), 0, 50, 3) : 0,
      params: { thresholdDbm: p.thresholdDbm, wallLossDb: p.wallLossDb, cellM: p.cellM, receiverHeightM: p.receiverHeightM, ...(p.facades ? { facades: { spacingM: clamp(p.facadeSpacingM, 1, 20, 3) } } : {}) },
      ...(pop !== null ? { population: polygonsFc(pop, bbox) } : {}),
      ...(districts !== null ? { districts: polygonsFc(districts, bbox) } : {}),
      ...(qpv !== null ? { priorityAreas: polygonsFc(qpv, bbox) } : {}),
    });
    const r = await ports.simulate(input, (q) => show.progress(q));
    if (city !== c) return;
    if (!r.ok) {
      if (r.error.message === 'replaced by a newer run') return;
      test.running = false;
      test.error = r.error.message;
      show.running(false);
      return say(r.error.code === 'cancelled' ? { key: 'wifi.cancelled', level: 'info' } : { key: 'wifi.failed', params: { reason: r.error.message }, level: 'error' });
    }
    test.running = false;
    show.running(false);
    shown(r.value, aps.length, r.info.ms, r.info.parts, qpv !== null, c);
  }

  function shown(o: WifiCoverageOutput, apCount: number, ms: number, workers: number, qpvData: boolean, c: C): void {
    hasResult = true;
    test.runs++;
    picks = new Set(o.picks.map((p) => p.id));
    const sites = candidates;
    show.result({ output: o, apCount, ms, workers, qpvData, ramp: rssiRamp(-95), nameOf: (id) => sites.find((s) => s.id === id)?.name ?? id, askedToPlace: candidates.length > 0 && ports.params().place > 0, synthetic: c.config.synthetic === true });
    renderMarkers();
    const k = o.kpi;
    const fk = o.facades?.kpi ?? null;
    test.result = { coveredCells: k.coveredCells, cells: k.cells, areaShare: k.areaShare, residents: k.residents, coveredResidents: k.coveredResidents, picks: o.picks.length, rays: o.rays, aps: apCount, facades: fk === null ? null : { receivers: fk.receivers, areaM2: fk.areaM2, coveredAreaM2: fk.coveredAreaM2, buildings: fk.buildings, coveredBuildings: fk.coveredBuildings } };
  }

  return {
    /**
     * A city opens: the scenario's access points from the URL parameter (ids from H1), then the
     * open data loads. Returns the URL entries that were skipped, with why.
     */
    openCity(c: C, urlParam: string): WifiParamIssue[] {
      city = c;
      nextId = 1;
      const fromUrl = parseWifiParam(urlParam);
      scenario = fromUrl.aps.map((a) => ({ ...a, id: apName(nextId++), groundM: 0 }));
      renderList();
      renderCandidates();
      void loadOpenData(c);
      return fromUrl.issues;
    },
    /** The city closes: the run is cancelled, the result cleared and the city's sites forgotten. */
    closeCity(): void {
      ports.cancel();
      clearResult();
      area = null;
      candidates = [];
      openData = [];
      city = null;
    },
    /** Adds an access point where the planner clicked, with the form's radio parameters (clamped). */
    addScenarioAp(at: { lonDeg: number; latDeg: number; heightM: number }): void {
      const f = ports.form();
      const id = apName(nextId++);
      scenario = [...scenario, { id, lonDeg: at.lonDeg, latDeg: at.latDeg, heightM: clamp(f.heightM, 0, 300, 4), eirpDbm: clamp(f.eirpDbm, -10, 40, 20), band: f.band, azimuthDeg: f.pattern === 'sector' ? clamp(f.azimuthDeg, 0, 360, 0) : null, groundM: groundOf(at.heightM) }];
      scenarioChanged();
    },
    /** Adds a candidate site where the planner clicked (named C1, C2…). */
    addCandidate(at: { lonDeg: number; latDeg: number; heightM: number }): void {
      const id = `drawn:${nextId++}`;
      candidates = [...candidates, { id, name: id.replace('drawn:', 'C'), lonDeg: at.lonDeg, latDeg: at.latDeg, groundM: groundOf(at.heightM) }];
      renderCandidates();
    },
    removeScenarioAp(id: string): void {
      scenario = scenario.filter((a) => a.id !== id);
      scenarioChanged();
    },
    /** Adds the centres of the city's squares (demo ground layer) as candidates, once each. */
    async addSquareCandidates(): Promise<void> {
      try {
        const features = (await layerOf(demoSquaresLayer)) ?? [];
        const found: Site[] = [];
        for (const f of features) {
          if (f.geometry.type !== 'polygon') continue;
          const ring = f.geometry.polygons[0]?.[0] ?? [];
          if (ring.length === 0) continue;
          const lon = ring.reduce((s, p) => s + p[0]!, 0) / ring.length, lat = ring.reduce((s, p) => s + p[1]!, 0) / ring.length;
          if (!candidates.some((c) => c.id === `square:${f.id}`)) found.push({ id: `square:${f.id}`, name: f.name ?? `#${f.id}`, lonDeg: lon, latDeg: lat, groundM: 0 });
        }
        if (found.length === 0 && candidates.length === 0) say({ key: 'wifi.noSquares', level: 'info' });
        candidates = [...candidates, ...found];
        renderCandidates();
      } catch (e) {
        say({ key: 'wifi.failed', params: { reason: reasonOf(e) }, level: 'error' });
      }
    },
    clearCandidates(): void {
      candidates = [];
      picks = new Set();
      renderCandidates();
    },
    /** The study area drawn by the planner; returns its area, km². */
    setArea(ring: [number, number][]): number {
      area = ring;
      return ringAreaKm2(ring);
    },
    /** The open-data access points were included or left out: a shown result follows. */
    openDataToggled(): void {
      renderMarkers();
      if (hasResult && openData.length > 0) void run();
    },
    /** Runs the study (the default square when no area was drawn). */
    run,
    clearResult,
    setCapturing(on: boolean): void {
      test.capturing = on;
    },
    /** The markers to draw now. */
    markers,
    /** A copy of the state the end-to-end tests read. */
    snapshot(): WifiTestState {
      return { ...test, result: test.result === null ? null : { ...test.result, facades: test.result.facades === null ? null : { ...test.result.facades } } };
    },
  };
}

export type WifiController = ReturnType<typeof createWifiController>;
