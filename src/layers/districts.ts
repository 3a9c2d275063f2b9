import { geoJsonParser } from './parse/geojson.ts';
import { ODBL_URL, recorded, RM_PORTAL_LICENCE } from './provenance.ts';
import type { LayerDefinition } from './types.ts';

/**
 * The city's districts: Rennes's 45 sous-quartiers (in 12 quartiers) in the demo pack, Paris's
 * 20 arrondissements in the Paris pack. Outlines and labels on the ground, a light fill by quartier.
 */
const QUARTIER_COLOURS = [
  [141, 211, 199], [255, 255, 179], [190, 186, 218], [251, 128, 114], [128, 177, 211], [253, 180, 98],
  [179, 222, 105], [252, 205, 229], [217, 217, 217], [188, 128, 189], [204, 235, 197], [255, 237, 111],
] as const;

export const districtsLayer = {
  id: 'districts',
  theme: 'districts',
  title: 'layers.districts.title',
  description: 'layers.districts.description',
  inputs: [
    {
      name: 'districts', packLayer: 'districts', format: 'geojson', maxBytes: 20 * 1024 * 1024,
      samples: [
        {
          path: 'rennes/admin/rennes_sous_quartiers.geojson', pack: 'demo', title: 'Sous-quartiers de Rennes',
          attribution: recorded({ title: 'Sous-quartiers de la Ville de Rennes (45, en 12 quartiers)', publisher: 'Ville de Rennes / Rennes Métropole open data', licence: RM_PORTAL_LICENCE, date: 'unknown (snapshot)', origin: 'jenmamartinez/Shape-Ingestion Rennes.geojson @ 5f1a2ad' }),
        },
        {
          path: 'paris/paris_arrondissements.geojson', pack: 'paris', title: 'Arrondissements de Paris',
          attribution: recorded({ title: 'Arrondissements de Paris', publisher: 'Ville de Paris (opendata.paris.fr)', licence: 'ODbL 1.0', licenceUrl: ODBL_URL, date: '2023-05-09 (snapshot)', origin: 'simonejw/MonAmiParis Data/arrondissements.geojson @ 29fb62f' }),
        },
      ],
    },
  ],
  online: [],
  prefer: 'pack',
  parse: geoJsonParser('districts', { idFields: ['nusquart', 'c_ar', 'objectid', 'id'], nameFields: ['nomsquart', 'l_aroff', 'l_ar', 'nom', 'name'], numericFields: ['st_area_shape', 'surface', 'perimetre'], geometry: ['polygon'] }),
  variants: [
    {
      id: 'outline', label: 'layers.variant.outline',
      symbols: [
        { kind: 'fill', alpha: 0.18, color: { kind: 'category', field: 'nuquart', classes: QUARTIER_COLOURS.map((c, i) => ({ value: String(i + 1), color: c })), other: [200, 200, 200], otherLabel: 'layers.districts.other' } },
        { kind: 'outline', widthPx: 2, color: { kind: 'constant', color: [255, 236, 179], label: 'layers.districts.swatch' } },
      ],
    },
  ],
  label: { maxDistanceM: 12000, sizePx: 13 },
  legend: { title: 'layers.districts.legend', note: 'layers.districts.note' },
  keyProperties: ['nomsquart', 'nuquart', 'nusquart', 'l_ar', 'l_aroff'],
} satisfies LayerDefinition;
