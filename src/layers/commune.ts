import { geoJsonParser } from './parse/geojson.ts';
import { ETALAB_URL, live, recorded, RENNES_COVERAGE, RM_PORTAL_LICENCE, RM_WFS } from './provenance.ts';
import type { LayerDefinition } from './types.ts';

/** The commune boundary, outlined on the ground with its name. */
export const communeLayer = {
  id: 'commune',
  theme: 'districts',
  title: 'layers.commune.title',
  description: 'layers.commune.description',
  inputs: [
    {
      name: 'boundary', packLayer: 'commune', format: 'geojson', maxBytes: 20 * 1024 * 1024,
      samples: [{
        path: 'rennes/admin/rennes_commune_boundary.geojson', pack: 'demo', title: 'Limite communale de Rennes',
        attribution: recorded({ title: 'Limite de la commune de Rennes (Admin Express COG 2018, simplifiée)', publisher: 'IGN Admin Express COG 2018 (via gregoiredavid/france-geojson)', licence: 'Licence Ouverte (Etalab)', licenceUrl: ETALAB_URL, date: '2018', origin: 'gregoiredavid/france-geojson communes-35-ille-et-vilaine.geojson @ 5d34ee6' }),
      }],
    },
  ],
  online: [
    { kind: 'wfs', input: 'boundary', url: RM_WFS, typeName: 'ladm_terri:commune_emprise', pageSize: 100, maxFeatures: 200, coverage: RENNES_COVERAGE, maxBytes: 20 * 1024 * 1024, cache: true, attribution: live('Emprise des communes', 'Rennes Métropole', RM_PORTAL_LICENCE, `${RM_WFS} ladm_terri:commune_emprise`) },
  ],
  prefer: 'pack',
  parse: geoJsonParser('boundary', { idFields: ['code', 'code_insee'], nameFields: ['nom', 'nom_commune', 'name'], geometry: ['polygon'] }),
  variants: [{ id: 'outline', label: 'layers.variant.outline', symbols: [{ kind: 'outline', color: { kind: 'constant', color: [255, 255, 255], label: 'layers.commune.swatch' }, widthPx: 4 }] }],
  label: { maxDistanceM: 40000, sizePx: 16 },
  legend: { title: 'layers.commune.legend' },
  keyProperties: ['nom', 'code'],
} satisfies LayerDefinition;
