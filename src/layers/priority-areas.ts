import { geoJsonParser } from './parse/geojson.ts';
import { ETALAB_URL, MASTERSIGAT, recorded } from './provenance.ts';
import type { LayerDefinition } from './types.ts';

/** Quartiers prioritaires de la politique de la ville (QPV). */
export const priorityAreasLayer = {
  id: 'priority-areas',
  theme: 'districts',
  title: 'layers.qpv.title',
  description: 'layers.qpv.description',
  inputs: [
    {
      name: 'areas', packLayer: 'priority-areas', format: 'geojson', maxBytes: 10 * 1024 * 1024,
      samples: [{
        path: 'rennes/admin/qpv_quartiers_prioritaires_rennes.geojson', pack: 'demo', title: 'QPV de Rennes',
        attribution: recorded({ title: 'Quartiers prioritaires de la politique de la ville, Rennes', publisher: 'ANCT (État), via an Opendatasoft export', licence: 'Licence Ouverte (ANCT’s usual licence; not stated in the copy)', licenceUrl: ETALAB_URL, date: 'unknown (snapshot of 2025-02-27 or earlier)', origin: `${MASTERSIGAT}, QPV_Rennes.geojson` }),
      }],
    },
  ],
  online: [],
  prefer: 'pack',
  parse: geoJsonParser('areas', { idFields: ['code_qp', 'id'], nameFields: ['nom_qp', 'nom'], geometry: ['polygon'] }),
  variants: [
    {
      id: 'outline', label: 'layers.variant.outline',
      symbols: [
        { kind: 'fill', alpha: 0.3, color: { kind: 'constant', color: [255, 112, 67], label: 'layers.qpv.swatch' } },
        { kind: 'outline', widthPx: 3, color: { kind: 'constant', color: [230, 74, 25] } },
      ],
    },
  ],
  label: { maxDistanceM: 15000, sizePx: 13 },
  legend: { title: 'layers.qpv.legend' },
  keyProperties: ['nom_qp', 'code_qp', 'commune_qp'],
} satisfies LayerDefinition;
