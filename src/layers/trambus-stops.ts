import { geoJsonParser } from './parse/geojson.ts';
import { TRAMBUS } from './palette.ts';
import { live, recorded, RENNES_COVERAGE, RM_PORTAL_LICENCE, RM_WFS, TRAMBUS_REPO } from './provenance.ts';
import type { LayerDefinition } from './types.ts';

/** Planned Trambus stops. */
export const trambusStopsLayer = {
  id: 'trambus-stops',
  theme: 'transit',
  title: 'layers.trambusStops.title',
  description: 'layers.trambusStops.description',
  planned: true,
  inputs: [
    {
      name: 'stops', packLayer: 'trambus-stops', format: 'geojson', maxBytes: 5 * 1024 * 1024,
      samples: [{
        path: 'rennes/transit/trambus_stops_planned.geojson', pack: 'demo', title: 'Arrêts Trambus (projet)',
        attribution: recorded({ title: 'Arrêts des futures lignes Trambus (projet, version 2022-12-29)', publisher: 'Rennes Métropole', licence: RM_PORTAL_LICENCE, date: '2022-12-29', origin: `${TRAMBUS_REPO}, tests/dataLayers/trambusStops.json (WFS app:coopterr_trambus_arrets)` }),
      }],
    },
  ],
  online: [
    { kind: 'wfs', input: 'stops', url: RM_WFS, typeName: 'app:coopterr_trambus_arrets', pageSize: 1000, maxFeatures: 2000, coverage: RENNES_COVERAGE, maxBytes: 5 * 1024 * 1024, cache: true, attribution: live('Arrêts Trambus (projet)', 'Rennes Métropole', RM_PORTAL_LICENCE, `${RM_WFS} app:coopterr_trambus_arrets`) },
  ],
  prefer: 'pack',
  parse: geoJsonParser('stops', { idFields: ['id'], nameFields: ['nom'], numericFields: ['ordre_t1', 'ordre_t2', 'ordre_t3', 'ordre_t4'], geometry: ['point'] }),
  variants: [
    {
      id: 'points', label: 'layers.variant.points',
      symbols: [{
        kind: 'point', sizePx: 9, outline: TRAMBUS,
        color: { kind: 'category', field: 'li_code', classes: [
          { value: 'T1', color: [111, 34, 130] }, { value: 'T2', color: [97, 195, 217] }, { value: 'T3', color: [149, 193, 30] }, { value: 'T4', color: [243, 146, 0] },
        ], other: [255, 255, 255], otherLabel: 'layers.trambusStops.shared' },
      }],
    },
  ],
  label: { maxDistanceM: 4000, sizePx: 12 },
  legend: { title: 'layers.trambusStops.legend', note: 'layers.planned.note' },
  keyProperties: ['nom', 'li_code', 'trace_type', 'version'],
} satisfies LayerDefinition;
