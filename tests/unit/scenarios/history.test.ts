import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Edit } from '../../../src/scenarios/edits.ts';
import { createHistory, execute, redo, undo, type Command, type History } from '../../../src/features/scenarios/history.ts';
import { arbEdit } from './arbitraries.ts';

/** Undo and redo: any sequence of commands followed by as many undos is the baseline again. */

/** A command that applies to the current edits (built from a random choice). */
function commandFor(edits: readonly Edit[], choice: { op: number; pick: number; edit: Edit; n: number }, uid: () => string): Command {
  const op = edits.length === 0 ? 0 : choice.op % 4;
  const target = edits[choice.pick % Math.max(1, edits.length)];
  if (op === 0 || target === undefined) return { op: 'add', edit: { ...choice.edit, id: uid() }, index: choice.pick % (edits.length + 1) };
  if (op === 1) return { op: 'remove', id: target.id };
  if (op === 2) return { op: 'update', edit: { ...choice.edit, id: target.id } };
  return { op: 'batch', commands: [{ op: 'remove', id: target.id }, { op: 'add', edit: { ...choice.edit, id: uid() } }] };
}

describe('history', () => {
  it('any sequence of edits followed by as many undos gives back the baseline; redo replays them', () => {
    fc.assert(
      fc.property(
        fc.array(arbEdit(), { maxLength: 4 }),
        fc.array(fc.record({ op: fc.nat(), pick: fc.nat(), edit: arbEdit(), n: fc.nat() }), { minLength: 1, maxLength: 25 }),
        (start, choices) => {
          let k = 0;
          const uid = () => `u${k++}`;
          const baseline = start.map((e, i) => ({ ...e, id: `b${i}` }));
          let h: History = createHistory(baseline);
          const states: (readonly Edit[])[] = [h.edits];
          for (const c of choices) {
            h = execute(h, commandFor(h.edits, c, uid));
            states.push(h.edits);
          }
          const end = h.edits;
          for (let i = 0; i < choices.length; i++) {
            h = undo(h);
            expect(h.edits).toEqual(states[states.length - 2 - i]);
          }
          expect(h.edits).toEqual(baseline);
          expect(undo(h)).toBe(h);
          for (let i = 0; i < choices.length; i++) h = redo(h);
          expect(h.edits).toEqual(end);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a new command after undo clears redo; commands that cannot apply throw and change nothing', () => {
    const e: Edit = { kind: 'remove-building', id: 'a', buildingId: 'B1' };
    let h = execute(createHistory(), { op: 'add', edit: e });
    h = undo(h);
    expect(h.redo).toHaveLength(1);
    h = execute(h, { op: 'add', edit: { ...e, id: 'b' } });
    expect(h.redo).toHaveLength(0);
    expect(() => execute(h, { op: 'add', edit: { ...e, id: 'b' } })).toThrow(/exists already/);
    expect(() => execute(h, { op: 'remove', id: 'zz' })).toThrow(/no edit with id zz/);
    expect(h.edits.map((x) => x.id)).toEqual(['b']);
  });
});
