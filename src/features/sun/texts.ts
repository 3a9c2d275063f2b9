import { rgbToHex } from '../../core/color-ramp.ts';
import { histogram } from '../../core/simulation/display.ts';
import { formatNumber, getLang, t, type MessageKey } from '../../ui/i18n/index.ts';
import { ringAreaKm2, TIME_ZONE, type SunShown } from './controller.ts';
import type { ResultView } from './panel.ts';
import type { SunPositionOutput } from './position-kernel.ts';

/**
 * The sun panel's texts, in the current language, from what the controller decided: run stages,
 * the study area and the project building, where the sun is now, and a result's summary lines,
 * legend title and histogram.
 */

const f1 = (v: number) => formatNumber(v, 1);

/** A run stage as the panel names it (unknown stages as they are). */
export function stageText(stage: string): string {
  const key = `sim.stage.${stage}` as MessageKey;
  return ['queued', 'city', 'rays', 'facades'].includes(stage) ? t(key) : stage;
}

/** The study area: its size and about how many 2 m cells it holds. */
export function areaText(km2: number): string {
  return t('sim.areaInfo', { km2: formatNumber(km2, 3), cells: formatNumber(Math.round((km2 * 1e6) / 4), 0) });
}

/** The project building's footprint area. */
export function buildingText(ring: readonly [number, number][]): string {
  return `${formatNumber(ringAreaKm2(ring) * 1e6, 0)} m²`;
}

/** Where the sun is at `ms` over the city, with sunrise and sunset (the city's local times). */
export function sunNowText(ms: number, r: SunPositionOutput, timeZone: string = TIME_ZONE): string {
  const hm = (iso: string | null) => (iso === null ? '—' : new Date(iso).toLocaleTimeString(getLang() === 'fr' ? 'fr-FR' : 'en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }));
  return t('sim.sunNow', { time: hm(new Date(ms).toISOString()), az: formatNumber(r.azimuthDeg, 1), el: formatNumber(r.elevationDeg, 1), rise: hm(r.sunrise), set: hm(r.sunset) });
}

/** A result as the panel shows it: title, summary lines, legend, histogram, export. */
export function resultView(r: SunShown): ResultView {
  const p = r.params;
  const note = r.synthetic ? { note: t('sim.synthetic') } : {};
  if (r.kind === 'loss') {
    const { loss, lost, sum, max } = r.loss;
    return {
      title: t('sim.lossTitle', { height: formatNumber(r.heightM, 0), date: p.date }),
      lines: [t('sim.lossStat', { cells: formatNumber(lost, 0), mean: f1(lost > 0 ? sum / lost : 0), max: f1(max) }), t('sim.perf', { rays: formatNumber(r.rays, 0), seconds: formatNumber(r.ms / 2000, 1), workers: r.workers })],
      legendTitle: t('sim.legendLoss'),
      ramp: r.ramp,
      histogram: histogram(loss, 0.5, Math.max(0.5, max), [{ label: t('sim.legendLoss'), keep: (i) => (loss[i] ?? 0) > 0.01 }]),
      histogramColors: [rgbToHex([222, 45, 38])],
      ...note,
      canExport: false,
    };
  }
  const o = r.output;
  const facadeMeans = Array.from(o.buildings.facadeMeanH).filter((v) => !Number.isNaN(v));
  const facadeMean = facadeMeans.reduce((s, v) => s + v, 0) / Math.max(1, facadeMeans.length);
  const lines = [
    t('sim.stat', { label: t('sim.ground'), mean: f1(o.ground.mean), median: f1(o.ground.p50), count: formatNumber(o.ground.count, 0) }),
    t('sim.stat', { label: t('sim.roofs'), mean: f1(o.roofs.mean), median: f1(o.roofs.p50), count: formatNumber(o.roofs.count, 0) }),
    ...(facadeMeans.length > 0 ? [t('sim.facadeStat', { mean: f1(facadeMean), count: formatNumber(facadeMeans.length, 0) })] : []),
    t('sim.dayLength', { hours: f1(o.dayLengthH), steps: o.sunSteps }),
    t('sim.perf', { rays: formatNumber(o.rays, 0), seconds: formatNumber(r.ms / 1000, 1), workers: r.workers }),
  ];
  const hist = histogram(o.sunHours, 0.5, Math.max(0.5, o.dayLengthH), [
    { label: t('sim.ground'), keep: (i) => o.surface[i] === 1 },
    { label: t('sim.roofs'), keep: (i) => o.surface[i] === 2 },
  ]);
  return {
    title: p.endDate !== undefined ? t('sim.resultPeriod', { date: p.date, end: p.endDate }) : t('sim.resultTitle', { date: p.date }),
    lines,
    legendTitle: t('sim.legend'),
    ramp: r.ramp,
    histogram: hist,
    histogramColors: ['#4fc3f7', '#ffb74d'],
    ...note,
    canExport: true,
  };
}
