import { Logger, NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import { draco, meshopt } from '@gltf-transform/functions';
import draco3d from 'draco3dgltf';
import { MeshoptEncoder } from 'meshoptimizer';

/**
 * A GLB re-encoded with Draco (`KHR_draco_mesh_compression`, draco3dgltf's encoder) or meshopt
 * (`EXT_meshopt_compression`, meshoptimizer's encoder) by gltf-transform: the compressed models
 * users bring from Blender, gltfpack or gltf-transform, made small in the test itself.
 */
export async function compressedGlb(glb: Uint8Array, method: 'draco' | 'meshopt'): Promise<Uint8Array> {
  await MeshoptEncoder.ready;
  const io = new NodeIO()
    .setLogger(new Logger(Logger.Verbosity.ERROR))
    .registerExtensions(ALL_EXTENSIONS)
    .registerDependencies({ 'draco3d.encoder': await draco3d.createEncoderModule(), 'draco3d.decoder': await draco3d.createDecoderModule(), 'meshopt.encoder': MeshoptEncoder });
  const doc = await io.readBinary(glb);
  await doc.transform(method === 'draco' ? draco({ method: 'edgebreaker' }) : meshopt({ encoder: MeshoptEncoder, level: 'medium' }));
  return io.writeBinary(doc);
}
