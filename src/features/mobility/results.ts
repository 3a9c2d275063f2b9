import type { ParkingSearchOutput } from './parking-contract.ts';
import type { WalkIsochronesOutput } from './walk-contract.ts';
import { AMENITY_LAYERS, type PackFiles } from './inputs.ts';
import type { PackAvailability } from './controller.ts';
import { firstChangedPark, parkSeries, parkShifts, samplesOf } from './park-controller.ts';
import { bandColor, hex, type WalkParams } from './walk-controller.ts';
import type { Availability, ParkView, WalkView } from './panel.ts';
import { formatNumber, t, type MessageKey } from '../../ui/i18n/index.ts';

/**
 * The mobility results in words for the panel: the controller's figures with the texts of the
 * current language (progress stages, amenity names, the walking summary and indicators, the
 * parking day's table, fit and curves).
 */

/** Threshold of the 15-minute indicators, minutes (the contract's default `kpiMin`). */
const KPI_MIN = 15;

/** The name of an amenity type (or the Trambus scenario); other ids as they are. */
function typeLabel(type: string): string {
  return AMENITY_LAYERS.some((a) => a.id === type) || type === 'metro-and-trambus' ? t(`mobility.type.${type}` as MessageKey) : type;
}

/** The panel's availability: the controller's, with the amenity types named. */
export function availabilityText(a: PackAvailability): Availability {
  return { ...a, types: a.types.map((id) => ({ id, label: typeLabel(id) })) };
}

/** A progress stage of the workers in words. */
export function stageText(stage: string): string {
  return ['isochrone', 'area', 'accessibility', 'day'].includes(stage) ? t(`mobility.stage.${stage}` as MessageKey) : stage === 'queued' ? t('mobility.running') : stage;
}

/** The walking result as the panel shows it. */
export function walkView(o: WalkIsochronesOutput, p: WalkParams, files: PackFiles): WalkView {
  const bandsMin = o.bandsS.map((s) => s / 60);
  const lines = [
    t('mobility.walk.summary', { origins: o.origins.snapped, missed: o.origins.unsnapped, nodes: formatNumber(o.graph.nodes, 0), edges: formatNumber(o.graph.edges, 0) }),
    ...bandsMin.map((m, i) => t('mobility.walk.length', { min: formatNumber(m, 0), km: formatNumber(o.bandLengthM.slice(0, i + 1).reduce((a, b) => a + b, 0) / 1000, 1) })),
  ];
  const first = o.kpis[0];
  const sc = o.scenario;
  return {
    legend: bandsMin.map((m, i) => ({ color: hex(bandColor(i)), label: t('mobility.walk.band', { min: formatNumber(m, 0) }) })),
    lines,
    kpiTitle: t('mobility.walk.kpiTitle', { min: KPI_MIN }),
    kpis: o.kpis.map((k) => ({ label: typeLabel(k.type), all: k.share, qpv: k.qpvShare, elsewhere: k.elsewhereShare })),
    kpiNote: first !== undefined ? t('mobility.walk.kpiResidents', { residents: formatNumber(first.residents, 0) }) : files['population-grid'] === undefined ? t('mobility.walk.noPopulation') : null,
    scenario: sc === null ? null : t('mobility.walk.scenarioLine', { before: formatNumber(100 * sc.before.share, 1), after: formatNumber(100 * sc.after.share, 1), delta: formatNumber(100 * (sc.after.share - sc.before.share), 1), qBefore: formatNumber(100 * sc.before.qpvShare, 1), qAfter: formatNumber(100 * sc.after.qpvShare, 1) }),
    districts: (o.kpis.find((k) => k.type === p.origin) ?? first)?.districts.filter((d) => d.residents > 0).sort((a, b) => a.share - b.share) ?? [],
  };
}

/** The parking day as the panel shows it; `ms` is how long the run took. */
export function parkView(o: ParkingSearchOutput, ms: number): ParkView {
  const f0 = (v: number) => formatNumber(v, 0);
  const b = o.baseline, s = o.scenario;
  const row = (key: MessageKey, get: (x: typeof b) => number): [string, string, string | null] => [t(key), f0(get(b)), s === null ? null : f0(get(s))];
  const cal = o.calibration;
  const shifts = parkShifts(o);
  return {
    shifts: shifts.length > 0 ? t('mobility.park.shifts', { list: shifts.map((x) => `${x.name} ${x.d > 0 ? '+' : '−'}${f0(Math.abs(x.d))}`).join(', ') }) : null,
    fit: cal !== null ? t('mobility.park.fit', { date: cal.date ?? '?', rmse: formatNumber(cal.rmse, 1), n: cal.observations.length, before: formatNumber(cal.rmseBefore, 1) }) : t('mobility.park.noFit'),
    rows: [
      row('mobility.park.row.visitors', (x) => x.visitors),
      row('mobility.park.row.parks', (x) => x.parkedInParks),
      row('mobility.park.row.street', (x) => x.parkedOnStreet),
      row('mobility.park.row.gaveUp', (x) => x.gaveUp),
      row('mobility.park.row.cruised', (x) => x.cruisedDrivers),
      row('mobility.park.row.cruise', (x) => x.meanCruiseS),
      row('mobility.park.row.walk', (x) => x.meanWalkM),
      row('mobility.park.row.km', (x) => x.extraKm),
      row('mobility.park.row.co2', (x) => x.co2Kg),
    ],
    hours: Array.from({ length: samplesOf(o) }, (_, i) => ((i + 1) * o.sampleMin) / 60),
    series: parkSeries(o),
    selected: firstChangedPark(o),
    note: t('mobility.park.synthetic'),
    perf: t('mobility.park.steps', { steps: formatNumber(o.agentSteps, 0), seconds: formatNumber(ms / 1000, 1) }),
  };
}
