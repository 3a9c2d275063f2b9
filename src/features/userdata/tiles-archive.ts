import { inflateSync } from 'fflate';
import { normalisePath } from '../../core/paths.ts';
import { WhereError } from '../../core/errors.ts';

/**
 * Local 3D Tiles (issue 13): a `.3tz` archive (3D Tiles archive format: a zip whose root holds
 * `tileset.json`, entries stored or deflated, ZIP64 for large ones, optionally the
 * `@3dtilesIndex1@` hash index) or a folder of files, read as a set of files by path. An archive
 * is read lazily from a random-access source (a Blob from disk or a downloaded body): only its
 * central directory is read at open, and each entry's bytes when Cesium asks for that tile, so
 * memory stays bounded by the tiles in view rather than by the archive's size. Pure (no DOM, no
 * Cesium): runs in Node tests and the fuzz.
 *
 * The `@3dtilesIndex1@` index (MD5 hashes of the paths, sorted, with local-header offsets) exists
 * so that readers can skip the central directory of archives with millions of entries; this
 * reader accepts archives up to `TILES_LIMITS.maxEntries` and reads the central directory, which
 * every zip has, so the index is not needed (and is not listed as a file).
 */

/** Limits against huge or hostile archives and folders. */
export interface TilesLimits {
  maxEntries: number;
  maxEntryBytes: number;
  maxTotalBytes: number;
  maxDirectoryBytes: number;
}

export const TILES_LIMITS: Readonly<TilesLimits> = {
  /** Most entries of an archive or files of a folder. */
  maxEntries: 200_000,
  /** Largest single entry once unpacked, bytes. */
  maxEntryBytes: 512 * 1024 ** 2,
  /** Largest archive or folder, bytes. */
  maxTotalBytes: 4 * 1024 ** 3,
  /** Largest central directory read, bytes. */
  maxDirectoryBytes: 64 * 1024 ** 2,
};

/** Bytes read at an offset: a Blob's slice, a buffer's subarray. */
export interface RandomAccess {
  readonly size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A random-access view of a Blob (a File from disk is not read into memory). */
export const blobAccess = (blob: Blob): RandomAccess => ({
  size: blob.size,
  read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
});

/** A random-access view of bytes in memory. */
export const bytesAccess = (b: Uint8Array): RandomAccess => ({
  size: b.byteLength,
  read: (offset, length) => Promise.resolve(b.subarray(offset, Math.min(b.byteLength, offset + length))),
});

/** A file of a tiles archive or folder that cannot be read: names the file and the reason. */
export class TilesFileError extends WhereError {
  override name = 'TilesFileError';
}

/** A set of files by path ('/'-separated, relative to the tileset's folder). */
export interface TileFiles {
  /** The archive's or folder's name, for messages. */
  readonly name: string;
  /** Paths of the files (the archive's index excluded). */
  paths(): string[];
  has(path: string): boolean;
  /** The file's bytes, or null when there is no such file; throws a TilesFileError when it is corrupt. */
  read(path: string): Promise<Uint8Array | null>;
}

interface Entry {
  method: number;
  compressedSize: number;
  size: number;
  headerOffset: number;
}

export { normalisePath };

const INDEX_NAME = '@3dtilesIndex1@';
const u64 = (dv: DataView, at: number) => dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 2 ** 32;

/**
 * Opens a zip (a `.3tz`) from its central directory. Throws a TilesFileError naming the archive
 * when it is not a zip, is damaged, encrypted, or past the limits.
 */
export async function openTilesArchive(src: RandomAccess, name: string, limits: Readonly<TilesLimits> = TILES_LIMITS): Promise<TileFiles> {
  const bad = (reason: string): never => {
    throw new TilesFileError(name, reason);
  };
  if (src.size < 22) bad('not a zip archive (too short)');
  if (src.size > limits.maxTotalBytes) bad(`${Math.round(src.size / 2 ** 20)} MiB, more than the limit of ${Math.round(limits.maxTotalBytes / 2 ** 20)} MiB`);
  // End of central directory: in the last 64 KiB + 22 bytes.
  const tailLen = Math.min(src.size, 65_557);
  const tailAt = src.size - tailLen;
  const tail = await src.read(tailAt, tailLen);
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) bad('not a zip archive, or a damaged one (no end of central directory)');
  let count = tv.getUint16(eocd + 10, true);
  let dirSize = tv.getUint32(eocd + 12, true);
  let dirAt = tv.getUint32(eocd + 16, true);
  // ZIP64: the locator sits just before the end record and points to the ZIP64 end record.
  if (eocd >= 20 && tv.getUint32(eocd - 20, true) === 0x07064b50) {
    const at64 = u64(tv, eocd - 20 + 8);
    if (at64 + 56 > src.size) bad('damaged ZIP64 locator');
    const rec = await src.read(at64, 56);
    const rv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
    if (rec.length < 56 || rv.getUint32(0, true) !== 0x06064b50) bad('damaged ZIP64 end of central directory');
    count = u64(rv, 32);
    dirSize = u64(rv, 40);
    dirAt = u64(rv, 48);
  }
  if (count > limits.maxEntries + 1) bad(`${count.toLocaleString('en-US')} entries, more than the limit of ${limits.maxEntries.toLocaleString('en-US')}`);
  if (dirSize > limits.maxDirectoryBytes) bad(`a central directory of ${Math.round(dirSize / 2 ** 20)} MiB, more than the limit`);
  if (dirAt + dirSize > src.size) bad('damaged (the central directory lies past the end of the file)');
  const dir = await src.read(dirAt, dirSize);
  const dv = new DataView(dir.buffer, dir.byteOffset, dir.byteLength);
  const decoder = new TextDecoder('utf-8');
  const entries = new Map<string, Entry>();
  let total = 0;
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > dir.length || dv.getUint32(p, true) !== 0x02014b50) bad(`damaged central directory (entry ${k + 1} of ${count})`);
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    let compressedSize = dv.getUint32(p + 20, true);
    let size = dv.getUint32(p + 24, true);
    const n = dv.getUint16(p + 28, true), x = dv.getUint16(p + 30, true), c = dv.getUint16(p + 32, true);
    let headerOffset = dv.getUint32(p + 42, true);
    if (p + 46 + n + x + c > dir.length) bad(`damaged central directory (entry ${k + 1} of ${count})`);
    const rawName = decoder.decode(dir.subarray(p + 46, p + 46 + n));
    // ZIP64 extended information: the 0xFFFFFFFF fields, in order, in extra field 0x0001.
    for (let e = p + 46 + n; e + 4 <= p + 46 + n + x; ) {
      const id = dv.getUint16(e, true), len = dv.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        const take = () => {
          if (q + 8 > e + 4 + len) bad(`damaged ZIP64 field of ${rawName}`);
          const v = u64(dv, q);
          q += 8;
          return v;
        };
        if (size === 0xffffffff) size = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (headerOffset === 0xffffffff) headerOffset = take();
      }
      e += 4 + len;
    }
    p += 46 + n + x + c;
    if (rawName.endsWith('/')) continue;
    const path = normalisePath(rawName);
    if (path === INDEX_NAME || path === '') continue;
    if ((flags & 1) !== 0) bad(`${rawName} is encrypted`);
    if (size > limits.maxEntryBytes) bad(`${rawName} unpacks to ${Math.round(size / 2 ** 20)} MiB, more than the limit of ${Math.round(limits.maxEntryBytes / 2 ** 20)} MiB`);
    total += size;
    if (total > limits.maxTotalBytes) bad(`unpacks to more than ${Math.round(limits.maxTotalBytes / 2 ** 20)} MiB`);
    if (headerOffset + 30 > src.size) bad(`${rawName} lies past the end of the file`);
    entries.set(path, { method, compressedSize, size, headerOffset });
  }
  if (entries.size > limits.maxEntries) bad(`more than ${limits.maxEntries.toLocaleString('en-US')} files`);
  return {
    name,
    paths: () => [...entries.keys()],
    has: (path) => entries.has(normalisePath(path)),
    async read(path) {
      const key = normalisePath(path);
      const e = entries.get(key);
      if (e === undefined) return null;
      const where = `${name}/${key}`;
      const head = await src.read(e.headerOffset, 30);
      const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
      if (head.length < 30 || hv.getUint32(0, true) !== 0x04034b50) throw new TilesFileError(where, 'damaged archive entry (no local file header)');
      const start = e.headerOffset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
      if (start + e.compressedSize > src.size) throw new TilesFileError(where, 'damaged archive entry (its data lies past the end of the file)');
      const data = await src.read(start, e.compressedSize);
      if (e.method === 0) {
        if (e.compressedSize !== e.size) throw new TilesFileError(where, 'damaged archive entry (stored sizes differ)');
        return data.slice();
      }
      if (e.method !== 8) throw new TilesFileError(where, `compressed with zip method ${e.method}; a .3tz entry is stored or deflated`);
      let out: Uint8Array;
      try {
        out = inflateSync(data, { out: new Uint8Array(e.size) });
      } catch (err) {
        throw new TilesFileError(where, `damaged compressed data (${err instanceof Error ? err.message : String(err)})`);
      }
      if (out.length !== e.size) throw new TilesFileError(where, `damaged compressed data (${out.length} bytes unpacked, ${e.size} declared)`);
      return out;
    },
  };
}

/** A folder's files (picked or dropped) as tile files, rooted at the folder holding `tileset.json`. */
export function folderTileFiles(name: string, files: readonly { path: string; blob: Blob }[], root = '', limits: Readonly<TilesLimits> = TILES_LIMITS): TileFiles {
  if (files.length > limits.maxEntries) throw new TilesFileError(name, `${files.length.toLocaleString('en-US')} files, more than the limit of ${limits.maxEntries.toLocaleString('en-US')}`);
  const prefix = root === '' ? '' : `${normalisePath(root)}/`;
  const map = new Map<string, Blob>();
  let total = 0;
  for (const f of files) {
    const p = normalisePath(f.path);
    if (!p.startsWith(prefix)) continue;
    total += f.blob.size;
    if (total > limits.maxTotalBytes) throw new TilesFileError(name, `more than ${Math.round(limits.maxTotalBytes / 2 ** 20)} MiB of files`);
    map.set(p.slice(prefix.length), f.blob);
  }
  return {
    name,
    paths: () => [...map.keys()],
    has: (path) => map.has(normalisePath(path)),
    async read(path) {
      const b = map.get(normalisePath(path));
      if (b === undefined) return null;
      if (b.size > limits.maxEntryBytes) throw new TilesFileError(`${name}/${normalisePath(path)}`, `${Math.round(b.size / 2 ** 20)} MiB, more than the limit of ${Math.round(limits.maxEntryBytes / 2 ** 20)} MiB`);
      try {
        return new Uint8Array(await b.arrayBuffer());
      } catch (e) {
        throw new TilesFileError(`${name}/${normalisePath(path)}`, `cannot be read (${e instanceof Error ? e.message : String(e)})`);
      }
    },
  };
}

/**
 * The folder of a set of paths that holds the tileset: `tileset.json` at the shallowest level
 * (a folder dropped whole has its own name as first segment). Null when there is none.
 */
export function tilesetRoot(paths: readonly string[]): string | null {
  let best: string | null = null;
  for (const raw of paths) {
    const p = normalisePath(raw);
    if (p.split('/').pop()!.toLowerCase() !== 'tileset.json') continue;
    const dir = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
    if (best === null || dir.split('/').length < best.split('/').length || (best !== '' && dir === '')) best = dir;
  }
  return best;
}

/** The name of the root tileset file at the folder (`tileset.json`, in the case it was written). */
export function tilesetFileName(files: TileFiles): string | null {
  return files.paths().find((p) => !p.includes('/') && p.toLowerCase() === 'tileset.json') ?? null;
}
