import { describe, expect, it } from 'vitest';
import { hex, walkDrawing, walkRequest } from '../../../../src/features/mobility/walk-controller.ts';
import { FILES, WALK, walkOutput } from './fixtures.ts';

/** Walking study decisions: the input from the panel's parameters, what a result draws. */

describe('walk controller', () => {
  it('builds the walking input, or says why it cannot run', () => {
    expect(walkRequest({}, WALK, null)).toEqual({ ok: false, error: 'mobility.walk.noStreets' });
    expect(walkRequest(FILES, { ...WALK, origin: 'point' }, null)).toEqual({ ok: false, error: 'mobility.walk.noPoint' });
    const r = walkRequest(FILES, { ...WALK, origin: 'point', speedMps: 1.1, bandsMin: [10] }, [-1.68, 48.11]);
    if (!r.ok) throw new Error(r.error);
    expect(r.input).toMatchObject({ streets: FILES['osm-streets'], origin: { point: [-1.68, 48.11] }, speedMps: 1.1, bandsMin: [10], population: FILES['population-grid'] });
    // Trambus stops are an amenity of the indicators only when they are the origin.
    expect((r.input.amenities as { id: string }[]).map((a) => a.id)).toEqual(['metro-stations', 'bike-share']);
    const tb = walkRequest(FILES, { ...WALK, origin: 'trambus-stops', scenario: true }, null);
    if (!tb.ok) throw new Error(tb.error);
    expect((tb.input.amenities as { id: string }[]).map((a) => a.id)).toEqual(['metro-stations', 'bike-share', 'trambus-stops']);
    expect(tb.input.scenario).toEqual({ id: 'metro-and-trambus', baseType: 'metro-stations', url: FILES['trambus-stops'] });
  });

  it('colours streets and cells by band and frames the reached streets', () => {
    const d = walkDrawing(walkOutput(), [-1.68, 48.11]);
    expect(Array.from(d.edgeRgba)).toEqual([26, 152, 80, 255, 127, 0, 0, 255]);
    expect(Array.from(d.ground)).toEqual([0, 0, 0, 0, 145, 207, 96, 150, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(d.box).toEqual([-1.7, 48.1, -1.66, 48.12]);
    expect(d.points).toEqual([{ lonDeg: -1.68, latDeg: 48.11, rgba: [255, 255, 255, 255], sizePx: 12 }]);
    expect(walkDrawing({ ...walkOutput(), edgeCoords: new Float64Array(0), edgeBand: new Uint8Array(0) }, null)).toMatchObject({ box: null, points: [] });
    expect(hex([26, 152, 80])).toBe('#1a9850');
  });
});
