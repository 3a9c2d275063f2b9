import { B_TERMS, L_TERMS, NUTATION_TERMS, R_TERMS } from './spa-terms.ts';

/**
 * NREL Solar Position Algorithm (SPA), written from the published algorithm: I. Reda and
 * A. Andreas, "Solar Position Algorithm for Solar Radiation Applications", Solar Energy 76 (2004)
 * 577–589, and NREL/TP-560-34302 (revised January 2008). Uncertainty ±0.0003° for years −2000 to
 * 6000. Pure functions; angles in degrees unless a name says otherwise; instants as Unix
 * milliseconds (UTC).
 *
 * Equation numbers in comments refer to the 2008 report.
 */

const RAD = Math.PI / 180;
const DEG = 180 / Math.PI;

/** The Sun's radius seen from the Earth, degrees (used for sunrise and sunset). */
export const SUN_RADIUS_DEG = 0.26667;
/** Atmospheric refraction at the horizon assumed for sunrise and sunset, degrees. */
export const HORIZON_REFRACTION_DEG = 0.5667;
/** Geometric elevation of the Sun's centre at sunrise and sunset, degrees (eq. A.2 h0′). */
export const SUNRISE_ELEVATION_DEG = -(SUN_RADIUS_DEG + HORIZON_REFRACTION_DEG);

export interface SpaObserver {
  latDeg: number;
  lonDeg: number;
  /** Height above the ellipsoid, metres (used for the parallax; default 0). */
  elevationM?: number;
  /** Annual mean local pressure, millibars (default 1013.25). */
  pressureMbar?: number;
  /** Annual mean local temperature, °C (default 12). */
  temperatureC?: number;
}

export interface SpaOptions {
  /** TT − UT1, seconds; default from {@link deltaTSeconds}. */
  deltaT?: number;
}

export interface SunPosition {
  /** Julian day (UT). */
  jd: number;
  /** Earth heliocentric longitude, latitude (degrees) and radius vector (AU). */
  heliocentricLonDeg: number;
  heliocentricLatDeg: number;
  radiusAu: number;
  nutationLonDeg: number;
  nutationOblDeg: number;
  /** True obliquity of the ecliptic, degrees. */
  obliquityDeg: number;
  /** Apparent sidereal time at Greenwich, degrees. */
  siderealDeg: number;
  /** Geocentric right ascension and declination, degrees. */
  rightAscensionDeg: number;
  declinationDeg: number;
  /** Topocentric local hour angle and declination, degrees. */
  hourAngleDeg: number;
  topoDeclinationDeg: number;
  /** Topocentric elevation without refraction, degrees. */
  elevationGeometricDeg: number;
  /** Apparent elevation (with refraction), degrees. */
  elevationDeg: number;
  /** Apparent zenith angle, degrees. */
  zenithDeg: number;
  /** Azimuth from north, clockwise, degrees in [0, 360). */
  azimuthDeg: number;
}

/** Julian day of a Unix instant (UT). */
export function julianDay(ms: number): number {
  return ms / 86_400_000 + 2_440_587.5;
}

/**
 * ΔT = TT − UT, seconds: Espenak & Meeus polynomials (NASA, 2006) for 1900–2150, 69 s clamp
 * beyond. Its effect on the Sun's position is about 0.00001° per second of error.
 */
export function deltaTSeconds(ms: number): number {
  const y = new Date(ms).getUTCFullYear() + (new Date(ms).getUTCMonth() + 0.5) / 12;
  if (y < 1900 || y > 2150) return 69;
  if (y < 1920) {
    const t = y - 1900;
    return -2.79 + 1.494119 * t - 0.0598939 * t ** 2 + 0.0061966 * t ** 3 - 0.000197 * t ** 4;
  }
  if (y < 1941) {
    const t = y - 1920;
    return 21.2 + 0.84493 * t - 0.0761 * t ** 2 + 0.0020936 * t ** 3;
  }
  if (y < 1961) {
    const t = y - 1950;
    return 29.07 + 0.407 * t - t ** 2 / 233 + t ** 3 / 2547;
  }
  if (y < 1986) {
    const t = y - 1975;
    return 45.45 + 1.067 * t - t ** 2 / 260 - t ** 3 / 718;
  }
  if (y < 2005) {
    const t = y - 2000;
    return 63.86 + 0.3345 * t - 0.060374 * t ** 2 + 0.0017275 * t ** 3 + 0.000651814 * t ** 4 + 0.00002373599 * t ** 5;
  }
  if (y < 2050) {
    const t = y - 2000;
    return 62.92 + 0.32217 * t + 0.005589 * t ** 2;
  }
  return -20 + 32 * ((y - 1820) / 100) ** 2 - 0.5628 * (2150 - y);
}

/** Angle reduced to [0, 360). */
export function limitDegrees(d: number): number {
  const l = d % 360;
  return l < 0 ? l + 360 : l;
}

function seriesSum(terms: readonly number[], jme: number): number {
  let s = 0;
  for (let i = 0; i < terms.length; i += 3) s += terms[i]! * Math.cos(terms[i + 1]! + terms[i + 2]! * jme);
  return s;
}

/** Σ L_i · JME^i / 10^8 (eq. 10–11), radians. */
function earthValue(series: readonly (readonly number[])[], jme: number): number {
  let sum = 0;
  let p = 1;
  for (const terms of series) {
    sum += seriesSum(terms, jme) * p;
    p *= jme;
  }
  return sum / 1e8;
}

/** Geocentric quantities that depend only on time (eq. 4–30). */
interface Geocentric {
  jd: number;
  L: number;
  B: number;
  R: number;
  dPsi: number;
  dEps: number;
  eps: number;
  nu: number;
  alpha: number;
  delta: number;
}

function geocentric(jd: number, deltaT: number): Geocentric {
  const jde = jd + deltaT / 86400; // eq. 5
  const jc = (jd - 2451545) / 36525; // eq. 6
  const jce = (jde - 2451545) / 36525; // eq. 7
  const jme = jce / 10; // eq. 8
  const L = limitDegrees(earthValue(L_TERMS, jme) * DEG); // eq. 9–12
  const B = earthValue(B_TERMS, jme) * DEG;
  const R = earthValue(R_TERMS, jme);
  const theta = limitDegrees(L + 180); // eq. 13
  const beta = -B; // eq. 14
  // Nutation (eq. 15–23).
  const x0 = 297.85036 + 445267.11148 * jce - 0.0019142 * jce ** 2 + jce ** 3 / 189474;
  const x1 = 357.52772 + 35999.05034 * jce - 0.0001603 * jce ** 2 - jce ** 3 / 300000;
  const x2 = 134.96298 + 477198.867398 * jce + 0.0086972 * jce ** 2 + jce ** 3 / 56250;
  const x3 = 93.27191 + 483202.017538 * jce - 0.0036825 * jce ** 2 + jce ** 3 / 327270;
  const x4 = 125.04452 - 1934.136261 * jce + 0.0020708 * jce ** 2 + jce ** 3 / 450000;
  let sumPsi = 0;
  let sumEps = 0;
  for (let i = 0; i < NUTATION_TERMS.length; i += 9) {
    const arg =
      (x0 * NUTATION_TERMS[i]! + x1 * NUTATION_TERMS[i + 1]! + x2 * NUTATION_TERMS[i + 2]! + x3 * NUTATION_TERMS[i + 3]! + x4 * NUTATION_TERMS[i + 4]!) * RAD;
    sumPsi += (NUTATION_TERMS[i + 5]! + NUTATION_TERMS[i + 6]! * jce) * Math.sin(arg);
    sumEps += (NUTATION_TERMS[i + 7]! + NUTATION_TERMS[i + 8]! * jce) * Math.cos(arg);
  }
  const dPsi = sumPsi / 36_000_000;
  const dEps = sumEps / 36_000_000;
  // Obliquity (eq. 24–25).
  const u = jme / 10;
  const eps0 =
    84381.448 +
    u * (-4680.93 + u * (-1.55 + u * (1999.25 + u * (-51.38 + u * (-249.67 + u * (-39.05 + u * (7.12 + u * (27.87 + u * (5.79 + u * 2.45)))))))));
  const eps = eps0 / 3600 + dEps;
  const dTau = -20.4898 / (3600 * R); // eq. 26
  const lambda = theta + dPsi + dTau; // eq. 27
  // Apparent sidereal time at Greenwich (eq. 28–29).
  const nu0 = limitDegrees(280.46061837 + 360.98564736629 * (jd - 2451545) + 0.000387933 * jc ** 2 - jc ** 3 / 38710000);
  const nu = nu0 + dPsi * Math.cos(eps * RAD);
  // Geocentric right ascension and declination (eq. 30–31).
  const lr = lambda * RAD;
  const er = eps * RAD;
  const br = beta * RAD;
  const alpha = limitDegrees(Math.atan2(Math.sin(lr) * Math.cos(er) - Math.tan(br) * Math.sin(er), Math.cos(lr)) * DEG);
  const delta = Math.asin(Math.sin(br) * Math.cos(er) + Math.cos(br) * Math.sin(er) * Math.sin(lr)) * DEG;
  return { jd, L, B, R, dPsi, dEps, eps, nu, alpha, delta };
}

/** Atmospheric refraction (eq. 42), degrees, for a geometric elevation e0 (degrees). */
export function refractionDeg(e0: number, pressureMbar = 1013.25, temperatureC = 12): number {
  if (e0 < -(SUN_RADIUS_DEG + HORIZON_REFRACTION_DEG)) return 0;
  return (pressureMbar / 1010) * (283 / (273 + temperatureC)) * (1.02 / (60 * Math.tan((e0 + 10.3 / (e0 + 5.11)) * RAD)));
}

/** The Sun's topocentric position for an observer at an instant (the full SPA, eq. 1–47). */
export function sunPosition(ms: number, obs: SpaObserver, options: SpaOptions = {}): SunPosition {
  const deltaT = options.deltaT ?? deltaTSeconds(ms);
  const g = geocentric(julianDay(ms), deltaT);
  return topocentric(g, obs);
}

function topocentric(g: Geocentric, obs: SpaObserver): SunPosition {
  const phi = obs.latDeg * RAD;
  const elevationM = obs.elevationM ?? 0;
  const H = limitDegrees(g.nu + obs.lonDeg - g.alpha); // eq. 32
  const xi = 8.794 / (3600 * g.R); // eq. 33
  const uu = Math.atan(0.99664719 * Math.tan(phi)); // eq. 34
  const x = Math.cos(uu) + (elevationM / 6378140) * Math.cos(phi); // eq. 35
  const y = 0.99664719 * Math.sin(uu) + (elevationM / 6378140) * Math.sin(phi); // eq. 36
  const xir = xi * RAD;
  const Hr = H * RAD;
  const dr = g.delta * RAD;
  const dAlpha = Math.atan2(-x * Math.sin(xir) * Math.sin(Hr), Math.cos(dr) - x * Math.sin(xir) * Math.cos(Hr)); // eq. 37
  const deltaP = Math.atan2((Math.sin(dr) - y * Math.sin(xir)) * Math.cos(dAlpha), Math.cos(dr) - x * Math.sin(xir) * Math.cos(Hr)); // eq. 39
  const Hp = Hr - dAlpha; // eq. 40
  const e0 = Math.asin(Math.sin(phi) * Math.sin(deltaP) + Math.cos(phi) * Math.cos(deltaP) * Math.cos(Hp)) * DEG; // eq. 41
  const de = refractionDeg(e0, obs.pressureMbar, obs.temperatureC); // eq. 42
  const e = e0 + de; // eq. 43
  const gamma = Math.atan2(Math.sin(Hp), Math.cos(Hp) * Math.sin(phi) - Math.tan(deltaP) * Math.cos(phi)) * DEG; // eq. 45
  return {
    jd: g.jd,
    heliocentricLonDeg: g.L,
    heliocentricLatDeg: g.B,
    radiusAu: g.R,
    nutationLonDeg: g.dPsi,
    nutationOblDeg: g.dEps,
    obliquityDeg: g.eps,
    siderealDeg: g.nu,
    rightAscensionDeg: g.alpha,
    declinationDeg: g.delta,
    hourAngleDeg: limitDegrees(Hp * DEG),
    topoDeclinationDeg: deltaP * DEG,
    elevationGeometricDeg: e0,
    elevationDeg: e,
    zenithDeg: 90 - e,
    azimuthDeg: limitDegrees(gamma + 180), // eq. 46
  };
}

export interface RiseTransitSet {
  /** Sun transit (local solar noon), sunrise and sunset as Unix ms; null when the Sun does not rise or set that day. */
  transitMs: number;
  sunriseMs: number | null;
  sunsetMs: number | null;
  /** 'normal', or the Sun stays above ('polar-day') or below ('polar-night') h0′ all day. */
  kind: 'normal' | 'polar-day' | 'polar-night';
}

function limitUnit(v: number): number {
  const l = v - Math.floor(v);
  return l < 0 ? l + 1 : l;
}

function limit180pm(d: number): number {
  let l = limitDegrees(d);
  if (l > 180) l -= 360;
  return l;
}

/**
 * Sunrise, transit and sunset on a local calendar date (SPA Appendix A.2). `tzOffsetHours` is
 * the observer's offset from UT on that date (+2 for Paris in summer): it chooses which day the
 * times belong to, as in SPA, and never changes the instants. Sunrise and sunset are when the
 * Sun's upper limb, refracted, meets a flat horizon (geometric centre at h0′ = −0.8333°).
 */
export function riseTransitSet(year: number, month: number, day: number, tzOffsetHours: number, obs: SpaObserver, options: SpaOptions = {}): RiseTransitSet {
  const dayStartUtcMs = Date.UTC(year, month - 1, day);
  const deltaT = options.deltaT ?? deltaTSeconds(dayStartUtcMs);
  const jd0 = julianDay(dayStartUtcMs);
  const nu = geocentric(jd0, 0).nu; // A.2.1: ν at 0 UT with ΔT = 0
  const g = [geocentric(jd0 - 1, deltaT), geocentric(jd0, deltaT), geocentric(jd0 + 1, deltaT)]; // A.2.2
  const alpha = g.map((x) => x.alpha);
  const delta = g.map((x) => x.delta);
  const phi = obs.latDeg * RAD;
  const sigma = obs.lonDeg;
  const h0p = SUNRISE_ELEVATION_DEG;
  const m0 = (alpha[1]! - sigma - nu) / 360; // A.2.3
  const cosH0 = (Math.sin(h0p * RAD) - Math.sin(phi) * Math.sin(delta[1]! * RAD)) / (Math.cos(phi) * Math.cos(delta[1]! * RAD)); // A.2.4
  // Interpolation of α and δ (A.2.10).
  const interp = (values: number[], n: number): number => {
    let a = values[1]! - values[0]!;
    let b = values[2]! - values[1]!;
    if (Math.abs(a) >= 2) a = limitUnit(a);
    if (Math.abs(b) >= 2) b = limitUnit(b);
    const c = b - a;
    return values[1]! + (n * (a + b + c * n)) / 2;
  };
  const at = (m: number) => {
    const nuI = nu + 360.985647 * m; // A.2.8
    const n = m + deltaT / 86400; // A.2.9
    const a = interp(alpha, n);
    const d = interp(delta, n);
    const Hp = limit180pm(nuI + sigma - a); // A.2.11
    const h = Math.asin(Math.sin(phi) * Math.sin(d * RAD) + Math.cos(phi) * Math.cos(d * RAD) * Math.cos(Hp * RAD)) * DEG; // A.2.12
    return { Hp, h, d };
  };
  // A day fraction (UT) to an instant on the local date, as SPA converts to local hours.
  const localMidnightUtcMs = dayStartUtcMs - tzOffsetHours * 3_600_000;
  const toMs = (dayFraction: number) => localMidnightUtcMs + limitUnit(dayFraction + tzOffsetHours / 24) * 86_400_000;
  const mT = limitUnit(m0);
  const transit = mT - at(mT).Hp / 360; // A.2.13
  if (Math.abs(cosH0) > 1) {
    return { transitMs: toMs(transit), sunriseMs: null, sunsetMs: null, kind: cosH0 < -1 ? 'polar-day' : 'polar-night' };
  }
  const H0 = Math.acos(cosH0) * DEG; // A.2.5, in [0, 180]
  const m1 = limitUnit(m0 - H0 / 360); // A.2.6–A.2.7
  const m2 = limitUnit(m0 + H0 / 360);
  const refine = (m: number) => {
    const r = at(m);
    return m + (r.h - h0p) / (360 * Math.cos(r.d * RAD) * Math.cos(phi) * Math.sin(r.Hp * RAD)); // A.2.14–A.2.15
  };
  // SPA gives times of day; near the poles (or far from the zone's meridian) sunset may fall
  // after midnight: keep sunrise before transit and sunset after it. The hour angle of sunrise
  // is at most 180°, so each is within 12 h of transit (which also bounds the one-step
  // refinement where the Sun skims the horizon, at the poles near the equinoxes).
  const t = toMs(transit);
  const DAY_MS = 86_400_000;
  const mod = (v: number) => ((v % DAY_MS) + DAY_MS) % DAY_MS;
  const half = DAY_MS / 2;
  return { transitMs: t, sunriseMs: t - Math.min(mod(t - toMs(refine(m1))), half), sunsetMs: t + Math.min(mod(toMs(refine(m2)) - t), half), kind: 'normal' };
}

/**
 * Direction towards the Sun in a local east-north-up frame, from an azimuth (from north,
 * clockwise) and an elevation, degrees. Unit vector.
 */
export function sunDirectionEnu(azimuthDeg: number, elevationDeg: number): [number, number, number] {
  const az = azimuthDeg * RAD;
  const el = elevationDeg * RAD;
  return [Math.sin(az) * Math.cos(el), Math.cos(az) * Math.cos(el), Math.sin(el)];
}
