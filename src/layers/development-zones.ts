import { geoJsonParser } from './parse/geojson.ts';
import { live, MASTERSIGAT, recorded, RENNES_COVERAGE, RM_PORTAL_LICENCE, RM_WFS } from './provenance.ts';
import type { LayerDefinition } from './types.ts';

/** Zones d'aménagement concerté (ZAC): perimeters of urban development projects. */
export const developmentZonesLayer = {
  id: 'development-zones',
  theme: 'districts',
  title: 'layers.zac.title',
  description: 'layers.zac.description',
  inputs: [
    {
      name: 'zones', packLayer: 'development-zones', format: 'geojson', maxBytes: 20 * 1024 * 1024,
      samples: [{
        path: 'rennes/urban/zac_rennes_sample.geojson', pack: 'demo', title: 'ZAC (échantillon : EuroRennes, Atalante Viasilva, La Courrouze)',
        attribution: recorded({ title: 'Zones d’aménagement concerté, échantillon de 3 ZAC', publisher: 'Rennes Métropole (urba_fonc:v_zac, base Tabou)', licence: RM_PORTAL_LICENCE, date: '2022-09-06 (last change in the data)', origin: `${MASTERSIGAT}, ZAC_Rennes.geojson` }),
      }],
    },
  ],
  online: [
    { kind: 'wfs', input: 'zones', url: RM_WFS, typeName: 'urba_fonc:v_zac', pageSize: 500, maxFeatures: 2000, coverage: RENNES_COVERAGE, maxBytes: 30 * 1024 * 1024, cache: true, attribution: live('Zones d’aménagement concerté', 'Rennes Métropole', RM_PORTAL_LICENCE, `${RM_WFS} urba_fonc:v_zac`) },
  ],
  prefer: 'pack',
  parse: geoJsonParser('zones', { idFields: ['id_zac', 'id_tabou', 'gml_id'], nameFields: ['nomzac', 'nom'], numericFields: ['aire_geo', 'perimetre_geo'], geometry: ['polygon'] }),
  variants: [
    {
      id: 'outline', label: 'layers.variant.outline',
      symbols: [
        { kind: 'fill', alpha: 0.22, color: { kind: 'constant', color: [171, 71, 188], label: 'layers.zac.swatch' } },
        { kind: 'outline', widthPx: 3, color: { kind: 'constant', color: [142, 36, 170] } },
      ],
    },
  ],
  label: { maxDistanceM: 15000, sizePx: 13 },
  legend: { title: 'layers.zac.legend', note: 'layers.zac.note' },
  keyProperties: ['nomzac', 'etape', 'vocation', 'datedecis', 'maouvr', 'amereal', 'modame'],
} satisfies LayerDefinition;
