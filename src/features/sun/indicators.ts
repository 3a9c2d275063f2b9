import type { SunHoursOutput } from './contract.ts';
import { runOutput, type KpiProvider, type KpiRun, type KpiSide } from '../../scenarios/kpi.ts';

/**
 * Sun indicators from two `sun-hours` studies of the same area and day (baseline, scenario).
 * They count only *neighbours*: cells that are the same surface in both studies — ground and
 * ground, or the roof of the same existing building — so a new building's own roof, or the
 * ground freed by a demolition, is not counted as sun gained or lost by others.
 */

export const SUN_HOURS_RUN: KpiRun = {
  id: 'sun-hours',
  simulation: 'sun-hours',
  title: { fr: 'Heures d’ensoleillement', en: 'Sun hours' },
  input: (ctx) => ({
    area: ctx.areaPolygon,
    city: { tileset: ctx.study.city.tileset, ...(ctx.study.city.idProperties !== undefined ? { idProperties: [...ctx.study.city.idProperties] } : {}) },
    date: ctx.study.date,
    timeZone: ctx.study.timeZone,
    stepMin: ctx.study.stepMin,
    cellM: ctx.study.cellM,
    facades: false,
    ...(ctx.scenario !== undefined ? { scenario: ctx.scenario } : {}),
  }),
};

/** Cells that are the same surface on both sides, with their hours and area. */
export function neighbourCells(baseline: KpiSide, scenario: KpiSide): { before: number[]; after: number[]; cellM2: number } {
  const a = runOutput<SunHoursOutput>(baseline, SUN_HOURS_RUN);
  const b = runOutput<SunHoursOutput>(scenario, SUN_HOURS_RUN);
  const ga = a.grid, gb = b.grid;
  if (ga.cols !== gb.cols || ga.rows !== gb.rows || ga.x0 !== gb.x0 || ga.y0 !== gb.y0 || ga.cellM !== gb.cellM) throw new Error('the two sun studies do not cover the same cells');
  const before: number[] = [], after: number[] = [];
  for (let i = 0; i < a.sunHours.length; i++) {
    const sa = a.surface[i]!, sb = b.surface[i]!;
    if (sa === 0 || sa !== sb) continue;
    if (sa === 2) {
      const ida = a.buildings.ids[a.cellBuilding[i]!], idb = b.buildings.ids[b.cellBuilding[i]!];
      if (ida === undefined || ida !== idb || scenario.addedIds.has(idb)) continue;
    }
    before.push(a.sunHours[i]!);
    after.push(b.sunHours[i]!);
  }
  return { before, after, cellM2: ga.cellM * ga.cellM };
}

const METHOD_NOTE = {
  fr: 'Deux études d’ensoleillement (référence et scénario) de la même zone, du même jour et au même pas ; mailles « voisines » : même surface des deux côtés (sol, ou toit d’un même bâtiment existant).',
  en: 'Two sun-hours studies (baseline and scenario) of the same area, day and step; “neighbouring” cells: the same surface on both sides (ground, or the roof of the same existing building).',
};

export const sunLostKpi: KpiProvider = {
  id: 'sun-lost',
  label: { fr: 'Heures de soleil perdues par les voisins', en: 'Sun hours lost by neighbours' },
  unit: 'm²·h',
  better: 'lower',
  decimals: 0,
  runs: [SUN_HOURS_RUN],
  compute(b, s) {
    const n = neighbourCells(b, s);
    let lost = 0;
    for (let i = 0; i < n.before.length; i++) lost += Math.max(0, n.before[i]! - n.after[i]!);
    return { baseline: 0, scenario: lost * n.cellM2 };
  },
  method: { fr: `${METHOD_NOTE.fr} Σ max(0, H_réf − H_scén) × aire de maille, par jour.`, en: `${METHOD_NOTE.en} Σ max(0, H_base − H_scen) × cell area, per day.` },
};

export const sunMeanKpi: KpiProvider = {
  id: 'sun-mean',
  label: { fr: 'Ensoleillement moyen des voisins', en: 'Mean sun on neighbours' },
  unit: 'h',
  better: 'higher',
  decimals: 2,
  runs: [SUN_HOURS_RUN],
  compute(b, s) {
    const n = neighbourCells(b, s);
    if (n.before.length === 0) throw new Error('no neighbouring cell in the study area');
    const mean = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
    return { baseline: mean(n.before), scenario: mean(n.after) };
  },
  method: { fr: `${METHOD_NOTE.fr} Moyenne des heures de soleil direct par jour sur les mailles voisines.`, en: `${METHOD_NOTE.en} Mean hours of direct sun per day over neighbouring cells.` },
};

export const sunShadedAreaKpi: KpiProvider = {
  id: 'sun-shaded-area',
  label: { fr: 'Surface voisine perdant ≥ 1 h de soleil', en: 'Neighbouring area losing ≥ 1 h of sun' },
  unit: 'm²',
  better: 'lower',
  decimals: 0,
  runs: [SUN_HOURS_RUN],
  compute(b, s) {
    const n = neighbourCells(b, s);
    let cells = 0;
    for (let i = 0; i < n.before.length; i++) if (n.before[i]! - n.after[i]! >= 1) cells++;
    return { baseline: 0, scenario: cells * n.cellM2 };
  },
  method: { fr: `${METHOD_NOTE.fr} Aire des mailles voisines dont H_réf − H_scén ≥ 1 h.`, en: `${METHOD_NOTE.en} Area of neighbouring cells where H_base − H_scen ≥ 1 h.` },
};
