import { roundTimeMs } from '../../core/url-state.ts';
import { flyToCamera, getCameraState, reducedMotion } from '../../scene/camera.ts';
import { decodeTourLink, encodeTourLink, MAX_LINK_CHARS } from './link.ts';
import { addStop, copyTour, createTour, moveStop, newId, removeStop, stopFromView, TOUR_LIMITS, updateStop, type Tour } from './model.ts';
import { IDLE_STATE, keyToEvent, step, type PlayerEffect, type PlayerEvent, type PlayerMode, type PlayerState } from './player.ts';
import { sampleTours } from './samples.ts';
import { parseTourText, serializeTour } from './schema.ts';
import { loadTours, saveTours, type KeyValueStorage } from './store.ts';
import { getLang, t } from '../../ui/i18n/index.ts';
import { createTourPanel, type TourPanelView } from './panel.ts';
import { createTourPlayer } from './player-view.ts';
import { downloadText } from '../../ui/download.ts';
import type { AppContext, OpenCity } from '../../app/context.ts';

/**
 * Project tours (issue 10): the tours panel (author, reorder, preview, export, import, share), the
 * player (window, presenter and kiosk modes, keyboard and clickers), `?tour=` links
 * (`?tour=<id>` or an encoded tour, `&tourmode=present|kiosk` to start presenting) and the sample
 * tour of the demo city. The player's logic is the pure state machine of `src/features/tours/player.ts`;
 * this file carries out its effects (flights, timers, the DOM) and applies each stop: camera,
 * layers (through the layers feature's control), time, highlighted buildings and scenario
 * (through `ctx.tours.onApplyScenario`, registered by the scenario feature).
 */

/** What the end-to-end tests read and drive (window.__jumeauTours). */
export interface ToursTestApi {
  state(): { status: PlayerState['status']; index: number; mode: PlayerMode; paused: boolean; tourId: string | null; tours: string[] };
  /** The tour selected in the panel, as its file would be written. */
  current(): string | null;
}

declare global {
  interface Window {
    __jumeauTours?: ToursTestApi;
  }
}

const ICON = ['M4 19V5', 'M4 5h11l-2 3 2 3H4', 'M9 19h11', 'M17 16l3 3-3 3'];
/** Kiosk: back to the first stop after this long without input (`?kioskidle=<s>` overrides). */
const KIOSK_IDLE_S = 120;
/** Kiosk: a second Esc within this time leaves. */
const EXIT_GRACE_MS = 3000;
const TIME_ZONE = 'Europe/Paris';

function browserStorage(): KeyValueStorage | null {
  try {
    const s = window.localStorage;
    s.getItem('jumeau.probe');
    return s;
  } catch {
    return null;
  }
}

export function install(ctx: AppContext): () => void {
  const disposers: (() => void)[] = [];
  const storage: KeyValueStorage = browserStorage() ?? memoryStorage();
  let city: OpenCity | null = null;
  let saved: Tour[] = [];
  let currentId: string | null = null;
  let selectedStop: string | null = null;
  let error: string | null = null;
  let info: string | null = null;
  let link: { tourId: string; url: string } | null = null;
  let player: PlayerState = { ...IDLE_STATE };
  let playing: Tour | null = null;
  /** What was shown before the tour started (layers, time, scenario): given back when it ends. */
  let before: ReturnType<typeof captureView> = null;
  let holdTimer: ReturnType<typeof setTimeout> | null = null;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  let disarmTimer: ReturnType<typeof setTimeout> | null = null;
  let showToken = 0;
  /** Set while the feature is uninstalled (e.g. a rebuild after a lost WebGL context): the URL keeps the tour. */
  let disposing = false;
  let notes: string[] = [];

  // ---- The `?tour=` link ---------------------------------------------------------------------
  const modeParam = ctx.state.extra.tourmode;
  let linkMode: PlayerMode = 'window';
  if (modeParam !== undefined) {
    if (modeParam === 'present' || modeParam === 'kiosk' || modeParam === 'window') linkMode = modeParam;
    else ctx.say('warning', 'msg.urlParam', { param: 'tourmode', value: modeParam, reason: 'expected present, kiosk or window' }, 'url:tourmode');
  }
  const idleParam = Number(ctx.state.extra.kioskidle);
  const kioskIdleS = Number.isFinite(idleParam) && idleParam >= 5 && idleParam <= 86_400 ? idleParam : KIOSK_IDLE_S;
  let pendingLink: { kind: 'id'; id: string } | { kind: 'tour'; tour: Tour } | null = null;
  const linkValue = ctx.state.extra.tour;
  if (linkValue !== undefined) {
    const d = decodeTourLink(linkValue);
    if (d.kind === 'invalid') {
      ctx.say('error', 'tours.linkInvalid', { reason: d.error }, 'tours:link');
      delete ctx.state.extra.tour;
    } else if (d.kind === 'id') pendingLink = d;
    else if (d.result.ok) pendingLink = { kind: 'tour', tour: d.result.tour };
  }

  // ---- Tours of the city ---------------------------------------------------------------------
  const samples = () => (city === null ? [] : sampleTours(city.config.id, getLang()));
  const all = (): Tour[] => [...saved, ...samples()];
  const current = (): Tour | null => all().find((x) => x.id === currentId) ?? null;

  function persist(cityId: string, tours: Tour[]): boolean {
    try {
      saveTours(storage, cityId, tours);
      return true;
    } catch (e) {
      error = t('tours.saveFailed', { reason: e instanceof Error ? e.message : String(e) });
      return false;
    }
  }

  /** Applies an edit to the current tour (never a sample) and saves. */
  function edit(fn: (tour: Tour) => Tour): void {
    const tour = current();
    if (tour === null || tour.sample === true || city === null) return;
    const next = fn(tour);
    saved = saved.map((x) => (x.id === tour.id ? next : x));
    error = null;
    info = null;
    persist(city.config.id, saved);
    render();
  }

  function addTours(tours: readonly Tour[], select: boolean): void {
    for (const tour of tours) {
      if (city !== null && tour.cityId === city.config.id) {
        saved = [...saved.filter((x) => x.id !== tour.id), tour];
        persist(city.config.id, saved);
      } else {
        // Another city's tour: saved with that city, played when it is open.
        const other = loadTours(storage, tour.cityId).tours.filter((x) => x.id !== tour.id);
        if (persist(tour.cityId, [...other, tour])) info = t('tours.otherCity', { name: tour.name, city: tour.cityId });
      }
    }
    const here = tours.filter((x) => city !== null && x.cityId === city.config.id);
    if (select && here.length > 0) {
      currentId = here[here.length - 1]!.id;
      selectedStop = null;
    }
    render();
  }
  disposers.push(ctx.tours.provideTours({ adopt: (tours) => addTours(tours, false), all: () => [...saved] }));

  // ---- Panel ---------------------------------------------------------------------------------
  const panel = createTourPanel({
    onClose: () => ctx.setPanelOpen('tour', false),
    onSelectTour(id) {
      currentId = id;
      selectedStop = null;
      error = info = null;
      render();
    },
    onNewTour() {
      if (city === null) return;
      const tour = createTour({ id: newId('tour'), name: t('tours.defaultName', { n: saved.length + 1 }), cityId: city.config.id });
      addTours([tour], true);
    },
    onCopyTour() {
      const tour = current();
      if (tour === null) return;
      addTours([copyTour(tour, newId('tour'), t('tours.copyName', { name: tour.name }))], true);
    },
    onDeleteTour() {
      const tour = current();
      if (tour === null || tour.sample === true || city === null) return;
      saved = saved.filter((x) => x.id !== tour.id);
      persist(city.config.id, saved);
      currentId = all()[0]?.id ?? null;
      selectedStop = null;
      render();
    },
    onTourPatch: (patch) => edit((tour) => ({ ...tour, ...patch })),
    onAddStop() {
      const view = captureView();
      if (view === null) return;
      const id = newId('stop');
      const tour = current();
      const after = tour !== null && selectedStop !== null ? tour.stops.findIndex((s) => s.id === selectedStop) : -1;
      edit((x) => addStop(x, stopFromView(id, t('tours.stopName', { n: x.stops.length + 1 }), view), after >= 0 ? after : undefined));
      selectedStop = id;
      render();
    },
    onSelectStop(id) {
      selectedStop = id;
      render();
    },
    onStopPatch: (id, patch) => edit((tour) => updateStop(tour, id, patch)),
    onStopFromView(id) {
      const view = captureView();
      if (view === null) return;
      edit((tour) => updateStop(tour, id, { camera: view.camera, layers: view.layers, timeMs: view.timeMs, scenarioId: view.scenarioId }));
    },
    onMoveStop: (from, to) => edit((tour) => moveStop(tour, from, to)),
    onRemoveStop(id) {
      if (selectedStop === id) selectedStop = null;
      edit((tour) => removeStop(tour, id));
    },
    onPreviewStop(index) {
      const tour = current();
      if (tour === null) return;
      if (player.status !== 'stopped' && playing?.id === tour.id) dispatch({ kind: 'goto', index });
      else start(tour, 'window', index);
    },
    onPlay(mode, from) {
      const tour = current();
      if (tour !== null) start(tour, mode, from);
    },
    onExport() {
      const tour = current();
      if (tour === null) return;
      downloadText(`${tour.name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'tour'}.jumeau-tour.json`, serializeTour(tour), 'application/json');
    },
    onImport(file) {
      void importFile(file);
    },
    onShare() {
      void share();
    },
  });
  disposers.push(ctx.addPanel('tour', panel, 'right', { label: 'tours.toolbar', icon: ICON }));

  async function importFile(file: File): Promise<void> {
    let text: string;
    if (file.size > TOUR_LIMITS.fileBytes) {
      error = t('tours.importFailed', { reason: `${file.name}: the file is larger than ${TOUR_LIMITS.fileBytes} bytes` });
      render();
      return;
    }
    try {
      text = await file.text();
    } catch (e) {
      error = t('tours.importFailed', { reason: `${file.name}: ${e instanceof Error ? e.message : String(e)}` });
      render();
      return;
    }
    const r = parseTourText(text, file.name);
    if (!r.ok) {
      error = t('tours.importFailed', { reason: r.error });
      info = null;
      ctx.say('error', 'tours.importFailed', { reason: r.error }, 'tours:import');
      render();
      return;
    }
    let tour = r.tour;
    const existing = all().find((x) => x.id === tour.id);
    if (existing !== undefined) {
      if (serializeTour(existing) === serializeTour(tour) && existing.sample !== true) {
        currentId = existing.id;
        info = t('tours.alreadySaved', { name: tour.name });
        error = null;
        render();
        return;
      }
      tour = copyTour(tour, newId('tour'), tour.name);
    }
    error = null;
    info = t('tours.imported', { name: tour.name, count: tour.stops.length });
    addTours([tour], true);
  }

  async function share(): Promise<void> {
    const tour = current();
    if (tour === null) return;
    const value = tour.sample === true ? tour.id : encodeTourLink(tour);
    if (value.length > MAX_LINK_CHARS) {
      error = t('tours.linkTooLong', { max: MAX_LINK_CHARS });
      render();
      return;
    }
    const url = `${location.origin}${location.pathname}?city=${encodeURIComponent(tour.cityId)}&tour=${value}`;
    try {
      await navigator.clipboard.writeText(url);
      ctx.say('info', 'tours.linkCopied', {}, 'tours:share');
    } catch {
      ctx.messages.show({ level: 'info', text: `${t('share.manual')} ${url}`, key: 'tours:share', timeoutMs: 30_000 });
    }
    info = t('tours.linkReady', { chars: url.length });
    link = { tourId: tour.id, url };
    render();
  }

  function captureView() {
    const v = ctx.viewer;
    if (v === null) return null;
    const sel = ctx.state.selected;
    return {
      camera: getCameraState(v.scene),
      scenarioId: ctx.tours.scenarios()?.active() ?? null,
      layers: ctx.tours.layers()?.shown() ?? null,
      timeMs: ctx.state.timeMs !== undefined ? roundTimeMs(ctx.state.timeMs) : null,
      selected: sel !== undefined && !sel.includes(':') ? sel : null,
    };
  }

  function view(): TourPanelView {
    const sc = ctx.tours.scenarios();
    return {
      tours: all().map((x) => ({ id: x.id, name: x.name, sample: x.sample === true, stops: x.stops.length })),
      tour: current(),
      selectedStop,
      scenarios: sc === null ? null : sc.list(),
      timeZone: TIME_ZONE,
      error,
      info,
      link: link !== null && link.tourId === currentId ? link.url : null,
    };
  }
  function render(): void {
    panel.render(view());
  }

  // ---- Player --------------------------------------------------------------------------------
  const overlay = createTourPlayer({
    onPrev: () => dispatch({ kind: 'prev' }),
    onNext: () => dispatch({ kind: 'next' }),
    onTogglePause: () => dispatch({ kind: 'togglePause' }),
    onGoto: (index) => dispatch({ kind: 'goto', index }),
    onExit: () => dispatch(player.mode === 'kiosk' ? { kind: 'exitRequest' } : { kind: 'exit' }),
  });
  document.getElementById('app')?.append(overlay.el);
  disposers.push(() => overlay.el.remove());

  function start(tour: Tour, mode: PlayerMode, at: number): void {
    if (tour.stops.length === 0) return;
    if (player.status !== 'stopped') dispatch({ kind: 'exit' });
    before = captureView();
    playing = tour;
    // While a tour plays, the URL names it (a reload or the share button plays it again).
    const encoded = tour.sample === true ? tour.id : encodeTourLink(tour);
    ctx.state.extra.tour = encoded.length <= MAX_LINK_CHARS ? encoded : tour.id;
    if (mode !== 'window') ctx.state.extra.tourmode = mode;
    else delete ctx.state.extra.tourmode;
    ctx.syncUrl();
    document.body.classList.toggle('tour-presenting', mode !== 'window');
    document.body.classList.toggle('tour-kiosk', mode === 'kiosk');
    if (mode !== 'window') {
      ctx.setChromeHidden(true);
      document.documentElement.requestFullscreen?.().catch(() => undefined);
    }
    if (mode === 'kiosk') addEventListener('beforeunload', onBeforeUnload);
    dispatch({ kind: 'start', count: tour.stops.length, mode, autoAdvance: tour.autoAdvance, loop: tour.loop, reducedMotion: reducedMotion(), at });
  }

  function dispatch(e: PlayerEvent): void {
    const r = step(player, e);
    player = r.state;
    for (const fx of r.effects) effect(fx);
    if (player.status !== 'stopped' && playing !== null) showOverlay();
  }

  function effect(fx: PlayerEffect): void {
    switch (fx.kind) {
      case 'cancelHold':
        if (holdTimer !== null) clearTimeout(holdTimer);
        holdTimer = null;
        break;
      case 'hold': {
        const stop = playing?.stops[fx.index];
        if (stop === undefined) break;
        if (holdTimer !== null) clearTimeout(holdTimer);
        holdTimer = setTimeout(() => dispatch({ kind: 'holdElapsed', index: fx.index }), stop.holdS * 1000);
        break;
      }
      case 'show':
        void showStop(fx.index, fx.fly);
        break;
      case 'armExit':
        overlay.setExitHint(true);
        if (disarmTimer !== null) clearTimeout(disarmTimer);
        disarmTimer = setTimeout(() => {
          overlay.setExitHint(false);
          dispatch({ kind: 'disarm' });
        }, EXIT_GRACE_MS);
        break;
      case 'ended':
        break;
      case 'exit':
        stopPlaying();
        break;
    }
  }

  async function showStop(index: number, fly: boolean): Promise<void> {
    const tour = playing;
    const stop = tour?.stops[index];
    if (tour === null || stop === undefined) return;
    const token = ++showToken;
    notes = [];
    overlay.el.dataset.status = 'flying';
    ctx.highlightBuildings(stop.highlight);
    if (stop.timeMs !== null) ctx.setTime(stop.timeMs);
    if (stop.layers !== null) {
      const control = ctx.tours.layers();
      if (control !== null) control.show(stop.layers);
      else notes.push(t('tours.layersUnavailable'));
    }
    const scenarios = ctx.tours.scenarios();
    if (stop.scenarioId !== null) {
      if (scenarios === null || !scenarios.list().some((s) => s.id === stop.scenarioId)) notes.push(t('tours.scenarioNotAvailable', { id: stop.scenarioId }));
      else {
        const r = await scenarios.apply(stop.scenarioId);
        if (token !== showToken) return;
        if (!r.ok) notes.push(t('tours.scenarioFailed', { id: stop.scenarioId, reason: r.error }));
      }
    } else if (scenarios !== null && scenarios.active() !== null) {
      await scenarios.apply(null);
      if (token !== showToken) return;
    }
    showOverlay();
    const v = ctx.viewer;
    const result = v === null ? 'arrived' : await flyToCamera(v.scene, stop.camera, fly ? stop.flightS : 0);
    if (token !== showToken || result !== 'arrived') return;
    dispatch({ kind: 'arrived', index });
    overlay.el.dataset.status = 'showing';
  }

  function showOverlay(): void {
    const tour = playing;
    const stop = tour?.stops[player.index];
    if (tour === null || stop === undefined) return;
    overlay.show({
      tourName: tour.name,
      title: stop.title,
      caption: stop.caption,
      index: player.index,
      count: tour.stops.length,
      mode: player.mode,
      paused: player.paused,
      autoAdvance: player.autoAdvance,
      ended: player.ended,
      notes,
    });
    if (tour.sample === true || saved.some((x) => x.id === tour.id)) {
      // Keep the panel's selection on the stop shown, so editing follows the presentation.
      if (currentId === tour.id && selectedStop !== stop.id && ctx.isPanelOpen('tour')) {
        selectedStop = stop.id;
        render();
      }
    }
  }

  function stopPlaying(): void {
    showToken++;
    overlay.hide();
    overlay.el.dataset.status = 'stopped';
    ctx.highlightBuildings([]);
    ctx.setChromeHidden(false);
    document.body.classList.remove('tour-presenting', 'tour-kiosk');
    removeEventListener('beforeunload', onBeforeUnload);
    for (const timer of [holdTimer, idleTimer, disarmTimer]) if (timer !== null) clearTimeout(timer);
    holdTimer = idleTimer = disarmTimer = null;
    if (document.fullscreenElement !== null && document.fullscreenElement !== undefined) document.exitFullscreen?.().catch(() => undefined);
    playing = null;
    if (!disposing) {
      restoreBefore();
      delete ctx.state.extra.tour;
      delete ctx.state.extra.tourmode;
      ctx.syncUrl();
    }
    ctx.viewer?.scene.canvas.focus?.();
  }

  /**
   * The tour's layers, time and scenario were for the audience: leaving the tour gives the
   * author back what they had on (the camera stays at the last stop shown).
   */
  function restoreBefore(): void {
    const b = before;
    before = null;
    if (b === null) return;
    if (b.layers !== null) ctx.tours.layers()?.show(b.layers);
    if (b.timeMs !== null) ctx.setTime(b.timeMs);
    const scenarios = ctx.tours.scenarios();
    if (scenarios !== null && scenarios.active() !== b.scenarioId) {
      if (b.scenarioId === null || scenarios.list().some((x) => x.id === b.scenarioId)) void scenarios.apply(b.scenarioId);
    }
  }

  function onBeforeUnload(e: BeforeUnloadEvent): void {
    e.preventDefault();
    e.returnValue = '';
  }

  /**
   * Kiosk: someone touched something. After `kioskIdleS` without further input the kiosk goes
   * back to the first stop and plays on; a kiosk nobody touched just keeps looping.
   */
  function resetIdle(): void {
    if (player.mode !== 'kiosk' || player.status === 'stopped') return;
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idleTimer = null;
      dispatch({ kind: 'idle' });
    }, kioskIdleS * 1000);
  }

  // Keyboard and clickers: the player's keys win over the camera's while a tour plays.
  const onKey = (e: KeyboardEvent) => {
    if (player.status === 'stopped') return;
    if (player.mode === 'kiosk') resetIdle();
    const target = e.target as HTMLElement | null;
    if (player.mode === 'window' && target !== null && target.closest('input, textarea, select, [contenteditable]') !== null) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const ev = keyToEvent(e.key);
    if (ev === null) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    dispatch(ev);
  };
  document.addEventListener('keydown', onKey, true);
  disposers.push(() => document.removeEventListener('keydown', onKey, true));
  const onActivity = () => {
    if (player.mode === 'kiosk' && player.status !== 'stopped') resetIdle();
  };
  for (const type of ['pointerdown', 'wheel', 'touchstart'] as const) {
    document.addEventListener(type, onActivity, { passive: true, capture: true });
    disposers.push(() => document.removeEventListener(type, onActivity, { capture: true }));
  }
  const onContextMenu = (e: Event) => {
    if (player.mode === 'kiosk' && player.status !== 'stopped') e.preventDefault();
  };
  document.addEventListener('contextmenu', onContextMenu);
  disposers.push(() => document.removeEventListener('contextmenu', onContextMenu));
  // Leaving full screen (the browser's own Esc): presenter mode ends; a kiosk asks for a second Esc.
  const onFullscreen = () => {
    if (document.fullscreenElement !== null || player.status === 'stopped') return;
    if (player.mode === 'present') dispatch({ kind: 'exit' });
    else if (player.mode === 'kiosk') dispatch({ kind: 'exitRequest' });
  };
  document.addEventListener('fullscreenchange', onFullscreen);
  disposers.push(() => document.removeEventListener('fullscreenchange', onFullscreen));
  // A kiosk returns to full screen at the next touch after an accidental exit.
  const onKioskGesture = () => {
    if (player.mode === 'kiosk' && player.status !== 'stopped' && document.fullscreenElement === null) document.documentElement.requestFullscreen?.().catch(() => undefined);
  };
  document.addEventListener('pointerdown', onKioskGesture);
  disposers.push(() => document.removeEventListener('pointerdown', onKioskGesture));

  // ---- City ----------------------------------------------------------------------------------
  disposers.push(
    ctx.onCity((c) => {
      city = c;
      const loaded = loadTours(storage, c.config.id);
      saved = loaded.tours;
      for (const p of loaded.problems) ctx.say('warning', 'tours.storeProblem', { reason: p }, `tours:store:${p}`);
      error = info = null;
      selectedStop = null;
      let autoStart = false;
      const link = pendingLink;
      pendingLink = null;
      if (link !== null) {
        if (link.kind === 'tour') {
          if (link.tour.cityId !== c.config.id) ctx.say('warning', 'tours.linkOtherCity', { name: link.tour.name, city: link.tour.cityId }, 'tours:link');
          const existing = saved.find((x) => x.id === link.tour.id);
          if (existing === undefined || serializeTour(existing) !== serializeTour(link.tour)) addTours([existing === undefined ? link.tour : copyTour(link.tour, newId('tour'), link.tour.name)], true);
          else currentId = existing.id;
          autoStart = link.tour.cityId === c.config.id;
        } else if (all().some((x) => x.id === link.id)) {
          currentId = link.id;
          autoStart = true;
        } else {
          ctx.say('warning', 'tours.linkUnknown', { id: link.id }, 'tours:link');
          delete ctx.state.extra.tour;
        }
      }
      if (currentId === null || !all().some((x) => x.id === currentId)) currentId = all()[0]?.id ?? null;
      render();
      if (autoStart) {
        ctx.setPanelOpen('tour', true);
        const tour = current();
        if (tour !== null) start(tour, linkMode, 0);
      }
      return () => {
        if (player.status !== 'stopped') dispatch({ kind: 'exit' });
        city = null;
        saved = [];
      };
    }),
  );
  disposers.push(ctx.onLangChange(() => render()));
  render();

  window.__jumeauTours = {
    state: () => ({ status: player.status, index: player.index, mode: player.mode, paused: player.paused, tourId: playing?.id ?? null, tours: all().map((x) => x.id) }),
    current: () => {
      const tour = current();
      return tour === null ? null : serializeTour(tour);
    },
  };

  return () => {
    disposing = true;
    if (player.status !== 'stopped') dispatch({ kind: 'exit' });
    for (const d of disposers.reverse()) d();
    delete window.__jumeauTours;
  };
}

/** Storage when the browser refuses localStorage (private mode): tours last for the session. */
function memoryStorage(): KeyValueStorage {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}
