import { geoJsonParser } from './parse/geojson.ts';
import { ETALAB_URL, MASTERSIGAT, recorded } from './provenance.ts';
import type { ColorRule, LayerDefinition } from './types.ts';

/** INSEE 200 m population grid: choropleth on the ground, or cells extruded by population. */
const POPULATION: ColorRule = {
  kind: 'steps',
  field: 'ind_c',
  ramp: {
    unit: 'hab.',
    noData: [150, 150, 150],
    // Sequential (YlGnBu-like), classes for a 200 m cell: sparse → dense urban blocks.
    classes: [
      { min: -Infinity, max: 10, color: [255, 255, 204] },
      { min: 10, max: 50, color: [199, 233, 180] },
      { min: 50, max: 150, color: [127, 205, 187] },
      { min: 150, max: 300, color: [65, 182, 196] },
      { min: 300, max: 600, color: [44, 127, 184] },
      { min: 600, max: Infinity, color: [37, 52, 148] },
    ],
  },
};

export const populationGridLayer = {
  id: 'population-grid',
  theme: 'population',
  title: 'layers.population.title',
  description: 'layers.population.description',
  inputs: [
    {
      name: 'cells', packLayer: 'population-grid', format: 'geojson', maxBytes: 50 * 1024 * 1024,
      samples: [{
        path: 'rennes/population/insee_carreaux_200m_rennes_metropole.geojson', pack: 'demo', title: 'Carroyage INSEE 200 m',
        attribution: recorded({ title: 'Population par carreau de 200 m (Filosofi, carroyage), Rennes Métropole', publisher: 'INSEE', licence: 'Licence Ouverte (INSEE)', licenceUrl: ETALAB_URL, date: '~2010 (field ind_c; vintage not stated)', origin: `${MASTERSIGAT}, 200m_carreaux_metropole_shapefile_wgs84.geojson` }),
      }],
    },
  ],
  online: [],
  prefer: 'pack',
  parse: geoJsonParser('cells', { numericFields: ['ind_c'], geometry: ['polygon'] }),
  variants: [
    { id: 'choropleth', label: 'layers.variant.choropleth', symbols: [{ kind: 'fill', color: POPULATION, alpha: 0.6 }] },
    { id: 'extruded', label: 'layers.variant.extruded', symbols: [{ kind: 'extrusion', color: POPULATION, heightField: 'ind_c', metresPerUnit: 0.1, alpha: 0.85 }] },
  ],
  searchable: false,
  legend: { title: 'layers.population.legend', note: 'layers.population.note' },
  keyProperties: ['ind_c'],
} satisfies LayerDefinition;
