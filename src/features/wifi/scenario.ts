/**
 * The access points a planner adds to a scenario, as they travel in the page URL (`wifiap=`), so
 * that a shared link or a reload keeps them. Pure and total: a malformed entry is skipped with
 * an issue naming it, the others are kept.
 *
 * Format: entries separated by `~`, fields by `_`: `lon_lat_heightM_eirpDbm_band_azimuth`, where
 * band is `2.4` or `5` and azimuth is `o` for an omnidirectional antenna or the sector's azimuth
 * in degrees. Only characters that need no escaping in a URL.
 */

export interface ScenarioAp {
  lonDeg: number;
  latDeg: number;
  heightM: number;
  eirpDbm: number;
  band: '2.4' | '5';
  /** Sector azimuth, degrees clockwise from north; null for omnidirectional. */
  azimuthDeg: number | null;
}

export interface WifiParamIssue {
  where: string;
  reason: string;
}

/** Most access points a URL may carry. */
export const MAX_URL_APS = 200;

const round = (v: number, digits: number) => {
  const s = v.toFixed(digits);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
};

/** The `wifiap` parameter value for these access points (empty string for none). */
export function serializeWifiParam(aps: readonly ScenarioAp[]): string {
  return aps.map((a) => [round(a.lonDeg, 6), round(a.latDeg, 6), round(a.heightM, 1), round(a.eirpDbm, 1), a.band, a.azimuthDeg === null ? 'o' : round(a.azimuthDeg, 0)].join('_')).join('~');
}

/** The access points of a `wifiap` value, and an issue for each entry left out. */
export function parseWifiParam(value: string): { aps: ScenarioAp[]; issues: WifiParamIssue[] } {
  const aps: ScenarioAp[] = [];
  const issues: WifiParamIssue[] = [];
  if (value === '') return { aps, issues };
  const entries = value.split('~');
  entries.forEach((entry, k) => {
    const where = `entry ${k + 1} "${entry.slice(0, 60)}"`;
    if (aps.length >= MAX_URL_APS) {
      if (k === MAX_URL_APS) issues.push({ where, reason: `more than ${MAX_URL_APS} access points; the rest are ignored` });
      return;
    }
    const f = entry.split('_');
    if (f.length !== 6) return issues.push({ where, reason: `expected 6 fields lon_lat_height_eirp_band_azimuth, got ${f.length}` });
    const n = f.slice(0, 4).map((s) => (/^-?\d+(\.\d+)?$/.test(s!) ? Number(s) : NaN));
    const [lon, lat, hM, eirp] = n as [number, number, number, number];
    if (!(lon >= -180 && lon <= 180)) return issues.push({ where, reason: 'longitude must be a number from −180 to 180' });
    if (!(lat >= -90 && lat <= 90)) return issues.push({ where, reason: 'latitude must be a number from −90 to 90' });
    if (!(hM >= 0 && hM <= 300)) return issues.push({ where, reason: 'height must be from 0 to 300 m' });
    if (!(eirp >= -10 && eirp <= 40)) return issues.push({ where, reason: 'EIRP must be from −10 to 40 dBm' });
    if (f[4] !== '2.4' && f[4] !== '5') return issues.push({ where, reason: 'band must be 2.4 or 5' });
    const az = f[5] === 'o' ? null : /^\d+(\.\d+)?$/.test(f[5]!) ? Number(f[5]) : NaN;
    if (az !== null && !(az >= 0 && az <= 360)) return issues.push({ where, reason: 'azimuth must be o (omni) or 0 to 360°' });
    aps.push({ lonDeg: lon, latDeg: lat, heightM: hM, eirpDbm: eirp, band: f[4], azimuthDeg: az });
  });
  return { aps, issues };
}
