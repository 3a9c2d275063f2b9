import { inspectTileset } from '../../core/tileset-limits.ts';
import { mountLocalTiles } from './local-tiles-view.ts';
import { addUserTileset, type TilesetHandle } from './view.ts';
import { openRangeAccess } from './range-access.ts';
import { fetchUserBytes } from './source.ts';
import { blobAccess, bytesAccess, folderTileFiles, openTilesArchive, TILES_LIMITS, TilesFileError, tilesetFileName, type TileFiles } from './tiles-archive.ts';

/**
 * Local 3D Tiles and glTF with resources for "My data" (issue 13): `.3tz` archives (file or URL)
 * and folders of tiles are mounted under a virtual address (local-tiles-view.ts) and opened like
 * a tileset by URL, with the same checks; a `.gltf` with its resources is packed into a GLB.
 */

/** Where a local tileset's files come from (kept in IndexedDB as Blobs). */
export type LocalTilesSource = { kind: 'archive'; blob: Blob } | { kind: 'folder'; files: { path: string; blob: Blob }[]; root: string } | { kind: 'url'; url: string };

/** Most bytes of a `.3tz` read by URL from a server without range requests (downloaded whole). */
export const MAX_ARCHIVE_URL_BYTES = 1024 ** 3;
/** Largest archive or folder kept in IndexedDB; larger ones are opened for the session only. */
export const MAX_KEPT_TILES_BYTES = 1024 ** 3;

/** True when a URL names a 3D Tiles archive. */
export const isArchiveUrl = (url: string) => /\.3tz(\?|#|$)/i.test(url);

/** Bytes of a local source (for the keep-or-not decision). */
export const localSourceBytes = (src: LocalTilesSource): number => (src.kind === 'archive' ? src.blob.size : src.kind === 'folder' ? src.files.reduce((n, f) => n + f.blob.size, 0) : 0);

async function tileFilesOf(src: LocalTilesSource, name: string, o: { signal: AbortSignal; onProgress: (percent: number) => void }): Promise<TileFiles> {
  if (src.kind === 'archive') return openTilesArchive(blobAccess(src.blob), name);
  if (src.kind === 'folder') return folderTileFiles(name, src.files, src.root);
  // Range requests when the server allows them (tiles read one by one), else the whole archive.
  const ranged = await openRangeAccess(src.url, { signal: o.signal });
  if (ranged !== null) return openTilesArchive(ranged, name);
  const bytes = await fetchUserBytes(src.url, MAX_ARCHIVE_URL_BYTES, { signal: o.signal, onProgress: (read, total) => total !== null && o.onProgress((100 * read) / total) });
  return openTilesArchive(bytesAccess(bytes), name);
}

/**
 * Opens a local tileset: reads and checks its root tileset.json (named in any error with the
 * archive or folder), mounts its files and adds it to the scene. Tile errors name `<archive>/<path>`.
 */
export async function openLocalTileset(scene: Parameters<typeof addUserTileset>[0], src: LocalTilesSource, name: string, onTileError: (where: string, message: string) => void, o: { signal: AbortSignal; onProgress: (percent: number) => void }): Promise<TilesetHandle> {
  const files = await tileFilesOf(src, name, o);
  const root = tilesetFileName(files);
  if (root === null) {
    const some = files.paths().slice(0, 4);
    throw new TilesFileError(name, `no tileset.json at the ${src.kind === 'folder' ? 'folder' : 'archive'}'s root${some.length > 0 ? ` (it holds ${some.join(', ')}${files.paths().length > 4 ? ', …' : ''})` : ' (it is empty)'}`);
  }
  const bytes = (await files.read(root))!;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new TilesFileError(`${name}/${root}`, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    inspectTileset(json, `${name}/${root}`);
  } catch (e) {
    throw new TilesFileError(`${name}/${root}`, `not a readable 3D Tiles tileset (${(e as { reason?: string }).reason ?? String(e)})`);
  }
  const mount = mountLocalTiles(files, root);
  // Messages name `<archive>/<path>`, never the virtual address, and only once.
  const base = mount.url.slice(0, mount.url.lastIndexOf('/') + 1);
  const clean = (m: string) => m.split(base).join(`${name}/`);
  let handle: TilesetHandle;
  try {
    handle = await addUserTileset(
      scene,
      mount.url,
      (url, message) => {
        const where = mount.describe(url);
        const m = clean(message);
        onTileError(where, m.startsWith(`${where}: `) ? m.slice(where.length + 2) : m);
      },
      { checked: true },
    );
  } catch (e) {
    mount.dispose();
    throw new TilesFileError(name, clean(e instanceof Error ? e.message : String(e)));
  }
  const dispose = handle.dispose;
  handle.dispose = () => {
    dispose();
    mount.dispose();
  };
  return handle;
}

/**
 * Packs a `.gltf` and the files given with it into GLB bytes. Throws a GltfError naming a
 * missing resource or past the size limit.
 */
export async function gltfToGlb(gltf: File, resources: readonly { path: string; file: File }[], maxBytes: number): Promise<Uint8Array> {
  // gltf-transform (with the Draco and meshopt decoders) is loaded on first use.
  const { GltfError, packGltf } = await import('../../core/gltf-io.ts');
  const total = gltf.size + resources.reduce((n, r) => n + r.file.size, 0);
  if (total > maxBytes) throw new GltfError(`${Math.round(total / 1048576)} MB with its resources, more than the limit of ${Math.round(maxBytes / 1048576)} MB`, gltf.name);
  const json = new Uint8Array(await gltf.arrayBuffer());
  // Only the files the glTF names are read.
  const text = new TextDecoder().decode(json);
  const map = new Map<string, Uint8Array>();
  for (const r of resources) {
    const base = r.path.split('/').pop()!;
    if (text.includes(base) || text.includes(encodeURIComponent(base))) map.set(r.path, new Uint8Array(await r.file.arrayBuffer()));
  }
  return packGltf(gltf.name, json, map);
}

export { TILES_LIMITS, TilesFileError };
