import { metresPerDegree } from '../core/geodesy.ts';
import { placeLocal } from '../core/placement.ts';
import type { SimScenario } from '../core/simulation/scenario-input.ts';
import type { Edit, LonLat } from './edits.ts';
import { editsBbox, type ScenarioEffect } from './model.ts';

/**
 * From a scenario to what the simulations take: buildings added (footprints), imported models
 * (their triangles placed in an east-north-up frame at their anchor), buildings removed, clipped
 * areas. Scenario buildings get ids `scn:<edit id>` in the simulations, never equal to a city's.
 */

export const SIM_ID_PREFIX = 'scn:';
export const simBuildingId = (editId: string): string => `${SIM_ID_PREFIX}${editId}`;

/** A model's triangles as authored (metres, z up). */
export interface ModelTriangles {
  positions: Float32Array;
  index: Uint32Array;
}

/**
 * The simulation edits of a scenario. `model(asset)` gives the triangles of an imported model
 * (null when they are not available: the edit is then reported in `missing`).
 */
export function toSimScenario(fx: ScenarioEffect, model: (asset: string) => ModelTriangles | null): { scenario: SimScenario; missing: string[] } {
  const missing: string[] = [];
  const meshes: SimScenario['meshes'] = [];
  for (const m of fx.models) {
    const tri = model(m.asset);
    if (tri === null) {
      missing.push(m.name);
      continue;
    }
    meshes.push({ id: simBuildingId(m.id), origin: { lonDeg: m.lonDeg, latDeg: m.latDeg, heightM: m.baseM }, positions: placeLocal(tri.positions, m.headingDeg, m.scale), index: new Uint32Array(tri.index) });
  }
  return {
    scenario: {
      added: fx.addedBuildings.map((b) => ({ id: simBuildingId(b.id), footprint: b.footprint, heightM: b.heightM, ...(b.baseM !== undefined ? { baseM: b.baseM } : {}), ...(b.floors !== undefined ? { floors: b.floors } : {}) })),
      removed: [...fx.removed].sort(),
      meshes,
      clips: fx.clips.map((c) => ({ ring: c.ring })),
    },
    missing,
  };
}

/** Whether simulation edits change the city's geometry at all. */
export function changesGeometry(s: SimScenario): boolean {
  return s.added.length + s.removed.length + s.meshes.length + s.clips.length > 0;
}

/**
 * A study area around the edits: their bounding box widened by a margin that grows with the
 * tallest addition (its shadow), 60 to 300 m. Null when no edit has a place.
 */
export function autoStudyArea(edits: readonly Edit[], modelHeightM: (e: Extract<Edit, { kind: 'add-model' }>) => number = () => 30): LonLat[] | null {
  const bbox = editsBbox(edits);
  if (bbox === null) return null;
  let tallest = 0;
  for (const e of edits) {
    if (e.kind === 'add-building') tallest = Math.max(tallest, e.heightM);
    if (e.kind === 'add-model') tallest = Math.max(tallest, modelHeightM(e));
  }
  const marginM = Math.max(60, Math.min(300, 2.5 * tallest));
  const [w, s, e, n] = bbox;
  const m = metresPerDegree((s + n) / 2);
  const dx = marginM / m.lonM, dy = marginM / m.latM;
  const r = (v: number) => Math.round(v * 1e7) / 1e7;
  return [
    [r(w - dx), r(s - dy)],
    [r(e + dx), r(s - dy)],
    [r(e + dx), r(n + dy)],
    [r(w - dx), r(n + dy)],
  ];
}

/** A GeoJSON polygon of an open ring. */
export function ringPolygon(ring: readonly LonLat[]): { type: 'Polygon'; coordinates: number[][][] } {
  return { type: 'Polygon', coordinates: [[...ring.map(([x, y]) => [x, y]), [ring[0]![0], ring[0]![1]]]] };
}
