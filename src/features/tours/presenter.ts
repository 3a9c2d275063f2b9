import type { AppContext } from '../../app/context.ts';
import { roundTimeMs } from '../../core/url-state.ts';
import { flyToCamera, getCameraState, reducedMotion } from '../../scene/camera.ts';
import { t } from '../../ui/i18n/index.ts';
import { playingLinkValue, type TourLibrary } from './controller.ts';
import type { Tour, ViewCapture } from './model.ts';
import { IDLE_STATE, keyToEvent, step, type PlayerEffect, type PlayerEvent, type PlayerMode, type PlayerState } from './player.ts';
import { createTourPlayer } from './player-view.ts';

/**
 * Playing a tour: carries out the effects of the player's state machine (player.ts) — flights,
 * hold and kiosk timers, the overlay (player-view.ts), full screen, the keyboard and clickers —
 * and applies each stop: camera, layers (through the layers feature's control), time,
 * highlighted buildings and scenario (through `ctx.tours`, registered by the scenario feature).
 * What was shown before the tour is given back when it ends.
 */

/** Kiosk: a second Esc within this time leaves. */
const EXIT_GRACE_MS = 3000;

/** What the app shows now, as a stop would (null without a 3D view). */
export function captureView(ctx: AppContext): ViewCapture | null {
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

/** The tour player of the app (`kioskIdleS`: a kiosk goes back to the first stop after this long without input). */
export function createPresenter(ctx: AppContext, library: TourLibrary, kioskIdleS: number) {
  const disposers: (() => void)[] = [];
  let player: PlayerState = { ...IDLE_STATE };
  let playing: Tour | null = null;
  /** What was shown before the tour started (layers, time, scenario): given back when it ends. */
  let before: ViewCapture | null = null;
  let holdTimer: ReturnType<typeof setTimeout> | null = null;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  let disarmTimer: ReturnType<typeof setTimeout> | null = null;
  let showToken = 0;
  /** Set while the feature is uninstalled (e.g. a rebuild after a lost WebGL context): the URL keeps the tour. */
  let disposing = false;
  let notes: string[] = [];

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
    before = captureView(ctx);
    playing = tour;
    // While a tour plays, the URL names it (a reload or the share button plays it again).
    ctx.state.extra.tour = playingLinkValue(tour);
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
    // Keep the panel's selection on the stop shown, so editing follows the presentation.
    library.followStop(tour, stop.id, () => ctx.isPanelOpen('tour'));
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

  const listen = <K extends keyof DocumentEventMap>(type: K, fn: (e: DocumentEventMap[K]) => void, options?: AddEventListenerOptions) => {
    document.addEventListener(type, fn, options);
    disposers.push(() => document.removeEventListener(type, fn, { capture: options?.capture ?? false }));
  };
  // Keyboard and clickers: the player's keys win over the camera's while a tour plays.
  listen(
    'keydown',
    (e) => {
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
    },
    { capture: true },
  );
  const onActivity = () => {
    if (player.mode === 'kiosk' && player.status !== 'stopped') resetIdle();
  };
  for (const type of ['pointerdown', 'wheel', 'touchstart'] as const) listen(type, onActivity, { passive: true, capture: true });
  listen('contextmenu', (e) => {
    if (player.mode === 'kiosk' && player.status !== 'stopped') e.preventDefault();
  });
  // Leaving full screen (the browser's own Esc): presenter mode ends; a kiosk asks for a second Esc.
  listen('fullscreenchange', () => {
    if (document.fullscreenElement !== null || player.status === 'stopped') return;
    if (player.mode === 'present') dispatch({ kind: 'exit' });
    else if (player.mode === 'kiosk') dispatch({ kind: 'exitRequest' });
  });
  // A kiosk returns to full screen at the next touch after an accidental exit.
  listen('pointerdown', () => {
    if (player.mode === 'kiosk' && player.status !== 'stopped' && document.fullscreenElement === null) document.documentElement.requestFullscreen?.().catch(() => undefined);
  });

  return {
    start,
    /** Shows stop `index` of a tour: within the tour playing, else by playing it in a window from there. */
    preview(tour: Tour, index: number): void {
      if (player.status !== 'stopped' && playing?.id === tour.id) dispatch({ kind: 'goto', index });
      else start(tour, 'window', index);
    },
    /** Leaves the tour playing, if any. */
    exit(): void {
      if (player.status !== 'stopped') dispatch({ kind: 'exit' });
    },
    state: (): PlayerState => player,
    playing: (): Tour | null => playing,
    /** Leaves the tour (the URL keeps it) and removes the overlay and listeners. */
    dispose(): void {
      disposing = true;
      if (player.status !== 'stopped') dispatch({ kind: 'exit' });
      for (const d of disposers.reverse()) d();
    },
  };
}
