import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Decode, base64Encode, utf8Decode, utf8Encode } from '../../../src/core/bytes.ts';
import { enuFrame, geodeticToEcef } from '../../../src/core/geodesy.ts';
import { GltfError, parseGltfTriangles, writeGlb } from '../../../src/core/gltf-io.ts';
import { NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import { compressedGlb } from '../../support/compressed-glb.ts';
import { measureArea, measureDistance, measureHeight } from '../../../src/features/measure/measure.ts';
import { placeLocal, placementMatrix } from '../../../src/core/placement.ts';
import { createSnapIndex } from '../../../src/features/scenarios/snap.ts';

/** The pure helpers of the scenario editor: bytes, glTF triangles, measures, snapping, placement. */

describe('bytes', () => {
  it('base64 (standard and URL-safe) and UTF-8 round trip; bad base64 is refused', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (b, url) => {
        expect(Array.from(base64Decode(base64Encode(b, url)))).toEqual(Array.from(b));
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(utf8Decode(utf8Encode(s))).toBe(s);
      }),
    );
    expect(() => base64Decode('ab$c')).toThrow();
  });
});

describe('glTF triangles', () => {
  const box = { positions: [0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 30], normals: [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1], indices: [0, 1, 2, 0, 1, 3], color: [1, 0, 0, 1] as const };
  it('reads back what was written (z up, metres)', async () => {
    const t = await parseGltfTriangles(await writeGlb(box));
    expect(t.triangles).toBe(2);
    expect(t.bounds.max[2]).toBeCloseTo(30, 5);
    expect(t.bounds.max[0]).toBeCloseTo(10, 5);
  });
  it('answers any damaged file with a GltfError, never another exception (fuzz)', async () => {
    const glb = await writeGlb(box);
    await fc.assert(
      fc.asyncProperty(fc.nat(glb.length - 1), fc.nat(255), fc.nat(glb.length), async (at, v, cut) => {
        const b = glb.slice(0, Math.max(1, cut));
        if (at < b.length) b[at] = v;
        try {
          await parseGltfTriangles(b);
        } catch (e) {
          expect(e).toBeInstanceOf(GltfError);
        }
      }),
      { numRuns: 500 },
    );
    await expect(parseGltfTriangles(new Uint8Array([1, 2, 3]))).rejects.toThrow(GltfError);
  });
  it('reads Draco- and meshopt-compressed models (decoded to the same triangles)', async () => {
    const plain = await parseGltfTriangles(await writeGlb(box));
    for (const method of ['draco', 'meshopt'] as const) {
      const glb = await compressedGlb(await writeGlb(box), method);
      const { json } = await new NodeIO().registerExtensions(ALL_EXTENSIONS).binaryToJSON(glb);
      expect(json.extensionsRequired).toContain(method === 'draco' ? 'KHR_draco_mesh_compression' : 'EXT_meshopt_compression');
      const t = await parseGltfTriangles(glb);
      expect(t.triangles).toBe(2);
      for (let c = 0; c < 3; c++) {
        expect(t.bounds.max[c]).toBeCloseTo(plain.bounds.max[c]!, 1);
        expect(t.bounds.min[c]).toBeCloseTo(plain.bounds.min[c]!, 1);
      }
    }
  });
  it('names an extension it cannot read', async () => {
    const json = { asset: { version: '2.0' }, extensionsRequired: ['KHR_unknown'], extensionsUsed: ['KHR_unknown'] };
    await expect(parseGltfTriangles(new TextEncoder().encode(JSON.stringify(json)))).rejects.toThrow(/requires the extension KHR_unknown/);
  });
});

describe('measures', () => {
  const f = enuFrame({ lonDeg: -1.68, latDeg: 48.11, heightM: 0 });
  const at = (e: number, n: number, u: number) => ({ ...f.toGeodetic(e, n, 0), heightM: u });
  it('distance, height and area of known shapes', () => {
    const d = measureDistance([at(0, 0, 0), at(30, 40, 0)]);
    expect(d.lengthM).toBeCloseTo(50, 2);
    expect(measureHeight(at(0, 0, 35), at(3, 4, 82)).heightM).toBeCloseTo(47, 6);
    expect(measureHeight(at(0, 0, 35), at(3, 4, 82)).horizontalM).toBeCloseTo(5, 2);
    // A 20 m × 10 m roof sloping 10 m over its 10 m depth: 200 m² flat, 200·√2 m² in its plane.
    const a = measureArea([at(0, 0, 0), at(20, 0, 0), at(20, 10, 10), at(0, 10, 10)]);
    expect(a.horizontalM2).toBeCloseTo(200, 0);
    expect(a.planeM2).toBeCloseTo(200 * Math.SQRT2, 0);
  });
});

describe('snapping', () => {
  it('vertex first, then edge, within the tolerance', () => {
    const idx = createSnapIndex([0, 0, 100, 0, 100, 0, 100, 50]);
    expect(idx.snap(99, 1, 3)).toMatchObject({ x: 100, y: 0, kind: 'vertex' });
    expect(idx.snap(50, 2, 3)).toMatchObject({ x: 50, y: 0, kind: 'edge' });
    expect(idx.snap(50, 20, 3)).toMatchObject({ x: 50, y: 20, kind: 'none' });
  });
});

describe('placement', () => {
  it('the scene matrix and the simulation positions agree', () => {
    const p = { lonDeg: -1.68, latDeg: 48.11, baseM: 12, headingDeg: 37, scale: 1.5 };
    const m = placementMatrix(p);
    const local = [3, 4, 5];
    const ecef = [0, 1, 2].map((r) => m[r]! * local[0]! + m[4 + r]! * local[1]! + m[8 + r]! * local[2]! + m[12 + r]!);
    const enu = placeLocal(local, p.headingDeg, p.scale);
    const f = enuFrame({ lonDeg: p.lonDeg, latDeg: p.latDeg, heightM: p.baseM });
    const g = f.toGeodetic(enu[0]!, enu[1]!, enu[2]!);
    const expected = geodeticToEcef(g.lonDeg, g.latDeg, g.heightM);
    for (let i = 0; i < 3; i++) expect(ecef[i]).toBeCloseTo(expected[i]!, 3);
  });
});
