import type { KeysOf } from '../../core/messages.ts';
import { consultationIdSchema, contributionInputSchema, type Camera, type Category, type Contribution, type ModeratedContribution, type Position, type Stance } from '../../core/schemas/consultation.ts';
import { roundCamera, type CameraState } from '../../core/url-state.ts';
import { ConsultError, type ConsultClient } from './client.ts';
import { heatGrid, rowsForSquareCells } from './heat.ts';
import type { consultBundle } from './messages.ts';
import { CATEGORY_COLORS, emptyView, type ConsultTab, type ConsultViewModel } from './model.ts';

/**
 * The state and decisions of the public consultation (pure: no DOM, no Cesium, no fetch): which
 * consultation is open (`consult=` in the URL), the panel's view model, loading and refreshing
 * through the API client, placing a comment (the picked place must be inside the consultation's
 * area), sending it, votes, moderation and the moderator's review pin, and what the pins and
 * the info panel show. The panel, the 3D view and the app are reached through the ports.
 */

export type ConsultMessageKey = KeysOf<typeof consultBundle> | 'msg.webgl' | 'msg.urlParam';

/** A pin in 3D (a `PinData` of src/scene/consult-pins.ts). */
export interface ConsultPin {
  id: string;
  lonDeg: number;
  latDeg: number;
  heightM: number;
  color: string;
  kind: 'published' | 'mine' | 'review';
}

/** The consultation in 3D (src/features/consult/view.ts). */
export interface ConsultViewPort {
  /** False without WebGL or picking (no place can be picked). */
  readonly canPlace: boolean;
  /** Until `endCapture`, clicks in 3D call `fn` with the place under them (null over the sky). */
  capture(fn: (place: Position | null) => void): void;
  /** Ends the capture (if any) and restores the cursor. */
  endCapture(): void;
  camera(): CameraState;
  /** Flies to a camera in `durationS` (at once when the user prefers reduced motion); no-op without a viewer. */
  fly(camera: Camera, durationS: number): void;
  /** The pins and the place of the comment being written (no-op while no city shows pins). */
  setPins(pins: readonly ConsultPin[], draft: Position | null): void;
}

export interface ConsultPorts {
  client: ConsultClient;
  t(key: ConsultMessageKey, params?: Record<string, string | number>): string;
  /** A date and time in the user's locale. */
  dateTime(iso: string): string;
  view: ConsultViewPort;
  /** Renders the panel. */
  render(view: ConsultViewModel): void;
  say(level: 'info' | 'warning', key: ConsultMessageKey, params: Record<string, string | number>, dedupe: string): void;
  /** Sets `consult=` in the URL state (null removes it), writing the URL when `sync`. */
  writeUrl(id: string | null, sync: boolean): void;
  /** The id of the city shown, or null. */
  cityId(): string | null;
  /** Moves the focus to the comment's text field. */
  focusText(): void;
  sleep(ms: number): Promise<void>;
}

/** Rounds to `places` decimals. */
const round = (x: number, places: number) => Math.round(x * 10 ** places) / 10 ** places;

/**
 * The consultation's state; `requested` is `consult=` from the link (checked), `linkHasCamera`
 * whether the link sets the camera (then the consultation's own view is not flown to).
 */
export function createConsultController(requested: string | undefined, linkHasCamera: boolean, p: ConsultPorts) {
  const { client, t } = p;
  let view: ConsultViewModel = emptyView();
  let draftCamera: Camera | null = null;
  let review: ModeratedContribution | null = null;
  let disposed = false;
  let loadedList = false;
  let consultId: string | null = null;
  if (requested !== undefined) {
    if (consultationIdSchema.safeParse(requested).success) consultId = requested;
    else {
      p.say('warning', 'msg.urlParam', { param: 'consult', value: requested, reason: 'not a consultation id' }, 'url:consult');
      p.writeUrl(null, false);
    }
  }
  // Fly to the consultation's view once its city is shown, unless the link has its own camera.
  let flyOnCity = consultId !== null && !linkHasCamera;

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

  function render(): void {
    p.render(view);
    updatePins();
  }

  /** Published comments, the resident's pending ones and the moderator's review pin, when the consultation is about this city. */
  function updatePins(): void {
    const list: ConsultPin[] = [];
    const showHere = view.consultation !== null && view.otherCity === null;
    if (showHere) {
      for (const k of view.comments) list.push({ id: k.id, ...k.position, color: CATEGORY_COLORS[k.category], kind: 'published' });
      for (const k of view.mine) if (k.status === 'pending') list.push({ id: k.id, ...k.position, color: CATEGORY_COLORS[k.category], kind: 'mine' });
      if (review !== null) list.push({ id: review.id, ...review.position, color: CATEGORY_COLORS[review.category], kind: 'review' });
    }
    p.view.setPins(list, showHere && view.placing === 'form' ? view.draft : null);
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
          p.writeUrl(null, true);
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
    const open = p.cityId();
    return open !== null && open !== city ? city : null;
  };
  const exportsOf = (id: string) => ({ csv: client.exportUrl(id, 'csv', false), geojson: client.exportUrl(id, 'geojson', false), csvAll: client.exportUrl(id, 'csv', true), geojsonAll: client.exportUrl(id, 'geojson', true) });

  async function open(id: string, fly: boolean): Promise<void> {
    stopPlacing();
    review = null;
    consultId = id;
    p.writeUrl(id, true);
    set({ ...emptyView(), moderator: view.moderator, list: view.list, loading: true });
    await refresh();
    const c = view.consultation;
    if (fly && c !== null && c.camera !== null && view.otherCity === null) p.view.fly(c.camera, 1.5);
  }

  // ---- Placing a comment ------------------------------------------------------------------------
  function stopPlacing(): void {
    p.view.endCapture();
  }

  function startPlacing(): void {
    const c = view.consultation;
    if (!p.view.canPlace || c === null) return set({ error: t('msg.webgl', { reason: '—' }) });
    stopPlacing();
    set({ placing: 'picking', placingNote: null, thanks: false, error: null });
    p.view.capture((place) => {
      if (place === null) return set({ placingNote: t('consult.pick.missed') });
      const a = c.area;
      if (place.lonDeg < a.west || place.lonDeg > a.east || place.latDeg < a.south || place.latDeg > a.north) return set({ placingNote: t('consult.pick.outside') });
      stopPlacing();
      // Kept at the URL codec's precision (about 1 cm): enough, and short in every answer.
      draftCamera = roundCamera(p.view.camera());
      set({ placing: 'form', draft: { lonDeg: round(place.lonDeg, 7), latDeg: round(place.latDeg, 7), heightM: round(Math.max(-500, Math.min(10_000, place.heightM)), 2) }, placingNote: null });
      p.focusText();
    });
  }

  async function submit(input: { category: string; text: string; displayName: string }): Promise<void> {
    if (consultId === null || view.draft === null) return;
    const body = { position: view.draft, camera: draftCamera, category: input.category, text: input.text, displayName: input.displayName };
    const checked = contributionInputSchema.safeParse(body);
    if (!checked.success) {
      return set({ error: checked.error.issues.map((i) => `${t(`consult.form.${i.path[0] === 'displayName' ? 'name' : i.path[0] === 'category' ? 'category' : 'text'}`)} : ${i.message}`).join(' ; ') });
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
  async function vote(proposalId: string, stance: Stance | null): Promise<void> {
    if (consultId === null || view.consultation === null) return;
    try {
      const r = await client.vote(consultId, proposalId, stance);
      const c = view.consultation;
      const votes = { ...view.votes };
      if (r.stance === null) delete votes[proposalId];
      else votes[proposalId] = r.stance;
      set({ votes, error: null, consultation: { ...c, proposals: c.proposals.map((x) => (x.id === proposalId ? { ...x, support: r.support, oppose: r.oppose } : x)) } });
    } catch (e) {
      fail(e);
    }
  }

  const findComment = (id: string | null) => [...view.comments, ...view.mine, ...(review !== null ? [review] : [])].find((k) => k.id === id) ?? null;

  return {
    get view(): ConsultViewModel {
      return view;
    },
    get consultId(): string | null {
      return consultId;
    },
    render,
    open,
    refresh,
    loadList,
    startPlacing,
    submit,
    vote,
    /** Starts: who is logged in, then the consultation of the link, or the list when the panel is open. */
    start(panel: { isOpen(): boolean; open(): void }): void {
      void client
        .me()
        .then((m) => set({ moderator: m.moderator }))
        .catch(() => undefined); // The panel shows the error when it loads something.
      if (consultId !== null) {
        panel.open();
        void open(consultId, false);
      } else if (panel.isOpen()) void loadList();
    },
    /** The panel was shown: the list loads the first time. */
    shown(): void {
      if (consultId === null && !loadedList) void loadList();
    },
    /** Periodic refresh of the open consultation (not while a comment is being placed or written). */
    tick(): void {
      if (consultId !== null && view.placing === 'off') void refresh();
    },
    /** Back to the list of consultations. */
    back(): void {
      stopPlacing();
      consultId = null;
      p.writeUrl(null, true);
      set({ ...emptyView(), moderator: view.moderator, list: view.list });
      void loadList();
    },
    tab(tab: ConsultTab): void {
      set({ tab, error: null });
      void refresh();
    },
    filter(category: Category | null): void {
      set({ category });
      void loadComments();
    },
    cancelPlacing(): void {
      stopPlacing();
      set({ placing: 'off', draft: null, placingNote: null });
    },
    async login(email: string, password: string): Promise<void> {
      try {
        const m = await client.login(email, password);
        set({ moderator: m.moderator, error: null });
        await loadTab();
      } catch (e) {
        fail(e);
      }
    },
    async logout(): Promise<void> {
      try {
        await client.logout();
      } catch (e) {
        fail(e);
      }
      review = null;
      set({ moderator: null, queue: null });
    },
    async moderate(id: string, action: 'publish' | 'reject', why: string | null): Promise<void> {
      try {
        await client.moderate(id, action === 'publish' ? { action } : { action, reason: why ?? '' });
        if (review?.id === id) review = null;
        p.say('info', action === 'publish' ? 'consult.mod.published' : 'consult.mod.rejected', {}, 'consult-mod');
        await refresh();
      } catch (e) {
        fail(e);
      }
    },
    /** Flies to a comment (its own camera, else looking at it from the south); a pending one becomes the review pin for a moderator. */
    show(k: Contribution | ModeratedContribution): void {
      if ('status' in k && k.status === 'pending' && view.moderator !== null) {
        review = k;
        updatePins();
      }
      const x = k.position;
      p.view.fly(k.camera ?? { lonDeg: x.lonDeg, latDeg: x.latDeg - 0.0022, heightM: x.heightM + 220, headingDeg: 0, pitchDeg: -45, rollDeg: 0 }, 1.2);
    },
    /** A city shows pins: the consultation may be about another city; the link's consultation is flown to once. */
    cityOpened(cityId: string): void {
      if (view.consultation !== null) set({ otherCity: otherCity(view.consultation.city) });
      else updatePins();
      if (!flyOnCity) return;
      flyOnCity = false;
      void (async () => {
        while (!disposed && consultId !== null && view.consultation === null && view.error === null) await p.sleep(100);
        const c = view.consultation;
        if (c !== null && c.camera !== null && c.city === cityId) p.view.fly(c.camera, 0);
      })();
    },
    /** The info panel's properties of a pin (null: not a known comment). */
    pinProperties(id: string | null): Record<string, unknown> | null {
      const k = findComment(id);
      if (k === null) return null;
      return {
        [t('consult.info.text')]: k.text,
        [t('consult.info.author')]: k.displayName,
        [t('consult.info.category')]: t(`consult.cat.${k.category}`),
        [t('consult.info.date')]: p.dateTime(k.createdAt),
      };
    },
    /** The info panel's properties of a cluster of pins: each comment's author and text. */
    clusterProperties(ids: readonly string[]): Record<string, unknown> {
      const props: Record<string, unknown> = {};
      ids.map(findComment).forEach((k, i) => {
        if (k !== null) props[`${String(i + 1).padStart(2, '0')}. ${k.displayName}`] = k.text;
      });
      return props;
    },
    pinTitle: (id: string | null): string => t('consult.info.title', { name: findComment(id)?.displayName ?? '?' }),
    clusterTitle: (properties: Record<string, unknown>): string => t('consult.info.clusterTitle', { count: ((properties.ids as unknown[] | undefined) ?? Object.keys(properties)).length }),
    dispose(): void {
      disposed = true;
      stopPlacing();
    },
  };
}

export type ConsultController = ReturnType<typeof createConsultController>;
