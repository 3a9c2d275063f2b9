import type { SimProgress } from '../../core/simulation/types.ts';
import { formatNumber, t } from '../../ui/i18n/index.ts';
import { PLANNED_COLOR, type OpenDataStatus, type PlacedAp, type WifiShown } from './controller.ts';
import type { WifiKpis } from './figures.ts';
import type { WifiResultView } from './panel.ts';

/**
 * The wifi panel's texts, in the current language, from what the controller decided: the list of
 * scenario access points, the open data's state, progress, and a result's key figures, districts
 * and proposed hotspots.
 */

const pct = (v: number) => formatNumber(100 * v, 1);

/** The scenario's access points as the panel lists them. */
export function hotspotItems(aps: readonly PlacedAp[]): { id: string; name: string; label: string }[] {
  return aps.map((a) => ({
    id: a.id,
    name: a.id,
    label: t('wifi.item', { name: a.id, eirp: formatNumber(a.eirpDbm, 0), band: a.band === '5' ? '5' : '2,4', pattern: a.azimuthDeg === null ? t('wifi.omni') : `${t('wifi.sector')} ${formatNumber(a.azimuthDeg, 0)}°`, height: formatNumber(a.heightM, 1) }),
  }));
}

/** What the panel says about the open-data access points. */
export function openDataText(s: OpenDataStatus): string {
  switch (s.state) {
    case 'loading':
      return t('wifi.openDataLoading');
    case 'loaded':
      return t('wifi.openData', { n: s.count, source: s.source });
    case 'none':
      return t('wifi.openDataNone');
    case 'failed':
      return t('wifi.openDataFailed', { reason: s.reason });
  }
}

/** Progress of a run: its text and the fraction done. */
export function progressText(q: SimProgress): [string, number] {
  const f = q.total > 0 ? q.done / q.total : 0;
  const text = q.stage === 'rays' ? t('wifi.stage', { percent: Math.round(100 * f) }) : q.stage === 'facades' ? t('wifi.stageFacades', { percent: Math.round(100 * f) }) : t('wifi.stageCity');
  return [text, f];
}

/** Key figures at street level: area, residents, inside and outside priority areas. */
export function kpiLines(k: WifiKpis, qpvData: boolean): string[] {
  const lines = [t('wifi.kpiArea', { share: pct(k.areaShare), area: formatNumber(k.cells * k.cellAreaM2, 0) })];
  lines.push(k.hasPopulation ? t('wifi.kpiResidents', { covered: formatNumber(k.coveredResidents, 0), total: formatNumber(k.residents, 0), share: pct(k.residentsShare) }) : t('wifi.kpiNoPopulation'));
  if (k.priority !== null && k.priority.inside.cells > 0) {
    const share = (x: { residents: number; coveredResidents: number; cells: number; coveredCells: number }) => (k.hasPopulation && x.residents > 0 ? x.coveredResidents / x.residents : x.cells > 0 ? x.coveredCells / x.cells : 0);
    lines.push(t('wifi.kpiQpv', { inside: pct(share(k.priority.inside)), outside: pct(share(k.priority.outside)) }));
  } else if (qpvData) lines.push(t('wifi.kpiNoQpv'));
  return lines;
}

/** A result as the panel shows it: title, figures, proposed hotspots, districts, legend. */
export function resultView(r: WifiShown): WifiResultView {
  const o = r.output;
  const k = o.kpi;
  const fk = o.facades?.kpi ?? null;
  const facadeLines = fk === null ? [] : fk.buildings === 0 ? [t('wifi.kpiFacadeNone')] : [t('wifi.kpiFacade', { share: pct(fk.areaShare), area: formatNumber(fk.areaM2, 0), covered: formatNumber(fk.coveredBuildings, 0), buildings: formatNumber(fk.buildings, 0) })];
  const lines = [...kpiLines(k, r.qpvData), ...facadeLines, t('wifi.kpiPerf', { aps: r.apCount, rays: formatNumber(o.rays, 0), seconds: formatNumber(r.ms / 1000, 1), workers: r.workers })];
  const pickLines = o.picks.map((p, j) =>
    k.hasPopulation
      ? t('wifi.pick', { rank: j + 1, name: r.nameOf(p.id), residents: formatNumber(p.residentsGain, 0), area: formatNumber(p.areaGainM2, 0), share: pct(k.residents > 0 ? p.residentsAfter / k.residents : 0) })
      : t('wifi.pickArea', { rank: j + 1, name: r.nameOf(p.id), area: formatNumber(p.areaGainM2, 0), share: pct(k.cells > 0 ? p.areaAfterM2 / (k.cells * k.cellAreaM2) : 0) }),
  );
  if (o.picks.length === 0 && r.askedToPlace) pickLines.push(t('wifi.noPick'));
  const districts = [...k.districts].sort((a, b) => b.residents - a.residents || b.cells - a.cells).map((d) => t('wifi.districtRow', { name: d.name, area: pct(d.cells > 0 ? d.coveredCells / d.cells : 0), residents: pct(d.residents > 0 ? d.coveredResidents / d.residents : 0) }));
  return {
    title: t('wifi.resultTitle', { threshold: formatNumber(o.thresholdDbm, 0) }),
    lines,
    districts,
    picks: pickLines,
    ramp: r.ramp,
    ...(o.plannedCovered !== null ? { extraLegend: [{ label: t('wifi.plannedLegend'), color: PLANNED_COLOR }] } : {}),
    ...(r.synthetic ? { note: t('wifi.synthetic') } : {}),
  };
}
