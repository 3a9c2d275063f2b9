import type { KpiProvider } from '../scenarios/kpi.ts';
import { FEATURE_LIST } from './features.ts';

/** Features whose indicators open the table, in this order; the others follow in list order. */
const TABLE_ORDER = ['buildings', 'sun', 'wifi', 'mobility'];

function orderedIndicators(): KpiProvider[] {
  const rank = (id: string) => (TABLE_ORDER.includes(id) ? TABLE_ORDER.indexOf(id) : TABLE_ORDER.length);
  return [...FEATURE_LIST].sort((a, b) => rank(a.id) - rank(b.id)).flatMap((f) => f.indicators ?? []);
}

/**
 * The indicators of the comparison table, in display order: those of every feature, in the
 * order of the feature list (each feature's manifest names its own, beside its simulations).
 * An indicator shows only when every simulation its runs need is in the registry, so the table
 * never lists a number no simulation can compute. A conformance test runs over the result.
 */
export const BUILT_IN_KPIS: readonly KpiProvider[] = orderedIndicators();

/** Whether a value looks like a KPI provider (definitions are checked, not trusted). */
function isProvider(v: unknown): v is KpiProvider {
  const p = v as Partial<KpiProvider> | null;
  return typeof p === 'object' && p !== null && typeof p.id === 'string' && typeof p.compute === 'function' && Array.isArray(p.runs) && typeof p.label === 'object';
}

/**
 * The indicators available with a registry of simulations: the built-in ones whose simulations
 * are registered, then those the simulations declare (`kpis` on a definition), first id wins.
 */
export function kpisFor(simulations: readonly { id: string; kpis?: unknown }[]): KpiProvider[] {
  const ids = new Set(simulations.map((s) => s.id));
  const declared = simulations.flatMap((s) => (Array.isArray(s.kpis) ? s.kpis.filter(isProvider) : []));
  const out = new Map<string, KpiProvider>();
  for (const p of [...BUILT_IN_KPIS, ...declared]) if (!out.has(p.id) && p.runs.every((r) => ids.has(r.simulation))) out.set(p.id, p);
  return [...out.values()];
}

/** The built-in indicators (buildings, sun, wifi, parking and transit access). */
export const KPIS: readonly KpiProvider[] = BUILT_IN_KPIS;

/** The indicator with this id among `list`, or null. */
export function findKpi(id: string, list: readonly KpiProvider[] = KPIS): KpiProvider | null {
  return list.find((k) => k.id === id) ?? null;
}
