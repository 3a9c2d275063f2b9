import type { CityGmlBuilding } from './citygml-sax.ts';
import type { SourceSurface } from './clean.ts';
import { SEMANTIC_SURFACES, type SurfaceKind } from './types.ts';

/**
 * Reader of CityJSON 1.0, 1.1 and 2.0 buildings into the records the city pipeline consumes
 * (the same {@link CityGmlBuilding}s as the CityGML reader, so cleaning, heights and glb writing
 * are shared). For each `Building` (with its `BuildingPart` children, recursively) it keeps the
 * surfaces of its best level of detail (LOD 2.x, else 1.x, 3.x), from `MultiSurface`,
 * `CompositeSurface`, `Solid`, `MultiSolid` and `CompositeSolid` geometries, with the semantic
 * surface kinds (roof, wall, ground); vertices are decoded with `transform` (scale, translate);
 * attributes are kept (`measuredHeight`, `storeysAboveGround`, `yearOfConstruction`, `function`…).
 * The CRS comes from `metadata.referenceSystem` (1.1/2.0 URL, 1.0 URN).
 *
 * Not read (counted in notes): geometry templates (`GeometryInstance`), textures and materials,
 * other city object types. Pure; throws an Error naming what is wrong when the file is not
 * CityJSON it can read.
 */

export interface CityJsonResult {
  buildings: CityGmlBuilding[];
  /** `metadata.referenceSystem`, or null. */
  srsName: string | null;
  version: string;
  notes: string[];
}

const LOD_PREFERENCE = [2, 1, 3, 4, 0];
const VERSIONS = ['1.0', '1.1', '2.0'];

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Geom {
  oid: string;
  lod: number;
  surfaces: SourceSurface[];
}

/** Reads a CityJSON document (text or already parsed). */
export function readCityJson(input: string | unknown, limits: { maxBuildings?: number } = {}): CityJsonResult {
  let doc: unknown = input;
  if (typeof input === 'string') {
    try {
      doc = JSON.parse(input);
    } catch (e) {
      throw new Error(`invalid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  if (!isObj(doc) || doc.type !== 'CityJSON') throw new Error('not CityJSON (no "type": "CityJSON")');
  const version = typeof doc.version === 'string' ? doc.version : '';
  if (!VERSIONS.some((v) => version === v || version.startsWith(`${v}.`))) throw new Error(`CityJSON version "${version}" is not read (1.0, 1.1 and 2.0 are)`);
  const verts = doc.vertices;
  if (!Array.isArray(verts)) throw new Error('"vertices" is not an array');
  const objects = doc.CityObjects;
  if (!isObj(objects)) throw new Error('"CityObjects" is not an object');
  let scale = [1, 1, 1], translate = [0, 0, 0];
  if (doc.transform !== undefined) {
    const t = doc.transform;
    const ok3 = (a: unknown): a is number[] => Array.isArray(a) && a.length === 3 && a.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!isObj(t) || !ok3(t.scale) || !ok3(t.translate)) throw new Error('"transform" needs "scale" and "translate", three finite numbers each');
    scale = t.scale;
    translate = t.translate;
  } else if (!version.startsWith('1.0')) throw new Error(`CityJSON ${version} requires a "transform" (scale, translate)`);
  const meta = doc.metadata;
  const srs = isObj(meta) && typeof meta.referenceSystem === 'string' && meta.referenceSystem.trim() !== '' ? meta.referenceSystem : null;

  const notes = { badVertex: 0, templates: 0, otherTypes: 0, appearance: 0, emptyRings: 0 };
  const vertex = (i: unknown, out: number[]): boolean => {
    const v = typeof i === 'number' && Number.isInteger(i) ? (verts[i] as unknown) : undefined;
    if (!Array.isArray(v) || v.length < 3 || !v.slice(0, 3).every((x) => typeof x === 'number')) {
      notes.badVertex++;
      return false;
    }
    out.push((v[0] as number) * scale[0]! + translate[0]!, (v[1] as number) * scale[1]! + translate[1]!, (v[2] as number) * scale[2]! + translate[2]!);
    return true;
  };
  const surfaceTypes = (g: Json): unknown[] => (isObj(g.semantics) && Array.isArray(g.semantics.surfaces) ? g.semantics.surfaces : []);
  const kindOf = (types: unknown[], value: unknown): SurfaceKind => {
    if (typeof value !== 'number') return 'other';
    const s = types[value];
    return isObj(s) && typeof s.type === 'string' ? (SEMANTIC_SURFACES[s.type] ?? 'other') : 'other';
  };
  /** A surface: `[[ring], [hole], …]` of vertex indices. */
  const readSurface = (rings: unknown, kind: SurfaceKind, id: string): SourceSurface | null => {
    if (!Array.isArray(rings) || rings.length === 0) return null;
    const out: number[][] = [];
    for (const ring of rings) {
      if (!Array.isArray(ring)) return null;
      const coords: number[] = [];
      for (const i of ring) if (!vertex(i, coords)) return null;
      if (coords.length < 9) {
        notes.emptyRings++;
        if (out.length === 0) return null;
        continue;
      }
      out.push(coords);
    }
    return { kind, id, rings: out, uvs: null, texture: null };
  };
  const readGeometry = (g: unknown, objectId: string): Geom | null => {
    if (!isObj(g)) return null;
    if (g.type === 'GeometryInstance') {
      notes.templates++;
      return null;
    }
    if (isObj(g.texture) || isObj(g.material)) notes.appearance++;
    const lod = Math.floor(Number(g.lod));
    if (!Number.isFinite(lod)) return null;
    const types = surfaceTypes(g);
    const values = isObj(g.semantics) ? g.semantics.values : undefined;
    const b = g.boundaries;
    if (!Array.isArray(b)) return null;
    const surfaces: SourceSurface[] = [];
    const add = (rings: unknown, value: unknown, path: string) => {
      const s = readSurface(rings, kindOf(types, value), `${objectId}/${path}`);
      if (s !== null) surfaces.push(s);
    };
    const at = (v: unknown, i: number): unknown => (Array.isArray(v) ? v[i] : undefined);
    switch (g.type) {
      case 'MultiSurface':
      case 'CompositeSurface':
        b.forEach((s, i) => add(s, at(values, i), `${i}`));
        break;
      case 'Solid':
        b.forEach((shell, k) => (Array.isArray(shell) ? shell.forEach((s, i) => add(s, at(at(values, k), i), `${k}.${i}`)) : undefined));
        break;
      case 'MultiSolid':
      case 'CompositeSolid':
        b.forEach((solid, j) =>
          Array.isArray(solid) ? solid.forEach((shell, k) => (Array.isArray(shell) ? shell.forEach((s, i) => add(s, at(at(at(values, j), k), i), `${j}.${k}.${i}`)) : undefined)) : undefined,
        );
        break;
      default:
        return null;
    }
    return { oid: objectId, lod, surfaces };
  };

  const buildings: CityGmlBuilding[] = [];
  let index = 0;
  for (const [id, o] of Object.entries(objects)) {
    if (!isObj(o)) continue;
    if (o.type !== 'Building') {
      if (o.type !== 'BuildingPart' && o.type !== 'BuildingInstallation') notes.otherTypes++;
      continue;
    }
    // A Building that is itself a child of a Building is read with its parent.
    const parents = Array.isArray(o.parents) ? o.parents : [];
    if (parents.some((p) => typeof p === 'string' && isObj(objects[p]) && (objects[p] as Json).type === 'Building')) continue;
    if (limits.maxBuildings !== undefined && buildings.length >= limits.maxBuildings) {
      throw new Error(`more than ${limits.maxBuildings.toLocaleString('en-US')} buildings (the limit)`);
    }
    const geoms: Geom[] = [];
    const props: Record<string, unknown> = {};
    const seen = new Set<string>();
    const visit = (oid: string, obj: Json, depth: number) => {
      if (seen.has(oid) || depth > 20) return;
      seen.add(oid);
      if (isObj(obj.attributes)) {
        for (const [k, v] of Object.entries(obj.attributes)) {
          if (v === null || (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) continue;
          const prev = props[k];
          // Parts: the building's measured height is its tallest part's.
          if (k === 'measuredHeight' && typeof prev === 'number' && typeof v === 'number') props[k] = Math.max(prev, v);
          else if (!(k in props)) props[k] = v;
        }
      }
      for (const g of Array.isArray(obj.geometry) ? obj.geometry : []) {
        const r = readGeometry(g, oid);
        if (r !== null) geoms.push(r);
      }
      for (const c of Array.isArray(obj.children) ? obj.children : []) {
        const child = typeof c === 'string' ? objects[c] : undefined;
        if (isObj(child) && (child.type === 'BuildingPart' || child.type === 'Building')) visit(c as string, child, depth + 1);
      }
    };
    visit(id, o, 0);
    const lods = new Set(geoms.filter((g) => g.surfaces.length > 0).map((g) => g.lod));
    const lod = LOD_PREFERENCE.find((l) => lods.has(l)) ?? -1;
    // One geometry per object at that LOD (a building and its parts may each have one).
    const taken = new Set<string>();
    const surfaces = geoms.filter((g) => g.lod === lod && g.surfaces.length > 0 && !taken.has(g.oid) && taken.add(g.oid)).flatMap((g) => g.surfaces);
    buildings.push({ index: index++, source: { id, properties: props, surfaces } });
  }
  const out: string[] = [];
  if (notes.badVertex > 0) out.push(`${notes.badVertex} surfaces point to a vertex that does not exist and were left out`);
  if (notes.emptyRings > 0) out.push(`${notes.emptyRings} rings with fewer than 3 vertices were left out`);
  if (notes.templates > 0) out.push(`${notes.templates} geometry templates (GeometryInstance) were not read`);
  if (notes.appearance > 0) out.push(`${notes.appearance} textures or materials were not read (surfaces keep the default colour)`);
  if (notes.otherTypes > 0) out.push(`${notes.otherTypes} city objects other than buildings were left out`);
  return { buildings, srsName: srs, version, notes: out };
}
