import type { KpiProvider } from '../kpi.ts';
import { buildingCountKpi, floorAreaKpi, footprintKpi, maxHeightKpi } from './buildings.ts';
import { sunLostKpi, sunMeanKpi, sunShadedAreaKpi } from './sun.ts';

/**
 * Every indicator of the comparison table, in display order. A simulation adds its own with a
 * file here (providers and the runs they need, see `buildings.ts`) and one line below — e.g.
 * residents covered by wifi (issue 7), mean parking cruising time and residents within 15 min
 * of transit (issue 8). A conformance test runs over this list.
 */
export const KPIS: readonly KpiProvider[] = [buildingCountKpi, footprintKpi, floorAreaKpi, maxHeightKpi, sunLostKpi, sunShadedAreaKpi, sunMeanKpi];

/** The indicator with this id, or null. */
export function findKpi(id: string): KpiProvider | null {
  return KPIS.find((k) => k.id === id) ?? null;
}
