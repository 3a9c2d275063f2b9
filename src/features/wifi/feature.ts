import '../../../assets/styles/wifi.css';
import type { AppContext, OpenCity } from '../../app/context.ts';
import { lazySimulationClient } from '../../simulations/client.ts';
import { createLayerData } from '../../sources/layer-data.ts';
import { formatNumber, t } from '../../ui/i18n/index.ts';
import { createMethodCardPanel } from '../../ui/method-card.ts';
import type { WifiCoverageOutput } from './contract.ts';
import { createWifiController, DEFAULT_SIDE_M } from './controller.ts';
import { createWifiPanel } from './panel.ts';
import { createWifiPlacing } from './place-view.ts';
import { installWifiTestApi } from './test-api.ts';
import { hotspotItems, openDataText, progressText, resultView } from './texts.ts';
import { addWifiMarkers, drawCoverage, type WifiMarkersHandle } from './view.ts';

/**
 * The wifi coverage feature, wired: the controller (controller.ts: access points of the open
 * data and of the scenario, kept in the URL as `wifiap=`, candidate sites, runs of
 * `wifi-coverage` on the app's worker pool) drives the panel (panel.ts, texts.ts), the scene
 * (view.ts: coverage and markers; place-view.ts: clicks and the study area) and the URL.
 */

const WIFI_ICON = ['M2 8.5a15 15 0 0 1 20 0', 'M5 12a10 10 0 0 1 14 0', 'M8.5 15.5a5 5 0 0 1 7 0', 'M12 19h.01'];
const URL_KEY = 'wifiap';

/** Installs the wifi feature; returns what removes everything it added. */
export function install(ctx: AppContext): () => void {
  const sims = lazySimulationClient(() => ctx.simulationPool(), { owned: false });
  const layerData = createLayerData(() => ctx.state.offline === true);
  let markers: WifiMarkersHandle | null = null;
  let coverage: (() => void) | null = null;

  const methodPanel = createMethodCardPanel(() => ctx.setPanelOpen('wifi-method', false), 'panel-wifi-method');
  const panel = createWifiPanel({
    onClose: () => ctx.setPanelOpen('wifi', false),
    onDrawArea: () => placing.drawArea(t('wifi.drawing'), (ring) => panel.setArea(t('wifi.areaInfo', { km2: formatNumber(ctl.setArea(ring), 3) }))),
    onAdd: (kind) => placing.capture(t(kind === 'scenario' ? 'wifi.addHint' : 'wifi.addCandidateHint'), (p) => (kind === 'scenario' ? ctl.addScenarioAp(p) : ctl.addCandidate(p))),
    onRemove: (id) => ctl.removeScenarioAp(id),
    onSquares: () => void ctl.addSquareCandidates(),
    onClearCandidates: () => ctl.clearCandidates(),
    onRun: () => void ctl.run(),
    onCancel: () => sims.cancel('wifi-coverage'),
    onClear: () => ctl.clearResult(),
    onMethod: () => {
      const def = ctx.registry.findSimulation('wifi-coverage')!;
      methodPanel.show(def.card, def.version);
      ctx.setPanelOpen('wifi-method', true);
    },
    onOpenDataToggle: () => ctl.openDataToggled(),
  });
  const removePanel = ctx.addPanel('wifi', panel, 'right', { label: 'wifi.toolbar', icon: WIFI_ICON });
  const removeMethod = ctx.addPanel('wifi-method', methodPanel, 'right');

  const ctl = createWifiController<OpenCity>({
    layer: (city, def) => layerData.features(city, def),
    sourceOf: (id) => layerData.sourceOf(id),
    simulate: (input, onProgress) => sims.get().run<WifiCoverageOutput>('wifi-coverage', input, { onProgress }),
    cancel: () => sims.cancel('wifi-coverage'),
    absoluteUrl: (url) => new URL(url, location.href).href,
    form: () => panel.form(),
    params: () => panel.params(),
    show: {
      message: (m) => panel.setMessage(m === null ? null : t(m.key, m.params), m?.level),
      openData: (s) => panel.setOpenData(openDataText(s)),
      hotspots: (aps) => panel.setHotspots(hotspotItems(aps)),
      candidates: (n) => panel.setCandidates(t('wifi.candidates', { n })),
      markers: (list) => markers?.set(list),
      url: (param) => {
        if (param === null) delete ctx.state.extra[URL_KEY];
        else ctx.state.extra[URL_KEY] = param;
        ctx.syncUrl();
      },
      running: (on) => panel.setRunning(on),
      progress: (q) => panel.setProgress(...progressText(q)),
      result: (r) => {
        coverage?.();
        coverage = null;
        if (r !== null && ctx.viewer !== null) coverage = drawCoverage(ctx.viewer.scene, r.output, r.ramp);
        panel.setResult(r === null ? null : resultView(r));
      },
    },
  });
  const placing = createWifiPlacing(ctx, { hint: (text) => panel.setHint(text), capturing: (on) => ctl.setCapturing(on) });
  const removeTestApi = installWifiTestApi(() => ctl.snapshot());

  const offCity = ctx.onCity((c) => {
    layerData.clear();
    if (ctx.viewer !== null) markers = addWifiMarkers(ctx.viewer.scene);
    panel.setArea(t('wifi.defaultArea', { side: DEFAULT_SIDE_M }));
    for (const issue of ctl.openCity(c, ctx.state.extra[URL_KEY] ?? '')) ctx.say('warning', 'wifi.badUrl', { where: issue.where, reason: issue.reason }, `url:wifiap:${issue.where}`);
    return () => {
      placing.stop();
      ctl.closeCity();
      markers?.dispose();
      markers = null;
    };
  });

  return () => {
    offCity();
    placing.stop();
    ctl.clearResult();
    markers?.dispose();
    removePanel();
    removeMethod();
    sims.dispose();
    layerData.dispose();
    removeTestApi();
  };
}
