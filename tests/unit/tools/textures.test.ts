import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareTexture } from '../../../src/city/node/textures.ts';

describe('textures for glb', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'jumeau-tex-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });
  const image = (w: number, h: number, channels: 3 | 4) => sharp({ create: { width: w, height: h, channels, background: { r: 200, g: 80, b: 40, alpha: channels === 4 ? 0.5 : 1 } } });

  it('keeps small JPEG and PNG images byte for byte', async () => {
    const p = join(tmp, 'small.jpg');
    await image(300, 200, 3).jpeg().toFile(p);
    const t = await prepareTexture(p, 1024);
    expect(t).toMatchObject({ action: 'kept', mimeType: 'image/jpeg', width: 300, height: 200 });
  });

  it('downscales large images to the size limit, keeping the aspect ratio, deterministically', async () => {
    const p = join(tmp, 'large.jpg');
    await image(3000, 1000, 3).jpeg().toFile(p);
    const t = await prepareTexture(p, 1024);
    expect(t).toMatchObject({ action: 'resized', mimeType: 'image/jpeg', width: 1024, height: 341, sourceWidth: 3000 });
    const meta = await sharp(Buffer.from(t.bytes)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1024, 341]);
    expect((await prepareTexture(p, 1024)).bytes).toEqual(t.bytes);
  });

  it('re-encodes other formats: TIFF to JPEG, transparent images to PNG', async () => {
    const tif = join(tmp, 'wall.tif');
    await image(64, 64, 3).tiff().toFile(tif);
    expect(await prepareTexture(tif)).toMatchObject({ action: 're-encoded', mimeType: 'image/jpeg' });
    const webp = join(tmp, 'glass.webp');
    await image(64, 64, 4).webp().toFile(webp);
    expect(await prepareTexture(webp)).toMatchObject({ action: 're-encoded', mimeType: 'image/png' });
  });

  it('says which file cannot be used, without its local path', async () => {
    const bad = join(tmp, 'broken.jpg');
    await writeFile(bad, 'not an image');
    await expect(prepareTexture(bad)).rejects.toThrow(/^texture broken\.jpg is not a readable image/);
    await expect(prepareTexture(join(tmp, 'none.png'))).rejects.toThrow(/^texture none\.png cannot be read \(ENOENT\)$/);
  });
});
