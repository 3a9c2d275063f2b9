import '../../../assets/styles/sim.css';
import type { AppContext, OpenCity } from '../../app/context.ts';
import { addBlock, type RasterHandle } from '../../scene/sim-raster.ts';
import { lazySimulationClient } from '../../simulations/client.ts';
import { downloadText } from '../../ui/download.ts';
import { t } from '../../ui/i18n/index.ts';
import { createMethodCardPanel } from '../../ui/method-card.ts';
import type { SunHoursOutput } from './contract.ts';
import { createSunController, localDate, RUN_KEYS, zoneOf } from './controller.ts';
import { createSimPanel } from './panel.ts';
import { installSunTestApi } from './test-api.ts';
import { areaText, buildingText, resultView, stageText, sunNowText } from './texts.ts';
import { animateDay, createSunDrawing, drawResult } from './view.ts';

/**
 * The sun feature, wired: the controller (controller.ts: study area, project building, runs of
 * `sun-hours` on the app's worker pool, the sun over the city) drives the sun-hours panel
 * (panel.ts, texts.ts: summary, legend, histogram, method card, CSV export) and the scene
 * (view.ts: result rasters, the shadows of a day played as an animation, polygon drawing).
 */

const SUN_GRID_ICON = ['M12 3v2', 'M5.6 5.6l1.4 1.4', 'M3 12h2', 'M12 7a5 5 0 0 0-5 5h10a5 5 0 0 0-5-5z', 'M4 16h16', 'M4 20h16', 'M8 16v4', 'M12 16v4', 'M16 16v4'];

/** Installs the sun feature; returns what removes everything it added. */
export function install(ctx: AppContext): () => void {
  const sims = lazySimulationClient(() => ctx.simulationPool(), { owned: false });
  let raster: RasterHandle | null = null;
  let block: (() => void) | null = null;
  let stopAnimation: (() => void) | null = null;

  const methodPanel = createMethodCardPanel(() => ctx.setPanelOpen('method', false));
  const panel = createSimPanel({
    onClose: () => ctx.setPanelOpen('sim', false),
    onDrawArea: () => startDraw('area'),
    onRun: (p) => void ctl.runHours(p),
    onCancel: () => RUN_KEYS.forEach((key) => sims.cancel(key)),
    onClear: () => ctl.clearResult(),
    onMethod: () => {
      const def = ctx.registry.findSimulation('sun-hours')!;
      methodPanel.show(def.card, def.version);
      ctx.setPanelOpen('method', true);
    },
    onExportCsv: () => {
      const csv = ctl.exportCsv();
      if (csv !== null) downloadText(csv.filename, csv.text, 'text/csv');
    },
    onAnimate: (date) => toggleAnimation(date),
    onDrawBuilding: () => startDraw('building'),
    onRunLoss: (p, h) => void ctl.runLoss(p, h),
  });
  const removeSim = ctx.addPanel('sim', panel, 'right', { label: 'sim.toolbar', icon: SUN_GRID_ICON });
  const removeMethod = ctx.addPanel('method', methodPanel, 'right');
  panel.setDate(localDate(ctx.state.timeMs ?? Date.now(), zoneOf(ctx.city())));

  const ctl = createSunController<OpenCity>({
    simulate: (input, o) => sims.get().run<SunHoursOutput>('sun-hours', input, o),
    cancel: (key) => sims.cancel(key),
    absoluteUrl: (url) => new URL(url, location.href).href,
    mark: (name) => performance.mark(name),
    show: {
      message: (m) => panel.setMessage(m === null ? null : t(m.key, m.params), m?.level),
      running: (on) => panel.setRunning(on),
      progress: (stage, f) => panel.setProgress(stageText(stage), f),
      result: (r) => {
        raster?.dispose();
        raster = null;
        if (r !== null && ctx.viewer !== null) raster = drawResult(ctx.viewer.scene, r.output, r.values, r.ramp);
        panel.setResult(r === null ? null : resultView(r));
      },
    },
  });
  const drawing = createSunDrawing(ctx, () => {
    ctl.drawEnded();
    panel.setDrawHint(null);
  });
  const removeTestApi = installSunTestApi(() => ctl.snapshot());

  function startDraw(kind: 'area' | 'building'): void {
    drawing.start({
      onStart: () => {
        ctl.drawStarted();
        panel.setDrawHint(t('sim.drawing'));
      },
      onPoints: (n) => {
        ctl.drawPoints(n);
        panel.setDrawHint(`${t('sim.drawing')} ${t('sim.drawPoints', { n })}`);
      },
      onFinish: (ring, heights) => {
        if (kind === 'area') return panel.setArea(areaText(ctl.setArea(ring)));
        block?.();
        const height = Number((document.getElementById('sim-height') as HTMLInputElement | null)?.value ?? 30);
        const baseM = ctl.setBuilding(ring, Math.min(...heights));
        if (ctx.viewer !== null) block = addBlock(ctx.viewer.scene, ring, baseM, height, [255, 112, 67, 230]);
        panel.setBuilding(buildingText(ring));
      },
    });
  }

  function toggleAnimation(date: string): void {
    if (ctx.viewer === null) return;
    if (stopAnimation !== null) return endAnimation();
    const day = ctl.dayWindow(date);
    const c = ctl.city();
    if (day === null || c === null) return;
    stopAnimation = animateDay(ctx.viewer.widget, c.scene.buildings, day, { timeMs: ctx.state.timeMs ?? Date.now(), shadows: ctx.state.shadows === true });
    panel.setAnimating(true);
  }
  function endAnimation(): void {
    if (stopAnimation === null) return;
    stopAnimation();
    stopAnimation = null;
    panel.setAnimating(false);
  }

  const refreshSun = () => {
    const ms = ctx.state.timeMs ?? Date.now();
    const r = ctl.sunAt(ms);
    if (r !== null) panel.setSunNow(sunNowText(ms, r, zoneOf(ctx.city())));
  };
  const sunTimer = setInterval(() => {
    if (ctx.isPanelOpen('sim')) refreshSun();
  }, 1000);

  const offCity = ctx.onCity((c) => {
    ctl.openCity(c);
    refreshSun();
    return () => {
      drawing.stop();
      endAnimation();
      ctl.closeCity();
      block?.();
      block = null;
      panel.setArea(null);
      panel.setBuilding(null);
    };
  });
  const offLang = ctx.onLangChange(() => refreshSun());

  return () => {
    offCity();
    offLang();
    clearInterval(sunTimer);
    drawing.stop();
    endAnimation();
    ctl.clearResult();
    block?.();
    panel.dispose();
    removeSim();
    removeMethod();
    sims.dispose();
    removeTestApi();
  };
}
