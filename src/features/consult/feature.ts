import { heatGrid, rowsForSquareCells } from './heat.ts';
import { consultationIdSchema, contributionInputSchema, type Camera, type Contribution, type ModeratedContribution } from '../../core/schemas/consultation.ts';
import { roundCamera } from '../../core/url-state.ts';
import { ConsultError, createConsultClient } from './api.ts';
import { getCameraState, reducedMotion, setCameraState } from '../../scene/camera.ts';
import { CLUSTER_LAYER_ID, createPinLayer, pickPlace, PIN_LAYER_ID, type PinData, type PinLayer } from '../../scene/consult-pins.ts';
import type { PickedItem } from '../../scene/picking.ts';
import { CATEGORY_COLORS, createConsultPanel, emptyView, type ConsultViewModel } from './panel.ts';
import { t, type MessageKey } from '../../ui/i18n/index.ts';
import type { AppContext } from '../../app/context.ts';

/**
 * Public consultation (issue 11): `?consult=<id>` opens a consultation; its published comments
 * are pins in 3D (clustered), a resident comments by clicking a place, votes on proposals,
 * filters by category, sees charts and exports; moderators log in and work through the queue.
 * The scenario and tour a consultation links to are shown as ids (their features resolve them).
 */

const ICON = ['M4 5h16v11H9l-5 4z', 'M12 8.5a1.6 1.6 0 1 0 0 .01', 'M12 10v2.5'];
const REFRESH_MS = 30_000;

export function install(ctx: AppContext): () => void {
  const client = createConsultClient();
  let view: ConsultViewModel = emptyView();
  let pins: PinLayer | null = null;
  let endCapture: (() => void) | null = null;
  let draftCamera: Camera | null = null;
  let review: ModeratedContribution | null = null;
  let disposed = false;
  let loadedList = false;

  const requested = ctx.state.extra.consult;
  let consultId: string | null = null;
  if (requested !== undefined) {
    if (consultationIdSchema.safeParse(requested).success) consultId = requested;
    else {
      ctx.say('warning', 'msg.urlParam', { param: 'consult', value: requested, reason: 'not a consultation id' }, 'url:consult');
      delete ctx.state.extra.consult;
    }
  }
  // Fly to the consultation's view once its city is shown, unless the link has its own camera.
  let flyOnCity = consultId !== null && ctx.state.camera === undefined;

  const set = (patch: Partial<ConsultViewModel>) => {
    view = { ...view, ...patch };
    if (!disposed) render();
  };
  /** What went wrong, in the user's language for the common cases (the server's exact message otherwise). */
  const reason = (e: unknown): string => {
    if (e instanceof ConsultError) {
      if (e.code === 'network' || e.code === 'timeout') return t('consult.err.network');
      if (e.code === 'consultation-closed') return t('consult.err.closed');
      if (e.code === 'rate-limited') return t('consult.err.rateLimited');
      if (e.code === 'login-failed') return t('consult.err.loginFailed');
      if (e.code === 'invalid-request') return t('consult.err.invalid', { reason: e.message });
      return e.message;
    }
    return e instanceof Error ? e.message : String(e);
  };
  const fail = (e: unknown) => set({ error: reason(e), loading: false, sending: false });

  // ---- Panel ---------------------------------------------------------------------------------
  const panel = createConsultPanel({
    onClose: () => ctx.setPanelOpen('consult', false),
    onOpen: (id) => void open(id, true),
    onBack: () => {
      stopPlacing();
      consultId = null;
      delete ctx.state.extra.consult;
      ctx.syncUrl();
      set({ ...emptyView(), moderator: view.moderator, list: view.list });
      void loadList();
    },
    onRefresh: () => void refresh(),
    onTab: (tab) => {
      set({ tab, error: null });
      void refresh();
    },
    onFilter: (category) => {
      set({ category });
      void loadComments();
    },
    onStartPlacing: startPlacing,
    onCancelPlacing: () => {
      stopPlacing();
      set({ placing: 'off', draft: null, placingNote: null });
    },
    onSubmit: (input) => void submit(input),
    onVote: (proposalId, stance) => void vote(proposalId, stance),
    onShow: (k) => show(k),
    onLogin: (email, password) => void login(email, password),
    onLogout: () => void logout(),
    onModerate: (id, action, why) => void moderate(id, action, why),
  });
  const removePanel = ctx.addPanel('consult', panel, 'right', { label: 'consult.toolbar', icon: ICON });

  function render(): void {
    panel.render(view);
    updatePins();
  }

  function updatePins(): void {
    if (pins === null) return;
    const list: PinData[] = [];
    const showHere = view.consultation !== null && view.otherCity === null;
    if (showHere) {
      for (const k of view.comments) list.push({ id: k.id, ...k.position, color: CATEGORY_COLORS[k.category], kind: 'published' });
      for (const k of view.mine) if (k.status === 'pending') list.push({ id: k.id, ...k.position, color: CATEGORY_COLORS[k.category], kind: 'mine' });
      if (review !== null) list.push({ id: review.id, ...review.position, color: CATEGORY_COLORS[review.category], kind: 'review' });
    }
    pins.setPins(list);
    pins.setDraft(showHere && view.placing === 'form' ? view.draft : null);
  }

  // ---- Loading -------------------------------------------------------------------------------
  async function loadList(): Promise<void> {
    loadedList = true;
    set({ loading: true, error: null });
    try {
      set({ list: await client.list(), loading: false });
    } catch (e) {
      fail(e);
    }
  }

  async function loadComments(): Promise<void> {
    if (consultId === null) return;
    const id = consultId;
    try {
      const r = await client.contributions(id, view.category);
      if (consultId === id) set({ comments: r.contributions });
    } catch (e) {
      fail(e);
    }
  }

  async function loadTab(): Promise<void> {
    if (consultId === null || view.consultation === null) return;
    const id = consultId, c = view.consultation;
    if (view.tab === 'summary') {
      const [summary, all] = await Promise.all([client.summary(id), client.contributions(id, null)]);
      const cols = 24;
      const heat = heatGrid(all.contributions.map((k) => k.position), c.area, cols, Math.min(48, rowsForSquareCells(c.area, cols)));
      if (consultId === id) set({ summary, heat });
    } else if (view.tab === 'moderation' && view.moderator !== null) {
      const q = await client.queue(id);
      if (consultId === id) set({ queue: q.contributions });
    }
  }

  async function refresh(): Promise<void> {
    if (consultId === null) return loadList();
    const id = consultId;
    try {
      if (view.consultation === null) {
        // A link to a consultation that does not exist: say so, and show the list instead.
        const first = await client.get(id).catch((e: unknown) => e);
        if (first instanceof ConsultError && first.status === 404) {
          consultId = null;
          delete ctx.state.extra.consult;
          ctx.syncUrl();
          await loadList();
          return set({ error: t('consult.err.notFound') });
        }
      }
      const [c, comments, mine] = await Promise.all([client.get(id), client.contributions(id, view.category), client.participation(id)]);
      if (consultId !== id) return;
      set({ consultation: c, comments: comments.contributions, mine: mine.contributions, votes: mine.votes, otherCity: otherCity(c.city), loading: false, error: null, exports: exportsOf(id) });
      await loadTab();
    } catch (e) {
      fail(e);
    }
  }

  const otherCity = (city: string) => {
    const open = ctx.city();
    return open !== null && open.config.id !== city ? city : null;
  };
  const exportsOf = (id: string) => ({ csv: client.exportUrl(id, 'csv', false), geojson: client.exportUrl(id, 'geojson', false), csvAll: client.exportUrl(id, 'csv', true), geojsonAll: client.exportUrl(id, 'geojson', true) });

  async function open(id: string, fly: boolean): Promise<void> {
    stopPlacing();
    review = null;
    consultId = id;
    ctx.state.extra.consult = id;
    ctx.syncUrl();
    set({ ...emptyView(), moderator: view.moderator, list: view.list, loading: true });
    await refresh();
    const c = view.consultation;
    if (fly && c !== null && c.camera !== null && ctx.viewer !== null && view.otherCity === null) setCameraState(ctx.viewer.scene, c.camera, reducedMotion() ? 0 : 1.5);
  }

  // ---- Placing a comment ------------------------------------------------------------------------
  function stopPlacing(): void {
    endCapture?.();
    endCapture = null;
    if (ctx.viewer !== null) ctx.viewer.scene.canvas.style.cursor = '';
  }

  function startPlacing(): void {
    const v = ctx.viewer, c = view.consultation;
    if (v === null || ctx.picking === null || c === null) return set({ error: t('msg.webgl', { reason: '—' }) });
    stopPlacing();
    v.scene.canvas.style.cursor = 'crosshair';
    set({ placing: 'picking', placingNote: null, thanks: false, error: null });
    endCapture = ctx.picking.capture((x, y) => {
      const p = pickPlace(v.scene, x, y);
      if (p === null) return set({ placingNote: t('consult.pick.missed') });
      const a = c.area;
      if (p.lonDeg < a.west || p.lonDeg > a.east || p.latDeg < a.south || p.latDeg > a.north) return set({ placingNote: t('consult.pick.outside') });
      stopPlacing();
      // Kept at the URL codec's precision (about 1 cm): enough, and short in every answer.
      draftCamera = roundCamera(getCameraState(v.scene));
      const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;
      set({ placing: 'form', draft: { lonDeg: round(p.lonDeg, 7), latDeg: round(p.latDeg, 7), heightM: round(Math.max(-500, Math.min(10_000, p.heightM)), 2) }, placingNote: null });
      document.getElementById('consult-text')?.focus();
    });
  }

  async function submit(input: { category: string; text: string; displayName: string }): Promise<void> {
    if (consultId === null || view.draft === null) return;
    const body = { position: view.draft, camera: draftCamera, category: input.category, text: input.text, displayName: input.displayName };
    const checked = contributionInputSchema.safeParse(body);
    if (!checked.success) {
      return set({ error: checked.error.issues.map((i) => `${t(`consult.form.${i.path[0] === 'displayName' ? 'name' : i.path[0] === 'category' ? 'category' : 'text'}` as MessageKey)} : ${i.message}`).join(' ; ') });
    }
    set({ sending: true, error: null });
    try {
      await client.contribute(consultId, checked.data);
      set({ sending: false, placing: 'off', draft: null, thanks: true });
      const mine = await client.participation(consultId);
      set({ mine: mine.contributions, votes: mine.votes, thanks: false });
      // Keep the thank-you on screen (render() without clearing the text again).
      view = { ...view, thanks: true };
      render();
      view = { ...view, thanks: false };
    } catch (e) {
      fail(e);
    }
  }

  // ---- Votes, moderation ------------------------------------------------------------------------
  async function vote(proposalId: string, stance: 'support' | 'oppose' | null): Promise<void> {
    if (consultId === null || view.consultation === null) return;
    try {
      const r = await client.vote(consultId, proposalId, stance);
      const c = view.consultation;
      const votes = { ...view.votes };
      if (r.stance === null) delete votes[proposalId];
      else votes[proposalId] = r.stance;
      set({ votes, error: null, consultation: { ...c, proposals: c.proposals.map((p) => (p.id === proposalId ? { ...p, support: r.support, oppose: r.oppose } : p)) } });
    } catch (e) {
      fail(e);
    }
  }

  async function login(email: string, password: string): Promise<void> {
    try {
      const m = await client.login(email, password);
      set({ moderator: m.moderator, error: null });
      await loadTab();
    } catch (e) {
      fail(e);
    }
  }

  async function logout(): Promise<void> {
    try {
      await client.logout();
    } catch (e) {
      fail(e);
    }
    review = null;
    set({ moderator: null, queue: null });
  }

  async function moderate(id: string, action: 'publish' | 'reject', why: string | null): Promise<void> {
    try {
      await client.moderate(id, action === 'publish' ? { action } : { action, reason: why ?? '' });
      if (review?.id === id) review = null;
      ctx.say('info', action === 'publish' ? 'consult.mod.published' : 'consult.mod.rejected', {}, 'consult-mod');
      await refresh();
    } catch (e) {
      fail(e);
    }
  }

  function show(k: Contribution | ModeratedContribution): void {
    const v = ctx.viewer;
    if ('status' in k && k.status === 'pending' && view.moderator !== null) {
      review = k;
      updatePins();
    }
    if (v === null) return;
    const p = k.position;
    const cam = k.camera ?? { lonDeg: p.lonDeg, latDeg: p.latDeg - 0.0022, heightM: p.heightM + 220, headingDeg: 0, pitchDeg: -45, rollDeg: 0 };
    setCameraState(v.scene, cam, reducedMotion() ? 0 : 1.2);
  }

  // ---- Pins in the city ----------------------------------------------------------------------------
  const findComment = (id: string | null) => [...view.comments, ...view.mine, ...(review !== null ? [review] : [])].find((k) => k.id === id) ?? null;
  const describe = (k: Contribution) => ({
    [t('consult.info.text')]: k.text,
    [t('consult.info.author')]: k.displayName,
    [t('consult.info.category')]: t(`consult.cat.${k.category}` as MessageKey),
    [t('consult.info.date')]: new Date(k.createdAt).toLocaleString(),
  });
  /** Removes the pins of the city shown now (also when the feature itself is removed). */
  let closeCityPins: (() => void) | null = null;
  const offCity = ctx.onCity((city) => {
    if (ctx.viewer === null || ctx.picking === null) return;
    const layer = createPinLayer(ctx.viewer.widget);
    pins = layer;
    const removePick = ctx.picking.add({
      resolve(picked) {
        const item = layer.pickHandler.resolve(picked);
        if (item === null) return null;
        if (item.layerId === PIN_LAYER_ID) {
          const k = findComment(item.id);
          return k === null ? item : { ...item, properties: describe(k) };
        }
        const ids = (item.properties.ids as string[] | undefined) ?? [];
        const props: Record<string, unknown> = {};
        ids.map(findComment).forEach((k, i) => {
          if (k !== null) props[`${String(i + 1).padStart(2, '0')}. ${k.displayName}`] = k.text;
        });
        return { ...item, properties: props };
      },
    });
    if (view.consultation !== null) set({ otherCity: otherCity(view.consultation.city) });
    else updatePins();
    if (flyOnCity) {
      flyOnCity = false;
      void (async () => {
        while (!disposed && consultId !== null && view.consultation === null && view.error === null) await new Promise((r) => setTimeout(r, 100));
        const c = view.consultation;
        if (c !== null && c.camera !== null && c.city === city.config.id && ctx.viewer !== null) setCameraState(ctx.viewer.scene, c.camera, 0);
      })();
    }
    let done = false;
    const cleanup = () => {
      if (done) return;
      done = true;
      removePick();
      layer.dispose();
      if (pins === layer) pins = null;
      if (closeCityPins === cleanup) closeCityPins = null;
    };
    closeCityPins = cleanup;
    return cleanup;
  });
  const offTitles = [
    ctx.setItemTitle(PIN_LAYER_ID, (item: PickedItem) => t('consult.info.title', { name: findComment(item.id)?.displayName ?? '?' })),
    ctx.setItemTitle(CLUSTER_LAYER_ID, (item: PickedItem) => t('consult.info.clusterTitle', { count: ((item.properties.ids as unknown[] | undefined) ?? Object.keys(item.properties)).length })),
  ];

  // ---- Start, refresh while shown, language ------------------------------------------------------
  const offLang = ctx.onLangChange(() => render());
  const watch = new MutationObserver(() => {
    if (!panel.el.hidden && consultId === null && !loadedList) void loadList();
  });
  watch.observe(panel.el, { attributes: true, attributeFilter: ['hidden'] });
  const timer = setInterval(() => {
    // Not while someone types in the panel (a re-render would lose a half-written reason).
    const busy = view.placing !== 'off' || (document.activeElement !== null && panel.el.contains(document.activeElement) && document.activeElement.matches('input, textarea, select'));
    if (!panel.el.hidden && consultId !== null && document.visibilityState === 'visible' && !busy) void refresh();
  }, REFRESH_MS);

  void client
    .me()
    .then((m) => set({ moderator: m.moderator }))
    .catch(() => undefined); // The panel shows the error when it loads something.
  if (consultId !== null) {
    ctx.setPanelOpen('consult', true);
    void open(consultId, false);
  } else if (ctx.isPanelOpen('consult')) void loadList();

  return () => {
    disposed = true;
    stopPlacing();
    clearInterval(timer);
    watch.disconnect();
    offLang();
    offCity();
    closeCityPins?.();
    offTitles.forEach((f) => f());
    removePanel();
  };
}
