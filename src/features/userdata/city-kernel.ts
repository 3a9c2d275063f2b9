import { enuFrame } from '../../core/geodesy.ts';
import { decodeUtf8 } from '../../layers/parse/geojson.ts';
import { summariseFields } from './fields.ts';
import { USER_LIMITS } from '../../layers/userdata-types.ts';
import { CityGmlReader, type CityGmlBuilding } from '../../city/citygml-sax.ts';
import { readCityJson } from '../../city/cityjson-reader.ts';
import { newCounters, type RecordRules } from '../../city/clean.ts';
import { writeTileGlb } from '../../city/glb.ts';
import { cityModelCrs, collectCityModel, MissingCrsError, plural, summaryWarnings, type Collected } from '../../city/records.ts';
import type { BuildingRecord } from '../../city/types.ts';
import { USERDATA_CITY_VERSION, type UserCityRequest, type UserCityResponse } from './city-contract.ts';

/**
 * CityGML and CityJSON buildings brought by the user, through the city pipeline in the
 * user-data worker: read (the pipeline's CityGML SAX reader, or the CityJSON reader) → CRS
 * (declared, or chosen by the user) → reproject, clean and validate with reasons (tools/city/
 * clean.ts, records.ts) → one glb with EXT_mesh_features + EXT_structural_metadata (tools/city/
 * glb.ts, uncompressed) in an east-north-up frame at the centre of the buildings, and a one-tile
 * tileset.json for it. Pure and deterministic; errors come back as data naming the file.
 */

export { USERDATA_CITY_VERSION, type CityFormat, type UserCityReport, type UserCityRequest, type UserCityResponse, type UserCityResult } from './city-contract.ts';

/** Rejections listed on the row (all are counted). */
export const MAX_LISTED_REJECTIONS = 200;

const RULES: RecordRules = { base: 'ellipsoid', geoidUndulationM: 0, source: '' };

function readModel(req: UserCityRequest): { buildings: CityGmlBuilding[]; srsName: string | null; notes: string[]; axisLatFirst: boolean } {
  if (req.format === 'cityjson') {
    const r = readCityJson(decodeUtf8(req.bytes), { maxBuildings: USER_LIMITS.maxCityBuildings });
    return { buildings: r.buildings, srsName: r.srsName, notes: [`CityJSON ${r.version}`, ...r.notes], axisLatFirst: false };
  }
  const reader = new CityGmlReader({ fileName: req.name });
  // Decoded and parsed in 4 MiB slices (saxes takes text in chunks).
  const decoder = new TextDecoder('utf-8');
  const step = 4 << 20;
  for (let i = 0; i < req.bytes.length; i += step) reader.write(decoder.decode(req.bytes.subarray(i, i + step), { stream: i + step < req.bytes.length }));
  const r = reader.end();
  if (r.buildings.length > USER_LIMITS.maxCityBuildings) throw new Error(`${plural(r.buildings.length, 'building')}, more than the limit of ${USER_LIMITS.maxCityBuildings.toLocaleString('en-US')}`);
  const notes = [...r.notes];
  if (r.themes.length > 0) notes.push(`textures (appearance theme "${r.theme}") are not drawn: a single file brings no images`);
  return { buildings: r.buildings, srsName: r.srsName, notes, axisLatFirst: true };
}

/** Extent of the records' surfaces: [west, south, east, north] radians, min and max height. */
function regionOf(records: readonly BuildingRecord[]): number[] {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity, lo = Infinity, hi = -Infinity;
  for (const r of records) {
    for (const surf of r.surfaces ?? []) {
      for (const ring of surf.rings) {
        for (let i = 0; i < ring.length; i += 3) {
          w = Math.min(w, ring[i]!);
          e = Math.max(e, ring[i]!);
          s = Math.min(s, ring[i + 1]!);
          n = Math.max(n, ring[i + 1]!);
          lo = Math.min(lo, ring[i + 2]!);
          hi = Math.max(hi, ring[i + 2]!);
        }
      }
    }
    for (const p of r.polygons) {
      for (let i = 0; i < p.outer.length; i += 2) {
        w = Math.min(w, p.outer[i]!);
        e = Math.max(e, p.outer[i]!);
        s = Math.min(s, p.outer[i + 1]!);
        n = Math.max(n, p.outer[i + 1]!);
      }
      lo = Math.min(lo, r.baseM);
      hi = Math.max(hi, r.baseM + r.heightM);
    }
  }
  const rad = Math.PI / 180;
  const pad = 1e-6; // ~10 cm, against quantisation at the edges
  return [(w - pad) * rad, (s - pad) * rad, (e + pad) * rad, (n + pad) * rad, lo - 1, hi + 1];
}

/** Builds the glb and tileset of a CityGML or CityJSON file. Never throws. */
export async function buildUserCity(req: UserCityRequest): Promise<UserCityResponse> {
  const v = USERDATA_CITY_VERSION;
  const fail = (reason: string, needsCrs = false): UserCityResponse => ({ ok: false, version: v, error: { where: req.name, reason }, ...(needsCrs ? { needsCrs } : {}) });
  if (req.version !== v) return fail(`contract version ${String(req.version)}, this worker speaks ${v}`);
  if (req.bytes.length > USER_LIMITS.maxCityBytes) return fail(`${Math.round(req.bytes.length / 1048576)} MB, more than the limit of ${Math.round(USER_LIMITS.maxCityBytes / 1048576)} MB for a city model`);
  const t0 = Date.now();
  try {
    const model = readModel(req);
    if (model.buildings.length === 0) return fail(`no building in the file${model.notes.length > 0 ? ` (${model.notes.join('; ')})` : ''}`);
    let code: string;
    try {
      code = cityModelCrs(model.srsName, req.crs, 'the file', { given: 'the CRS chosen is', missing: 'declares no CRS: choose it on the row' });
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e), e instanceof MissingCrsError);
    }
    const c: Collected = { records: [], rejected: [], warnings: [], counters: newCounters(), crsUsed: new Set(), missingIds: 0 };
    collectCityModel(model.buildings, code, model.axisLatFirst, { ...RULES, source: req.name.slice(0, 200) }, c, (i) => `#${i}`);
    if (c.records.length === 0) {
      const first = c.rejected.slice(0, 3).map((r) => `#${r.index}${r.id !== null ? ` (${r.id})` : ''}: ${r.reason}`).join('; ');
      return fail(`no building could be built (${plural(c.rejected.length, 'building')} rejected; ${first})`);
    }
    const warnings = [...model.notes, ...summaryWarnings(c, RULES)];
    const region = regionOf(c.records);
    const deg = 180 / Math.PI;
    const frame = enuFrame({ lonDeg: ((region[0]! + region[2]!) / 2) * deg, latDeg: ((region[1]! + region[3]!) / 2) * deg, heightM: 0 });
    const { glb } = await writeTileGlb(c.records, frame, { compress: false });
    const radius = Math.hypot((region[2]! - region[0]!) * 6378137 * Math.cos(region[1]!), (region[3]! - region[1]!) * 6378137);
    return {
      ok: true,
      version: v,
      result: {
        format: req.format,
        glb,
        tileset: {
          asset: { version: '1.1', generator: 'Jumeau user-data worker (city pipeline)' },
          geometricError: Math.max(50, radius),
          root: { boundingVolume: { region }, geometricError: 0, refine: 'ADD', transform: Array.from(frame.matrix), content: { uri: 'content.glb' } },
        },
        report: { buildings: c.records.length, rejected: c.rejected.slice(0, MAX_LISTED_REJECTIONS), rejectedCount: c.rejected.length, warnings, crs: code, crsDeclared: model.srsName !== null },
        fields: summariseFields(
          c.records.map((r, i) => ({
            id: String(i),
            name: null,
            geometry: { type: 'point', coordinates: [0, 0] },
            properties: { id: r.id, heightM: Math.round(r.heightM * 100) / 100, heightSource: r.heightSource, floors: r.floors, use: r.use, yearBuilt: r.yearBuilt, groundAltitudeM: r.groundAltitudeM ?? null },
          })),
        ),
        buildMs: Date.now() - t0,
      },
    };
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
}

/** What the user-data worker exposes besides the vector parser. */
export const userCityApi = { buildUserCity };
export type UserCityApi = typeof userCityApi;
