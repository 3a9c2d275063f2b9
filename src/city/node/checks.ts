import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS, type Features } from '@gltf-transform/extensions';
import validator from 'gltf-validator';
import { MeshoptDecoder } from 'meshoptimizer';
import { ecefToGeodetic, multiplyMat4, type Mat4 } from '../../core/geodesy.ts';
import type { Tileset, TilesetTile } from '../tileset.ts';
import type { Region } from '../tiler.ts';

/**
 * Structural checks of a city pack, independent of the writer: every glb passes the Khronos
 * glTF validator with zero errors; geometric errors do not grow with depth; refinement is set;
 * child volumes nest in their parent; and every vertex, decoded and carried through the node and
 * tile transforms, lies inside its content's bounding region.
 */

export interface PackCheckResult {
  errors: string[];
  tiles: number;
  /** Sum of feature counts over all tile contents. */
  features: number;
  vertices: number;
  /** Worst distance of a vertex outside its region, metres (0 when all inside). */
  worstOutsideM: number;
}

const Y_UP_TO_Z_UP: Mat4 = Float64Array.from([1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1]);
const IDENTITY: Mat4 = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
const R = 6_378_137;

function regionInside(inner: Region, outer: Region, tolRad: number, tolM: number): boolean {
  return (
    inner[0] >= outer[0] - tolRad && inner[1] >= outer[1] - tolRad && inner[2] <= outer[2] + tolRad && inner[3] <= outer[3] + tolRad &&
    inner[4] >= outer[4] - tolM && inner[5] <= outer[5] + tolM
  );
}

/** Distance in metres by which a point lies outside a region (0 inside). */
function outsideBy(lonRad: number, latRad: number, h: number, r: Region): number {
  const dx = Math.max(r[0] - lonRad, 0, lonRad - r[2]) * R * Math.cos(latRad);
  const dy = Math.max(r[1] - latRad, 0, latRad - r[3]) * R;
  const dz = Math.max(r[4] - h, 0, h - r[5]);
  return Math.hypot(dx, dy, dz);
}

export interface CheckOptions {
  /** Tolerance for vertices outside their region, metres. Default 0.001 (regions are padded for quantization). */
  toleranceM?: number;
  /** Run the glTF validator on every tile (default true). */
  validate?: boolean;
}

export async function checkPack(dir: string, options: CheckOptions = {}): Promise<PackCheckResult> {
  const tolM = options.toleranceM ?? 0.001;
  const errors: string[] = [];
  const tileset = JSON.parse(await readFile(join(dir, 'tileset.json'), 'utf8')) as Tileset;
  if (tileset.asset?.version !== '1.1') errors.push(`asset.version is ${String(tileset.asset?.version)}, expected "1.1"`);
  if (tileset.root.refine !== 'ADD' && tileset.root.refine !== 'REPLACE') errors.push('root.refine is not set');
  if (!(tileset.geometricError >= tileset.root.geometricError)) errors.push('tileset geometricError is smaller than the root tile’s');
  await MeshoptDecoder.ready;
  const io = new NodeIO().registerExtensions(ALL_EXTENSIONS).registerDependencies({ 'meshopt.decoder': MeshoptDecoder });
  const result: PackCheckResult = { errors, tiles: 0, features: 0, vertices: 0, worstOutsideM: 0 };

  const visit = async (tile: TilesetTile, path: string, parentTransform: Mat4, parent: TilesetTile | null): Promise<void> => {
    result.tiles++;
    const region = tile.boundingVolume.region;
    if (region === undefined || region.length !== 6 || !(region[0] <= region[2] && region[1] <= region[3] && region[4] <= region[5])) {
      errors.push(`${path}: invalid bounding region`);
      return;
    }
    if (parent !== null) {
      if (tile.geometricError > parent.geometricError) errors.push(`${path}: geometricError ${tile.geometricError} is larger than its parent's ${parent.geometricError}`);
      if (!regionInside(region, parent.boundingVolume.region, 1e-9, 1e-3)) errors.push(`${path}: region is not inside its parent's`);
    }
    const transform = tile.transform !== undefined ? multiplyMat4(parentTransform, Float64Array.from(tile.transform)) : parentTransform;
    if (tile.content !== undefined) {
      const contentRegion = tile.content.boundingVolume.region;
      if (!regionInside(contentRegion, region, 1e-9, 1e-3)) errors.push(`${path}: content region is not inside the tile region`);
      const bytes = new Uint8Array(await readFile(join(dir, tile.content.uri)));
      if (options.validate ?? true) {
        const report = await validator.validateBytes(bytes, { maxIssues: 20 }).catch((e: unknown) => ({
          issues: { numErrors: 1, messages: [{ severity: 0 as const, code: 'VALIDATOR_FAILED', pointer: String(e) }] },
        }));
        if (report.issues.numErrors > 0) {
          errors.push(`${tile.content.uri}: ${report.issues.numErrors} glTF validation errors: ${report.issues.messages.filter((m) => m.severity === 0).map((m) => `${m.code} ${m.pointer ?? ''}`).slice(0, 3).join('; ')}`);
        }
      }
      let doc;
      try {
        doc = await io.readBinary(bytes);
      } catch (e) {
        errors.push(`${tile.content.uri}: cannot be read as glTF (${e instanceof Error ? e.message : String(e)})`);
        doc = null;
      }
      // Features of the content: its primitives share one property table, so count each table once.
      const tables = new Set<unknown>();
      let contentFeatures = 0;
      for (const node of doc?.getRoot().listNodes() ?? []) {
        const mesh = node.getMesh();
        if (mesh === null) continue;
        const world = multiplyMat4(transform, multiplyMat4(Y_UP_TO_Z_UP, Float64Array.from(node.getWorldMatrix())));
        for (const prim of mesh.listPrimitives()) {
          const fid = prim.getExtension<Features>('EXT_mesh_features')?.listFeatureIDs()[0];
          const table = fid?.getPropertyTable() ?? null;
          if (fid !== undefined && (table === null || !tables.has(table))) {
            if (table !== null) tables.add(table);
            contentFeatures = table === null ? contentFeatures + fid.getFeatureCount() : contentFeatures + table.getCount();
          }
          const pos = prim.getAttribute('POSITION');
          if (pos === null) continue;
          const el: number[] = [];
          for (let i = 0; i < pos.getCount(); i++) {
            pos.getElement(i, el);
            const x = world[0]! * el[0]! + world[4]! * el[1]! + world[8]! * el[2]! + world[12]!;
            const y = world[1]! * el[0]! + world[5]! * el[1]! + world[9]! * el[2]! + world[13]!;
            const z = world[2]! * el[0]! + world[6]! * el[1]! + world[10]! * el[2]! + world[14]!;
            const g = ecefToGeodetic(x, y, z);
            const d = outsideBy((g.lonDeg * Math.PI) / 180, (g.latDeg * Math.PI) / 180, g.heightM, contentRegion);
            if (d > result.worstOutsideM) result.worstOutsideM = d;
            result.vertices++;
          }
        }
      }
      result.features += contentFeatures;
    }
    for (const [i, child] of (tile.children ?? []).entries()) await visit(child, `${path}.children[${i}]`, transform, tile);
  };
  await visit(tileset.root, 'root', IDENTITY, null);
  if (result.worstOutsideM > tolM) errors.push(`a vertex lies ${result.worstOutsideM.toFixed(3)} m outside its content region (tolerance ${tolM} m)`);
  return result;
}
