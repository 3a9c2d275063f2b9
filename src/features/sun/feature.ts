import '../../../assets/styles/sim.css';
import { rgbToHex } from '../../core/color-ramp.ts';
import { metresPerDegree } from '../../core/geodesy.ts';
import { toZoned } from '../../core/time.ts';
import { lazySimulationClient } from '../../simulations/client.ts';
import { cellColors, histogram, hoursRamp, lossRamp } from '../../core/simulation/display.ts';
import { findSimulation } from '../../app/simulations.ts';
import type { SunHoursInput, SunHoursOutput } from './contract.ts';
import type { SimProgress } from '../../core/simulation/types.ts';
import { startPolygonDraw, type DrawHandle } from '../../scene/draw.ts';
import { addBlock, addRaster, type RasterHandle } from '../../scene/sim-raster.ts';
import { setSceneTime, setShadows } from '../../scene/sun.ts';
import { formatNumber, getLang, t, type MessageKey } from '../../ui/i18n/index.ts';
import { createMethodCardPanel } from '../../ui/method-card.ts';
import { createSimPanel, type ResultView, type SunHoursParams } from './panel.ts';
import { computeSunPosition } from './position-kernel.ts';
import { downloadText } from '../../ui/download.ts';
import type { AppContext, OpenCity } from '../../app/context.ts';

/**
 * The simulations feature: the worker pool (started on first use), the sun-hours panel, area
 * drawing, result rasters with legend and histogram, method cards, and the shadow study
 * (animated shadows over a day; hours of sun a project building takes from its neighbours).
 */

const SUN_GRID_ICON = ['M12 3v2', 'M5.6 5.6l1.4 1.4', 'M3 12h2', 'M12 7a5 5 0 0 0-5 5h10a5 5 0 0 0-5-5z', 'M4 16h16', 'M4 20h16', 'M8 16v4', 'M12 16v4', 'M16 16v4'];
const TIME_ZONE = 'Europe/Paris';

/** What the end-to-end tests read. */
export interface SimTestState {
  running: boolean;
  stage: string | null;
  fraction: number;
  error: string | null;
  result: { kind: 'hours' | 'loss'; cells: number; groundMean: number; roofMean: number; rays: number; ms: number; workers: number } | null;
  drawing: boolean;
  areaPoints: number;
}

declare global {
  interface Window {
    __jumeauSim?: { state(): SimTestState };
  }
}

function localDate(ms: number): string {
  return toZoned(ms, TIME_ZONE).date;
}

function ringAreaKm2(ring: readonly [number, number][]): number {
  const lat = ring.reduce((s, p) => s + p[1], 0) / ring.length;
  const m = metresPerDegree(lat);
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j]![0] * m.lonM * ring[i]![1] * m.latM - ring[i]![0] * m.lonM * ring[j]![1] * m.latM;
  return Math.abs(a / 2) / 1e6;
}


export function install(ctx: AppContext): () => void {
  const sims = lazySimulationClient(() => ctx.simulationPool(), { owned: false });
  const engine = () => sims.get();
  let city: OpenCity | null = null;
  let area: [number, number][] | null = null;
  let building: { ring: [number, number][]; baseM: number } | null = null;
  let raster: RasterHandle | null = null;
  let block: (() => void) | null = null;
  let draw: DrawHandle | null = null;
  let resumePicking: (() => void) | null = null;
  let last: { kind: 'hours'; input: SunHoursInput; output: SunHoursOutput } | null = null;
  let animation: { timer: ReturnType<typeof setInterval>; restore: () => void } | null = null;
  const test: SimTestState = { running: false, stage: null, fraction: 0, error: null, result: null, drawing: false, areaPoints: 0 };
  window.__jumeauSim = { state: () => ({ ...test, result: test.result === null ? null : { ...test.result } }) };

  const methodPanel = createMethodCardPanel(() => ctx.setPanelOpen('method', false));
  const panel = createSimPanel({
    onClose: () => ctx.setPanelOpen('sim', false),
    onDrawArea: () => startDraw('area'),
    onRun: (p) => void runHours(p),
    onCancel: () => {
      sims.cancel('sun-hours');
      sims.cancel('sun-hours:baseline');
      sims.cancel('sun-hours:scenario');
    },
    onClear: () => clearResult(),
    onMethod: () => {
      const def = findSimulation('sun-hours')!;
      methodPanel.show(def.card, def.version);
      ctx.setPanelOpen('method', true);
    },
    onExportCsv: () => exportCsv(),
    onAnimate: (date) => toggleAnimation(date),
    onDrawBuilding: () => startDraw('building'),
    onRunLoss: (p, h) => void runLoss(p, h),
  });
  const removeSim = ctx.addPanel('sim', panel, 'right', { label: 'sim.toolbar', icon: SUN_GRID_ICON });
  const removeMethod = ctx.addPanel('method', methodPanel, 'right');
  panel.setDate(localDate(ctx.state.timeMs ?? Date.now()));

  const say = (text: string | null, level: 'info' | 'error' = 'info') => panel.setMessage(text, level);
  const stageText = (stage: string) => {
    const key = `sim.stage.${stage}` as MessageKey;
    return ['queued', 'city', 'rays', 'facades'].includes(stage) ? t(key) : stage;
  };
  const onProgress = (p: SimProgress) => {
    const f = p.total > 0 ? p.done / p.total : 0;
    test.stage = p.stage;
    test.fraction = f;
    panel.setProgress(stageText(p.stage), f);
  };

  function stopDraw(): void {
    draw?.dispose();
    draw = null;
    resumePicking?.();
    resumePicking = null;
    test.drawing = false;
    panel.setDrawHint(null);
  }

  function startDraw(kind: 'area' | 'building'): void {
    if (ctx.viewer === null) return;
    stopDraw();
    resumePicking = ctx.picking?.suspend() ?? null;
    test.drawing = true;
    test.areaPoints = 0;
    panel.setDrawHint(t('sim.drawing'));
    const viewEl = ctx.viewer.scene.canvas.closest('.view') as HTMLElement | null;
    viewEl?.focus();
    draw = startPolygonDraw(ctx.viewer.scene, {
      keyTarget: viewEl ?? document.body,
      onChange: (pts) => {
        test.areaPoints = pts.length;
        panel.setDrawHint(`${t('sim.drawing')} ${t('sim.drawPoints', { n: pts.length })}`);
      },
      onFinish: (ring, heights) => {
        draw = null;
        stopDraw();
        if (kind === 'area') setArea(ring);
        else setBuilding(ring, Math.min(...heights));
      },
      onCancel: () => {
        draw = null;
        stopDraw();
      },
    });
  }

  function setArea(ring: [number, number][]): void {
    area = ring;
    test.areaPoints = ring.length;
    const km2 = ringAreaKm2(ring);
    panel.setArea(t('sim.areaInfo', { km2: formatNumber(km2, 3), cells: formatNumber(Math.round((km2 * 1e6) / 4), 0) }));
  }

  function setBuilding(ring: [number, number][], baseM: number): void {
    block?.();
    const height = Number((document.getElementById('sim-height') as HTMLInputElement | null)?.value ?? 30);
    building = { ring, baseM: Number.isFinite(baseM) ? baseM : 0 };
    if (ctx.viewer !== null) block = addBlock(ctx.viewer.scene, ring, building.baseM, height, [255, 112, 67, 230]);
    panel.setBuilding(`${formatNumber(ringAreaKm2(ring) * 1e6, 0)} m²`);
  }

  function clearResult(): void {
    raster?.dispose();
    raster = null;
    last = null;
    test.result = null;
    panel.setResult(null);
  }

  function baseInput(p: SunHoursParams): Record<string, unknown> | null {
    if (city === null || city.config.buildings === undefined) {
      say(t('sim.noCity'), 'error');
      return null;
    }
    if (area === null) {
      say(t('sim.noArea'), 'error');
      return null;
    }
    const b = city.config.buildings;
    return {
      area: { type: 'Polygon', coordinates: [[...area, area[0]!]] },
      city: { tileset: new URL(b.url, location.href).href, idProperties: [...b.idProperties] },
      date: p.date,
      ...(p.endDate !== undefined ? { endDate: p.endDate } : {}),
      timeZone: TIME_ZONE,
      stepMin: p.stepMin,
      cellM: p.cellM,
      facades: p.facades,
    };
  }

  function begin(): void {
    say(null);
    test.running = true;
    test.error = null;
    test.stage = 'queued';
    test.fraction = 0;
    panel.setRunning(true);
  }

  function end(error: string | null, cancelled: boolean): void {
    test.running = false;
    test.error = error;
    panel.setRunning(false);
    if (cancelled) say(t('sim.cancelled'));
    else if (error !== null) say(t('sim.failed', { reason: error }), 'error');
  }

  function show(kind: 'hours' | 'loss', output: SunHoursOutput, values: Float32Array, view: ResultView, ms: number, workers: number): void {
    raster?.dispose();
    raster = null;
    const ramp = view.ramp;
    if (ctx.viewer !== null) {
      const roofIdx: number[] = [];
      for (let i = 0; i < output.surface.length; i++) if (output.surface[i] === 2 && !Number.isNaN(values[i]!)) roofIdx.push(i);
      const colors = cellColors(values, ramp, (i) => output.surface[i] !== 0);
      const ground = cellColors(values, ramp, (i) => output.surface[i] === 1);
      const rgba = new Uint8Array(roofIdx.length * 4);
      roofIdx.forEach((i, k) => rgba.set(colors.subarray(4 * i, 4 * i + 4), 4 * k));
      raster = addRaster(ctx.viewer.scene, {
        frame: output.frame,
        grid: output.grid,
        ground,
        roofs: { cells: Uint32Array.from(roofIdx), heightM: Float32Array.from(roofIdx, (i) => output.heightM[i]!), rgba },
      });
    }
    test.result = { kind, cells: output.ground.count + output.roofs.count, groundMean: output.ground.mean, roofMean: output.roofs.mean, rays: output.rays, ms, workers };
    panel.setResult(view);
  }

  async function runHours(p: SunHoursParams): Promise<void> {
    const input = baseInput(p);
    if (input === null) return;
    begin();
    performance.mark('jumeau:sim-start');
    const r = await engine().run<SunHoursOutput>('sun-hours', input, { onProgress });
    // Marks for the end-to-end test: long tasks before this one happened while workers computed.
    performance.mark('jumeau:sim-result');
    if (!r.ok) return end(r.error.message, r.error.code === 'cancelled');
    end(null, false);
    const o = r.value;
    last = { kind: 'hours', input: findSimulation('sun-hours')!.input.parse(input) as SunHoursInput, output: o };
    const ramp = hoursRamp(o.dayLengthH);
    const facadeMeans = Array.from(o.buildings.facadeMeanH).filter((v) => !Number.isNaN(v));
    const facadeMean = facadeMeans.reduce((s, v) => s + v, 0) / Math.max(1, facadeMeans.length);
    const f1 = (v: number) => formatNumber(v, 1);
    const lines = [
      t('sim.stat', { label: t('sim.ground'), mean: f1(o.ground.mean), median: f1(o.ground.p50), count: formatNumber(o.ground.count, 0) }),
      t('sim.stat', { label: t('sim.roofs'), mean: f1(o.roofs.mean), median: f1(o.roofs.p50), count: formatNumber(o.roofs.count, 0) }),
      ...(facadeMeans.length > 0 ? [t('sim.facadeStat', { mean: f1(facadeMean), count: formatNumber(facadeMeans.length, 0) })] : []),
      t('sim.dayLength', { hours: f1(o.dayLengthH), steps: o.sunSteps }),
      t('sim.perf', { rays: formatNumber(o.rays, 0), seconds: formatNumber(r.info.ms / 1000, 1), workers: r.info.parts }),
    ];
    const hist = histogram(o.sunHours, 0.5, Math.max(0.5, o.dayLengthH), [
      { label: t('sim.ground'), keep: (i) => o.surface[i] === 1 },
      { label: t('sim.roofs'), keep: (i) => o.surface[i] === 2 },
    ]);
    show(
      'hours',
      o,
      o.sunHours,
      {
        title: p.endDate !== undefined ? t('sim.resultPeriod', { date: p.date, end: p.endDate }) : t('sim.resultTitle', { date: p.date }),
        lines,
        legendTitle: t('sim.legend'),
        ramp,
        histogram: hist,
        histogramColors: ['#4fc3f7', '#ffb74d'],
        ...(city?.config.synthetic === true ? { note: t('sim.synthetic') } : {}),
        canExport: true,
      },
      r.info.ms,
      r.info.parts,
    );
  }

  async function runLoss(p: SunHoursParams, heightM: number): Promise<void> {
    const input = baseInput(p);
    if (input === null) return;
    if (building === null) return say(t('sim.needBuilding'), 'error');
    begin();
    const scenario = { added: [{ id: 'project', footprint: building.ring, heightM, baseM: building.baseM }], removed: [] };
    const c = engine();
    const [base, proj] = await Promise.all([
      c.run<SunHoursOutput>('sun-hours', { ...input, facades: false }, { key: 'sun-hours:baseline', onProgress }),
      c.run<SunHoursOutput>('sun-hours', { ...input, facades: false, scenario }, { key: 'sun-hours:scenario' }),
    ]);
    const failed = !base.ok ? base : !proj.ok ? proj : null;
    if (failed !== null && !failed.ok) return end(failed.error.message, failed.error.code === 'cancelled');
    end(null, false);
    if (!base.ok || !proj.ok) return;
    const a = base.value, b = proj.value;
    // Hours lost per cell; cells the project covers are its own roof, not a neighbour's loss.
    const loss = new Float32Array(a.sunHours.length).fill(NaN);
    let lost = 0, sum = 0, max = 0;
    for (let i = 0; i < loss.length; i++) {
      if (a.surface[i] === 0 || b.surface[i] === 0) continue;
      if (b.surface[i] === 2 && b.buildings.ids[b.cellBuilding[i]!] === 'project') continue;
      const d = a.sunHours[i]! - b.sunHours[i]!;
      loss[i] = d;
      if (d > 0.01) {
        lost++;
        sum += d;
        max = Math.max(max, d);
      }
    }
    const surface = Uint8Array.from(b.surface, (s, i) => (Number.isNaN(loss[i]!) ? 0 : s));
    const f1 = (v: number) => formatNumber(v, 1);
    show(
      'loss',
      { ...b, surface, ground: { ...b.ground, mean: lost > 0 ? sum / lost : 0 } },
      loss,
      {
        title: t('sim.lossTitle', { height: formatNumber(heightM, 0), date: p.date }),
        lines: [t('sim.lossStat', { cells: formatNumber(lost, 0), mean: f1(lost > 0 ? sum / lost : 0), max: f1(max) }), t('sim.perf', { rays: formatNumber(a.rays + b.rays, 0), seconds: formatNumber((base.info.ms + proj.info.ms) / 2000, 1), workers: base.info.parts })],
        legendTitle: t('sim.legendLoss'),
        ramp: lossRamp(max),
        histogram: histogram(loss, 0.5, Math.max(0.5, max), [{ label: t('sim.legendLoss'), keep: (i) => (loss[i] ?? 0) > 0.01 }]),
        histogramColors: [rgbToHex([222, 45, 38])],
        ...(city?.config.synthetic === true ? { note: t('sim.synthetic') } : {}),
        canExport: false,
      },
      base.info.ms + proj.info.ms,
      base.info.parts,
    );
  }

  function exportCsv(): void {
    if (last === null) return;
    const b = last.output.buildings;
    const num = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '');
    const rows = ['id,roofCells,roofMeanH,facadeAreaM2,facadeMeanH,facadeNorthH,facadeEastH,facadeSouthH,facadeWestH'];
    b.ids.forEach((id, k) => {
      const o = b.facadeByOrientationH;
      rows.push([JSON.stringify(id), b.roofCells[k], num(b.roofMeanH[k]!), num(b.facadeAreaM2[k]!), num(b.facadeMeanH[k]!), num(o[4 * k]!), num(o[4 * k + 1]!), num(o[4 * k + 2]!), num(o[4 * k + 3]!)].join(','));
    });
    downloadText(`sun-hours-${last.input.date}.csv`, rows.join('\n') + '\n', 'text/csv');
  }

  function toggleAnimation(date: string): void {
    if (ctx.viewer === null) return;
    const widget = ctx.viewer.widget;
    if (animation !== null) {
      stopAnimation();
      return;
    }
    if (city === null || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return;
    const [w, s, e, n] = city.config.bbox;
    const sun = computeSunPosition({ latDeg: (s + n) / 2, lonDeg: (w + e) / 2, time: `${date}T12:00:00Z`, timeZone: TIME_ZONE });
    const rise = sun.sunrise !== null ? Date.parse(sun.sunrise) : Date.parse(`${date}T06:00:00Z`);
    const set = sun.sunset !== null ? Date.parse(sun.sunset) : Date.parse(`${date}T18:00:00Z`);
    const before = { timeMs: ctx.state.timeMs ?? Date.now(), shadows: ctx.state.shadows === true };
    setShadows(widget, true);
    city.scene.buildings?.setShadows(true);
    let tMs = rise;
    const stepMs = (set - rise) / 240; // about 24 s for the day at 10 frames a second
    const timer = setInterval(() => {
      tMs += stepMs;
      if (tMs > set) tMs = rise;
      setSceneTime(widget, tMs);
    }, 100);
    animation = {
      timer,
      restore: () => {
        setSceneTime(widget, before.timeMs);
        setShadows(widget, before.shadows);
        city?.scene.buildings?.setShadows(before.shadows);
      },
    };
    panel.setAnimating(true);
  }

  function stopAnimation(): void {
    if (animation === null) return;
    clearInterval(animation.timer);
    animation.restore();
    animation = null;
    panel.setAnimating(false);
  }

  const refreshSun = () => {
    if (city === null) return;
    const [w, s, e, n] = city.config.bbox;
    const ms = ctx.state.timeMs ?? Date.now();
    const r = computeSunPosition({ latDeg: (s + n) / 2, lonDeg: (w + e) / 2, time: new Date(ms).toISOString(), timeZone: TIME_ZONE });
    const hm = (iso: string | null) => (iso === null ? '—' : new Date(iso).toLocaleTimeString(getLang() === 'fr' ? 'fr-FR' : 'en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit' }));
    panel.setSunNow(t('sim.sunNow', { time: hm(new Date(ms).toISOString()), az: formatNumber(r.azimuthDeg, 1), el: formatNumber(r.elevationDeg, 1), rise: hm(r.sunrise), set: hm(r.sunset) }));
  };
  const sunTimer = setInterval(() => {
    if (ctx.isPanelOpen('sim')) refreshSun();
  }, 1000);

  const offCity = ctx.onCity((c) => {
    city = c;
    refreshSun();
    return () => {
      for (const key of ['sun-hours', 'sun-hours:baseline', 'sun-hours:scenario']) sims.cancel(key);
      stopDraw();
      stopAnimation();
      clearResult();
      block?.();
      block = null;
      building = null;
      area = null;
      panel.setArea(null);
      panel.setBuilding(null);
      city = null;
    };
  });
  const offLang = ctx.onLangChange(() => refreshSun());

  return () => {
    offCity();
    offLang();
    clearInterval(sunTimer);
    stopDraw();
    stopAnimation();
    clearResult();
    block?.();
    panel.dispose();
    removeSim();
    removeMethod();
    sims.dispose();
    delete window.__jumeauSim;
  };
}
