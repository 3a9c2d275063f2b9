import { enuFrame, type GeodeticDeg } from '../core/geodesy.ts';
import { writeTileGlb } from './glb.ts';
import type { PreparedTexture } from './node/textures.ts';
import type { SchemaOptions } from './metadata.ts';
import type { BuildingRecord } from './types.ts';

/**
 * One tile to write: a pure function of its buildings, its frame origin and the options, so it
 * can run in any worker (or in-process) and give the same bytes.
 */
export interface TileJob {
  id: number;
  buildings: BuildingRecord[];
  origin: GeodeticDeg;
  compress: boolean;
  /** The textures its LOD2 surfaces use. */
  textures: PreparedTexture[];
  schema?: SchemaOptions;
}

export interface TileJobResult {
  id: number;
  glb: Uint8Array;
  vertices: number;
  triangles: number;
}

/** Runs a tile job. */
export async function runTileJob(job: TileJob): Promise<TileJobResult> {
  const textures = new Map(job.textures.map((t) => [t.key, t]));
  const r = await writeTileGlb(job.buildings, enuFrame(job.origin), { compress: job.compress, textures, ...(job.schema !== undefined ? { schema: job.schema } : {}) });
  return { id: job.id, glb: r.glb, vertices: r.vertices, triangles: r.triangles };
}
