import { geoJsonParser, toNumber } from './parse/geojson.ts';
import { live, MASTERSIGAT, ODBL_URL, recorded, RENNES_COVERAGE } from './provenance.ts';
import type { LayerDefinition, LayerInputs, ParseContext, ParsedLayer } from './types.ts';

/**
 * Bike-share stations sized by their number of docks: STAR "le vélo" in Rennes, Vélib' in the
 * Paris pack (same layer, another city's file: the dock count is read from either schema).
 */
const read = geoJsonParser('stations', {
  idFields: ['id', 'code', 'idstation', 'stationcode'],
  nameFields: ['nom', 'name'],
  numericFields: ['nombreemplacementstheorique', 'capacity', 'nombreemplacementsactuels', 'nombrevelosdisponibles'],
  geometry: ['point'],
});

export function parseBikeShare(inputs: LayerInputs, ctx: ParseContext): ParsedLayer {
  const parsed = read(inputs, ctx);
  for (const f of parsed.features) {
    const docks = toNumber(f.properties.nombreemplacementstheorique ?? f.properties.nombreemplacementsactuels ?? f.properties.capacity ?? null);
    f.properties.docks = docks;
  }
  return parsed;
}

export const bikeShareLayer = {
  id: 'bike-share',
  theme: 'transit',
  title: 'layers.bikeShare.title',
  description: 'layers.bikeShare.description',
  inputs: [
    {
      name: 'stations', packLayer: 'bike-share', format: 'geojson', maxBytes: 10 * 1024 * 1024,
      samples: [{
        path: 'rennes/transit/velostar_bike_share_stations.geojson', pack: 'demo', title: 'Stations vélo STAR',
        attribution: recorded({ title: 'Stations du vélo en libre-service STAR (topologie)', publisher: 'STAR / Rennes Métropole', licence: 'ODbL 1.0 (STAR open data; not restated in the copy)', licenceUrl: ODBL_URL, date: 'unknown (snapshot of 2025-02-27 or earlier)', origin: `${MASTERSIGAT}, velostar.geojson` }),
      }, {
        path: 'paris/velib_stations.geojson', pack: 'paris', title: 'Stations Vélib’',
        attribution: recorded({ title: 'Vélib’ Métropole : emplacement des stations', publisher: 'Ville de Paris / Vélib’ Métropole open data', licence: 'As published on opendata.paris.fr (ODbL or Licence Ouverte) — to verify', date: '2023-05-09 (snapshot)', origin: 'simonejw/MonAmiParis Data/velib-emplacement-des-stations.geojson @ 29fb62f' }),
      }],
    },
  ],
  online: [
    {
      kind: 'ods-records', input: 'stations', url: 'https://data.explore.star.fr/api/explore/v2.1/catalog/datasets/vls-stations-etat-tr/records', geoField: 'coordonnees', pageSize: 100, maxRecords: 500, coverage: RENNES_COVERAGE, maxBytes: 5 * 1024 * 1024, cache: true,
      attribution: live('Stations vélo STAR, état en temps réel', 'STAR / Rennes Métropole', 'ODbL 1.0', 'data.explore.star.fr vls-stations-etat-tr', ODBL_URL),
    },
  ],
  prefer: 'pack',
  parse: parseBikeShare,
  variants: [
    {
      id: 'points', label: 'layers.variant.points',
      symbols: [{ kind: 'point', color: { kind: 'constant', color: [216, 27, 96], label: 'layers.bikeShare.station' }, sizePx: { field: 'docks', min: 0, max: 60, minPx: 6, maxPx: 18, unit: 'docks' }, outline: [255, 255, 255], cluster: { radiusPx: 30 } }],
    },
  ],
  label: { maxDistanceM: 1500, sizePx: 11 },
  legend: { title: 'layers.bikeShare.legend' },
  keyProperties: ['nom', 'name', 'docks', 'adressenumero', 'adressevoie', 'nomcommune'],
} satisfies LayerDefinition;
