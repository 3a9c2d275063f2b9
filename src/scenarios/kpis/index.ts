import type { KpiProvider } from '../kpi.ts';
import { buildingCountKpi, floorAreaKpi, footprintKpi, maxHeightKpi } from './buildings.ts';
import { parkingCruiseKpi, transitAccessKpi } from './mobility.ts';
import { wifiResidentsKpi } from './wifi.ts';
import { sunLostKpi, sunMeanKpi, sunShadedAreaKpi } from './sun.ts';

/**
 * The indicators of the comparison table, in display order.
 *
 * Two ways to add indicators, both generic over the simulation registry:
 * - a file here (providers and the runs they need, see `buildings.ts`) and one line in
 *   `BUILT_IN_KPIS`;
 * - or, for a simulation that owns its indicators (wifi coverage, issue 7; parking cruising time
 *   and transit access, issue 8), a `kpis: KpiProvider[]` field on its definition in
 *   `src/simulations/`: {@link kpisFor} picks it up from the registry, nothing to change here.
 *
 * An indicator shows only when every simulation its runs need is in the registry, so the table
 * never lists a number no simulation can compute. A conformance test runs over the result.
 */
export const BUILT_IN_KPIS: readonly KpiProvider[] = [buildingCountKpi, footprintKpi, floorAreaKpi, maxHeightKpi, sunLostKpi, sunShadedAreaKpi, sunMeanKpi, wifiResidentsKpi, parkingCruiseKpi, transitAccessKpi];

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
