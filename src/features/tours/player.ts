/**
 * The tour player as a pure state machine: `step(state, event)` returns the next state and the
 * effects the feature carries out (show a stop, start or cancel the hold timer, leave). Timers,
 * flights and the DOM live in `src/features/tours/presenter.ts`; this file decides what happens, and the tests
 * drive it through whole presentations without a browser.
 */

export type PlayerMode = 'window' | 'present' | 'kiosk';

export interface PlayerState {
  /** Number of stops of the tour played. */
  count: number;
  /** The stop shown (or flown to); −1 when not playing. */
  index: number;
  mode: PlayerMode;
  status: 'stopped' | 'flying' | 'showing';
  /** Auto-advance is on (the tour's setting, always in kiosk mode, or turned on by play). */
  autoAdvance: boolean;
  paused: boolean;
  loop: boolean;
  /** The last stop was reached without looping. */
  ended: boolean;
  /** Kiosk: Esc was pressed once; a second press within the grace time leaves. */
  exitArmed: boolean;
  /** Flights become cuts (prefers-reduced-motion). */
  reducedMotion: boolean;
}

export type PlayerEvent =
  | { kind: 'start'; count: number; mode: PlayerMode; autoAdvance: boolean; loop: boolean; reducedMotion: boolean; at?: number }
  | { kind: 'next' }
  | { kind: 'prev' }
  | { kind: 'goto'; index: number }
  | { kind: 'togglePause' }
  /** The camera reached stop `index`. */
  | { kind: 'arrived'; index: number }
  /** The hold time of stop `index` is over. */
  | { kind: 'holdElapsed'; index: number }
  /** Kiosk: nobody touched anything for the idle period. */
  | { kind: 'idle' }
  /** Esc (or the exit button). */
  | { kind: 'exitRequest' }
  /** Kiosk: the grace time for a second Esc is over. */
  | { kind: 'disarm' }
  | { kind: 'exit' };

export type PlayerEffect =
  /** Show stop `index`: fly there (`fly`) or cut. */
  | { kind: 'show'; index: number; fly: boolean }
  /** Start the hold timer of stop `index` (any earlier hold timer is cancelled first). */
  | { kind: 'hold'; index: number }
  | { kind: 'cancelHold' }
  /** Tell the audience how to leave (kiosk: "press Esc again"). */
  | { kind: 'armExit' }
  | { kind: 'ended' }
  | { kind: 'exit' };

export interface StepResult {
  state: PlayerState;
  effects: PlayerEffect[];
}

export const IDLE_STATE: PlayerState = {
  count: 0,
  index: -1,
  mode: 'window',
  status: 'stopped',
  autoAdvance: false,
  paused: false,
  loop: false,
  ended: false,
  exitArmed: false,
  reducedMotion: false,
};

function show(s: PlayerState, index: number): StepResult {
  return { state: { ...s, index, status: 'flying', ended: false }, effects: [{ kind: 'cancelHold' }, { kind: 'show', index, fly: !s.reducedMotion }] };
}

const loops = (s: PlayerState) => s.loop || s.mode === 'kiosk';

/** One transition. Events that do not apply in the current state change nothing. */
export function step(s: PlayerState, e: PlayerEvent): StepResult {
  const same: StepResult = { state: s, effects: [] };
  if (e.kind === 'start') {
    if (e.count <= 0) return same;
    const at = Math.max(0, Math.min(e.count - 1, e.at ?? 0));
    const base: PlayerState = {
      count: e.count,
      index: at,
      mode: e.mode,
      status: 'flying',
      autoAdvance: e.autoAdvance || e.mode === 'kiosk',
      paused: false,
      loop: e.loop,
      ended: false,
      exitArmed: false,
      reducedMotion: e.reducedMotion,
    };
    return show(base, at);
  }
  if (s.status === 'stopped') return same;
  switch (e.kind) {
    case 'next':
      if (s.index < s.count - 1) return show(s, s.index + 1);
      if (loops(s)) return show(s, 0);
      return s.ended ? same : { state: { ...s, ended: true }, effects: [{ kind: 'cancelHold' }, { kind: 'ended' }] };
    case 'prev':
      if (s.index > 0) return show(s, s.index - 1);
      if (loops(s)) return show(s, s.count - 1);
      return same;
    case 'goto':
      if (!Number.isInteger(e.index) || e.index < 0 || e.index >= s.count) return same;
      return show(s, e.index);
    case 'togglePause': {
      // Play on a tour without auto-advance turns it on; then it pauses and resumes.
      if (!s.autoAdvance) {
        const state: PlayerState = { ...s, autoAdvance: true, paused: false };
        const canAdvance = s.index < s.count - 1 || loops(s);
        return { state, effects: s.status === 'showing' && canAdvance ? [{ kind: 'cancelHold' }, { kind: 'hold', index: s.index }] : [] };
      }
      const paused = !s.paused;
      const effects: PlayerEffect[] = [{ kind: 'cancelHold' }];
      if (!paused && s.autoAdvance && s.status === 'showing') {
        // Resuming on the last stop of a tour that does not loop has nowhere to go.
        if (s.index < s.count - 1 || loops(s)) effects.push({ kind: 'hold', index: s.index });
      }
      return { state: { ...s, paused }, effects };
    }
    case 'arrived': {
      if (e.index !== s.index || s.status !== 'flying') return same;
      const state: PlayerState = { ...s, status: 'showing' };
      const canAdvance = s.index < s.count - 1 || loops(s);
      return { state, effects: s.autoAdvance && !s.paused && canAdvance ? [{ kind: 'hold', index: s.index }] : [] };
    }
    case 'holdElapsed':
      if (e.index !== s.index || s.status !== 'showing' || s.paused || !s.autoAdvance) return same;
      return step(s, { kind: 'next' });
    case 'idle':
      if (s.mode !== 'kiosk') return same;
      return show({ ...s, paused: false, exitArmed: false }, 0);
    case 'exitRequest':
      if (s.mode === 'kiosk' && !s.exitArmed) return { state: { ...s, exitArmed: true }, effects: [{ kind: 'armExit' }] };
      return step(s, { kind: 'exit' });
    case 'disarm':
      return s.exitArmed ? { state: { ...s, exitArmed: false }, effects: [] } : same;
    case 'exit':
      return { state: { ...IDLE_STATE }, effects: [{ kind: 'cancelHold' }, { kind: 'exit' }] };
  }
}

/** The player's answer to a key, or null when the key is not the player's. */
export function keyToEvent(key: string): PlayerEvent | null {
  switch (key) {
    case 'ArrowRight':
    case 'PageDown':
    case 'ArrowDown':
      return { kind: 'next' };
    case 'ArrowLeft':
    case 'PageUp':
    case 'ArrowUp':
      return { kind: 'prev' };
    case ' ':
    case 'Spacebar':
    case 'p':
      return { kind: 'togglePause' };
    case 'Escape':
      return { kind: 'exitRequest' };
    case 'Home':
      return { kind: 'goto', index: 0 };
    default:
      return null;
  }
}
