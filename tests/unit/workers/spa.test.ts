import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { B_TERMS, L_TERMS, NUTATION_TERMS, R_TERMS } from '../../../src/core/solar/spa-terms.ts';
import { riseTransitSet, sunPosition, SUNRISE_ELEVATION_DEG, refractionDeg } from '../../../src/core/solar/spa.ts';
import { computeSunPosition } from '../../../src/features/sun/position-kernel.ts';

/**
 * NREL SPA against the reference case of Reda & Andreas (NREL/TP-560-34302, table A5.1): 17
 * October 2003, 12:30:30 local time (UTC−7), Golden, Colorado; and analytic checks at Rennes.
 */

const GOLDEN = { latDeg: 39.742476, lonDeg: -105.1786, elevationM: 1830.14, pressureMbar: 820, temperatureC: 11 };
const REF_MS = Date.UTC(2003, 9, 17, 19, 30, 30);
const RENNES = { latDeg: 48.1109, lonDeg: -1.6800 };

describe('NREL SPA', () => {
  it('has the published number of periodic terms', () => {
    expect(L_TERMS.map((t) => t.length / 3)).toEqual([64, 34, 20, 7, 3, 1]);
    expect(B_TERMS.map((t) => t.length / 3)).toEqual([5, 2]);
    expect(R_TERMS.map((t) => t.length / 3)).toEqual([40, 10, 6, 2, 1]);
    expect(NUTATION_TERMS.length / 9).toBe(63);
  });

  it('matches the reference case: zenith 50.11162°, azimuth 194.34024° (within 0.0001°) and the intermediate values', () => {
    const p = sunPosition(REF_MS, GOLDEN, { deltaT: 67 });
    expect(p.jd).toBeCloseTo(2452930.312847, 6);
    expect(p.heliocentricLonDeg).toBeCloseTo(24.0182616917, 8);
    expect(p.heliocentricLatDeg).toBeCloseTo(-0.0001011219, 9);
    expect(p.radiusAu).toBeCloseTo(0.9965422974, 9);
    expect(p.nutationLonDeg).toBeCloseTo(-0.00399840, 7);
    expect(p.nutationOblDeg).toBeCloseTo(0.00166657, 7);
    expect(p.obliquityDeg).toBeCloseTo(23.440465, 6);
    expect(p.rightAscensionDeg).toBeCloseTo(202.22741, 5);
    expect(p.declinationDeg).toBeCloseTo(-9.31434, 5);
    expect(p.topoDeclinationDeg).toBeCloseTo(-9.316179, 6);
    expect(p.elevationGeometricDeg).toBeCloseTo(39.872046, 6);
    expect(Math.abs(p.zenithDeg - 50.11162)).toBeLessThan(1e-4);
    expect(Math.abs(p.azimuthDeg - 194.34024)).toBeLessThan(1e-4);
  });

  it('gives the reference sunrise 06:12:43, transit 11:46:04 and sunset 17:20:19 local time (within 1 s)', () => {
    const r = riseTransitSet(2003, 10, 17, -7, GOLDEN, { deltaT: 67 });
    const local = (ms: number | null) => (ms! - Date.UTC(2003, 9, 17, 7)) / 1000; // seconds after local midnight
    expect(r.kind).toBe('normal');
    expect(Math.abs(local(r.sunriseMs) - (6 * 3600 + 12 * 60 + 43))).toBeLessThan(1.5);
    expect(Math.abs(local(r.transitMs) - (11 * 3600 + 46 * 60 + 4.97))).toBeLessThan(1);
    expect(Math.abs(local(r.sunsetMs) - (17 * 3600 + 20 * 60 + 19))).toBeLessThan(1.5);
  });

  it('at Rennes on the solstices, the noon elevation is 90° − φ ± ε plus refraction (within 0.01°)', () => {
    for (const [month, sign] of [[6, 1], [12, -1]] as const) {
      const r = riseTransitSet(2026, month, 21, month === 6 ? 2 : 1, RENNES);
      const p = sunPosition(r.transitMs, RENNES);
      const geometric = 90 - RENNES.latDeg + sign * p.obliquityDeg;
      expect(Math.abs(p.elevationDeg - (geometric + refractionDeg(geometric)))).toBeLessThan(0.01);
      expect(Math.abs(p.azimuthDeg - 180)).toBeLessThan(0.01);
      expect(Math.abs(p.hourAngleDeg > 180 ? p.hourAngleDeg - 360 : p.hourAngleDeg)).toBeLessThan(0.01);
    }
  });

  it('at Rennes on the solstices, sunrise and sunset are when the centre is at −0.8333° and the day lengths follow the hour angle of sunrise (16.1 h and 8.3 h)', () => {
    const june = riseTransitSet(2026, 6, 21, 2, RENNES);
    const december = riseTransitSet(2026, 12, 21, 1, RENNES);
    for (const r of [june, december]) {
      for (const t of [r.sunriseMs!, r.sunsetMs!]) expect(Math.abs(sunPosition(t, RENNES).elevationGeometricDeg - SUNRISE_ELEVATION_DEG)).toBeLessThan(0.01);
    }
    const len = (r: typeof june) => (r.sunsetMs! - r.sunriseMs!) / 3_600_000;
    // Hour angle of sunrise on a sphere: cos H0 = (sin h0 − sin φ sin δ) / (cos φ cos δ).
    const rad = Math.PI / 180;
    const expected = (r: typeof june) => {
      const d = sunPosition(r.transitMs, RENNES).declinationDeg * rad, f = RENNES.latDeg * rad;
      return (2 * Math.acos((Math.sin(SUNRISE_ELEVATION_DEG * rad) - Math.sin(f) * Math.sin(d)) / (Math.cos(f) * Math.cos(d)))) / rad / 15;
    };
    expect(Math.abs(len(june) - expected(june))).toBeLessThan(0.02);
    expect(Math.abs(len(december) - expected(december))).toBeLessThan(0.02);
    expect(len(june)).toBeCloseTo(16.07, 1);
    expect(len(december)).toBeCloseTo(8.35, 1);
    // Local times of a summer day in Rennes (CEST): sunrise a little after 6:00, sunset after 22:00.
    expect(new Date(june.sunriseMs!).toISOString()).toMatch(/^2026-06-21T04:0\d/);
    expect(new Date(june.sunsetMs!).toISOString()).toMatch(/^2026-06-21T20:1\d/);
  });

  it('keeps sunrise before transit before sunset, less than a day apart, even near the poles', () => {
    // Found by the output-schema property: 89.8° N at the March equinox, where sunset came out before sunrise.
    const r = riseTransitSet(2028, 3, 18, 0, { latDeg: 89.80111584497699, lonDeg: 0 });
    expect(r.sunriseMs!).toBeLessThanOrEqual(r.transitMs);
    expect(r.sunsetMs!).toBeGreaterThanOrEqual(r.transitMs);
    expect(r.sunsetMs! - r.sunriseMs!).toBeLessThan(86_400_000);
    // 89.8° S at the March equinox: the Sun skims the horizon all day; the day stays within 24 h.
    const s = riseTransitSet(2023, 3, 23, 0, { latDeg: -89.81034854989679, lonDeg: 0 });
    expect(s.sunsetMs! - s.sunriseMs!).toBeLessThanOrEqual(86_400_000);
    for (const lat of [66, 70, 75, 80, 85, 89.9]) {
      for (let m = 1; m <= 12; m++) {
        const x = riseTransitSet(2026, m, 15, 1, { latDeg: lat, lonDeg: 20 });
        if (x.kind !== 'normal') continue;
        expect(x.sunriseMs!).toBeLessThanOrEqual(x.transitMs);
        expect(x.sunsetMs!).toBeGreaterThanOrEqual(x.transitMs);
      }
    }
  });

  it('knows polar day and polar night', () => {
    expect(riseTransitSet(2026, 6, 21, 2, { latDeg: 78.2, lonDeg: 15.6 }).kind).toBe('polar-day');
    expect(riseTransitSet(2026, 12, 21, 1, { latDeg: 78.2, lonDeg: 15.6 }).kind).toBe('polar-night');
  });

  it('keeps azimuth in [0, 360) and elevation in [−90, 91] for any place and time (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -89.9, max: 89.9, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }), fc.integer({ min: Date.UTC(1950, 0, 1), max: Date.UTC(2100, 0, 1) }), (lat, lon, ms) => {
        const p = sunPosition(ms, { latDeg: lat, lonDeg: lon });
        return p.azimuthDeg >= 0 && p.azimuthDeg < 360 && p.elevationDeg >= -90 && p.elevationDeg <= 91 && Math.abs(p.zenithDeg + p.elevationDeg - 90) < 1e-9;
      }),
      { numRuns: 300 },
    );
  });

  it('sun-position picks the local date from the time zone, the written offset or the longitude', () => {
    const a = computeSunPosition({ ...RENNES, time: '2026-06-21T23:30:00Z', timeZone: 'Europe/Paris' });
    expect(a.date).toBe('2026-06-22');
    expect(a.utcOffsetHours).toBe(2);
    const b = computeSunPosition({ ...RENNES, time: '2026-06-21T23:30:00-01:00' });
    expect(b.date).toBe('2026-06-21');
    const c = computeSunPosition({ latDeg: 40, lonDeg: 150, time: '2026-06-21T20:00:00Z' });
    expect(c.utcOffsetHours).toBe(10);
    expect(c.date).toBe('2026-06-22');
    expect(Date.parse(c.sunrise!)).toBeLessThan(Date.parse(c.sunset!));
  });
});
