import '../../../assets/styles/wifi.css';
import { metresPerDegree } from '../../core/geodesy.ts';
import { demoSquaresLayer } from '../../layers/demo-ground.ts';
import { districtsLayer } from '../../layers/districts.ts';
import { populationGridLayer } from '../../layers/population-grid.ts';
import { priorityAreasLayer } from '../../layers/priority-areas.ts';
import type { LayerDefinition, LayerFeature } from '../../layers/types.ts';
import { wifiLayer } from '../../layers/wifi.ts';
import { addWifiMarkers, type WifiMarker, type WifiMarkersHandle } from './view.ts';
import { pickPlace } from '../../scene/consult-pins.ts';
import { startPolygonDraw, type DrawHandle } from '../../scene/draw.ts';
import { addFacadeQuads, addRaster, type RasterHandle } from '../../scene/sim-raster.ts';
import { lazySimulationClient } from '../../simulations/client.ts';
import { cellColors, rssiRamp } from '../../core/simulation/display.ts';
import { findSimulation } from '../../app/simulations.ts';
import type { SimProgress } from '../../core/simulation/types.ts';
import type { WifiCoverageOutput } from './contract.ts';
import type { WifiKpis } from './figures.ts';
import { createLayerData } from '../../sources/layer-data.ts';
import { openDataAp, openWifiSites, polygonsFc, ringBbox, wifiInput, type AccessPointInput } from './inputs.ts';
import { parseWifiParam, serializeWifiParam, type ScenarioAp } from './scenario.ts';
import { formatNumber, t } from '../../ui/i18n/index.ts';
import { createMethodCardPanel } from '../../ui/method-card.ts';
import { createWifiPanel } from './panel.ts';
import type { AppContext, OpenCity } from '../../app/context.ts';

/**
 * The wifi coverage feature: access points from the wifi layer's open data and those a planner
 * places in the scenario (kept in the URL, `wifiap=`), candidate sites (squares of the city's
 * data, or clicked), the `wifi-coverage` simulation on the worker pool, its raster and markers
 * in the scene, key figures per district and in priority areas, and the proposed hotspots.
 * Adding or removing an access point after a run runs it again, so the figures follow the
 * scenario.
 */

const WIFI_ICON = ['M2 8.5a15 15 0 0 1 20 0', 'M5 12a10 10 0 0 1 14 0', 'M8.5 15.5a5 5 0 0 1 7 0', 'M12 19h.01'];
const DEFAULT_SIDE_M = 1000;
const URL_KEY = 'wifiap';
/** Colour of the cells the proposed hotspots would newly cover (≥ threshold). */
const PLANNED_COLOR = [231, 41, 138] as const;

interface Site {
  id: string;
  name: string;
  lonDeg: number;
  latDeg: number;
  groundM: number;
}

/** What the end-to-end tests read. */
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

declare global {
  interface Window {
    __jumeauWifi?: { state(): WifiTestState };
  }
}

function squareAround(lonDeg: number, latDeg: number, sideM: number): [number, number][] {
  const m = metresPerDegree(latDeg);
  const dx = sideM / 2 / m.lonM, dy = sideM / 2 / m.latM;
  return [[lonDeg - dx, latDeg - dy], [lonDeg + dx, latDeg - dy], [lonDeg + dx, latDeg + dy], [lonDeg - dx, latDeg + dy]];
}

function ringAreaKm2(ring: readonly [number, number][]): number {
  const lat = ring.reduce((s, p) => s + p[1], 0) / ring.length;
  const m = metresPerDegree(lat);
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j]![0] * m.lonM * ring[i]![1] * m.latM - ring[i]![0] * m.lonM * ring[j]![1] * m.latM;
  return Math.abs(a / 2) / 1e6;
}

const pct = (v: number) => formatNumber(100 * v, 1);

export function install(ctx: AppContext): () => void {
  const sims = lazySimulationClient(() => ctx.simulationPool(), { owned: false });
  const engine = () => sims.get();
  let city: OpenCity | null = null;
  let area: [number, number][] | null = null;
  let scenario: (ScenarioAp & { id: string; groundM: number })[] = [];
  let nextId = 1;
  let openData: Site[] = [];
  let candidates: Site[] = [];
  let raster: RasterHandle | null = null;
  let facadeQuads: (() => void) | null = null;
  let markers: WifiMarkersHandle | null = null;
  let picks: Set<string> = new Set();
  let draw: DrawHandle | null = null;
  let resumePicking: (() => void) | null = null;
  let endCapture: (() => void) | null = null;
  let hasResult = false;
  const layerData = createLayerData(() => ctx.state.offline === true);
  const test: WifiTestState = { running: false, capturing: false, error: null, scenarioAps: 0, openDataAps: 0, candidates: 0, runs: 0, result: null };
  window.__jumeauWifi = { state: () => ({ ...test, result: test.result === null ? null : { ...test.result, facades: test.result.facades === null ? null : { ...test.result.facades } } }) };

  const methodPanel = createMethodCardPanel(() => ctx.setPanelOpen('wifi-method', false), 'panel-wifi-method');
  const panel = createWifiPanel({
    onClose: () => ctx.setPanelOpen('wifi', false),
    onDrawArea: () => startDraw(),
    onAdd: (kind) => startCapture(kind),
    onRemove: (id) => {
      scenario = scenario.filter((a) => a.id !== id);
      scenarioChanged();
    },
    onSquares: () => void candidatesFromSquares(),
    onClearCandidates: () => {
      candidates = [];
      picks = new Set();
      renderCandidates();
    },
    onRun: () => void run(),
    onCancel: () => sims.cancel('wifi-coverage'),
    onClear: () => clearResult(),
    onMethod: () => {
      const def = findSimulation('wifi-coverage')!;
      methodPanel.show(def.card, def.version);
      ctx.setPanelOpen('wifi-method', true);
    },
    onOpenDataToggle: () => {
      renderMarkers();
      if (hasResult && openData.length > 0) void run();
    },
  });
  const removePanel = ctx.addPanel('wifi', panel, 'right', { label: 'wifi.toolbar', icon: WIFI_ICON });
  const removeMethod = ctx.addPanel('wifi-method', methodPanel, 'right');

  const say = (text: string | null, level: 'info' | 'error' = 'info') => panel.setMessage(text, level);

  // ---- Layer data (open-data hotspots, population, districts, QPV, squares) -----------------
  function layerFeatures(def: LayerDefinition): Promise<LayerFeature[] | null> {
    return city === null ? Promise.resolve(null) : layerData.features(city, def);
  }

  async function loadOpenData(c: OpenCity): Promise<void> {
    panel.setOpenData(t('wifi.openDataLoading'));
    try {
      const features = await layerFeatures(wifiLayer);
      if (city !== c) return;
      openData = openWifiSites(features ?? [], c.config.bbox).map((x) => ({ ...x, groundM: 0 }));
      panel.setOpenData(openData.length > 0 ? t('wifi.openData', { n: openData.length, source: layerData.sourceOf('wifi') }) : t('wifi.openDataNone'));
    } catch (e) {
      if (city !== c) return;
      openData = [];
      panel.setOpenData(t('wifi.openDataFailed', { reason: e instanceof Error ? e.message : String(e) }));
    }
    test.openDataAps = openData.length;
    renderMarkers();
  }

  async function candidatesFromSquares(): Promise<void> {
    try {
      const features = (await layerFeatures(demoSquaresLayer)) ?? [];
      const found: Site[] = [];
      for (const f of features) {
        if (f.geometry.type !== 'polygon') continue;
        const ring = f.geometry.polygons[0]?.[0] ?? [];
        if (ring.length === 0) continue;
        const lon = ring.reduce((s, p) => s + p[0]!, 0) / ring.length, lat = ring.reduce((s, p) => s + p[1]!, 0) / ring.length;
        if (!candidates.some((c) => c.id === `square:${f.id}`)) found.push({ id: `square:${f.id}`, name: f.name ?? `#${f.id}`, lonDeg: lon, latDeg: lat, groundM: 0 });
      }
      if (found.length === 0 && candidates.length === 0) say(t('wifi.noSquares'));
      candidates = [...candidates, ...found];
      renderCandidates();
    } catch (e) {
      say(t('wifi.failed', { reason: e instanceof Error ? e.message : String(e) }), 'error');
    }
  }

  // ---- Scenario access points, candidates, markers ----------------------------------------
  const apName = (k: number) => `H${k}`;
  function renderList(): void {
    panel.setHotspots(
      scenario.map((a) => ({
        id: a.id,
        name: a.id,
        label: t('wifi.item', { name: a.id, eirp: formatNumber(a.eirpDbm, 0), band: a.band === '5' ? '5' : '2,4', pattern: a.azimuthDeg === null ? t('wifi.omni') : `${t('wifi.sector')} ${formatNumber(a.azimuthDeg, 0)}°`, height: formatNumber(a.heightM, 1) }),
      })),
    );
    test.scenarioAps = scenario.length;
  }
  function renderCandidates(): void {
    panel.setCandidates(t('wifi.candidates', { n: candidates.length }));
    test.candidates = candidates.length;
    renderMarkers();
  }
  function renderMarkers(): void {
    if (markers === null) return;
    const list: WifiMarker[] = [
      ...(panel.params().useOpenData ? openData.map((s) => ({ id: s.id, kind: 'open-data' as const, lonDeg: s.lonDeg, latDeg: s.latDeg, heightM: s.groundM + 4 })) : []),
      ...scenario.map((a) => ({ id: a.id, kind: 'scenario' as const, lonDeg: a.lonDeg, latDeg: a.latDeg, heightM: a.groundM + a.heightM, label: a.id })),
      ...candidates.map((c) => ({ id: c.id, kind: picks.has(c.id) ? ('pick' as const) : ('candidate' as const), lonDeg: c.lonDeg, latDeg: c.latDeg, heightM: c.groundM + 4, ...(picks.has(c.id) ? { label: `+ ${c.name}` } : {}) })),
    ];
    markers.set(list);
  }
  function scenarioChanged(): void {
    ctx.state.extra[URL_KEY] = serializeWifiParam(scenario);
    if (scenario.length === 0) delete ctx.state.extra[URL_KEY];
    ctx.syncUrl();
    renderList();
    renderMarkers();
    // A shown result follows the scenario.
    if (hasResult) void run();
  }

  function stopCapture(): void {
    endCapture?.();
    endCapture = null;
    test.capturing = false;
    panel.setHint(null);
    document.removeEventListener('keydown', onEscape, true);
  }
  function onEscape(e: KeyboardEvent): void {
    if (e.key === 'Escape') stopCapture();
  }
  function startCapture(kind: 'scenario' | 'candidate'): void {
    const v = ctx.viewer;
    if (v === null || ctx.picking === null) return;
    stopDraw();
    stopCapture();
    test.capturing = true;
    panel.setHint(t(kind === 'scenario' ? 'wifi.addHint' : 'wifi.addCandidateHint'));
    document.addEventListener('keydown', onEscape, true);
    endCapture = ctx.picking.capture((x, y) => {
      const p = pickPlace(v.scene, x, y);
      stopCapture();
      if (p === null) return;
      const groundM = Number.isFinite(p.heightM) ? Math.max(0, p.heightM) : 0;
      if (kind === 'scenario') {
        const f = panel.form();
        const id = apName(nextId++);
        scenario = [...scenario, { id, lonDeg: p.lonDeg, latDeg: p.latDeg, heightM: clamp(f.heightM, 0, 300, 4), eirpDbm: clamp(f.eirpDbm, -10, 40, 20), band: f.band, azimuthDeg: f.pattern === 'sector' ? clamp(f.azimuthDeg, 0, 360, 0) : null, groundM }];
        scenarioChanged();
      } else {
        const id = `drawn:${nextId++}`;
        candidates = [...candidates, { id, name: id.replace('drawn:', 'C'), lonDeg: p.lonDeg, latDeg: p.latDeg, groundM }];
        renderCandidates();
      }
    });
  }
  const clamp = (v: number, lo: number, hi: number, dflt: number) => (Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : dflt);

  function stopDraw(): void {
    draw?.dispose();
    draw = null;
    resumePicking?.();
    resumePicking = null;
    panel.setHint(null);
  }
  function startDraw(): void {
    if (ctx.viewer === null) return;
    stopCapture();
    stopDraw();
    resumePicking = ctx.picking?.suspend() ?? null;
    panel.setHint(t('wifi.drawing'));
    const viewEl = ctx.viewer.scene.canvas.closest('.view') as HTMLElement | null;
    viewEl?.focus();
    draw = startPolygonDraw(ctx.viewer.scene, {
      keyTarget: viewEl ?? document.body,
      onChange: () => undefined,
      onFinish: (ring) => {
        draw = null;
        stopDraw();
        area = ring;
        panel.setArea(t('wifi.areaInfo', { km2: formatNumber(ringAreaKm2(ring), 3) }));
      },
      onCancel: () => {
        draw = null;
        stopDraw();
      },
    });
  }

  // ---- Running and showing ------------------------------------------------------------------
  function clearResult(): void {
    raster?.dispose();
    raster = null;
    facadeQuads?.();
    facadeQuads = null;
    hasResult = false;
    picks = new Set();
    test.result = null;
    panel.setResult(null);
    renderMarkers();
  }

  function studyRing(c: OpenCity): [number, number][] {
    if (area !== null) return area;
    const [w, s, e, n] = c.config.bbox;
    return squareAround((w + e) / 2, (s + n) / 2, DEFAULT_SIDE_M);
  }

  async function run(): Promise<void> {
    const c = city;
    if (c === null || c.config.buildings === undefined) return say(t('wifi.noCity'), 'error');
    const p = panel.params();
    const ring = studyRing(c);
    const aps: AccessPointInput[] = [
      ...(p.useOpenData ? openData.map(openDataAp) : []),
      ...scenario.map((a): AccessPointInput => ({ id: a.id, position: [a.lonDeg, a.latDeg], heightM: a.heightM, eirpDbm: a.eirpDbm, band: a.band, pattern: a.azimuthDeg === null ? { kind: 'omni' } : { kind: 'sector', azimuthDeg: a.azimuthDeg }, origin: 'scenario' })),
    ];
    if (aps.length === 0 && candidates.length === 0) return say(t('wifi.needAp'), 'error');
    say(null);
    test.running = true;
    test.error = null;
    panel.setRunning(true);
    const bbox = ringBbox(ring);
    const [pop = null, districts = null, qpv = null] = await Promise.all([populationGridLayer, districtsLayer, priorityAreasLayer].map((d) => layerFeatures(d).catch(() => null)));
    if (city !== c) return;
    const b = c.config.buildings;
    const input = wifiInput({
      ring,
      city: { tileset: new URL(b.url, location.href).href, idProperties: b.idProperties },
      accessPoints: aps,
      candidates: candidates.map((s) => ({ id: s.id, name: s.name, position: [s.lonDeg, s.latDeg], origin: 'candidate' })),
      place: candidates.length > 0 ? clamp(Math.round(p.place), 0, 50, 3) : 0,
      params: { thresholdDbm: p.thresholdDbm, wallLossDb: p.wallLossDb, cellM: p.cellM, receiverHeightM: p.receiverHeightM, ...(p.facades ? { facades: { spacingM: clamp(p.facadeSpacingM, 1, 20, 3) } } : {}) },
      ...(pop !== null ? { population: polygonsFc(pop, bbox) } : {}),
      ...(districts !== null ? { districts: polygonsFc(districts, bbox) } : {}),
      ...(qpv !== null ? { priorityAreas: polygonsFc(qpv, bbox) } : {}),
    });
    const onProgress = (q: SimProgress) => {
      const f = q.total > 0 ? q.done / q.total : 0;
      const text = q.stage === 'rays' ? t('wifi.stage', { percent: Math.round(100 * f) }) : q.stage === 'facades' ? t('wifi.stageFacades', { percent: Math.round(100 * f) }) : t('wifi.stageCity');
      panel.setProgress(text, f);
    };
    const r = await engine().run<WifiCoverageOutput>('wifi-coverage', input, { onProgress });
    if (city !== c) return;
    if (!r.ok) {
      if (r.error.message === 'replaced by a newer run') return;
      test.running = false;
      test.error = r.error.message;
      panel.setRunning(false);
      return say(r.error.code === 'cancelled' ? t('wifi.cancelled') : t('wifi.failed', { reason: r.error.message }), r.error.code === 'cancelled' ? 'info' : 'error');
    }
    test.running = false;
    panel.setRunning(false);
    show(r.value, aps.length, r.info.ms, r.info.parts, qpv !== null);
  }

  function kpiLines(k: WifiKpis, qpvData: boolean): string[] {
    const lines = [t('wifi.kpiArea', { share: pct(k.areaShare), area: formatNumber(k.cells * k.cellAreaM2, 0) })];
    lines.push(k.hasPopulation ? t('wifi.kpiResidents', { covered: formatNumber(k.coveredResidents, 0), total: formatNumber(k.residents, 0), share: pct(k.residentsShare) }) : t('wifi.kpiNoPopulation'));
    if (k.priority !== null && k.priority.inside.cells > 0) {
      const share = (x: { residents: number; coveredResidents: number; cells: number; coveredCells: number }) => (k.hasPopulation && x.residents > 0 ? x.coveredResidents / x.residents : x.cells > 0 ? x.coveredCells / x.cells : 0);
      lines.push(t('wifi.kpiQpv', { inside: pct(share(k.priority.inside)), outside: pct(share(k.priority.outside)) }));
    } else if (qpvData) lines.push(t('wifi.kpiNoQpv'));
    return lines;
  }

  function show(o: WifiCoverageOutput, apCount: number, ms: number, workers: number, qpvData: boolean): void {
    raster?.dispose();
    raster = null;
    facadeQuads?.();
    facadeQuads = null;
    const ramp = rssiRamp(-95);
    if (ctx.viewer !== null) {
      // Street cells as quads just above the ground (over the street and square layers, which
      // would hide a draped image), with signal; cells without signal stay clear.
      const colors = cellColors(o.rssiDbm, ramp, (i) => o.surface[i] === 1, 255);
      // Cells the proposed hotspots would newly cover are drawn in their own colour.
      if (o.plannedCovered !== null) for (let i = 0; i < o.plannedCovered.length; i++) if (o.plannedCovered[i] === 1) colors.set([...PLANNED_COLOR, 255], 4 * i);
      const cells: number[] = [];
      for (let i = 0; i < o.rssiDbm.length; i++) if (colors[4 * i + 3] !== 0 && Number.isFinite(o.groundZ[i]!)) cells.push(i);
      const rgba = new Uint8Array(cells.length * 4);
      cells.forEach((i, k) => rgba.set(colors.subarray(4 * i, 4 * i + 4), 4 * k));
      raster = addRaster(ctx.viewer.scene, {
        frame: o.frame,
        grid: o.grid,
        ground: new Uint8ClampedArray(0),
        roofs: { cells: Uint32Array.from(cells), heightM: Float32Array.from(cells, (i) => o.groundZ[i]! + 0.3), rgba },
      });
      // Facade receivers as squares on their walls, about the size of the wall area each stands for
      // (a little larger: the points are quasi-random, not on a grid, so exact squares leave gaps).
      const f = o.facades;
      if (f !== null) facadeQuads = addFacadeQuads(ctx.viewer.scene, { frame: o.frame, xyz: f.xyz, normal: f.normal, sizeM: f.areaM2.map((a) => 1.2 * Math.sqrt(a)), rgba: cellColors(f.rssiDbm, ramp, () => true, 255) });
    }
    hasResult = true;
    test.runs++;
    picks = new Set(o.picks.map((p) => p.id));
    renderMarkers();
    const k = o.kpi;
    const fk = o.facades?.kpi ?? null;
    const facadeLines = fk === null ? [] : fk.buildings === 0 ? [t('wifi.kpiFacadeNone')] : [t('wifi.kpiFacade', { share: pct(fk.areaShare), area: formatNumber(fk.areaM2, 0), covered: formatNumber(fk.coveredBuildings, 0), buildings: formatNumber(fk.buildings, 0) })];
    const lines = [...kpiLines(k, qpvData), ...facadeLines, t('wifi.kpiPerf', { aps: apCount, rays: formatNumber(o.rays, 0), seconds: formatNumber(ms / 1000, 1), workers })];
    const nameOf = (id: string) => candidates.find((c) => c.id === id)?.name ?? id;
    const pickLines = o.picks.map((p, j) =>
      k.hasPopulation
        ? t('wifi.pick', { rank: j + 1, name: nameOf(p.id), residents: formatNumber(p.residentsGain, 0), area: formatNumber(p.areaGainM2, 0), share: pct(k.residents > 0 ? p.residentsAfter / k.residents : 0) })
        : t('wifi.pickArea', { rank: j + 1, name: nameOf(p.id), area: formatNumber(p.areaGainM2, 0), share: pct(k.cells > 0 ? p.areaAfterM2 / (k.cells * k.cellAreaM2) : 0) }),
    );
    if (o.picks.length === 0 && candidates.length > 0 && panel.params().place > 0) pickLines.push(t('wifi.noPick'));
    const districts = [...k.districts].sort((a, b) => b.residents - a.residents || b.cells - a.cells).map((d) => t('wifi.districtRow', { name: d.name, area: pct(d.cells > 0 ? d.coveredCells / d.cells : 0), residents: pct(d.residents > 0 ? d.coveredResidents / d.residents : 0) }));
    panel.setResult({
      title: t('wifi.resultTitle', { threshold: formatNumber(o.thresholdDbm, 0) }),
      lines,
      districts,
      picks: pickLines,
      ramp,
      ...(o.plannedCovered !== null ? { extraLegend: [{ label: t('wifi.plannedLegend'), color: PLANNED_COLOR }] } : {}),
      ...(city?.config.synthetic === true ? { note: t('wifi.synthetic') } : {}),
    });
    test.result = { coveredCells: k.coveredCells, cells: k.cells, areaShare: k.areaShare, residents: k.residents, coveredResidents: k.coveredResidents, picks: o.picks.length, rays: o.rays, aps: apCount, facades: fk === null ? null : { receivers: fk.receivers, areaM2: fk.areaM2, coveredAreaM2: fk.coveredAreaM2, buildings: fk.buildings, coveredBuildings: fk.coveredBuildings } };
  }

  // ---- City lifecycle -------------------------------------------------------------------------
  const offCity = ctx.onCity((c) => {
    city = c;
    layerData.clear();
    nextId = 1;
    const fromUrl = parseWifiParam(ctx.state.extra[URL_KEY] ?? '');
    for (const issue of fromUrl.issues) ctx.say('warning', 'wifi.badUrl', { where: issue.where, reason: issue.reason }, `url:wifiap:${issue.where}`);
    scenario = fromUrl.aps.map((a) => ({ ...a, id: apName(nextId++), groundM: 0 }));
    if (ctx.viewer !== null) markers = addWifiMarkers(ctx.viewer.scene);
    panel.setArea(t('wifi.defaultArea', { side: DEFAULT_SIDE_M }));
    renderList();
    renderCandidates();
    void loadOpenData(c);
    return () => {
      sims.cancel('wifi-coverage');
      stopCapture();
      stopDraw();
      clearResult();
      markers?.dispose();
      markers = null;
      area = null;
      candidates = [];
      openData = [];
      city = null;
    };
  });

  return () => {
    offCity();
    stopCapture();
    stopDraw();
    clearResult();
    markers?.dispose();
    removePanel();
    removeMethod();
    sims.dispose();
    layerData.dispose();
    delete window.__jumeauWifi;
  };
}
