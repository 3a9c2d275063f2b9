import { BoundingSphere, Cartesian3 } from 'cesium';
import { describe, expect, it } from 'vitest';
import { anchorOf, isFeatureTag, unionSpheres } from '../../../src/scene/layers/draw.ts';
import type { LayerFeature } from '../../../src/layers/types.ts';

const f = (geometry: LayerFeature['geometry']): LayerFeature => ({ id: '1', name: null, geometry, properties: {} });

describe('layer drawing helpers', () => {
  it('anchors labels at the point, the middle vertex of the longest line, the centroid of the largest polygon', () => {
    expect(anchorOf(f({ type: 'point', coordinates: [1, 2] }))).toEqual([1, 2]);
    expect(anchorOf(f({ type: 'line', lines: [[[0, 0], [1, 0]], [[0, 1], [1, 1], [2, 1]]] }))).toEqual([1, 1]);
    const c = anchorOf(f({ type: 'polygon', polygons: [[[[0, 0], [0.1, 0], [0.1, 0.1]]], [[[0, 0], [2, 0], [2, 2], [0, 2]]]] }));
    expect(c[0]).toBeCloseTo(1, 12);
    expect(c[1]).toBeCloseTo(1, 12);
  });

  it('recognises its pick ids and merges spheres', () => {
    expect(isFeatureTag({ jumeauLayer: 'parking', index: 3 })).toBe(true);
    expect(isFeatureTag({ layer: 'x' })).toBe(false);
    expect(isFeatureTag(null)).toBe(false);
    expect(unionSpheres([null])).toBeNull();
    const u = unionSpheres([new BoundingSphere(new Cartesian3(0, 0, 0), 1), null, new BoundingSphere(new Cartesian3(10, 0, 0), 1)])!;
    expect(u.radius).toBeCloseTo(6, 9);
  });
});
