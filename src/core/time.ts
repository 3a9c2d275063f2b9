/**
 * Wall-clock time in a named time zone ↔ UTC instants, with the platform's Intl time-zone data.
 * The time control works in the city's local time (Europe/Paris for French cities); the scene
 * and the URL use UTC.
 */

export interface ZonedParts {
  /** YYYY-MM-DD */
  date: string;
  /** Minutes since local midnight, 0–1439. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local date and minutes of an instant in a time zone. */
export function toZoned(ms: number, timeZone: string): ZonedParts {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** Offset of a zone from UTC at an instant, minutes (Paris in summer: +120). */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const z = toZoned(ms, timeZone);
  const [y, m, d] = z.date.split('-').map(Number) as [number, number, number];
  const asUtc = Date.UTC(y, m - 1, d, Math.floor(z.minutes / 60), z.minutes % 60);
  return Math.round((asUtc - Math.floor(ms / 60000) * 60000) / 60000);
}

/**
 * The instant at which the wall clock in `timeZone` reads `date` + `minutes`. For times that
 * occur twice (autumn change) the first is returned; for times that do not exist (spring
 * change) the instant one hour later.
 */
export function fromZoned(date: string, minutes: number, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  const naive = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 0, minutes);
  // Two passes settle the offset across a change of offset.
  let guess = naive - zoneOffsetMinutes(naive, timeZone) * 60000;
  guess = naive - zoneOffsetMinutes(guess, timeZone) * 60000;
  return guess;
}
