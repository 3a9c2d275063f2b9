import { Document, Logger, NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import { meshopt } from '@gltf-transform/functions';
import { MeshoptEncoder } from 'meshoptimizer';
import { MeshBuilder } from '../../src/core/geometry/extrude.ts';
import type { EnuFrame } from '../../src/core/geodesy.ts';
import { attachFeatureIds, writeBuildingTable } from './metadata.ts';
import type { BuildingRecord } from './types.ts';

/**
 * Writes one tile's buildings as a glb: a single primitive (positions, normals, `_FEATURE_ID_0`),
 * EXT_mesh_features + EXT_structural_metadata, then (unless `compress` is false) quantization
 * and EXT_meshopt_compression through gltf-transform and meshoptimizer.
 */

export interface TileGlbOptions {
  /** Quantize and meshopt-compress (default true). False gives the plain writer used as a baseline. */
  compress?: boolean;
}

export interface TileGlbResult {
  glb: Uint8Array;
  vertices: number;
  triangles: number;
}

/** Extrudes buildings into a mesh in the tile's ENU frame (metres, z up). Feature id = index. */
export function extrudeBuildings(buildings: readonly BuildingRecord[], frame: EnuFrame): MeshBuilder {
  const mb = new MeshBuilder();
  buildings.forEach((b, fid) => {
    const [cLon, cLat] = polygonAnchor(b);
    const baseZ = frame.fromGeodetic(cLon, cLat, b.baseM)[2];
    for (const poly of b.polygons) {
      const toEnu = (ring: readonly number[]): number[] => {
        const out = new Array<number>(ring.length);
        for (let i = 0; i < ring.length; i += 2) {
          const [e, n] = frame.fromGeodetic(ring[i]!, ring[i + 1]!, b.baseM);
          out[i] = e;
          out[i + 1] = n;
        }
        return out;
      };
      mb.addExtrudedPolygon({ outer: toEnu(poly.outer), holes: poly.holes.map(toEnu) }, baseZ, baseZ + b.heightM, fid);
    }
  });
  return mb;
}

/** First vertex of the first outer ring: a stable anchor for the base height. */
function polygonAnchor(b: BuildingRecord): [number, number] {
  const o = b.polygons[0]!.outer;
  return [o[0]!, o[1]!];
}

let encoderReady: Promise<void> | null = null;

function createIO(): NodeIO {
  return new NodeIO().registerExtensions(ALL_EXTENSIONS).registerDependencies({ 'meshopt.encoder': MeshoptEncoder });
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
  const mb = extrudeBuildings(buildings, frame);
  const doc = new Document().setLogger(new Logger(Logger.Verbosity.WARN));
  doc.getRoot().getAsset().generator = 'Jumeau city pipeline';
  const buffer = doc.createBuffer();
  const positions = enuToGltfYUp(mb.positions.toArray());
  const normals = enuToGltfYUp(mb.normals.toArray());
  const fidsU32 = mb.featureIds.toArray();
  const fids = buildings.length < 65535 ? Uint16Array.from(fidsU32) : Float32Array.from(fidsU32);
  const vertexCount = positions.length / 3;
  const indices = vertexCount < 65536 ? Uint16Array.from(mb.indices.toArray()) : mb.indices.toArray();
  const material = doc
    .createMaterial('building')
    .setBaseColorFactor([0.92, 0.92, 0.9, 1])
    .setMetallicFactor(0)
    .setRoughnessFactor(0.9);
  const prim = doc
    .createPrimitive()
    .setAttribute('POSITION', doc.createAccessor().setType('VEC3').setArray(positions).setBuffer(buffer))
    .setAttribute('NORMAL', doc.createAccessor().setType('VEC3').setArray(normals).setBuffer(buffer))
    .setAttribute('_FEATURE_ID_0', doc.createAccessor().setType('SCALAR').setArray(fids).setBuffer(buffer))
    .setIndices(doc.createAccessor().setType('SCALAR').setArray(indices).setBuffer(buffer))
    .setMaterial(material);
  const table = writeBuildingTable(doc, buildings);
  attachFeatureIds(doc, prim, table, buildings.length);
  const mesh = doc.createMesh('buildings').addPrimitive(prim);
  const node = doc.createNode('buildings').setMesh(mesh);
  doc.createScene('tile').addChild(node);
  doc.getRoot().setDefaultScene(doc.getRoot().listScenes()[0]!);
  if (compress) {
    encoderReady ??= MeshoptEncoder.ready;
    await encoderReady;
    await doc.transform(meshopt({ encoder: MeshoptEncoder, level: 'high', quantizePosition: 16 }));
  }
  const glb = await createIO().writeBinary(doc);
  return { glb, vertices: vertexCount, triangles: mb.triangleCount };
}
