/**
 * Geodesy on the WGS84 ellipsoid: geodetic ↔ Earth-centred Earth-fixed (ECEF) ↔ local
 * east-north-up (ENU) frames. Pure functions, SI units (metres, radians unless a name says Deg).
 *
 * The ENU matrices are column-major 4×4 arrays, the layout Cesium's `Matrix4` and glTF use,
 * so a matrix from here can be handed to either without transposing.
 */

/** WGS84 semi-major axis, metres. */
export const WGS84_A = 6378137.0;
/** WGS84 flattening. */
export const WGS84_F = 1 / 298.257223563;
/** WGS84 semi-minor axis, metres. */
export const WGS84_B = WGS84_A * (1 - WGS84_F);
/** First eccentricity squared. */
export const WGS84_E2 = WGS84_F * (2 - WGS84_F);
/** Second eccentricity squared. */
const WGS84_EP2 = WGS84_E2 / (1 - WGS84_E2);

const DEG = Math.PI / 180;

/** A geodetic position: longitude and latitude in degrees, height above the ellipsoid in metres. */
export interface GeodeticDeg {
  lonDeg: number;
  latDeg: number;
  heightM: number;
}

/** A 3-vector in metres. */
export type Vec3 = [number, number, number];

/** Column-major 4×4 matrix. */
export type Mat4 = Float64Array;

/** Product of column-major 4×4 matrices a × b. */
export function multiplyMat4(a: Mat4, b: Mat4): Mat4 {
  const o = new Float64Array(16);
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < 4; r++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[k * 4 + r]! * b[c * 4 + k]!;
      o[c * 4 + r] = s;
    }
  }
  return o;
}

/** Degrees to radians. */
export const toRad = (deg: number): number => deg * DEG;
/** Radians to degrees. */
export const toDeg = (rad: number): number => rad / DEG;

/** Geodetic (degrees, metres) to ECEF metres. */
export function geodeticToEcef(lonDeg: number, latDeg: number, heightM: number): Vec3 {
  const lon = lonDeg * DEG;
  const lat = latDeg * DEG;
  const sinLat = Math.sin(lat);
  const cosLat = Math.cos(lat);
  const n = WGS84_A / Math.sqrt(1 - WGS84_E2 * sinLat * sinLat);
  return [
    (n + heightM) * cosLat * Math.cos(lon),
    (n + heightM) * cosLat * Math.sin(lon),
    (n * (1 - WGS84_E2) + heightM) * sinLat,
  ];
}

/**
 * ECEF metres to geodetic. Bowring's closed form followed by one Newton refinement; accurate
 * to well under a millimetre for heights between −10 km and +1,000 km.
 */
export function ecefToGeodetic(x: number, y: number, z: number): GeodeticDeg {
  const p = Math.hypot(x, y);
  const lon = Math.atan2(y, x);
  if (p < 1e-9) {
    // On the polar axis.
    const latDeg = z >= 0 ? 90 : -90;
    return { lonDeg: 0, latDeg, heightM: Math.abs(z) - WGS84_B };
  }
  const theta = Math.atan2(z * WGS84_A, p * WGS84_B);
  const st = Math.sin(theta);
  const ct = Math.cos(theta);
  let lat = Math.atan2(z + WGS84_EP2 * WGS84_B * st * st * st, p - WGS84_E2 * WGS84_A * ct * ct * ct);
  // One fixed-point refinement of latitude with the exact height relation.
  for (let i = 0; i < 2; i++) {
    const sinLat = Math.sin(lat);
    const n = WGS84_A / Math.sqrt(1 - WGS84_E2 * sinLat * sinLat);
    const h = p / Math.cos(lat) - n;
    lat = Math.atan2(z, p * (1 - (WGS84_E2 * n) / (n + h)));
  }
  const sinLat = Math.sin(lat);
  const cosLat = Math.cos(lat);
  const n = WGS84_A / Math.sqrt(1 - WGS84_E2 * sinLat * sinLat);
  // Height formula that stays well conditioned near the poles.
  const heightM = Math.abs(cosLat) > 1e-3 ? p / cosLat - n : z / sinLat - n * (1 - WGS84_E2);
  return { lonDeg: lon / DEG, latDeg: lat / DEG, heightM };
}

/**
 * The east-north-up frame at a geodetic origin, as a column-major matrix taking ENU metres to
 * ECEF metres (the same as Cesium's `Transforms.eastNorthUpToFixedFrame`).
 */
export function enuToEcefMatrix(lonDeg: number, latDeg: number, heightM: number): Mat4 {
  const lon = lonDeg * DEG;
  const lat = latDeg * DEG;
  const sl = Math.sin(lon);
  const cl = Math.cos(lon);
  const sp = Math.sin(lat);
  const cp = Math.cos(lat);
  const [ox, oy, oz] = geodeticToEcef(lonDeg, latDeg, heightM);
  // Columns: east, north, up, origin.
  return Float64Array.from([
    -sl, cl, 0, 0,
    -sp * cl, -sp * sl, cp, 0,
    cp * cl, cp * sl, sp, 0,
    ox, oy, oz, 1,
  ]);
}

/** A local east-north-up frame with fast conversions in both directions. */
export interface EnuFrame {
  readonly origin: GeodeticDeg;
  /** Column-major ENU → ECEF matrix. */
  readonly matrix: Mat4;
  /** Geodetic (degrees, metres) to ENU metres. */
  fromGeodetic(lonDeg: number, latDeg: number, heightM: number): Vec3;
  /** ENU metres to geodetic (degrees, metres). */
  toGeodetic(e: number, n: number, u: number): GeodeticDeg;
  /** ECEF to ENU metres. */
  fromEcef(x: number, y: number, z: number): Vec3;
  /** ENU metres to ECEF. */
  toEcef(e: number, n: number, u: number): Vec3;
}

/** Builds an ENU frame at the given origin. */
export function enuFrame(origin: GeodeticDeg): EnuFrame {
  const m = enuToEcefMatrix(origin.lonDeg, origin.latDeg, origin.heightM);
  const ex = m[0]!, ey = m[1]!, ez = m[2]!;
  const nx = m[4]!, ny = m[5]!, nz = m[6]!;
  const ux = m[8]!, uy = m[9]!, uz = m[10]!;
  const ox = m[12]!, oy = m[13]!, oz = m[14]!;
  const fromEcef = (x: number, y: number, z: number): Vec3 => {
    const dx = x - ox, dy = y - oy, dz = z - oz;
    return [ex * dx + ey * dy + ez * dz, nx * dx + ny * dy + nz * dz, ux * dx + uy * dy + uz * dz];
  };
  const toEcef = (e: number, n: number, u: number): Vec3 => [
    ox + ex * e + nx * n + ux * u,
    oy + ey * e + ny * n + uy * u,
    oz + ez * e + nz * n + uz * u,
  ];
  return {
    origin: { ...origin },
    matrix: m,
    fromEcef,
    toEcef,
    fromGeodetic: (lonDeg, latDeg, heightM) => {
      const [x, y, z] = geodeticToEcef(lonDeg, latDeg, heightM);
      return fromEcef(x, y, z);
    },
    toGeodetic: (e, n, u) => {
      const [x, y, z] = toEcef(e, n, u);
      return ecefToGeodetic(x, y, z);
    },
  };
}

/** Great-circle (haversine, mean Earth radius) distance between two lon/lat points, metres. */
export function haversineM(lon1Deg: number, lat1Deg: number, lon2Deg: number, lat2Deg: number): number {
  const R = 6371008.8;
  const dLat = (lat2Deg - lat1Deg) * DEG;
  const dLon = (lon2Deg - lon1Deg) * DEG;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1Deg * DEG) * Math.cos(lat2Deg * DEG) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
}

/**
 * Metres per degree of longitude and latitude at a latitude (on the WGS84 ellipsoid), for quick
 * local planar approximations over a city.
 */
export function metresPerDegree(latDeg: number): { lonM: number; latM: number } {
  const lat = latDeg * DEG;
  const s = Math.sin(lat);
  const w = Math.sqrt(1 - WGS84_E2 * s * s);
  const n = WGS84_A / w;
  const m = (WGS84_A * (1 - WGS84_E2)) / (w * w * w);
  return { lonM: n * Math.cos(lat) * DEG, latM: m * DEG };
}
