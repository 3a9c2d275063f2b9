import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS, type Features, type PropertyTable, type StructuralMetadata } from '@gltf-transform/extensions';
import { MeshoptDecoder } from 'meshoptimizer';
import type { Tileset, TilesetTile } from '../../src/city/tileset.ts';

/**
 * Decodes a city pack for tests: every feature's vertices in ECEF metres (node, y-up and tile
 * transforms applied) and its property values, by id. Written against glTF and 3D Tiles, not
 * against the writer's code.
 */

export interface DecodedFeature {
  id: string;
  tile: string;
  /** ECEF positions, flat x, y, z. */
  ecef: number[];
  props: Record<string, number | string>;
  /** Position quantization step of its tile (metres, largest axis); 0 when not quantized. */
  stepM: number;
}

type Mat = number[];

function mul(a: Mat, b: Mat): Mat {
  const o = new Array<number>(16).fill(0);
  for (let c = 0; c < 4; c++) for (let r = 0; r < 4; r++) for (let k = 0; k < 4; k++) o[c * 4 + r]! += a[k * 4 + r]! * b[c * 4 + k]!;
  return o;
}

const IDENTITY: Mat = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
const Y_UP_TO_Z_UP: Mat = [1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1];

function column(table: PropertyTable, name: string, type: 'string' | 'f32' | 'u16' | 'u8'): (number | string)[] | null {
  const prop = table.getProperty(name);
  if (prop === null) return null;
  const bytes = prop.getValues()!;
  const n = table.getCount();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === 'string') {
    const off = prop.getStringOffsets()!;
    const ov = new DataView(off.buffer, off.byteOffset, off.byteLength);
    const at = prop.getStringOffsetType() === 'UINT16' ? (i: number) => ov.getUint16(i * 2, true) : (i: number) => ov.getUint32(i * 4, true);
    const dec = new TextDecoder();
    return Array.from({ length: n }, (_, i) => dec.decode(bytes.subarray(at(i), at(i + 1))));
  }
  if (type === 'f32') return Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
  if (type === 'u16') return Array.from({ length: n }, (_, i) => view.getUint16(i * 2, true));
  return Array.from({ length: n }, (_, i) => view.getUint8(i));
}

const COLUMNS: [string, 'string' | 'f32' | 'u16' | 'u8'][] = [
  ['heightM', 'f32'], ['baseM', 'f32'], ['heightSource', 'u8'], ['floors', 'u16'], ['yearBuilt', 'u16'], ['use', 'string'], ['source', 'string'], ['groundAltitudeM', 'f32'], ['textured', 'u8'],
];

/** Decodes every feature of a pack. */
export async function decodePack(dir: string): Promise<Map<string, DecodedFeature>> {
  await MeshoptDecoder.ready;
  const io = new NodeIO().registerExtensions(ALL_EXTENSIONS).registerDependencies({ 'meshopt.decoder': MeshoptDecoder });
  const tileset = JSON.parse(await readFile(join(dir, 'tileset.json'), 'utf8')) as Tileset;
  const out = new Map<string, DecodedFeature>();
  const visit = async (tile: TilesetTile, parent: Mat) => {
    const t = tile.transform !== undefined ? mul(parent, tile.transform) : parent;
    if (tile.content !== undefined) {
      const doc = await io.read(join(dir, tile.content.uri));
      for (const node of doc.getRoot().listNodes()) {
        const mesh = node.getMesh();
        if (mesh === null) continue;
        const local = Array.from(node.getWorldMatrix());
        const world = mul(t, mul(Y_UP_TO_Z_UP, local));
        // The quantization step: the node's scale (integer grid), or over 16-bit normalized integers.
        const scale = Math.max(Math.hypot(local[0]!, local[1]!, local[2]!), Math.hypot(local[4]!, local[5]!, local[6]!), Math.hypot(local[8]!, local[9]!, local[10]!));
        for (const prim of mesh.listPrimitives()) {
          const fidDef = prim.getExtension<Features>('EXT_mesh_features')!.listFeatureIDs()[0]!;
          const table = fidDef.getPropertyTable()!;
          const ids = column(table, 'id', 'string') as string[];
          // A column left out of the table takes its class property's default (EXT_structural_metadata).
          const cls = doc.getRoot().getExtension<StructuralMetadata>('EXT_structural_metadata')?.getSchema()?.getClass(table.getClass()) ?? null;
          const cols = COLUMNS.map(([name, type]) => {
            const values = column(table, name, type);
            const dflt = cls?.getProperty(name)?.getDefault();
            return [name, values === null && (typeof dflt === 'string' || typeof dflt === 'number') ? new Array<string | number>(table.getCount()).fill(dflt) : values] as const;
          });
          const pos = prim.getAttribute('POSITION')!;
          const fids = prim.getAttribute('_FEATURE_ID_0')!;
          const quantized = pos.getComponentType() !== 5126;
          for (let i = 0; i < pos.getCount(); i++) {
            const p = pos.getElement(i, []);
            const fid = fids.getScalar(i);
            const id = ids[fid]!;
            let f = out.get(id);
            if (f === undefined) {
              const props: Record<string, number | string> = {};
              for (const [name, values] of cols) if (values !== null) props[name] = values[fid]!;
              f = { id, tile: tile.content.uri, ecef: [], props, stepM: !quantized ? 0 : pos.getNormalized() ? scale / 32767 : scale };
              out.set(id, f);
            }
            f.ecef.push(
              world[0]! * p[0]! + world[4]! * p[1]! + world[8]! * p[2]! + world[12]!,
              world[1]! * p[0]! + world[5]! * p[1]! + world[9]! * p[2]! + world[13]!,
              world[2]! * p[0]! + world[6]! * p[1]! + world[10]! * p[2]! + world[14]!,
            );
          }
        }
      }
    }
    for (const c of tile.children ?? []) await visit(c, t);
  };
  await visit(tileset.root, IDENTITY);
  return out;
}

/**
 * Largest distance from a vertex of `a` to the nearest vertex of `b` (metres), both ways: a
 * symmetric vertex Hausdorff distance.
 */
export function vertexHausdorff(a: readonly number[], b: readonly number[]): number {
  const one = (p: readonly number[], q: readonly number[]) => {
    let worst = 0;
    for (let i = 0; i < p.length; i += 3) {
      let best = Infinity;
      for (let j = 0; j < q.length; j += 3) {
        const d = (p[i]! - q[j]!) ** 2 + (p[i + 1]! - q[j + 1]!) ** 2 + (p[i + 2]! - q[j + 2]!) ** 2;
        if (d < best) best = d;
      }
      worst = Math.max(worst, Math.sqrt(best));
    }
    return worst;
  };
  return Math.max(one(a, b), one(b, a));
}
