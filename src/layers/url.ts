import { LAYERS } from './catalog.ts';
import type { LayerDefinition } from './types.ts';

/**
 * The layers part of the URL (pure): `layers=id[:opacity%][:variant],…` and `ptime=HH:MM` (the
 * time shown for recorded series). Unknown ids and malformed entries are reported, not thrown.
 */

export interface LayerUrlEntry {
  id: string;
  /** 0–1. */
  opacity: number;
  variant: string;
}

export interface LayerUrlIssue {
  value: string;
  reason: string;
}

/** Parses `layers=`; returns the entries in order and the issues. */
export function parseLayersParam(value: string, catalog: readonly LayerDefinition[] = LAYERS): { entries: LayerUrlEntry[]; issues: LayerUrlIssue[] } {
  const entries: LayerUrlEntry[] = [];
  const issues: LayerUrlIssue[] = [];
  if (value.trim() === '') return { entries, issues };
  for (const raw of value.split(',').slice(0, 100)) {
    const [id = '', op, variant] = raw.split(':');
    const def = catalog.find((d) => d.id === id);
    if (def === undefined) {
      issues.push({ value: raw.slice(0, 80), reason: 'unknown layer' });
      continue;
    }
    if (entries.some((e) => e.id === id)) continue;
    let opacity = 1;
    if (op !== undefined && op !== '') {
      const n = Number(op);
      if (!/^\d{1,3}$/.test(op) || n > 100) issues.push({ value: raw.slice(0, 80), reason: 'opacity must be 0–100' });
      else opacity = n / 100;
    }
    let v = def.variants[0].id;
    if (variant !== undefined && variant !== '') {
      if (def.variants.some((x) => x.id === variant)) v = variant;
      else issues.push({ value: raw.slice(0, 80), reason: `unknown display "${variant.slice(0, 30)}"` });
    }
    entries.push({ id, opacity, variant: v });
  }
  return { entries, issues };
}

/** Writes `layers=` canonically (opacity and variant only when not the default). */
export function serializeLayersParam(entries: readonly LayerUrlEntry[], catalog: readonly LayerDefinition[] = LAYERS): string {
  return entries
    .map((e) => {
      const def = catalog.find((d) => d.id === e.id);
      const op = Math.round(e.opacity * 100);
      const defaultVariant = def?.variants[0].id;
      const parts = [e.id];
      if (op !== 100 || e.variant !== defaultVariant) parts.push(op === 100 ? '' : String(op));
      if (e.variant !== defaultVariant) parts.push(e.variant);
      return parts.join(':');
    })
    .join(',');
}

/** `HH:MM` → minutes since midnight, or null. */
export function parseClock(value: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (m === null) return null;
  const h = Number(m[1]), min = Number(m[2]);
  return h < 24 && min < 60 ? h * 60 + min : null;
}

export function formatClock(minutes: number): string {
  const m = ((Math.round(minutes) % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
