import type { Document, WebIO } from '@gltf-transform/core';
import { EXTMeshoptCompression, KHRMeshQuantization } from '@gltf-transform/extensions';
import { quantize, reorder } from '@gltf-transform/functions';
import { MeshoptEncoder } from 'meshoptimizer';

/**
 * Largest position error accepted from quantization, metres (half a 16-bit step over the
 * tile's extent). Content regions are padded by more than this (tiler.REGION_PAD_M).
 */
export const MAX_QUANTIZATION_ERROR_M = 0.02;

/**
 * Compression of a tile's glb (the CLI's default): gltf-transform's meshopt() ('high'), with
 * positions quantized only where 16 bits keep the error under MAX_QUANTIZATION_ERROR_M (tiles up
 * to ~2.6 km); larger tiles (the top tiles of a big city, with ADD refinement still drawn at
 * street level) keep float positions. Kept out of glb.ts so that the browser's user-data worker,
 * which writes uncompressed glbs, never loads it.
 */

let encoderReady: Promise<void> | null = null;

/** Quantizes and reorders `doc` in place; returns `io` with the meshopt encoder registered. */
export async function compressTile(doc: Document, extentM: number, io: WebIO): Promise<WebIO> {
  encoderReady ??= MeshoptEncoder.ready;
  await encoderReady;
  const quantizePositions = extentM / 65534 / 2 <= MAX_QUANTIZATION_ERROR_M;
  await doc.transform(
    reorder({ encoder: MeshoptEncoder, target: 'size' }),
    quantize({
      pattern: quantizePositions ? /^(POSITION|TEXCOORD)(_\d+)?$/ : /^TEXCOORD(_\d+)?$/,
      patternTargets: /^(POSITION|TEXCOORD|NORMAL)(_\d+)?$/,
      quantizePosition: 16,
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
