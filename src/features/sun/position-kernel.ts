import { toZoned, zoneOffsetMinutes } from '../../core/time.ts';
import type { KernelRun } from '../../core/simulation/kernel.ts';
import { riseTransitSet, sunPosition, type SpaObserver } from '../../core/solar/spa.ts';

/**
 * The Sun seen from a place at an instant (NREL SPA), with that day's sunrise, transit and
 * sunset. The day is the calendar date at the place: in `timeZone` when given, else in the
 * offset written in `time`, else in the nautical time zone of the longitude (round(lon / 15) h).
 */

export interface SunPositionInput extends SpaObserver {
  /** ISO 8601 instant with Z or an offset. */
  time: string;
  timeZone?: string;
  deltaT?: number;
}

export interface SunPositionOutput {
  azimuthDeg: number;
  elevationDeg: number;
  zenithDeg: number;
  elevationGeometricDeg: number;
  declinationDeg: number;
  hourAngleDeg: number;
  /** The local date the day's times refer to, and the offset used, hours. */
  date: string;
  utcOffsetHours: number;
  sunrise: string | null;
  transit: string;
  sunset: string | null;
  dayKind: 'normal' | 'polar-day' | 'polar-night';
  /** Sunset − sunrise, hours (24 or 0 in polar day or night). */
  dayLengthH: number;
}

/** Offset written in an ISO 8601 instant, hours (null for Z). */
export function isoOffsetHours(time: string): number | null {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(time);
  if (m === null) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) + Number(m[3]) / 60);
}

function localDate(ms: number, offsetHours: number): { y: number; m: number; d: number; text: string } {
  const t = new Date(ms + offsetHours * 3_600_000);
  const y = t.getUTCFullYear(), m = t.getUTCMonth() + 1, d = t.getUTCDate();
  return { y, m, d, text: `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

/** The Sun's position at `input.time` seen from the observer, with that local day's sunrise, transit and sunset. */
export function computeSunPosition(input: SunPositionInput): SunPositionOutput {
  const ms = Date.parse(input.time);
  if (!Number.isFinite(ms)) throw new RangeError(`not an instant: ${input.time}`);
  const opts = input.deltaT !== undefined ? { deltaT: input.deltaT } : {};
  const p = sunPosition(ms, input, opts);
  let offset: number;
  let date: { y: number; m: number; d: number; text: string };
  if (input.timeZone !== undefined) {
    const z = toZoned(ms, input.timeZone);
    const [y, m, d] = z.date.split('-').map(Number) as [number, number, number];
    offset = zoneOffsetMinutes(Date.UTC(y, m - 1, d, 12), input.timeZone) / 60;
    date = { y, m, d, text: z.date };
  } else {
    offset = isoOffsetHours(input.time) ?? Math.round(input.lonDeg / 15);
    date = localDate(ms, offset);
  }
  const rts = riseTransitSet(date.y, date.m, date.d, offset, input, opts);
  const iso = (v: number | null) => (v === null ? null : new Date(Math.round(v)).toISOString());
  return {
    azimuthDeg: p.azimuthDeg,
    elevationDeg: p.elevationDeg,
    zenithDeg: p.zenithDeg,
    elevationGeometricDeg: p.elevationGeometricDeg,
    declinationDeg: p.topoDeclinationDeg,
    hourAngleDeg: p.hourAngleDeg,
    date: date.text,
    utcOffsetHours: offset,
    sunrise: iso(rts.sunriseMs),
    transit: iso(rts.transitMs)!,
    sunset: iso(rts.sunsetMs),
    dayKind: rts.kind,
    dayLengthH: rts.kind === 'normal' ? (rts.sunsetMs! - rts.sunriseMs!) / 3_600_000 : rts.kind === 'polar-day' ? 24 : 0,
  };
}

/** The kernel form (one step: nothing to report on the way). */
// eslint-disable-next-line require-yield
export function* sunPositionKernel(input: SunPositionInput): KernelRun<SunPositionOutput> {
  return computeSunPosition(input);
}
