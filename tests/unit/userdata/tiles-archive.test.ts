import { Document, NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import fc from 'fast-check';
import { zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { GltfError, packGltf } from '../../../src/core/gltf-io.ts';
import { compressedGlb } from '../../support/compressed-glb.ts';
import { groupLocalFiles } from '../../../src/features/userdata/local-files.ts';
import { blobAccess, bytesAccess, folderTileFiles, normalisePath, openTilesArchive, TILES_LIMITS, TilesFileError, tilesetRoot } from '../../../src/features/userdata/tiles-archive.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

const TILESET = JSON.stringify({ asset: { version: '1.1' }, geometricError: 10, root: { boundingVolume: { sphere: [0, 0, 0, 10] }, geometricError: 0, content: { uri: 'tiles/0.glb' } } });

/** A small .3tz: tileset.json, a deflated tile, a stored tile, a subtree, and the index entry. */
function tiny3tz(): Uint8Array {
  const tile = new Uint8Array(5000).map((_, i) => i % 7);
  const files: Zippable = {
    'tileset.json': [enc(TILESET), { level: 6 }],
    'tiles/0.glb': [tile, { level: 9 }],
    'tiles/1.glb': [enc('stored tile'), { level: 0 }],
    'subtrees/0.0.0.subtree': [enc('subtree'), { level: 6 }],
    '@3dtilesIndex1@': [new Uint8Array(24 * 4), { level: 0 }],
  };
  return zipSync(files);
}

describe('3D Tiles archive reader (.3tz)', () => {
  it('lists the entries (not the index) and reads stored and deflated ones, lazily from a Blob', async () => {
    const z = tiny3tz();
    const a = await openTilesArchive(blobAccess(new Blob([z as Uint8Array<ArrayBuffer>])), 'city.3tz');
    expect(a.paths().sort()).toEqual(['subtrees/0.0.0.subtree', 'tiles/0.glb', 'tiles/1.glb', 'tileset.json']);
    expect(JSON.parse(dec(await a.read('tileset.json'))!)).toMatchObject({ asset: { version: '1.1' } });
    const t0 = (await a.read('./tiles/0.glb'))!;
    expect(t0.length).toBe(5000);
    expect(t0[13]).toBe(13 % 7);
    expect(dec(await a.read('tiles/../tiles/1.glb'))).toBe('stored tile');
    expect(await a.read('tiles/missing.glb')).toBeNull();
    expect(a.has('subtrees/0.0.0.subtree')).toBe(true);
  });

  it('names the archive and reason when it is not a zip, damaged or past the limits', async () => {
    await expect(openTilesArchive(bytesAccess(enc('{"asset":{}}'.repeat(4))), 'x.3tz')).rejects.toThrow(/x\.3tz: not a zip archive/);
    const z = tiny3tz();
    await expect(openTilesArchive(bytesAccess(z), 'big.3tz', { ...TILES_LIMITS, maxEntries: 2 })).rejects.toThrow(/big\.3tz: 5 entries, more than the limit of 2/);
    await expect(openTilesArchive(bytesAccess(z), 'big.3tz', { ...TILES_LIMITS, maxEntryBytes: 1000 })).rejects.toThrow(/tiles\/0\.glb unpacks to 0 MiB, more than the limit/);
    // Damaged deflate data of one tile: the archive opens, that tile names itself.
    const a = await openTilesArchive(bytesAccess(z), 'd.3tz');
    const bad = z.slice();
    const at = indexOf(bad, enc('tiles/0.glb')) + 'tiles/0.glb'.length;
    for (let i = at; i < at + 40; i++) bad[i] = 0xff;
    const b = await openTilesArchive(bytesAccess(bad), 'd.3tz');
    await expect(b.read('tiles/0.glb')).rejects.toThrow(TilesFileError);
    await expect(b.read('tiles/0.glb')).rejects.toThrow(/d\.3tz\/tiles\/0\.glb: damaged compressed data/);
    expect(dec(await a.read('tiles/1.glb'))).toBe('stored tile');
    // Truncated: no end of central directory.
    await expect(openTilesArchive(bytesAccess(z.subarray(0, z.length - 30)), 't.3tz')).rejects.toThrow(/t\.3tz: .*(no end of central directory|damaged)/);
  });

  it('fuzz: mutated or random bytes give a TilesFileError or readable entries, never anything else', async () => {
    const z = tiny3tz();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.array(fc.tuple(fc.nat(z.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }).map((muts) => {
        const b = z.slice();
        for (const [i, v] of muts) b[i] = v;
        return b;
      })), async (bytes) => {
        try {
          const a = await openTilesArchive(bytesAccess(bytes), 'f.3tz');
          for (const p of a.paths()) {
            try {
              const r = await a.read(p);
              expect(r === null || r instanceof Uint8Array).toBe(true);
            } catch (e) {
              expect(e).toBeInstanceOf(TilesFileError);
            }
          }
        } catch (e) {
          expect(e).toBeInstanceOf(TilesFileError);
          expect((e as TilesFileError).where).toBe('f.3tz');
        }
      }),
      { numRuns: 300 },
    );
  });
});

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('folders of tiles', () => {
  it('finds the folder holding tileset.json and reads files relative to it', async () => {
    const files = [
      { path: 'city/tileset.json', blob: new Blob([TILESET]) },
      { path: 'city/tiles/0.glb', blob: new Blob(['tile']) },
      { path: 'city/sub/tileset.json', blob: new Blob(['{}']) },
      { path: 'notes.txt', blob: new Blob(['x']) },
    ];
    expect(tilesetRoot(files.map((f) => f.path))).toBe('city');
    const f = folderTileFiles('city', files, 'city');
    expect(f.paths().sort()).toEqual(['sub/tileset.json', 'tiles/0.glb', 'tileset.json']);
    expect(dec(await f.read('tiles/0.glb'))).toBe('tile');
    expect(await f.read('notes.txt')).toBeNull();
    expect(normalisePath('\\a\\./b/../c')).toBe('a/c');
    expect(() => folderTileFiles('big', files, '', { ...TILES_LIMITS, maxEntries: 2 })).toThrow(/big: 4 files, more than the limit of 2/);
  });

  it('groups files dropped together: archives, a tileset folder, a glTF with its resources, the rest', () => {
    const g = groupLocalFiles(['a.3tz', 'places.geojson', 'model/house.gltf', 'model/house.bin', 'model/tex/wall.png', 'survey.csv']);
    expect(g.archives).toEqual([0]);
    expect(g.tileset).toBeNull();
    expect(g.gltf).toEqual([{ index: 2, resources: [{ index: 3, path: 'house.bin' }, { index: 4, path: 'tex/wall.png' }] }]);
    expect(g.rest).toEqual([1, 5]);
    const t = groupLocalFiles(['demo/tileset.json', 'demo/tiles/0/0.glb', 'demo/tiles/1/1.glb', 'other.kml']);
    expect(t.tileset).toEqual({ root: 'demo', name: 'demo', files: [0, 1, 2] });
    expect(t.rest).toEqual([3]);
    // Loose files: tileset.json takes the tiles, not the vector data dropped with it.
    const loose = groupLocalFiles(['tileset.json', '0.glb', 'places.geojson']);
    expect(loose.tileset).toEqual({ root: '', name: 'tileset.json', files: [0, 1] });
    expect(loose.rest).toEqual([2]);
  });
});

describe('glTF with separate resources packed into GLB', () => {
  async function gltfWithResources(): Promise<{ json: Uint8Array; resources: Map<string, Uint8Array> }> {
    const doc = new Document();
    const buffer = doc.createBuffer('geom').setURI('house.bin');
    const position = doc.createAccessor().setType('VEC3').setArray(new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0])).setBuffer(buffer);
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const tex = doc.createTexture('wall').setImage(new Uint8Array(png)).setMimeType('image/png').setURI('tex/wall.png');
    const mat = doc.createMaterial('m').setBaseColorTexture(tex);
    const mesh = doc.createMesh('m').addPrimitive(doc.createPrimitive().setAttribute('POSITION', position).setMaterial(mat));
    doc.createScene('s').addChild(doc.createNode('n').setMesh(mesh));
    const { json, resources } = await new NodeIO().writeJSON(doc);
    return { json: enc(JSON.stringify(json)), resources: new Map(Object.entries(resources)) };
  }

  it('packs buffers and images into a GLB that reads back with the same geometry and texture', async () => {
    const { json, resources } = await gltfWithResources();
    expect([...resources.keys()].sort()).toEqual(['house.bin', 'tex/wall.png']);
    const glb = await packGltf('house.gltf', json, resources);
    expect(new TextDecoder().decode(glb.subarray(0, 4))).toBe('glTF');
    const back = await new NodeIO().readBinary(glb);
    expect([...back.getRoot().listAccessors()[0]!.getArray()!]).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0]);
    const img = back.getRoot().listTextures()[0]!;
    expect(img.getMimeType()).toBe('image/png');
    expect(img.getImage()!.length).toBe(resources.get('tex/wall.png')!.length);
  });

  it('names a missing resource and refuses what is not glTF 2.0', async () => {
    const { json, resources } = await gltfWithResources();
    resources.delete('tex/wall.png');
    await expect(packGltf('house.gltf', json, resources)).rejects.toThrow(/house\.gltf: image 0 "tex\/wall\.png" is missing/);
    await expect(packGltf('a.gltf', enc('{"asset":{"version":"1.0"}}'), new Map())).rejects.toThrow(/only glTF 2\.0/);
    await expect(packGltf('a.gltf', enc('nope'), new Map())).rejects.toThrow(GltfError);
  });

  it('packs a Draco- or meshopt-compressed .gltf into a GLB with the decoded geometry', async () => {
    const { parseGltfTriangles, writeGlb } = await import('../../../src/core/gltf-io.ts');
    const plain = await writeGlb({ positions: [0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 30], normals: [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1], indices: [0, 1, 2, 0, 1, 3], color: [1, 1, 1, 1] });
    for (const method of ['draco', 'meshopt'] as const) {
      const io = new NodeIO().registerExtensions(ALL_EXTENSIONS);
      const glb = await compressedGlb(plain, method);
      // The same model as a .gltf with a separate .bin (the compressed bytes as written).
      const { json, resources } = await io.binaryToJSON(glb);
      const bin = resources['@glb.bin']!;
      json.buffers![0]!.uri = 'house.bin';
      expect(json.extensionsRequired).toContain(method === 'draco' ? 'KHR_draco_mesh_compression' : 'EXT_meshopt_compression');
      const packed = await packGltf('house.gltf', enc(JSON.stringify(json)), new Map([['house.bin', bin]]));
      const back = await io.readBinary(packed);
      const used = back.getRoot().listExtensionsUsed().map((e) => e.extensionName);
      expect(used).not.toContain('KHR_draco_mesh_compression');
      expect(used).not.toContain('EXT_meshopt_compression');
      expect(back.getRoot().listMeshes()[0]!.listPrimitives()[0]!.getIndices()!.getCount()).toBe(6);
      const t = await parseGltfTriangles(packed);
      expect(t.triangles).toBe(2);
      expect(t.bounds.max[2]).toBeCloseTo(30, 1);
    }
  });

  it('fuzz: any JSON gives a GLB or a GltfError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.constantFrom('house.bin', 'data:application/octet-stream;base64,AAAA', 'http://x/y.bin', 'data:bad'), async (v, uri) => {
        const doc = typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v, asset: { version: '2.0' }, buffers: [{ uri, byteLength: 3 }], bufferViews: [{ buffer: 0, byteLength: 3 }] } : v;
        try {
          const out = await packGltf('f.gltf', enc(JSON.stringify(doc)), new Map([['house.bin', new Uint8Array(3)]]));
          expect(out.length % 4).toBe(0);
        } catch (e) {
          expect(e).toBeInstanceOf(GltfError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
