import { geoJsonParser } from './parse/geojson.ts';
import { TRAMBUS } from './palette.ts';
import { live, recorded, RENNES_COVERAGE, RM_PORTAL_LICENCE, RM_WFS, TRAMBUS_REPO } from './provenance.ts';
import type { LayerDefinition } from './types.ts';

/** Planned park-and-ride sites of the future Trambus network (projects, not existing sites). */
export const trambusParkAndRideLayer = {
  id: 'trambus-park-and-ride',
  theme: 'parking',
  title: 'layers.trambusPr.title',
  description: 'layers.trambusPr.description',
  planned: true,
  inputs: [
    {
      name: 'sites',
      packLayer: 'trambus-park-and-ride',
      format: 'geojson',
      maxBytes: 5 * 1024 * 1024,
      samples: [{
        path: 'rennes/parking/trambus_parcs_relais_planned.geojson',
        pack: 'demo',
        title: 'Parcs-relais Trambus (projet)',
        attribution: recorded({ title: 'Parcs-relais du futur Trambus (projet, version 2022-12-29)', publisher: 'Rennes Métropole', licence: RM_PORTAL_LICENCE, date: '2022-12-29', origin: `${TRAMBUS_REPO}, tests/dataLayers/parking.json (WFS trp_coll:trambus_parc_relais)` }),
      }],
    },
  ],
  online: [
    {
      kind: 'wfs', input: 'sites', url: RM_WFS, typeName: 'trp_coll:trambus_parc_relais', pageSize: 1000, maxFeatures: 1000, coverage: RENNES_COVERAGE, maxBytes: 5 * 1024 * 1024, cache: true,
      attribution: live('Parcs-relais Trambus (projet)', 'Rennes Métropole', RM_PORTAL_LICENCE, `${RM_WFS} trp_coll:trambus_parc_relais`),
    },
  ],
  prefer: 'pack',
  parse: geoJsonParser('sites', { idFields: ['id'], nameFields: ['nom'], numericFields: ['nb_min_places', 'nb_max_places'], geometry: ['point'] }),
  variants: [
    {
      id: 'points',
      label: 'layers.variant.points',
      symbols: [{ kind: 'point', color: { kind: 'constant', color: TRAMBUS, label: 'layers.trambusPr.swatch' }, sizePx: { field: 'nb_max_places', min: 0, max: 1000, minPx: 8, maxPx: 26, unit: 'places' }, outline: [255, 255, 255] }],
    },
  ],
  label: { maxDistanceM: 20000, sizePx: 13 },
  legend: { title: 'layers.trambusPr.legend', note: 'layers.planned.note' },
  keyProperties: ['nom', 'li_code', 'arret_nom', 'nb_min_places', 'nb_max_places', 'version'],
} satisfies LayerDefinition;
