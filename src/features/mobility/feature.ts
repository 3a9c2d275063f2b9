import '../../../assets/styles/mobility.css';
import type { ParkingSearchOutput } from './parking-contract.ts';
import { lazySimulationClient } from '../../simulations/client.ts';
import { browserWorker, createWorkerPool } from '../../simulations/pool.ts';
import { findSimulation } from '../../app/simulations.ts';
import { parkingInput, packFiles, walkInput } from './inputs.ts';
import type { SimProgress } from '../../core/simulation/types.ts';
import { isochroneGeoJson, type WalkIsochronesOutput } from './walk-contract.ts';
import { pickPlace } from '../../scene/consult-pins.ts';
import { addPoints, addSegments, viewBox, type MapPoint } from './view.ts';
import { addRaster, type RasterHandle } from '../../scene/sim-raster.ts';
import { formatNumber, t, type MessageKey } from '../../ui/i18n/index.ts';
import { createMethodCardPanel } from '../../ui/method-card.ts';
import { createMobilityPanel, type Availability, type ParkParams, type WalkParams } from './panel.ts';
import { downloadText } from '../../ui/download.ts';
import type { AppContext, OpenCity } from '../../app/context.ts';

/**
 * The mobility feature: walking isochrones from a clicked point or from every amenity of a type,
 * with the 15-minute indicators and the Trambus scenario; the parking-search day with its
 * scenario (closures, capacities, prices, park-and-ride). Data are the open city's pack files;
 * the work runs in a simulation worker; results are drawn as coloured streets, an area raster
 * and labelled points.
 */

const WALK_ICON = ['M13 4a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z', 'M10 21l2-6 2 2v4', 'M9 11l3-3 3 3 2 1', 'M12 8l-1 7-3 2'];

/** Band colours, fastest first (ColorBrewer RdYlGn, reversed). */
export const BAND_COLORS: readonly [number, number, number][] = [[26, 152, 80], [145, 207, 96], [254, 224, 139], [252, 141, 89], [215, 48, 39], [127, 0, 0]];

/** Amenity types and the pack layer each comes from. */
const AMENITY_LAYERS: { id: string; layer: string; label: MessageKey }[] = [
  { id: 'metro-stations', layer: 'metro-stations', label: 'mobility.type.metro-stations' },
  { id: 'bike-share', layer: 'bike-share', label: 'mobility.type.bike-share' },
  { id: 'park-and-ride', layer: 'trambus-park-and-ride', label: 'mobility.type.park-and-ride' },
  { id: 'trambus-stops', layer: 'trambus-stops', label: 'mobility.type.trambus-stops' },
  { id: 'parks', layer: 'demo-squares', label: 'mobility.type.parks' },
];

/** What the end-to-end tests read. */
export interface MobilityTestState {
  running: boolean;
  error: string | null;
  picking: boolean;
  walk: { edges: number; areaCells: number; origins: number; kpis: { type: string; share: number; qpvShare: number }[]; scenarioDelta: number | null } | null;
  park: { rmse: number | null; visitors: number; baselineCruiseS: number; scenarioCruiseS: number | null; scenarioWalkM: number | null; baselineWalkM: number; parks: number } | null;
}

declare global {
  interface Window {
    __jumeauMobility?: { state(): MobilityTestState };
  }
}

const hex = (c: readonly [number, number, number]) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

export function install(ctx: AppContext): () => void {
  const sims = lazySimulationClient(() => createWorkerPool({ size: 1, create: browserWorker }));
  const engine = () => sims.get();
  let city: OpenCity | null = null;
  let files: Record<string, string> = {};
  let point: [number, number] | null = null;
  let endCapture: (() => void) | null = null;
  let onKey: ((e: KeyboardEvent) => void) | null = null;
  const drawn: (() => void)[] = [];
  let raster: RasterHandle | null = null;
  let lastPark: ParkingSearchOutput | null = null;
  let lastWalk: WalkIsochronesOutput | null = null;
  const test: MobilityTestState = { running: false, error: null, picking: false, walk: null, park: null };
  window.__jumeauMobility = { state: () => JSON.parse(JSON.stringify(test)) as MobilityTestState };

  const methodPanel = createMethodCardPanel(() => ctx.setPanelOpen('mobility-method', false), 'panel-mobility-method');
  const panel = createMobilityPanel({
    onClose: () => ctx.setPanelOpen('mobility', false),
    onPick: () => startPick(),
    onRunWalk: (p) => void runWalk(p),
    onRunPark: (p) => void runPark(p),
    onCancel: () => {
      sims.cancel('walk-isochrones');
      sims.cancel('parking-search');
    },
    onClear: () => clearAll(),
    onExportWalk: () => {
      if (lastWalk === null) return;
      downloadText('isochrones.geojson', JSON.stringify(isochroneGeoJson(lastWalk)), 'application/geo+json');
    },
    onMethod: (id) => {
      const def = findSimulation(id)!;
      methodPanel.show(def.card, def.version);
      ctx.setPanelOpen('mobility-method', true);
    },
  });
  const removePanel = ctx.addPanel('mobility', panel, 'right', { label: 'mobility.toolbar', icon: WALK_ICON });
  const removeMethod = ctx.addPanel('mobility-method', methodPanel, 'right');

  const stageText = (stage: string) => (['isochrone', 'area', 'accessibility', 'day'].includes(stage) ? t(`mobility.stage.${stage}` as MessageKey) : stage === 'queued' ? t('mobility.running') : stage);
  const onProgress = (p: SimProgress) => panel.setProgress(stageText(p.stage), p.total > 0 ? p.done / p.total : 0);

  function availability(): Availability {
    return {
      streets: files['osm-streets'] !== undefined,
      population: files['population-grid'] !== undefined,
      types: AMENITY_LAYERS.filter((a) => files[a.layer] !== undefined).map((a) => ({ id: a.id, label: t(a.label) })),
      scenario: files['trambus-stops'] !== undefined && files['metro-stations'] !== undefined,
      parks: files.parking !== undefined,
      parkAndRide: files['trambus-park-and-ride'] !== undefined,
    };
  }

  function clearDrawings(): void {
    while (drawn.length > 0) drawn.pop()!();
    raster?.dispose();
    raster = null;
  }

  function clearAll(): void {
    clearDrawings();
    test.walk = null;
    test.park = null;
    lastWalk = null;
    panel.setWalkResult(null);
    panel.setParkResult(null);
    panel.setMessage(null);
  }

  function stopPick(): void {
    endCapture?.();
    endCapture = null;
    if (onKey !== null) window.removeEventListener('keydown', onKey);
    onKey = null;
    test.picking = false;
    panel.setHint(null);
  }

  function startPick(): void {
    if (ctx.viewer === null || ctx.picking === null) return;
    stopPick();
    test.picking = true;
    panel.setHint(t('mobility.walk.picking'));
    const scene = ctx.viewer.scene;
    endCapture = ctx.picking.capture((x, y) => {
      const p = pickPlace(scene, x, y);
      stopPick();
      if (p === null) return;
      point = [p.lonDeg, p.latDeg];
      panel.setPoint(t('mobility.walk.point', { lon: p.lonDeg.toFixed(5), lat: p.latDeg.toFixed(5) }));
    });
    onKey = (e) => {
      if (e.key === 'Escape') stopPick();
    };
    window.addEventListener('keydown', onKey);
  }

  function begin(): void {
    panel.setMessage(null);
    test.running = true;
    test.error = null;
    panel.setRunning(true);
    panel.setProgress(t('mobility.running'), 0);
  }

  function end(error: string | null, cancelled: boolean): void {
    test.running = false;
    test.error = error;
    panel.setRunning(false);
    if (cancelled) panel.setMessage(t('mobility.cancelled'));
    else if (error !== null) panel.setMessage(t('mobility.failed', { reason: error }), 'error');
  }

  async function runWalk(p: WalkParams): Promise<void> {
    if (files['osm-streets'] === undefined) return panel.setMessage(t('mobility.walk.noStreets'), 'error');
    if (p.origin === 'point' && point === null) return panel.setMessage(t('mobility.walk.noPoint'), 'error');
    const input = {
      ...walkInput(files, { origin: p.origin === 'point' ? { point: point! } : { amenity: p.origin }, amenities: AMENITY_LAYERS.map((a) => a.id).filter((id) => id !== 'trambus-stops' || p.origin === 'trambus-stops'), withTrambus: p.scenario }),
      speedMps: p.speedMps,
      bandsMin: p.bandsMin,
    };
    begin();
    const r = await engine().run<WalkIsochronesOutput>('walk-isochrones', input, { onProgress });
    if (!r.ok) return end(r.error.message, r.error.code === 'cancelled');
    end(null, false);
    showWalk(r.value, p);
  }

  function showWalk(o: WalkIsochronesOutput, p: WalkParams): void {
    clearDrawings();
    lastWalk = o;
    const bandsMin = o.bandsS.map((s) => s / 60);
    if (ctx.viewer !== null) {
      const scene = ctx.viewer.scene;
      const n = o.edgeBand.length;
      const rgba = new Uint8Array(n * 4);
      for (let k = 0; k < n; k++) rgba.set([...BAND_COLORS[Math.min(o.edgeBand[k]!, BAND_COLORS.length - 1)]!, 255], 4 * k);
      drawn.push(addSegments(scene, o.edgeCoords, rgba));
      const g = o.area.grid;
      const ground = new Uint8ClampedArray(g.cols * g.rows * 4);
      for (let i = 0; i < o.area.band.length; i++) {
        const b = o.area.band[i]!;
        if (b !== 255) ground.set([...BAND_COLORS[Math.min(b, BAND_COLORS.length - 1)]!, 150], 4 * i);
      }
      raster = addRaster(scene, { frame: o.area.frame, grid: g, ground, roofs: { cells: new Uint32Array(0), heightM: new Float32Array(0), rgba: new Uint8Array(0) }, groundAlpha: 0.6 });
      const pts: MapPoint[] = p.origin === 'point' && point !== null ? [{ lonDeg: point[0], latDeg: point[1], rgba: [255, 255, 255, 255], sizePx: 12 }] : [];
      drawn.push(addPoints(scene, pts));
      // Frame what was reached.
      let w = Infinity, s = Infinity, e = -Infinity, nn = -Infinity;
      for (let i = 0; i < o.edgeCoords.length; i += 2) {
        w = Math.min(w, o.edgeCoords[i]!);
        e = Math.max(e, o.edgeCoords[i]!);
        s = Math.min(s, o.edgeCoords[i + 1]!);
        nn = Math.max(nn, o.edgeCoords[i + 1]!);
      }
      if (Number.isFinite(w)) viewBox(scene, w, s, e, nn, ctx.stable);
    }
    const label = (type: string) => (AMENITY_LAYERS.some((a) => a.id === type) || type === 'metro-and-trambus' ? t(`mobility.type.${type}` as MessageKey) : type);
    const kpiMin = 15;
    const lines = [
      t('mobility.walk.summary', { origins: o.origins.snapped, missed: o.origins.unsnapped, nodes: formatNumber(o.graph.nodes, 0), edges: formatNumber(o.graph.edges, 0) }),
      ...bandsMin.map((m, i) => t('mobility.walk.length', { min: formatNumber(m, 0), km: formatNumber(o.bandLengthM.slice(0, i + 1).reduce((a, b) => a + b, 0) / 1000, 1) })),
    ];
    const first = o.kpis[0];
    const sc = o.scenario;
    panel.setWalkResult({
      legend: bandsMin.map((m, i) => ({ color: hex(BAND_COLORS[Math.min(i, BAND_COLORS.length - 1)]!), label: t('mobility.walk.band', { min: formatNumber(m, 0) }) })),
      lines,
      kpiTitle: t('mobility.walk.kpiTitle', { min: kpiMin }),
      kpis: o.kpis.map((k) => ({ label: label(k.type), all: k.share, qpv: k.qpvShare, elsewhere: k.elsewhereShare })),
      kpiNote: first !== undefined ? t('mobility.walk.kpiResidents', { residents: formatNumber(first.residents, 0) }) : files['population-grid'] === undefined ? t('mobility.walk.noPopulation') : null,
      scenario: sc === null ? null : t('mobility.walk.scenarioLine', { before: formatNumber(100 * sc.before.share, 1), after: formatNumber(100 * sc.after.share, 1), delta: formatNumber(100 * (sc.after.share - sc.before.share), 1), qBefore: formatNumber(100 * sc.before.qpvShare, 1), qAfter: formatNumber(100 * sc.after.qpvShare, 1) }),
      districts: (o.kpis.find((k) => k.type === p.origin) ?? first)?.districts.filter((d) => d.residents > 0).sort((a, b) => a.share - b.share) ?? [],
    });
    test.walk = {
      edges: o.edgeBand.length,
      areaCells: o.area.band.reduce((s, b) => s + (b !== 255 ? 1 : 0), 0),
      origins: o.origins.snapped,
      kpis: o.kpis.map((k) => ({ type: k.type, share: k.share, qpvShare: k.qpvShare })),
      scenarioDelta: sc === null ? null : sc.after.share - sc.before.share,
    };
  }

  async function runPark(p: ParkParams): Promise<void> {
    if (files.parking === undefined) return panel.setMessage(t('mobility.park.noParks'), 'error');
    const closed = p.edits.filter((e) => !e.open).map((e) => e.id);
    const capacity: Record<string, number> = {}, price: Record<string, number> = {};
    for (const e of p.edits) {
      const base = lastPark?.parks.find((x) => x.id === e.id);
      if (base !== undefined && Number.isFinite(e.capacity) && e.capacity !== base.capacity) capacity[e.id] = Math.max(0, Math.round(e.capacity));
      if (base !== undefined && Number.isFinite(e.priceEurH) && e.priceEurH !== base.priceEurH) price[e.id] = Math.max(0, e.priceEurH);
    }
    const edited = closed.length > 0 || Object.keys(capacity).length > 0 || Object.keys(price).length > 0 || p.parkAndRide;
    const input = parkingInput(files, { seed: Number.isInteger(p.seed) && p.seed >= 0 ? p.seed : 1, scenario: edited ? { closed, capacity, price, parkAndRide: p.parkAndRide, added: [] } : null });
    begin();
    const r = await engine().run<ParkingSearchOutput>('parking-search', input, { onProgress });
    if (!r.ok) return end(r.error.message, r.error.code === 'cancelled');
    end(null, false);
    showPark(r.value, r.info.ms);
  }

  function showPark(o: ParkingSearchOutput, ms: number): void {
    const keepEdits = lastPark !== null;
    lastPark = o;
    if (!keepEdits) panel.setParks(o.parks);
    clearDrawings();
    const n = o.parks.length;
    const samples = 1440 / o.sampleMin;
    const curve = (occ: Float32Array, k: number, cap: number) => Array.from({ length: samples }, (_, i) => (cap > 0 ? occ[i * n + k]! / cap : 0));
    const peak = (occ: Float32Array, k: number, cap: number) => Math.max(0, ...curve(occ, k, cap));
    if (ctx.viewer !== null) {
      const pts = o.parks
        .map((p, k): MapPoint | null => {
          const cap = o.scenario !== null ? p.scenarioCapacity : p.capacity;
          if (p.kind !== 'existing' && (o.scenario === null || p.closed)) return null;
          const occ = peak((o.scenario ?? o.baseline).occupancy, k, cap);
          const before = peak(o.baseline.occupancy, k, p.capacity);
          const color: [number, number, number, number] = p.closed ? [120, 120, 120, 255] : occ >= 0.95 ? [215, 48, 39, 255] : occ >= 0.8 ? [252, 141, 89, 255] : [26, 152, 80, 255];
          const text = o.scenario !== null ? `${p.name} ${formatNumber(100 * before, 0)} % → ${p.closed ? '×' : `${formatNumber(100 * occ, 0)} %`}` : `${p.name} ${formatNumber(100 * before, 0)} %`;
          return { lonDeg: p.lon, latDeg: p.lat, rgba: color, sizePx: 8 + Math.min(10, Math.sqrt(Math.max(cap, p.capacity)) / 4), label: text };
        })
        .filter((x): x is MapPoint => x !== null);
      drawn.push(addPoints(ctx.viewer.scene, pts));
    }
    const f0 = (v: number) => formatNumber(v, 0);
    const b = o.baseline, s = o.scenario;
    const row = (key: MessageKey, get: (x: typeof b) => number): [string, string, string | null] => [t(key), f0(get(b)), s === null ? null : f0(get(s))];
    const cal = o.calibration;
    const hours = Array.from({ length: samples }, (_, i) => ((i + 1) * o.sampleMin) / 60);
    const changed = s === null ? 0 : o.parks.findIndex((p) => p.closed || p.scenarioCapacity !== p.capacity || p.scenarioPriceEurH !== p.priceEurH);
    // Where the drivers go: change of mean occupied spaces over the day, largest first.
    const shifts = s === null ? [] : o.parks
      .map((p, k) => {
        let d = 0;
        for (let i = 0; i < samples; i++) d += s.occupancy[i * n + k]! - b.occupancy[i * n + k]!;
        return { name: p.name, d: d / samples };
      })
      .filter((x) => Math.abs(x.d) >= 1)
      .sort((x, y) => Math.abs(y.d) - Math.abs(x.d))
      .slice(0, 6);
    panel.setParkResult({
      shifts: shifts.length > 0 ? t('mobility.park.shifts', { list: shifts.map((x) => `${x.name} ${x.d > 0 ? '+' : '−'}${f0(Math.abs(x.d))}`).join(', ') }) : null,
      fit: cal !== null ? t('mobility.park.fit', { date: cal.date ?? '?', rmse: formatNumber(cal.rmse, 1), n: cal.observations.length, before: formatNumber(cal.rmseBefore, 1) }) : t('mobility.park.noFit'),
      rows: [
        row('mobility.park.row.visitors', (x) => x.visitors),
        row('mobility.park.row.parks', (x) => x.parkedInParks),
        row('mobility.park.row.street', (x) => x.parkedOnStreet),
        row('mobility.park.row.gaveUp', (x) => x.gaveUp),
        row('mobility.park.row.cruised', (x) => x.cruisedDrivers),
        row('mobility.park.row.cruise', (x) => x.meanCruiseS),
        row('mobility.park.row.walk', (x) => x.meanWalkM),
        row('mobility.park.row.km', (x) => x.extraKm),
        row('mobility.park.row.co2', (x) => x.co2Kg),
      ],
      hours,
      series: o.parks
        .map((p, k) => ({
          name: p.name,
          baseline: curve(o.baseline.occupancy, k, p.capacity),
          scenario: s === null ? null : curve(s.occupancy, k, p.scenarioCapacity),
          recorded: (cal?.observations ?? []).filter((x) => x.park === k).map((x) => ({ hour: x.minute / 60, value: x.occupancy })),
          show: p.kind === 'existing' || (s !== null && !p.closed),
        }))
        .filter((x) => x.show),
      selected: Math.max(0, changed),
      note: t('mobility.park.synthetic'),
      perf: t('mobility.park.steps', { steps: formatNumber(o.agentSteps, 0), seconds: formatNumber(ms / 1000, 1) }),
    });
    test.park = {
      rmse: cal?.rmse ?? null,
      visitors: b.visitors,
      baselineCruiseS: b.meanCruiseS,
      scenarioCruiseS: s?.meanCruiseS ?? null,
      baselineWalkM: b.meanWalkM,
      scenarioWalkM: s?.meanWalkM ?? null,
      parks: n,
    };
  }

  const offCity = ctx.onCity((c) => {
    city = c;
    files = packFiles(c.config.packUrl, c.config.packLayers, location.href);
    panel.setAvailability(availability());
    return () => {
      sims.cancel('walk-isochrones');
      sims.cancel('parking-search');
      stopPick();
      clearAll();
      lastPark = null;
      point = null;
      panel.setPoint(null);
      files = {};
      city = null;
    };
  });
  const offLang = ctx.onLangChange(() => {
    if (city !== null) panel.setAvailability(availability());
  });

  return () => {
    offCity();
    offLang();
    stopPick();
    clearDrawings();
    panel.dispose();
    removePanel();
    removeMethod();
    sims.dispose();
    delete window.__jumeauMobility;
  };
}
