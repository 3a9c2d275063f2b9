import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { CityGmlReader, type CityGmlResult } from '../citygml-sax.ts';

/** CityGML files read from disk: the pure SAX reader (citygml-sax.ts) fed by a file stream. */

export { CityGmlReader, type CityGmlBuilding, type CityGmlOptions, type CityGmlResult } from '../citygml-sax.ts';

/** Texture image paths against a folder (absolute URLs are not read: null). */
export function imageResolver(baseDir: string): (uri: string) => string | null {
  return (uri) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) ? null : isAbsolute(uri) ? uri : resolve(baseDir, uri));
}

/** Reads a CityGML file (streamed); image paths are resolved against the file's folder. */
export async function readCityGmlFile(path: string, options: { theme?: string; onProgress?: (bytesRead: number, totalBytes: number) => void } = {}): Promise<CityGmlResult> {
  const totalBytes = (await stat(path)).size;
  const reader = new CityGmlReader({ resolveImage: imageResolver(dirname(path)), fileName: path, ...(options.theme !== undefined ? { theme: options.theme } : {}) });
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  let bytesRead = 0;
  try {
    stream.on('data', (c) => (bytesRead += c.length));
    stream.setEncoding('utf8');
    for await (const chunk of stream as AsyncIterable<string>) {
      try {
        reader.write(chunk);
      } catch (e) {
        throw new Error(`${path}: ${e instanceof Error ? e.message : String(e)}`);
      }
      options.onProgress?.(bytesRead, totalBytes);
    }
    try {
      return reader.end();
    } catch (e) {
      throw new Error(`${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  } finally {
    stream.destroy();
  }
}
