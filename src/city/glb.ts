import { Document, Logger, TextureInfo, WebIO, type Buffer as GltfBuffer, type Material, type TypedArray } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import { GrowableF32, GrowableU32 } from '../core/geometry/buffers.ts';
import { MeshBuilder } from '../core/geometry/extrude.ts';
import { triangulatePlanar } from '../core/geometry/planar.ts';
import { enuFrame, multiplyMat4, type EnuFrame } from '../core/geodesy.ts';
import { attachFeatureIds, writeBuildingTable, type SchemaOptions } from './metadata.ts';
import { invertRigid } from './tileset.ts';
import type { PreparedTexture } from './node/textures.ts';
import type { BuildingRecord } from './types.ts';

/**
 * Writes one tile's buildings as a glb: one primitive for the LOD1 extrusions (positions,
 * normals, `_FEATURE_ID_0`), and for LOD2 buildings one primitive of untextured surfaces and one
 * per texture (with `TEXCOORD_0` and the image as base colour texture; double-sided, since
 * CityGML surface orientation is often inconsistent); EXT_mesh_features + EXT_structural_metadata
 * on every primitive (one property table per tile), then (unless `compress` is false)
 * quantization and EXT_meshopt_compression through gltf-transform and meshoptimizer.
 */

export interface TileGlbOptions {
  /** Quantize and meshopt-compress (default true). False gives the plain writer used as a baseline. */
  compress?: boolean;
  /** Textures by key (`Surface3D.texture`); a surface whose texture is missing here is drawn untextured. */
  textures?: ReadonlyMap<string, PreparedTexture>;
  /** How the building schema is written (default: described in full, no default source). */
  schema?: SchemaOptions;
}

/** Triangles of LOD2 surfaces, with optional texture coordinates. */
export class SurfaceBuilder {
  readonly positions = new GrowableF32(1024);
  readonly normals = new GrowableF32(1024);
  readonly uvs = new GrowableF32(1024);
  readonly featureIds = new GrowableU32(512);
  readonly indices = new GrowableU32(1024);

  get vertexCount(): number {
    return this.positions.length / 3;
  }

  /** Adds a planar polygon (rings of local x, y, z metres), flat-shaded. Returns triangles added. */
  addPolygon(rings: readonly number[][], fid: number, uvs: readonly number[][] | null): number {
    const { indices, normal } = triangulatePlanar(rings);
    if (indices.length === 0) return 0;
    const first = this.vertexCount;
    rings.forEach((ring, r) => {
      for (let i = 0; i < ring.length; i += 3) {
        this.positions.push3(ring[i]!, ring[i + 1]!, ring[i + 2]!);
        this.normals.push3(normal[0], normal[1], normal[2]);
        this.featureIds.push(fid);
        if (uvs !== null) {
          const k = (i / 3) * 2;
          this.uvs.push(uvs[r]![k]!);
          this.uvs.push(uvs[r]![k + 1]!);
        }
      }
    });
    for (let t = 0; t < indices.length; t += 3) this.indices.push3(first + indices[t]!, first + indices[t + 1]!, first + indices[t + 2]!);
    return indices.length / 3;
  }
}

/** LOD2 surfaces of the tile's buildings in the tile's ENU frame, grouped by texture key ('' = none). */
export function buildSurfaces(buildings: readonly BuildingRecord[], frame: EnuFrame, textures: ReadonlyMap<string, PreparedTexture>): Map<string, SurfaceBuilder> {
  const groups = new Map<string, SurfaceBuilder>();
  buildings.forEach((b, fid) => {
    for (const s of b.surfaces ?? []) {
      const key = s.texture !== null && s.uvs !== null && textures.has(s.texture) ? s.texture : '';
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = new SurfaceBuilder()));
      const local = s.rings.map((ring) => {
        const out = new Array<number>(ring.length);
        for (let i = 0; i < ring.length; i += 3) {
          const [e, n, u] = frame.fromGeodetic(ring[i]!, ring[i + 1]!, ring[i + 2]!);
          out[i] = e;
          out[i + 1] = n;
          out[i + 2] = u;
        }
        return out;
      });
      g.addPolygon(local, fid, key === '' ? null : s.uvs);
    }
  });
  return groups;
}

export interface TileGlbResult {
  glb: Uint8Array;
  vertices: number;
  triangles: number;
}

/**
 * Extrudes buildings into a mesh in the tile's ENU frame (metres, z up). Feature id = index.
 * Each building is extruded in its own east-north-up frame (walls along its local vertical,
 * base on the ellipsoid at its anchor) and then moved rigidly into the tile frame, so that
 * buildings far from the tile's origin (large top tiles) do not lean or float with the Earth's
 * curvature.
 */
export function extrudeBuildings(buildings: readonly BuildingRecord[], frame: EnuFrame): MeshBuilder {
  const mb = new MeshBuilder();
  const ecefToTile = invertRigid(frame.matrix);
  buildings.forEach((b, fid) => {
    if (b.surfaces !== undefined) return; // LOD2: real surfaces, see buildSurfaces
    const [aLon, aLat] = polygonAnchor(b);
    const local = enuFrame({ lonDeg: aLon, latDeg: aLat, heightM: b.baseM });
    const start = mb.vertexCount;
    for (const poly of b.polygons) {
      const toLocal = (ring: readonly number[]): number[] => {
        const out = new Array<number>(ring.length);
        for (let i = 0; i < ring.length; i += 2) {
          const [e, n] = local.fromGeodetic(ring[i]!, ring[i + 1]!, b.baseM);
          out[i] = e;
          out[i + 1] = n;
        }
        return out;
      };
      mb.addExtrudedPolygon({ outer: toLocal(poly.outer), holes: poly.holes.map(toLocal) }, 0, b.heightM, fid);
    }
    const m = multiplyMat4(ecefToTile, local.matrix); // building ENU → tile ENU (rigid)
    const p = mb.positions.data, nrm = mb.normals.data;
    for (let v = start; v < mb.vertexCount; v++) {
      const i = 3 * v;
      const x = p[i]!, y = p[i + 1]!, z = p[i + 2]!;
      p[i] = m[0]! * x + m[4]! * y + m[8]! * z + m[12]!;
      p[i + 1] = m[1]! * x + m[5]! * y + m[9]! * z + m[13]!;
      p[i + 2] = m[2]! * x + m[6]! * y + m[10]! * z + m[14]!;
      const nx = nrm[i]!, ny = nrm[i + 1]!, nz = nrm[i + 2]!;
      nrm[i] = m[0]! * nx + m[4]! * ny + m[8]! * nz;
      nrm[i + 1] = m[1]! * nx + m[5]! * ny + m[9]! * nz;
      nrm[i + 2] = m[2]! * nx + m[6]! * ny + m[10]! * nz;
    }
  });
  return mb;
}

/** First vertex of the first outer ring: a stable anchor for the base height. */
function polygonAnchor(b: BuildingRecord): [number, number] {
  const o = b.polygons[0]!.outer;
  return [o[0]!, o[1]!];
}

/** ENU (x east, y north, z up) → glTF (x, y up, z south), in place. */
function enuToGltfYUp(a: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i += 3) {
    const n = a[i + 1]!;
    a[i + 1] = a[i + 2]!;
    a[i + 2] = -n;
  }
  return a;
}

/** Builds the glb of a tile. */
export async function writeTileGlb(buildings: readonly BuildingRecord[], frame: EnuFrame, options: TileGlbOptions = {}): Promise<TileGlbResult> {
  const compress = options.compress ?? true;
  const textures = options.textures ?? new Map<string, PreparedTexture>();
  const mb = extrudeBuildings(buildings, frame);
  const surfaces = buildSurfaces(buildings, frame, textures);
  const doc = new Document().setLogger(new Logger(Logger.Verbosity.WARN));
  doc.getRoot().getAsset().generator = 'Jumeau city pipeline';
  const buffer = doc.createBuffer();
  const table = writeBuildingTable(doc, buildings, options.schema);
  const mesh = doc.createMesh('buildings');
  const smallFids = buildings.length < 65535;
  let vertices = 0, triangles = 0;

  const addPrimitive = (positionsEnu: Float32Array, normalsEnu: Float32Array, fidsU32: Uint32Array, indicesU32: Uint32Array, material: Material, uvs: Float32Array | null) => {
    const vertexCount = positionsEnu.length / 3;
    if (indicesU32.length === 0) return;
    const prim = doc
      .createPrimitive()
      .setAttribute('POSITION', accessor(doc, buffer, 'VEC3', enuToGltfYUp(positionsEnu)))
      .setAttribute('NORMAL', accessor(doc, buffer, 'VEC3', enuToGltfYUp(normalsEnu)))
      .setAttribute('_FEATURE_ID_0', accessor(doc, buffer, 'SCALAR', smallFids ? Uint16Array.from(fidsU32) : Float32Array.from(fidsU32)))
      .setIndices(accessor(doc, buffer, 'SCALAR', vertexCount < 65536 ? Uint16Array.from(indicesU32) : indicesU32))
      .setMaterial(material);
    if (uvs !== null) prim.setAttribute('TEXCOORD_0', accessor(doc, buffer, 'VEC2', uvs));
    attachFeatureIds(doc, prim, table, buildings.length);
    mesh.addPrimitive(prim);
    vertices += vertexCount;
    triangles += indicesU32.length / 3;
  };

  if (mb.triangleCount > 0) {
    const material = doc.createMaterial('building').setBaseColorFactor([0.92, 0.92, 0.9, 1]).setMetallicFactor(0).setRoughnessFactor(0.9);
    addPrimitive(mb.positions.toArray(), mb.normals.toArray(), mb.featureIds.toArray(), mb.indices.toArray(), material, null);
  }
  // Surfaces: untextured first, then textures in key order (deterministic).
  for (const key of [...surfaces.keys()].sort()) {
    const g = surfaces.get(key)!;
    const material = doc.createMaterial(key === '' ? 'surface' : 'textured').setMetallicFactor(0).setRoughnessFactor(0.9).setDoubleSided(true);
    if (key === '') material.setBaseColorFactor([0.92, 0.92, 0.9, 1]);
    else {
      const tex = textures.get(key)!;
      const texture = doc.createTexture(basename(key)).setImage(tex.bytes).setMimeType(tex.mimeType);
      material.setBaseColorTexture(texture);
      material.getBaseColorTextureInfo()!.setWrapS(TextureInfo.WrapMode.CLAMP_TO_EDGE!).setWrapT(TextureInfo.WrapMode.CLAMP_TO_EDGE!);
    }
    addPrimitive(g.positions.toArray(), g.normals.toArray(), g.featureIds.toArray(), g.indices.toArray(), material, key === '' ? null : g.uvs.toArray());
  }
  const node = doc.createNode('buildings').setMesh(mesh);
  doc.createScene('tile').addChild(node);
  doc.getRoot().setDefaultScene(doc.getRoot().listScenes()[0]!);
  let io = new WebIO().registerExtensions(ALL_EXTENSIONS);
  if (compress) {
    // Loaded only when compressing: gltf-transform's functions and the meshopt encoder (ndarray
    // inside compiles code with Function(), which the browser's CSP refuses).
    const { compressTile } = await import('./glb-compress.ts');
    io = await compressTile(doc, io);
  }
  const glb = await io.writeBinary(doc);
  return { glb, vertices, triangles };
}


function accessor(doc: Document, buffer: GltfBuffer, type: 'VEC3' | 'VEC2' | 'SCALAR', array: Float32Array | Uint16Array | Uint32Array) {
  // Our arrays are never on a SharedArrayBuffer (gltf-transform's TypedArray wants ArrayBuffer).
  return doc.createAccessor().setType(type).setArray(array as TypedArray).setBuffer(buffer);
}

/** Last path segment, for naming a texture. */
function basename(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}
