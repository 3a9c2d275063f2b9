import { canonicalEdit, checkEdit, type Edit } from '../../scenarios/edits.ts';

/**
 * Undo and redo over a scenario's edits, as pure functions of an immutable history. Every
 * command records its inverse (O(1) memory per step, whatever the number of edits), so any
 * sequence of commands followed by as many undos gives back the edits it started from, in the
 * same order (a property test checks it).
 */

export type Command =
  | { op: 'add'; edit: Edit; /** Position in the list (default: the end). */ index?: number }
  | { op: 'remove'; id: string }
  | { op: 'update'; edit: Edit }
  | { op: 'batch'; commands: Command[] };

export interface Step {
  forward: Command;
  backward: Command;
}

export interface History {
  readonly edits: readonly Edit[];
  readonly undo: readonly Step[];
  readonly redo: readonly Step[];
}

/** Most undo steps kept. */
export const UNDO_LIMIT = 1000;

export class HistoryError extends Error {
  override name = 'HistoryError';
}

export function createHistory(edits: readonly Edit[] = []): History {
  return { edits, undo: [], redo: [] };
}

/** Applies a command; returns the new edits and the command that undoes it. */
export function applyCommand(edits: readonly Edit[], cmd: Command): { edits: readonly Edit[]; inverse: Command } {
  switch (cmd.op) {
    case 'add': {
      if (edits.some((e) => e.id === cmd.edit.id)) throw new HistoryError(`an edit with id ${cmd.edit.id} exists already`);
      const i = Math.max(0, Math.min(edits.length, cmd.index ?? edits.length));
      return { edits: [...edits.slice(0, i), cmd.edit, ...edits.slice(i)], inverse: { op: 'remove', id: cmd.edit.id } };
    }
    case 'remove': {
      const i = edits.findIndex((e) => e.id === cmd.id);
      if (i < 0) throw new HistoryError(`no edit with id ${cmd.id}`);
      return { edits: [...edits.slice(0, i), ...edits.slice(i + 1)], inverse: { op: 'add', edit: edits[i]!, index: i } };
    }
    case 'update': {
      const i = edits.findIndex((e) => e.id === cmd.edit.id);
      if (i < 0) throw new HistoryError(`no edit with id ${cmd.edit.id}`);
      const next = edits.slice();
      next[i] = cmd.edit;
      return { edits: next, inverse: { op: 'update', edit: edits[i]! } };
    }
    case 'batch': {
      let cur = edits;
      const inverses: Command[] = [];
      for (const c of cmd.commands) {
        const r = applyCommand(cur, c);
        cur = r.edits;
        inverses.push(r.inverse);
      }
      return { edits: cur, inverse: { op: 'batch', commands: inverses.reverse() } };
    }
  }
}

/** Runs a command (clears the redo stack). Throws a `HistoryError` when it cannot apply. */
export function execute(h: History, cmd: Command): History {
  const r = applyCommand(h.edits, cmd);
  const undo = [...h.undo, { forward: cmd, backward: r.inverse }];
  if (undo.length > UNDO_LIMIT) undo.splice(0, undo.length - UNDO_LIMIT);
  return { edits: r.edits, undo, redo: [] };
}

export const canUndo = (h: History) => h.undo.length > 0;
export const canRedo = (h: History) => h.redo.length > 0;

/** Undoes the last step (unchanged when there is none). */
export function undo(h: History): History {
  const step = h.undo.at(-1);
  if (step === undefined) return h;
  const r = applyCommand(h.edits, step.backward);
  return { edits: r.edits, undo: h.undo.slice(0, -1), redo: [...h.redo, step] };
}

/** Redoes the last undone step (unchanged when there is none). */
export function redo(h: History): History {
  const step = h.redo.at(-1);
  if (step === undefined) return h;
  const r = applyCommand(h.edits, step.forward);
  return { edits: r.edits, undo: [...h.undo, step], redo: h.redo.slice(0, -1) };
}

/** Why a command cannot run (an added or updated edit that is not valid), or null. */
export function commandProblem(c: Command): string | null {
  if (c.op === 'add' || c.op === 'update') {
    const r = checkEdit(c.edit);
    return r.ok ? null : r.error;
  }
  if (c.op === 'batch') {
    for (const x of c.commands) {
      const e = commandProblem(x);
      if (e !== null) return e;
    }
  }
  return null;
}

/** The command with its edits at the scenario's precision (see `canonicalEdit`). */
export function canonicalCommand(c: Command): Command {
  return c.op === 'add' || c.op === 'update' ? { ...c, edit: canonicalEdit(c.edit) } : c.op === 'batch' ? { op: 'batch', commands: c.commands.map(canonicalCommand) } : c;
}
