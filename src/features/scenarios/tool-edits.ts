import type { AnySimulation } from '../../core/simulation/types.ts';
import type { Edit, LonLat } from '../../scenarios/edits.ts';
import type { ModelEdit, Place, ToolParams } from './controller.ts';

/**
 * The edits the tools make, from what was drawn or picked in the view (pure): positions rounded
 * to the scenario's precision, bases to the centimetre, labels from the picked item's name.
 */

/** Metres to the centimetre. */
export const round2 = (v: number) => Math.round(v * 100) / 100;
/** A picked place as an edit's optional position (1e-7°), or nothing. */
const where = (at: Place | null) => (at !== null ? { lonDeg: Math.round(at.lonDeg * 1e7) / 1e7, latDeg: Math.round(at.latDeg * 1e7) / 1e7 } : {});

/** The edit a drawn footprint makes: a building or an excavation, based on the lowest vertex. */
export function drawnEdit(kind: 'building' | 'clip', id: string, ring: LonLat[], heights: readonly number[], p: ToolParams): Edit {
  const baseM = round2(Math.min(...heights));
  return kind === 'building'
    ? { kind: 'add-building', id, footprint: ring, heightM: p.heightM, use: p.use, ...(p.floors !== null && Number.isFinite(p.floors) ? { floors: p.floors } : {}), ...(Number.isFinite(baseM) ? { baseM } : {}) }
    : { kind: 'clip', id, ring, depthM: p.depthM, ...(Number.isFinite(baseM) ? { baseM } : {}) };
}

/** The edit a picked building makes: demolished or hidden. */
export function pickedBuildingEdit(kind: 'remove' | 'hide', id: string, buildingId: string, at: Place | null): Edit {
  return kind === 'remove' ? { kind: 'remove-building', id, buildingId, ...where(at) } : { kind: 'hide-building', id, buildingId, ...where(at) };
}

/** The edit a picked facility makes: a car park closed, a wifi hotspot removed; null for anything else. */
export function facilityEdit(newId: () => string, item: { layerId: string; id: string | null; properties: Readonly<Record<string, unknown>> } | null, at: Place | null): Edit | null {
  if (item === null || item.id === null) return null;
  const name = item.properties.name ?? item.properties.nom;
  const label = typeof name === 'string' && name !== '' ? { label: name.slice(0, 120) } : {};
  if (/park/.test(item.layerId)) return { kind: 'close-car-park', id: newId(), carParkId: `${item.layerId}:${item.id}`, ...where(at), ...label };
  if (/wifi/.test(item.layerId)) return { kind: 'remove-hotspot', id: newId(), hotspotId: `${item.layerId}:${item.id}`, ...where(at), ...label };
  return null;
}

/** A car park added at a place. */
export const carParkEdit = (id: string, at: Place, capacity: number): Edit => ({ kind: 'add-car-park', id, lonDeg: at.lonDeg, latDeg: at.latDeg, capacity: Math.round(capacity) });

/** A wifi hotspot added at a place (4 m, 20 dBm, 5 GHz, omni). */
export const hotspotEdit = (id: string, at: Place): Edit => ({ kind: 'add-hotspot', id, lonDeg: at.lonDeg, latDeg: at.latDeg, heightM: 4, eirpDbm: 20, bandGHz: 5, pattern: 'omni' });

/** An imported model placed at a place, upright and at scale 1. */
export const placedModelEdit = (id: string, asset: string, fileName: string, at: Place): ModelEdit => ({ kind: 'add-model', id, asset, name: fileName.slice(0, 200) || 'model.glb', lonDeg: at.lonDeg, latDeg: at.latDeg, baseM: round2(at.heightM), headingDeg: 0, scale: 1 });

/**
 * A simulation parameter set in the scenario, once checked against the field of the
 * simulation's input schema; otherwise the reason.
 */
export function parameterEdit(def: AnySimulation | null, newId: () => string, simulation: string, name: string, value: number | string | boolean): { ok: true; edit: Edit } | { ok: false; reason: string } | null {
  if (def === null) return null;
  const shape = (def.input as unknown as { shape?: Record<string, { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }> }).shape;
  const field = shape?.[name];
  if (field === undefined) return { ok: false, reason: `${simulation}: no parameter "${name}"` };
  const check = field.safeParse(value);
  if (!check.success) return { ok: false, reason: `${simulation}.${name}: ${check.error?.issues[0]?.message ?? 'invalid'}` };
  return { ok: true, edit: { kind: 'set-parameter', id: newId(), simulation, name, value } };
}
