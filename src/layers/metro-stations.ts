import { geoJsonParser } from './parse/geojson.ts';
import { METRO_A, METRO_B } from './palette.ts';
import { live, MASTERSIGAT, ODBL_URL, recorded, RENNES_COVERAGE, RM_WFS } from './provenance.ts';
import type { LayerDefinition } from './types.ts';

/** The 30 stations of metro lines a and b, with decluttered names. */
export const metroStationsLayer = {
  id: 'metro-stations',
  theme: 'transit',
  title: 'layers.metroStations.title',
  description: 'layers.metroStations.description',
  inputs: [
    {
      name: 'stations', packLayer: 'metro-stations', format: 'geojson', maxBytes: 5 * 1024 * 1024,
      samples: [{
        path: 'rennes/transit/metro_stations.geojson', pack: 'demo', title: 'Stations de métro',
        attribution: recorded({ title: 'Métro du réseau STAR : localisation des stations', publisher: 'STAR / Rennes Métropole', licence: 'ODbL 1.0 (STAR open data; not restated in the copy)', licenceUrl: ODBL_URL, date: 'snapshot of 2025-02-27 or earlier', origin: `${MASTERSIGAT}, metro-du-reseau-star-localisation-des-stations.geojson` }),
      }],
    },
  ],
  online: [
    { kind: 'wfs', input: 'stations', url: RM_WFS, typeName: 'trp_coll:metro_station', pageSize: 1000, maxFeatures: 1000, coverage: RENNES_COVERAGE, maxBytes: 5 * 1024 * 1024, cache: true, attribution: live('Stations de métro', 'Rennes Métropole', 'ODbL 1.0', `${RM_WFS} trp_coll:metro_station`, ODBL_URL) },
  ],
  prefer: 'pack',
  parse: geoJsonParser('stations', { idFields: ['objectid', 'id'], nameFields: ['nom', 'nom_station', 'name'], numericFields: ['ordre'], geometry: ['point'] }),
  variants: [
    {
      id: 'points', label: 'layers.variant.points',
      symbols: [{ kind: 'point', sizePx: 11, outline: [255, 255, 255], color: { kind: 'category', field: 'ligne', classes: [{ value: 'a', color: METRO_A, label: 'layers.metro.a' }, { value: 'b', color: METRO_B, label: 'layers.metro.b' }], other: [200, 200, 200] } }],
    },
  ],
  label: { maxDistanceM: 9000, sizePx: 13 },
  legend: { title: 'layers.metroStations.legend' },
  keyProperties: ['nom', 'ligne', 'ordre'],
} satisfies LayerDefinition;
