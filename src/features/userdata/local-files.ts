import { normalisePath, tilesetRoot } from './tiles-archive.ts';

/**
 * How files dropped or picked together (loose, or a whole folder) become items: `.3tz` archives
 * are tilesets each; a `tileset.json` makes the files of its folder one tileset; a `.gltf` takes
 * the other files as its resources (buffers, images) and becomes one model; anything else is
 * read file by file as before. Pure.
 */

export interface LocalGroups {
  /** Indices of `.3tz` files. */
  archives: number[];
  /** A folder of tiles: the folder holding tileset.json, its display name, the files in it. */
  tileset: { root: string; name: string; files: number[] } | null;
  /** `.gltf` files, each with the files that may be its resources (paths relative to it). */
  gltf: { index: number; resources: { index: number; path: string }[] }[];
  /** Files read one by one (vector data, GLB). */
  rest: number[];
}

/** Files that are data of their own, never a glTF's resource. */
const DATA_FILE = /\.(geojson|json|csv|tsv|txt|gpx|kml|kmz|zip|glb|gltf|3tz)$/i;
const VECTOR_FILE = /\.(geojson|csv|tsv|txt|gpx|kml|kmz|zip|gltf)$/i;
const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/** Sorts files (by their relative paths) into archives, a tileset folder, glTF models and the rest. */
export function groupLocalFiles(paths: readonly string[]): LocalGroups {
  const norm = paths.map(normalisePath);
  const out: LocalGroups = { archives: [], tileset: null, gltf: [], rest: [] };
  const claimed = new Set<number>();
  norm.forEach((p, i) => {
    if (/\.3tz$/i.test(p)) {
      out.archives.push(i);
      claimed.add(i);
    }
  });
  const root = tilesetRoot(norm.filter((_, i) => !claimed.has(i)));
  if (root !== null) {
    // Loose files beside a loose tileset.json: vector data stays its own item.
    const files = norm.flatMap((p, i) => (!claimed.has(i) && (root === '' ? !VECTOR_FILE.test(p) : p.startsWith(`${root}/`)) ? [i] : []));
    for (const i of files) claimed.add(i);
    const top = root === '' ? (norm.map((p) => p.split('/')[0]!).find((s, _, a) => a.every((x) => x === s) && norm.some((p) => p.includes('/'))) ?? '') : root;
    out.tileset = { root, name: top === '' ? 'tileset.json' : top.split('/').pop()!, files };
  }
  const gltfs = norm.flatMap((p, i) => (!claimed.has(i) && /\.gltf$/i.test(p) ? [i] : []));
  for (const i of gltfs) claimed.add(i);
  for (const g of gltfs) {
    const dir = dirOf(norm[g]!);
    const resources = norm.flatMap((p, i) => (!claimed.has(i) && !DATA_FILE.test(p) && (dir === '' || p.startsWith(`${dir}/`)) ? [{ index: i, path: dir === '' ? p : p.slice(dir.length + 1) }] : []));
    out.gltf.push({ index: g, resources });
  }
  const used = new Set(out.gltf.flatMap((g) => g.resources.map((r) => r.index)));
  out.rest = norm.flatMap((_, i) => (!claimed.has(i) && !used.has(i) ? [i] : []));
  return out;
}
