import { CLUSTER_LAYER_ID, PIN_LAYER_ID } from '../../scene/consult-pins.ts';
import { t } from '../../ui/i18n/index.ts';
import type { AppContext } from '../../app/context.ts';
import { createConsultClient } from './api.ts';
import { createConsultController } from './controller.ts';
import { createConsultPanel } from './panel.ts';
import { createConsultView } from './view.ts';

/**
 * Public consultation (issue 11): `?consult=<id>` opens a consultation; its published comments
 * are pins in 3D (clustered), a resident comments by clicking a place, votes on proposals,
 * filters by category, sees charts and exports; moderators log in and work through the queue.
 * The scenario and tour a consultation links to are shown as ids (their features resolve them).
 * The state and decisions are in controller.ts, the pins and the camera in view.ts.
 */

const ICON = ['M4 5h16v11H9l-5 4z', 'M12 8.5a1.6 1.6 0 1 0 0 .01', 'M12 10v2.5'];
const REFRESH_MS = 30_000;

/** Installs the consultation panel, pins and refresh; returns what removes them. */
export function install(ctx: AppContext): () => void {
  const view = createConsultView(ctx.viewer, ctx.picking);
  const ctrl = createConsultController(ctx.state.extra.consult, ctx.state.camera !== undefined, {
    client: createConsultClient(),
    t,
    dateTime: (iso) => new Date(iso).toLocaleString(),
    view,
    render: (v) => panel.render(v),
    say: (level, key, params, dedupe) => ctx.say(level, key, params, dedupe),
    writeUrl(id, sync) {
      if (id !== null) ctx.state.extra.consult = id;
      else delete ctx.state.extra.consult;
      if (sync) ctx.syncUrl();
    },
    cityId: () => ctx.city()?.config.id ?? null,
    focusText: () => document.getElementById('consult-text')?.focus(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  });

  const panel = createConsultPanel({
    onClose: () => ctx.setPanelOpen('consult', false),
    onOpen: (id) => void ctrl.open(id, true),
    onBack: () => ctrl.back(),
    onRefresh: () => void ctrl.refresh(),
    onTab: (tab) => ctrl.tab(tab),
    onFilter: (category) => ctrl.filter(category),
    onStartPlacing: () => ctrl.startPlacing(),
    onCancelPlacing: () => ctrl.cancelPlacing(),
    onSubmit: (input) => void ctrl.submit(input),
    onVote: (proposalId, stance) => void ctrl.vote(proposalId, stance),
    onShow: (k) => ctrl.show(k),
    onLogin: (email, password) => void ctrl.login(email, password),
    onLogout: () => void ctrl.logout(),
    onModerate: (id, action, why) => void ctrl.moderate(id, action, why),
  });
  const removePanel = ctx.addPanel('consult', panel, 'right', { label: 'consult.toolbar', icon: ICON });

  // ---- Pins in the city ----------------------------------------------------------------------------
  const offCity = ctx.onCity((city) => {
    const close = view.openCity({ pin: (id) => ctrl.pinProperties(id), cluster: (ids) => ctrl.clusterProperties(ids) });
    if (close === null) return;
    ctrl.cityOpened(city.config.id);
    return close;
  });
  const offTitles = [ctx.setItemTitle(PIN_LAYER_ID, (item) => ctrl.pinTitle(item.id)), ctx.setItemTitle(CLUSTER_LAYER_ID, (item) => ctrl.clusterTitle(item.properties))];

  // ---- Start, refresh while shown, language ------------------------------------------------------
  const offLang = ctx.onLangChange(() => ctrl.render());
  const watch = new MutationObserver(() => {
    if (!panel.el.hidden) ctrl.shown();
  });
  watch.observe(panel.el, { attributes: true, attributeFilter: ['hidden'] });
  const timer = setInterval(() => {
    // Not while someone types in the panel (a re-render would lose a half-written reason).
    const typing = document.activeElement !== null && panel.el.contains(document.activeElement) && document.activeElement.matches('input, textarea, select');
    if (!panel.el.hidden && document.visibilityState === 'visible' && !typing) ctrl.tick();
  }, REFRESH_MS);

  ctrl.start({ isOpen: () => ctx.isPanelOpen('consult'), open: () => ctx.setPanelOpen('consult', true) });

  return () => {
    ctrl.dispose();
    clearInterval(timer);
    watch.disconnect();
    offLang();
    offCity();
    view.dispose();
    offTitles.forEach((f) => f());
    removePanel();
  };
}
