import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join, normalize } from 'node:path';
import { load } from '@loaders.gl/core';
import { Tiles3DLoader } from '@loaders.gl/3d-tiles';

/**
 * An independent consumer of city packs: loaders.gl's Tiles3DLoader, as a client would use it,
 * over HTTP from a local static server. It walks the tileset it parsed, loads every tile's
 * content (glb: meshopt decoding, EXT_mesh_features, EXT_structural_metadata by loaders.gl's
 * own code, not ours) and counts features and ids.
 */

export interface ConsumerCount {
  tiles: number;
  contents: number;
  /** Rows of the property tables of all contents. */
  features: number;
  ids: string[];
  /** Largest feature id found on a vertex + 1, per content, summed. */
  featureIdsOnVertices: number;
  texturedPrimitives: number;
}

interface LoadedTile {
  contentUrl?: string;
  children?: LoadedTile[];
}

function serve(dir: string): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path);
    stat(file).then(
      (s) => {
        res.writeHead(200, { 'content-length': s.size, 'content-type': file.endsWith('.json') ? 'application/json' : 'model/gltf-binary' });
        createReadStream(file).pipe(res);
      },
      () => {
        res.writeHead(404);
        res.end();
      },
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const a = server.address();
    resolve({ server, base: `http://127.0.0.1:${typeof a === 'object' && a !== null ? a.port : 0}/` });
  }));
}

/** Loads a pack folder with loaders.gl and counts what it finds. */
export async function countWithLoadersGl(packDir: string): Promise<ConsumerCount> {
  const { server, base } = await serve(packDir);
  try {
    const tileset = (await load(`${base}tileset.json`, Tiles3DLoader)) as unknown as { root: LoadedTile };
    const out: ConsumerCount = { tiles: 0, contents: 0, features: 0, ids: [], featureIdsOnVertices: 0, texturedPrimitives: 0 };
    const stack: LoadedTile[] = [tileset.root];
    while (stack.length > 0) {
      const t = stack.pop()!;
      out.tiles++;
      for (const c of t.children ?? []) stack.push(c);
      if (t.contentUrl === undefined) continue;
      // Images are not decoded: loaders.gl needs its Node polyfills for that, and features do not need them.
      const content = (await load(t.contentUrl, Tiles3DLoader, { '3d-tiles': { loadGLTF: true }, gltf: { loadImages: false } })) as unknown as { gltf?: Gltf };
      const gltf = content.gltf;
      if (gltf === undefined) throw new Error(`${t.contentUrl}: loaders.gl found no glTF`);
      out.contents++;
      const tables = gltf.extensions?.EXT_structural_metadata?.propertyTables ?? [];
      for (const table of tables) {
        out.features += table.count;
        const ids = table.properties?.id?.data;
        if (Array.isArray(ids)) out.ids.push(...ids.map(String));
      }
      let maxFid = -1;
      for (const mesh of gltf.meshes ?? []) {
        for (const prim of mesh.primitives) {
          if (prim.attributes.TEXCOORD_0 !== undefined) out.texturedPrimitives++;
          const fid = prim.attributes._FEATURE_ID_0?.value;
          if (fid !== undefined) for (let i = 0; i < fid.length; i++) maxFid = Math.max(maxFid, fid[i]!);
        }
      }
      out.featureIdsOnVertices += maxFid + 1;
    }
    return out;
  } finally {
    await new Promise((r) => server.close(r));
  }
}

interface Gltf {
  extensions?: { EXT_structural_metadata?: { propertyTables?: { count: number; properties?: Record<string, { data?: unknown }> }[] } };
  meshes?: { primitives: { attributes: Record<string, { value: ArrayLike<number> } | undefined> }[] }[];
}
