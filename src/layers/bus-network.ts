import { GtfsError, parseGtfs } from './parse/gtfs.ts';
import { ODBL_URL, RENNES_COVERAGE, recorded, live } from './provenance.ts';
import { LayerParseError, type LayerDefinition, type LayerFeature, type LayerInputs, type ParseContext, type ParsedLayer } from './types.ts';

/**
 * The STAR bus and metro network from a GTFS zip: stops (clustered when dense) and one line per
 * route and direction, through the stops of its longest trip. Unzipped (fflate) and parsed in
 * the layers worker; the 2012 feed's stop_times.txt alone is 11 MB.
 */
export function parseBusNetwork(inputs: LayerInputs, ctx: ParseContext): ParsedLayer {
  const where = ctx.names.feed ?? 'feed';
  const zip = inputs.feed;
  if (zip === undefined) throw new LayerParseError(where, 'missing input');
  let feed;
  try {
    feed = parseGtfs(zip, where);
  } catch (e) {
    if (e instanceof GtfsError) throw new LayerParseError(e.where, e.reason);
    throw e;
  }
  const features: LayerFeature[] = [];
  for (const r of feed.routes) {
    features.push({
      id: `route:${r.routeId}:${r.directionId}`,
      name: `${r.shortName} → ${r.headsign.replace(/^[^|]*\|\s*/, '') || r.longName}`,
      geometry: { type: 'line', lines: [r.path] },
      properties: {
        kind: 'route', route_id: r.routeId, route_short_name: r.shortName, route_long_name: r.longName, route_color: r.color || null,
        route_type: r.routeType, direction_id: r.directionId, trip_headsign: r.headsign, representative_trip: r.tripId, stops: r.stopCount, trips: r.trips,
      },
    });
  }
  for (const s of feed.stops) {
    if (s.locationType === '1') continue; // stations (parent areas) are not stops
    features.push({
      id: `stop:${s.id}`,
      name: s.name || s.id,
      geometry: { type: 'point', coordinates: [s.lon, s.lat] },
      properties: { kind: 'stop', stop_id: s.id, stop_code: s.code, stop_name: s.name, stop_desc: s.desc, routes: s.routes.join(', '), route_count: s.routes.length, passages: s.passages, parent_station: s.parentStation || null },
    });
  }
  const issues = feed.issues.map((i) => ({ where: `${where} ${i.where}`, reason: i.reason }));
  if (feed.version !== '' || feed.publisher !== '') {
    issues.unshift({ where: `${where} feed_info.txt`, reason: `feed "${feed.version}" by ${feed.publisher}, valid ${feed.startDate}–${feed.endDate}` });
  }
  return { features, issues };
}

export const busNetworkLayer = {
  id: 'bus-network',
  theme: 'transit',
  title: 'layers.bus.title',
  description: 'layers.bus.description',
  inputs: [
    {
      name: 'feed', packLayer: 'gtfs', format: 'gtfs', maxBytes: 100 * 1024 * 1024,
      samples: [{
        path: 'rennes/transit/star_gtfs_2012-06-18.zip', pack: 'demo', title: 'GTFS STAR, été 2012',
        attribution: recorded({ title: 'Horaires théoriques du réseau STAR (GTFS), été 2012', publisher: 'Keolis Rennes (STAR)', licence: 'Keolis Rennes open-data licence (2012); STAR data now ODbL — treat as attribution + share-alike', licenceUrl: ODBL_URL, date: '2012-06-18 (valid 2012-07-09 → 2012-09-02)', origin: 'dudie/itinerennes-data-bundle-generator GTFS-20120618.zip @ 5cd9983' }),
      }],
    },
  ],
  online: [
    { kind: 'gtfs', input: 'feed', url: 'https://eu.ftp.opendatasoft.com/star/gtfs/GTFS_STAR_BUS_METRO_EN_COURS.zip', coverage: RENNES_COVERAGE, maxBytes: 100 * 1024 * 1024, cache: true, attribution: live('GTFS STAR (en cours)', 'STAR / Keolis Rennes', 'ODbL 1.0', 'eu.ftp.opendatasoft.com/star/gtfs', ODBL_URL) },
  ],
  prefer: 'pack',
  parse: parseBusNetwork,
  variants: [
    {
      id: 'network', label: 'layers.variant.network',
      symbols: [
        { kind: 'line', widthPx: 3, color: { kind: 'data', field: 'route_color', fallback: [120, 144, 156], label: 'layers.bus.routeColour' } },
        { kind: 'point', sizePx: 6, outline: [30, 30, 30], color: { kind: 'constant', color: [255, 255, 255], label: 'layers.bus.stop' }, cluster: { radiusPx: 28 } },
      ],
    },
  ],
  label: { maxDistanceM: 1200, sizePx: 11 },
  legend: { title: 'layers.bus.legend', note: 'layers.bus.note' },
  keyProperties: ['kind', 'stop_name', 'routes', 'passages', 'route_short_name', 'route_long_name', 'trip_headsign'],
} satisfies LayerDefinition;
