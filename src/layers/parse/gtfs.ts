import { strFromU8, unzipSync } from 'fflate';
import { forEachCsvRecord } from '../../core/csv.ts';
import { WhereError } from '../../core/errors.ts';

/**
 * GTFS feed (zip) → stops and route shapes. Pure and synchronous: runs in the layers worker.
 *
 * Routes are drawn through their stops: for each route and direction, the trip with the most
 * stops (GTFS without shapes.txt, like the 2012 STAR feed) gives the ordered stop sequence. Each
 * stop gets the routes that serve it and its number of scheduled passages in the feed.
 */

export interface GtfsStop {
  id: string;
  name: string;
  lon: number;
  lat: number;
  code: string;
  desc: string;
  /** Short names of the routes serving the stop, sorted. */
  routes: string[];
  /** Scheduled passages (rows of stop_times.txt) over the whole feed. */
  passages: number;
  locationType: string;
  parentStation: string;
}

export interface GtfsRouteShape {
  routeId: string;
  directionId: string;
  shortName: string;
  longName: string;
  /** `#rrggbb` or '' when the feed gives none. */
  color: string;
  routeType: number | null;
  headsign: string;
  tripId: string;
  /** Ordered positions of the representative trip's stops. */
  path: [number, number][];
  stopCount: number;
  trips: number;
}

export interface GtfsFeed {
  publisher: string;
  version: string;
  startDate: string;
  endDate: string;
  stops: GtfsStop[];
  routes: GtfsRouteShape[];
  issues: { where: string; reason: string }[];
}

export class GtfsError extends WhereError {
  override name = 'GtfsError';
}

const NEEDED = ['stops.txt', 'routes.txt', 'trips.txt', 'stop_times.txt', 'feed_info.txt'];
const REQUIRED = ['stops.txt', 'routes.txt', 'trips.txt', 'stop_times.txt'];

export interface GtfsLimits {
  /** Largest uncompressed size of one file. */
  maxFileBytes: number;
  /** Largest uncompressed size of all files read. */
  maxTotalBytes: number;
}

const DEFAULT_LIMITS: GtfsLimits = { maxFileBytes: 256 * 1024 * 1024, maxTotalBytes: 512 * 1024 * 1024 };

function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return path.slice(i + 1);
}

/** Reads a table: calls `fn(get)` per data row, where `get(column)` returns the cell. */
function table(text: string, file: string, required: readonly string[], fn: (get: (col: string) => string, line: number) => void, issues: GtfsFeed['issues']): void {
  let index: Map<string, number> | null = null;
  let fields: string[] = [];
  const get = (col: string) => {
    const k = index!.get(col);
    return k === undefined ? '' : (fields[k] ?? '').trim();
  };
  forEachCsvRecord(
    text,
    (f, line) => {
      if (index === null) {
        index = new Map(f.map((h, k) => [h.trim().replace(/^\uFEFF/, ''), k]));
        const missing = required.filter((c) => !index!.has(c));
        if (missing.length > 0) throw new GtfsError(file, `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
        return;
      }
      fields = f;
      fn(get, line);
    },
    { onError: (line, reason) => issues.length < 50 && issues.push({ where: `${file} line ${line}`, reason }) },
  );
  if (index === null) throw new GtfsError(file, 'empty file (no header)');
}

/** Parses a GTFS zip. Throws GtfsError naming the file and the reason when it cannot be read. */
export function parseGtfs(zip: Uint8Array, where: string, limits: GtfsLimits = DEFAULT_LIMITS): GtfsFeed {
  if (zip.length < 4 || zip[0] !== 0x50 || zip[1] !== 0x4b) throw new GtfsError(where, 'not a zip archive (a GTFS feed is a zip)');
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (f) => {
        if (!NEEDED.includes(baseName(f.name))) return false;
        if (f.originalSize > limits.maxFileBytes) throw new GtfsError(`${where}/${f.name}`, `${f.originalSize} bytes uncompressed, more than the limit of ${limits.maxFileBytes}`);
        total += f.originalSize;
        if (total > limits.maxTotalBytes) throw new GtfsError(where, `more than ${limits.maxTotalBytes} bytes uncompressed`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof GtfsError) throw e;
    throw new GtfsError(where, `cannot unzip (${e instanceof Error ? e.message : String(e)})`);
  }
  const byName = new Map(Object.entries(files).map(([k, v]) => [baseName(k), v]));
  for (const r of REQUIRED) if (!byName.has(r)) throw new GtfsError(where, `${r} is missing from the feed`);
  const text = (name: string) => {
    const b = byName.get(name)!;
    if (b.length > limits.maxFileBytes) throw new GtfsError(`${where}/${name}`, `larger than ${limits.maxFileBytes} bytes`);
    return strFromU8(b);
  };
  const issues: GtfsFeed['issues'] = [];

  const feed = { publisher: '', version: '', startDate: '', endDate: '' };
  if (byName.has('feed_info.txt')) {
    table(text('feed_info.txt'), 'feed_info.txt', [], (get) => {
      feed.publisher = get('feed_publisher_name');
      feed.version = get('feed_version');
      feed.startDate = get('feed_start_date');
      feed.endDate = get('feed_end_date');
    }, issues);
  }

  const stops = new Map<string, GtfsStop>();
  table(text('stops.txt'), 'stops.txt', ['stop_id', 'stop_lat', 'stop_lon'], (get, line) => {
    const id = get('stop_id');
    const lat = Number(get('stop_lat')), lon = Number(get('stop_lon'));
    if (id === '') return void (issues.length < 50 && issues.push({ where: `stops.txt line ${line}`, reason: 'empty stop_id' }));
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) {
      if (issues.length < 50) issues.push({ where: `stops.txt line ${line} (stop ${id})`, reason: `invalid position ${get('stop_lat')}, ${get('stop_lon')}` });
      return;
    }
    stops.set(id, {
      id, name: get('stop_name'), lon, lat, code: get('stop_code'), desc: get('stop_desc'), routes: [], passages: 0,
      locationType: get('location_type'), parentStation: get('parent_station'),
    });
  }, issues);

  const routes = new Map<string, { shortName: string; longName: string; color: string; routeType: number | null }>();
  table(text('routes.txt'), 'routes.txt', ['route_id'], (get) => {
    const c = get('route_color').replace(/^#/, '');
    const type = Number(get('route_type'));
    routes.set(get('route_id'), {
      shortName: get('route_short_name') || get('route_id'),
      longName: get('route_long_name'),
      color: /^[0-9a-fA-F]{6}$/.test(c) ? `#${c.toLowerCase()}` : '',
      routeType: get('route_type') !== '' && Number.isFinite(type) ? type : null,
    });
  }, issues);

  const trips = new Map<string, { routeId: string; dir: string; headsign: string }>();
  table(text('trips.txt'), 'trips.txt', ['route_id', 'trip_id'], (get, line) => {
    const routeId = get('route_id');
    if (!routes.has(routeId)) {
      if (issues.length < 50) issues.push({ where: `trips.txt line ${line}`, reason: `unknown route_id ${routeId}` });
      return;
    }
    trips.set(get('trip_id'), { routeId, dir: get('direction_id') || '0', headsign: get('trip_headsign') });
  }, issues);

  // stop_times: per trip, its (sequence, stop) pairs; per stop, its routes and passages.
  const tripStops = new Map<string, { seq: number[]; stop: string[] }>();
  const stopRoutes = new Map<string, Set<string>>();
  table(text('stop_times.txt'), 'stop_times.txt', ['trip_id', 'stop_id', 'stop_sequence'], (get) => {
    const tripId = get('trip_id');
    const trip = trips.get(tripId);
    const stopId = get('stop_id');
    const stop = stops.get(stopId);
    if (trip === undefined || stop === undefined) return;
    let t = tripStops.get(tripId);
    if (t === undefined) tripStops.set(tripId, (t = { seq: [], stop: [] }));
    t.seq.push(Number(get('stop_sequence')));
    t.stop.push(stopId);
    stop.passages++;
    let set = stopRoutes.get(stopId);
    if (set === undefined) stopRoutes.set(stopId, (set = new Set()));
    set.add(trip.routeId);
  }, issues);

  // Representative trip per route and direction: the one with the most stops (ties: smallest id).
  const best = new Map<string, { tripId: string; n: number; trips: number }>();
  for (const [tripId, t] of tripStops) {
    const trip = trips.get(tripId)!;
    const key = `${trip.routeId}\u0000${trip.dir}`;
    const b = best.get(key);
    if (b === undefined) best.set(key, { tripId, n: t.stop.length, trips: 1 });
    else {
      b.trips++;
      if (t.stop.length > b.n || (t.stop.length === b.n && tripId < b.tripId)) {
        b.tripId = tripId;
        b.n = t.stop.length;
      }
    }
  }
  const shapes: GtfsRouteShape[] = [];
  for (const [key, b] of [...best].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    const [routeId, dir] = key.split('\u0000') as [string, string];
    const t = tripStops.get(b.tripId)!;
    const order = t.seq.map((_, k) => k).sort((x, y) => t.seq[x]! - t.seq[y]!);
    const path: [number, number][] = [];
    for (const k of order) {
      const s = stops.get(t.stop[k]!)!;
      const last = path[path.length - 1];
      if (last === undefined || last[0] !== s.lon || last[1] !== s.lat) path.push([s.lon, s.lat]);
    }
    if (path.length < 2) continue;
    const r = routes.get(routeId)!;
    shapes.push({ routeId, directionId: dir, shortName: r.shortName, longName: r.longName, color: r.color, routeType: r.routeType, headsign: trips.get(b.tripId)!.headsign, tripId: b.tripId, path, stopCount: b.n, trips: b.trips });
  }
  const stopList = [...stops.values()];
  for (const s of stopList) {
    s.routes = [...(stopRoutes.get(s.id) ?? [])].map((id) => routes.get(id)!.shortName).sort((a, b) => a.localeCompare(b, 'fr', { numeric: true }));
  }
  return { ...feed, stops: stopList, routes: shapes, issues };
}
