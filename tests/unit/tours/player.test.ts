import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IDLE_STATE, keyToEvent, step, type PlayerEvent, type PlayerState } from '../../../src/features/tours/player.ts';

function run(events: PlayerEvent[], from: PlayerState = IDLE_STATE) {
  let s = from;
  const effects = [];
  for (const e of events) {
    const r = step(s, e);
    s = r.state;
    effects.push(...r.effects);
  }
  return { s, effects };
}
const start = (o: Partial<Extract<PlayerEvent, { kind: 'start' }>> = {}): PlayerEvent => ({ kind: 'start', count: 3, mode: 'window', autoAdvance: false, loop: false, reducedMotion: false, ...o });

describe('tour player', () => {
  it('plays three stops with next and previous, and ends without looping', () => {
    let { s, effects } = run([start()]);
    expect(s).toMatchObject({ index: 0, status: 'flying' });
    expect(effects).toContainEqual({ kind: 'show', index: 0, fly: true });
    ({ s } = run([{ kind: 'arrived', index: 0 }], s));
    expect(s.status).toBe('showing');
    ({ s, effects } = run([{ kind: 'next' }, { kind: 'next' }], s));
    expect(s.index).toBe(2);
    ({ s, effects } = run([{ kind: 'next' }], s));
    expect(s).toMatchObject({ index: 2, ended: true });
    expect(effects).toContainEqual({ kind: 'ended' });
    ({ s } = run([{ kind: 'prev' }], s));
    expect(s).toMatchObject({ index: 1, ended: false });
    ({ s } = run([{ kind: 'prev' }, { kind: 'prev' }], s));
    expect(s.index).toBe(0);
  });
  it('cuts instead of flying under reduced motion', () => {
    const { effects } = run([start({ reducedMotion: true }), { kind: 'next' }]);
    expect(effects.filter((e) => e.kind === 'show').every((e) => e.kind === 'show' && !e.fly)).toBe(true);
  });
  it('advances by itself after the hold, pauses and resumes', () => {
    let { s, effects } = run([start({ autoAdvance: true }), { kind: 'arrived', index: 0 }]);
    expect(effects).toContainEqual({ kind: 'hold', index: 0 });
    ({ s } = run([{ kind: 'holdElapsed', index: 0 }], s));
    expect(s.index).toBe(1);
    // A late timer of an earlier stop changes nothing.
    ({ s } = run([{ kind: 'arrived', index: 1 }, { kind: 'holdElapsed', index: 0 }], s));
    expect(s.index).toBe(1);
    ({ s, effects } = run([{ kind: 'togglePause' }], s));
    expect(s.paused).toBe(true);
    expect(effects).toEqual([{ kind: 'cancelHold' }]);
    ({ s } = run([{ kind: 'holdElapsed', index: 1 }], s));
    expect(s.index).toBe(1);
    ({ s, effects } = run([{ kind: 'togglePause' }], s));
    expect(effects).toContainEqual({ kind: 'hold', index: 1 });
    // The last stop of a tour that does not loop holds no timer.
    ({ s, effects } = run([{ kind: 'next' }, { kind: 'arrived', index: 2 }], s));
    expect(effects.some((e) => e.kind === 'hold')).toBe(false);
  });
  it('loops in kiosk mode, returns to the start when idle, and needs two Esc to leave', () => {
    let { s } = run([start({ mode: 'kiosk' }), { kind: 'next' }, { kind: 'next' }, { kind: 'next' }]);
    expect(s).toMatchObject({ index: 0, autoAdvance: true });
    ({ s } = run([{ kind: 'next' }, { kind: 'togglePause' }], s));
    expect(s).toMatchObject({ index: 1, paused: true });
    let effects;
    ({ s, effects } = run([{ kind: 'idle' }], s));
    expect(s).toMatchObject({ index: 0, paused: false });
    expect(effects).toContainEqual({ kind: 'show', index: 0, fly: true });
    ({ s, effects } = run([{ kind: 'exitRequest' }], s));
    expect(s.status).not.toBe('stopped');
    expect(effects).toEqual([{ kind: 'armExit' }]);
    ({ s } = run([{ kind: 'disarm' }, { kind: 'exitRequest' }], s));
    expect(s.status).not.toBe('stopped');
    ({ s, effects } = run([{ kind: 'exitRequest' }], s));
    expect(s.status).toBe('stopped');
    expect(effects).toContainEqual({ kind: 'exit' });
  });
  it('one Esc leaves the window and presenter modes; idle does nothing there', () => {
    for (const mode of ['window', 'present'] as const) {
      const { s } = run([start({ mode }), { kind: 'idle' }]);
      expect(s.index).toBe(0);
      expect(run([{ kind: 'exitRequest' }], s).s.status).toBe('stopped');
    }
  });
  it('maps keys and clickers', () => {
    expect(keyToEvent('ArrowRight')).toEqual({ kind: 'next' });
    expect(keyToEvent('PageDown')).toEqual({ kind: 'next' });
    expect(keyToEvent('PageUp')).toEqual({ kind: 'prev' });
    expect(keyToEvent('ArrowLeft')).toEqual({ kind: 'prev' });
    expect(keyToEvent(' ')).toEqual({ kind: 'togglePause' });
    expect(keyToEvent('Escape')).toEqual({ kind: 'exitRequest' });
    expect(keyToEvent('x')).toBeNull();
  });
  it('keeps the index in range for any sequence of events', () => {
    const ev = fc.oneof(
      fc.constantFrom<PlayerEvent>({ kind: 'next' }, { kind: 'prev' }, { kind: 'togglePause' }, { kind: 'idle' }, { kind: 'exitRequest' }, { kind: 'disarm' }),
      fc.integer({ min: -2, max: 8 }).map((index): PlayerEvent => ({ kind: 'goto', index })),
      fc.integer({ min: 0, max: 6 }).map((index): PlayerEvent => ({ kind: 'arrived', index })),
      fc.integer({ min: 0, max: 6 }).map((index): PlayerEvent => ({ kind: 'holdElapsed', index })),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.constantFrom('window', 'present', 'kiosk' as const), fc.boolean(), fc.array(ev, { maxLength: 40 }), (count, mode, loop, events) => {
        let s = step(IDLE_STATE, { kind: 'start', count, mode, autoAdvance: false, loop, reducedMotion: false }).state;
        for (const e of events) {
          s = step(s, e).state;
          if (s.status === 'stopped') expect(s.index).toBe(-1);
          else expect(s.index >= 0 && s.index < count).toBe(true);
        }
      }),
    );
  });
});

describe('tour player: play without auto-advance', () => {
  it('play turns auto-advance on, then pauses', () => {
    let { s, effects } = run([start({ autoAdvance: false }), { kind: 'arrived', index: 0 }]);
    expect(effects.some((e) => e.kind === 'hold')).toBe(false);
    ({ s, effects } = run([{ kind: 'togglePause' }], s));
    expect(s).toMatchObject({ autoAdvance: true, paused: false });
    expect(effects).toContainEqual({ kind: 'hold', index: 0 });
    ({ s } = run([{ kind: 'togglePause' }], s));
    expect(s.paused).toBe(true);
  });
});
