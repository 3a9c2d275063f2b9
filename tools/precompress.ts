import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/**
 * `npm run build` (after Vite): writes `file.br` and `file.gz` beside each text file of the
 * built app (JavaScript, CSS, HTML, JSON, SVG, WebAssembly…) bigger than 1 KiB, compressed once
 * at the highest levels, so the server sends them as they are (`@fastify/static`'s
 * `preCompressed`) instead of compressing on every request. A variant that saves less than 5 %
 * is not written. Prints raw and compressed totals.
 *
 * Usage: `tsx tools/precompress.ts [folder]` (default dist/).
 */

const EXTENSIONS = new Set(['.js', '.mjs', '.css', '.html', '.json', '.svg', '.wasm', '.txt', '.xml', '.map', '.geojson', '.glsl', '.md', '.webmanifest']);
const MIN_BYTES = 1024;
const br = promisify(brotliCompress);
const gz = promisify(gzip);

async function* files(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.isFile() && EXTENSIONS.has(extname(e.name).toLowerCase())) yield p;
  }
}

export interface PrecompressTotals {
  files: number;
  raw: number;
  brotli: number;
  gzip: number;
}

/** Precompresses every eligible file under `dir`; totals count the bytes a client would get. */
export async function precompress(dir: string, concurrency = 4): Promise<PrecompressTotals> {
  const list: string[] = [];
  for await (const f of files(dir)) if ((await stat(f)).size >= MIN_BYTES) list.push(f);
  const totals: PrecompressTotals = { files: 0, raw: 0, brotli: 0, gzip: 0 };
  let next = 0;
  const work = async () => {
    while (next < list.length) {
      const f = list[next++]!;
      const raw = await readFile(f);
      // Quality 11 for the app's own files; Cesium's many static files get 9 (near the same size, far faster).
      const quality = relative(dir, f).startsWith('cesium') ? 9 : 11;
      const [b, g] = await Promise.all([
        br(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: quality, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } }),
        gz(raw, { level: 9 }),
      ]);
      totals.files++;
      totals.raw += raw.length;
      const keep = (c: Buffer) => c.length < raw.length * 0.95;
      if (keep(b)) await writeFile(`${f}.br`, b);
      if (keep(g)) await writeFile(`${f}.gz`, g);
      totals.brotli += keep(b) ? b.length : raw.length;
      totals.gzip += keep(g) ? g.length : raw.length;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, work));
  return totals;
}

if (import.meta.url === `file://${process.argv[1]}` || import.meta.filename === resolve(process.argv[1] ?? '')) {
  const dir = resolve(process.argv[2] ?? 'dist');
  const t0 = performance.now();
  const t = await precompress(dir);
  const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
  console.log(`precompressed ${t.files} files in ${dir} (${((performance.now() - t0) / 1000).toFixed(1)} s): ${mb(t.raw)} raw, ${mb(t.brotli)} brotli, ${mb(t.gzip)} gzip`);
}
