import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import sharp, { type Metadata } from 'sharp';

/**
 * Building textures (CityGML `app:imageURI`) prepared for glb: JPEG and PNG images no larger
 * than `maxSizePx` are embedded as they are (no generation loss); larger ones are downscaled to
 * fit (aspect kept) and re-encoded, and other formats (TIFF, WebP, GIF…) are re-encoded, as JPEG
 * (quality 85, mozjpeg) or PNG when the image has transparency. sharp (libvips) does the work;
 * its output is deterministic for a given input and version.
 */

export interface PreparedTexture {
  /** The source path (the key used by surfaces). */
  key: string;
  mimeType: 'image/jpeg' | 'image/png';
  bytes: Uint8Array;
  width: number;
  height: number;
  /** What was done: kept, resized or re-encoded. */
  action: 'kept' | 'resized' | 're-encoded';
  sourceWidth: number;
  sourceHeight: number;
}

/** Default largest side of a texture, pixels. */
export const DEFAULT_TEXTURE_SIZE = 1024;

/**
 * Prepares one image; rejects with a readable reason when it cannot be read or decoded. Messages
 * name the file by `name` (default: its base name: packs are public, local paths are not).
 */
export async function prepareTexture(path: string, maxSizePx = DEFAULT_TEXTURE_SIZE, name = basename(path)): Promise<PreparedTexture> {
  let input: Buffer;
  try {
    input = await readFile(path);
  } catch (e) {
    throw new Error(`texture ${name} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let meta: Metadata;
  try {
    meta = await sharp(input, { failOn: 'error' }).metadata();
  } catch (e) {
    throw new Error(`texture ${name} is not a readable image (${e instanceof Error ? e.message : String(e)})`);
  }
  const w = meta.width ?? 0, h = meta.height ?? 0;
  if (!(w > 0 && h > 0)) throw new Error(`texture ${name} has no size`);
  const fits = Math.max(w, h) <= maxSizePx;
  const base = { key: path, sourceWidth: w, sourceHeight: h };
  if (fits && (meta.format === 'jpeg' || meta.format === 'png')) {
    return { ...base, mimeType: meta.format === 'jpeg' ? 'image/jpeg' : 'image/png', bytes: new Uint8Array(input), width: w, height: h, action: 'kept' };
  }
  try {
    let img = sharp(input, { failOn: 'error' }).rotate();
    if (!fits) img = img.resize({ width: maxSizePx, height: maxSizePx, fit: 'inside', withoutEnlargement: true });
    const alpha = meta.hasAlpha === true;
    img = alpha ? img.png({ compressionLevel: 9 }) : img.flatten().jpeg({ quality: 85, mozjpeg: true });
    const { data, info } = await img.toBuffer({ resolveWithObject: true });
    return { ...base, mimeType: alpha ? 'image/png' : 'image/jpeg', bytes: new Uint8Array(data), width: info.width, height: info.height, action: fits ? 're-encoded' : 'resized' };
  } catch (e) {
    throw new Error(`texture ${name} cannot be converted (${e instanceof Error ? e.message : String(e)})`);
  }
}
