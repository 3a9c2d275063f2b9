import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAMERA_PRECISION, LANGS, PANEL_IDS, parseUrlState, roundCamera, serializeUrlState, type UrlState } from '../../../src/core/url-state.ts';

const fixed = (places: number, min: number, max: number) =>
  fc.integer({ min: Math.ceil(min * 10 ** places), max: Math.floor(max * 10 ** places) }).map((i) => (i === 0 ? 0 : i / 10 ** places));

const camera = fc.record({
  lonDeg: fixed(CAMERA_PRECISION.lonDeg, -179.999999, 179.999999),
  latDeg: fixed(CAMERA_PRECISION.latDeg, -90, 90),
  heightM: fixed(CAMERA_PRECISION.heightM, -1000, 50_000_000),
  headingDeg: fixed(CAMERA_PRECISION.headingDeg, 0, 359.99),
  pitchDeg: fixed(CAMERA_PRECISION.pitchDeg, -90, 90),
  rollDeg: fixed(CAMERA_PRECISION.rollDeg, -180, 179.99),
});

const state: fc.Arbitrary<UrlState> = fc.record(
  {
    city: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/),
    camera,
    timeMs: fc.integer({ min: Date.UTC(1900, 0, 1) / 60000, max: Date.UTC(2199, 11, 31) / 60000 }).map((m) => m * 60000),
    shadows: fc.boolean(),
    lang: fc.constantFrom(...LANGS),
    panels: fc.uniqueArray(fc.constantFrom(...PANEL_IDS), { minLength: 1 }),
    selected: fc.stringMatching(/^[A-Za-z0-9._:-]{1,30}$/),
    offline: fc.boolean(),
    extra: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/).filter((k) => !['city', 'cam', 't', 'shadows', 'lang', 'panels', 'sel', 'offline'].includes(k)), fc.string({ maxLength: 20 })),
  },
  { requiredKeys: ['extra'] },
);

describe('URL state codec', () => {
  it('parse(serialize(s)) is the identity for states at the codec precision', () => {
    fc.assert(
      fc.property(state, (s) => {
        const { state: back, issues } = parseUrlState(serializeUrlState(s));
        expect(issues).toEqual([]);
        expect(back).toEqual(s);
      }),
      { numRuns: 3000 },
    );
  });

  it('serialize is canonical: serialize(parse(serialize(s))) equals serialize(s)', () => {
    fc.assert(
      fc.property(state, (s) => {
        const q = serializeUrlState(s);
        expect(serializeUrlState(parseUrlState(q).state)).toBe(q);
      }),
    );
  });

  it('never throws and always returns a usable state on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (q) => {
        const r = parseUrlState(q);
        expect(r.state.extra).toBeTypeOf('object');
        if (r.state.camera !== undefined) expect(Number.isFinite(r.state.camera.lonDeg)).toBe(true);
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('city', 'cam', 't', 'shadows', 'lang', 'panels', 'sel', 'offline', 'x'), fc.string({ maxLength: 60 }))), (pairs) => {
        const q = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        expect(() => parseUrlState(q)).not.toThrow();
      }),
      { numRuns: 3000 },
    );
  });

  it('names the parameter and the reason for each malformed value', () => {
    const { state: s, issues } = parseUrlState('?city=Paris!&cam=1,2,3&t=2026-02-31T10:00Z&shadows=maybe&lang=de&panels=legend,bogus&sel=<script>&offline=2');
    const byParam = Object.fromEntries(issues.map((i) => [i.param, i.reason]));
    expect(Object.keys(byParam).sort()).toEqual(['cam', 'city', 'lang', 'offline', 'panels', 'sel', 'shadows', 't']);
    expect(byParam.cam).toMatch(/6 comma-separated numbers/);
    expect(byParam.t).toMatch(/calendar date/);
    expect(byParam.panels).toMatch(/unknown panel/);
    expect(s.panels).toEqual(['legend']);
    expect(s.city).toBeUndefined();
    expect(s.camera).toBeUndefined();
  });

  it('rejects out-of-range and non-finite camera values', () => {
    for (const cam of ['NaN,0,0,0,0,0', '0,91,0,0,0,0', '181,0,0,0,0,0', '0,0,1e99,0,0,0', '0,0,0,0,-95,0', 'Infinity,0,0,0,0,0', '0x10,0,0,0,0,0']) {
      const r = parseUrlState(`cam=${cam}`);
      expect(r.state.camera, cam).toBeUndefined();
      expect(r.issues).toHaveLength(1);
    }
  });

  it('reports malformed percent-encoding and duplicates, keeps unknown parameters', () => {
    const r = parseUrlState('?city=demo&city=rennes&tour=%E0%A4%A&tileset=https%3A%2F%2Fexample.org%2Ft.json');
    expect(r.state.city).toBe('demo');
    expect(r.issues.map((i) => i.reason).sort()).toEqual(['given more than once; the first value is used', 'malformed percent-encoding']);
    expect(r.state.extra).toEqual({ tileset: 'https://example.org/t.json' });
  });

  it('normalises angles into range', () => {
    expect(roundCamera({ lonDeg: 181, latDeg: 0, heightM: 1, headingDeg: -10, pitchDeg: 0, rollDeg: 190 })).toEqual({
      lonDeg: -179, latDeg: 0, heightM: 1, headingDeg: 350, pitchDeg: 0, rollDeg: -170,
    });
    expect(roundCamera({ lonDeg: 0, latDeg: 0, heightM: 0, headingDeg: 359.999, pitchDeg: 0, rollDeg: 179.999 }).headingDeg).toBe(0);
  });
});
