import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { heatGrid, rowsForSquareCells } from '../../../src/features/consult/heat.ts';
import { consultationInputSchema, consultationStatus, contributionInputSchema, userText } from '../../../src/core/schemas/consultation.ts';

const AREA = { west: -1.7, south: 48.1, east: -1.66, north: 48.12 };

describe('heat grid', () => {
  it('counts points in their cells, row 0 to the north, edges in the last cell', () => {
    const g = heatGrid(
      [
        { lonDeg: -1.7, latDeg: 48.12 }, // north-west corner → row 0, col 0
        { lonDeg: -1.66, latDeg: 48.1 }, // south-east corner → last cell
        { lonDeg: -1.66, latDeg: 48.1 },
        { lonDeg: 2.35, latDeg: 48.85 }, // outside
      ],
      AREA,
      4,
      2,
    );
    expect(g.counts).toEqual([1, 0, 0, 0, 0, 0, 0, 2]);
    expect(g.max).toBe(2);
    expect(g.outside).toBe(1);
  });
  it('keeps every point inside the area, for any grid', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ lonDeg: fc.double({ min: -1.7, max: -1.66, noNaN: true }), latDeg: fc.double({ min: 48.1, max: 48.12, noNaN: true }) }), { maxLength: 200 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), (pts, cols, rows) => {
        const g = heatGrid(pts, AREA, cols, rows);
        expect(g.counts.reduce((a, b) => a + b, 0)).toBe(pts.length);
        expect(g.outside).toBe(0);
        expect(g.counts.length).toBe(cols * rows);
      }),
    );
  });
  it('refuses empty grids and areas, and sizes rows for square cells', () => {
    expect(() => heatGrid([], AREA, 0, 3)).toThrow(/positive integers/);
    expect(() => heatGrid([], { ...AREA, east: AREA.west }, 3, 3)).toThrow(/west < east/);
    // 0.04° of longitude at 48.11° ≈ 0.0267° of latitude: 24 columns → 18 rows for 0.02°.
    expect(rowsForSquareCells(AREA, 24)).toBe(18);
  });
});

describe('consultation schemas', () => {
  it('says why a text is refused, and accepts any printable text as given', () => {
    const s = userText(1, 10, true);
    const reason = (v: unknown) => (s.safeParse(v).success ? null : s.safeParse(v).error!.issues.map((i) => i.message));
    expect(reason('')).toEqual(['must not be empty']);
    expect(reason('   ')).toEqual(['must not be only spaces']);
    expect(reason('x'.repeat(11))).toEqual(['too long: at most 10 characters']);
    expect(reason('a\u0007b')).toEqual(['contains a control character (only tabs and line breaks are allowed)']);
    expect(reason('a\ud83db')).toEqual(['contains an invalid Unicode character (unpaired surrogate)']);
    expect(reason('a\nb\tc')).toBeNull();
    expect(reason('🌳 <b>x</b>')).toBeNull();
    expect(userText(1, 10, false).safeParse('a\nb').success).toBe(false);
  });
  it('applies defaults and checks dates and areas of a new consultation', () => {
    const base = { id: 'place', city: 'demo', title: 'T', description: '', opensAt: '2026-01-01T00:00:00Z', closesAt: '2026-02-01T00:00:00+01:00', area: AREA };
    const ok = consultationInputSchema.parse(base);
    expect(ok).toMatchObject({ scenarioId: null, tourId: null, camera: null, sample: false });
    expect(ok.categories.length).toBe(8);
    expect(consultationInputSchema.safeParse({ ...base, closesAt: '2025-12-01T00:00:00Z' }).error?.issues[0]?.path).toEqual(['closesAt']);
    expect(consultationInputSchema.safeParse({ ...base, opensAt: '2026-01-01' }).success).toBe(false);
    expect(consultationInputSchema.safeParse({ ...base, area: { ...AREA, east: 0 } }).success).toBe(false);
    expect(consultationInputSchema.safeParse({ ...base, categories: ['mobility', 'mobility'] }).success).toBe(false);
    expect(consultationInputSchema.safeParse({ ...base, tourId: 'tour:a.b_c-1' }).success).toBe(true);
  });
  it('refuses unknown fields in a comment', () => {
    const r = contributionInputSchema.safeParse({ position: { lonDeg: 0, latDeg: 0, heightM: 0 }, category: 'other', text: 'x', displayName: 'y', status: 'published' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.code).toBe('unrecognized_keys');
  });
  it('tells whether a consultation is open at a time', () => {
    expect(consultationStatus(10, 20, 9)).toBe('upcoming');
    expect(consultationStatus(10, 20, 10)).toBe('open');
    expect(consultationStatus(10, 20, 20)).toBe('closed');
  });
});
