import type { Document, Node, WebIO } from '@gltf-transform/core';
import { EXTMeshoptCompression, KHRMeshQuantization } from '@gltf-transform/extensions';
import { quantize } from '@gltf-transform/functions';
import { MeshoptEncoder } from 'meshoptimizer';

/**
 * Largest position error accepted from quantization, metres, along each axis (half the grid
 * step). Content regions are padded by more than this (tiler.REGION_PAD_M).
 */
export const MAX_QUANTIZATION_ERROR_M = 0.02;

/** The position grid step the error budget allows: every vertex moves at most half of it. */
export const POSITION_STEP_M = 2 * MAX_QUANTIZATION_ERROR_M;

/**
 * Compression of a tile's glb (the CLI's default). Positions are snapped to the coarsest grid
 * the 2 cm budget allows (a step of POSITION_STEP_M from the tile's lowest corner), stored as
 * unsigned 16-bit integers with the step and corner in the node's scale and translation
 * (KHR_mesh_quantization): small integer deltas that meshopt packs into few bits. A tile wider
 * than 65,535 steps (~2.6 km) keeps float positions. Then gltf-transform: 8-bit octahedral
 * normals, 12-bit texture coordinates, EXT_meshopt_compression. Vertices keep the extrusion's
 * order (building by building, wall by wall, already local for the vertex cache): meshopt's
 * reorder() made the 50k synthetic city 1 B per building larger after gzip (100.3 against 99.3).
 * Kept out of glb.ts so that the browser's user-data worker, which writes uncompressed glbs,
 * never loads it.
 */

let encoderReady: Promise<void> | null = null;

/**
 * Puts the positions of every primitive under `node` on one grid of `stepM` (in place). Returns
 * false, changing nothing, when the extent does not fit 16 bits.
 */
export function gridPositions(node: Node, stepM = POSITION_STEP_M): boolean {
  const prims = node.getMesh()?.listPrimitives() ?? [];
  const lo = [Infinity, Infinity, Infinity], hi = [-Infinity, -Infinity, -Infinity];
  for (const p of prims) {
    const a = p.getAttribute('POSITION')?.getArray();
    if (!(a instanceof Float32Array)) return false;
    for (let i = 0; i < a.length; i += 3) {
      for (let k = 0; k < 3; k++) {
        const v = a[i + k]!;
        if (v < lo[k]!) lo[k] = v;
        if (v > hi[k]!) hi[k] = v;
      }
    }
  }
  if (!Number.isFinite(lo[0]!)) return false;
  // The corner on the grid of the frame, so that a coordinate's integer does not depend on the other buildings.
  const origin = lo.map((v) => Math.floor(v / stepM) * stepM);
  if (hi.some((v, k) => Math.round((v - origin[k]!) / stepM) > 65535)) return false;
  for (const p of prims) {
    const acc = p.getAttribute('POSITION')!;
    const a = acc.getArray() as Float32Array;
    const q = new Uint16Array(a.length);
    for (let i = 0; i < a.length; i++) q[i] = Math.round((a[i]! - origin[i % 3]!) / stepM);
    acc.setArray(q).setNormalized(false);
  }
  node.setTranslation([origin[0]!, origin[1]!, origin[2]!]).setScale([stepM, stepM, stepM]);
  return true;
}

/** Quantizes `doc` in place; returns `io` with the meshopt encoder registered. */
export async function compressTile(doc: Document, io: WebIO): Promise<WebIO> {
  encoderReady ??= MeshoptEncoder.ready;
  await encoderReady;
  for (const node of doc.getRoot().listNodes()) if (node.getMesh() !== null) gridPositions(node);
  await doc.transform(
    quantize({
      pattern: /^TEXCOORD(_\d+)?$/,
      patternTargets: /^(TEXCOORD|NORMAL)(_\d+)?$/,
      quantizeNormal: 8,
      quantizeTexcoord: 12,
    }),
  );
  // Normals are written as 8-bit octahedral (meshopt filter): that needs KHR_mesh_quantization
  // even when positions stay float.
  doc.createExtension(KHRMeshQuantization).setRequired(true);
  doc.createExtension(EXTMeshoptCompression).setRequired(true).setEncoderOptions({ method: EXTMeshoptCompression.EncoderMethod.FILTER });
  return io.registerDependencies({ 'meshopt.encoder': MeshoptEncoder });
}
