import '../../../assets/styles/mobility.css';
import { lazySimulationClient } from '../../simulations/client.ts';
import { browserWorker, createWorkerPool } from '../../simulations/pool.ts';
import type { SimProgress } from '../../core/simulation/types.ts';
import { packFiles } from './inputs.ts';
import { isochroneGeoJson } from './walk-contract.ts';
import { createMobilityController } from './controller.ts';
import { parkMarkers } from './park-controller.ts';
import { walkDrawing } from './walk-controller.ts';
import { availabilityText, parkView, stageText, walkView } from './results.ts';
import { addPoints, capturePoint, drawWalk } from './view.ts';
import { createMobilityPanel } from './panel.ts';
import { installMobilityTestApi } from './test-api.ts';
import { formatNumber, t } from '../../ui/i18n/index.ts';
import { createMethodCardPanel } from '../../ui/method-card.ts';
import { downloadText } from '../../ui/download.ts';
import type { AppContext } from '../../app/context.ts';

/**
 * The mobility feature: walking isochrones from a clicked point or from every amenity of a type,
 * with the 15-minute indicators and the Trambus scenario; the parking-search day with its
 * scenario (closures, capacities, prices, park-and-ride). Data are the open city's pack files;
 * the work runs in a simulation worker; results are drawn as coloured streets, an area raster
 * and labelled points. State and decisions are in controller.ts, texts in results.ts, drawing in
 * view.ts, the DOM in panel.ts.
 */

const WALK_ICON = ['M13 4a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z', 'M10 21l2-6 2 2v4', 'M9 11l3-3 3 3 2 1', 'M12 8l-1 7-3 2'];

/** Adds the mobility panels, worker and drawings; returns their remover. */
export function install(ctx: AppContext): () => void {
  const sims = lazySimulationClient(() => createWorkerPool({ size: 1, create: browserWorker }));
  let undraw: (() => void) | null = null;
  const clearDrawings = () => {
    undraw?.();
    undraw = null;
  };
  const onProgress = (p: SimProgress) => panel.setProgress(stageText(p.stage), p.total > 0 ? p.done / p.total : 0);

  const ctl = createMobilityController({
    run: (sim, input) => sims.get().run(sim, input, { onProgress }),
    cancel: (sim) => sims.cancel(sim),
    setRunning(running) {
      panel.setRunning(running);
      if (running) panel.setProgress(t('mobility.running'), 0);
    },
    setMessage: (m) => (m === null ? panel.setMessage(null) : panel.setMessage(t(m.key, m.params), m.level)),
    showWalk(o, p) {
      clearDrawings();
      if (ctx.viewer !== null) undraw = drawWalk(ctx.viewer.scene, o, walkDrawing(o, p.origin === 'point' ? ctl.point() : null), ctx.stable);
      panel.setWalkResult(walkView(o, p, ctl.files()));
    },
    showPark(o, ms, first) {
      if (first) panel.setParks(o.parks);
      clearDrawings();
      if (ctx.viewer !== null) undraw = addPoints(ctx.viewer.scene, parkMarkers(o, (v) => formatNumber(v, 0)));
      panel.setParkResult(parkView(o, ms));
    },
    clear() {
      clearDrawings();
      panel.setWalkResult(null);
      panel.setParkResult(null);
      panel.setMessage(null);
    },
  });
  const removeTestApi = installMobilityTestApi(() => ctl.testState());

  let endPick: (() => void) | null = null;
  const stopPick = () => {
    endPick?.();
    endPick = null;
    ctl.setPicking(false);
    panel.setHint(null);
  };
  const startPick = () => {
    if (ctx.viewer === null || ctx.picking === null) return;
    stopPick();
    ctl.setPicking(true);
    panel.setHint(t('mobility.walk.picking'));
    endPick = capturePoint(ctx.viewer.scene, ctx.picking, (point) => {
      stopPick();
      if (point === null) return;
      ctl.setPoint(point);
      panel.setPoint(t('mobility.walk.point', { lon: point[0].toFixed(5), lat: point[1].toFixed(5) }));
    });
  };

  const methodPanel = createMethodCardPanel(() => ctx.setPanelOpen('mobility-method', false), 'panel-mobility-method');
  const panel = createMobilityPanel({
    onClose: () => ctx.setPanelOpen('mobility', false),
    onPick: () => startPick(),
    onRunWalk: (p) => void ctl.runWalk(p),
    onRunPark: (p) => void ctl.runPark(p),
    onCancel: () => ctl.cancel(),
    onClear: () => ctl.clear(),
    onExportWalk: () => {
      const walk = ctl.lastWalk();
      if (walk !== null) downloadText('isochrones.geojson', JSON.stringify(isochroneGeoJson(walk)), 'application/geo+json');
    },
    onMethod: (id) => {
      const def = ctx.registry.findSimulation(id)!;
      methodPanel.show(def.card, def.version);
      ctx.setPanelOpen('mobility-method', true);
    },
  });
  const removePanel = ctx.addPanel('mobility', panel, 'right', { label: 'mobility.toolbar', icon: WALK_ICON });
  const removeMethod = ctx.addPanel('mobility-method', methodPanel, 'right');

  const offCity = ctx.onCity((c) => {
    ctl.openCity(packFiles(c.config.packUrl, c.config.packLayers, location.href));
    panel.setAvailability(availabilityText(ctl.availability()));
    return () => {
      ctl.closeCity();
      stopPick();
      panel.setPoint(null);
    };
  });
  const offLang = ctx.onLangChange(() => {
    if (ctl.isOpen()) panel.setAvailability(availabilityText(ctl.availability()));
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
    removeTestApi();
  };
}
