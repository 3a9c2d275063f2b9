import { ETALAB_URL, live, RENNES_COVERAGE } from './provenance.ts';
import { LayerParseError, type LayerDefinition } from './types.ts';

/** Rennes Métropole's grey city plan (WMTS), online only: drawn as imagery over the globe. */
export const cityPlanLayer = {
  id: 'city-plan',
  theme: 'background',
  title: 'layers.cityPlan.title',
  description: 'layers.cityPlan.description',
  inputs: [],
  online: [
    {
      kind: 'wmts', input: 'tiles', url: 'https://public.sig.rennesmetropole.fr/geowebcache/service/wmts', layer: 'ref_fonds:pvci_simple_gris', format: 'image/png',
      tileMatrixSetID: 'EPSG:3857', tileMatrixPrefix: 'EPSG:3857:', maximumLevel: 20, coverage: RENNES_COVERAGE, maxBytes: 0, cache: false,
      attribution: live('Plan de ville (gris)', 'Rennes Métropole', 'Licence Ouverte 2.0 — to verify for this layer', 'public.sig.rennesmetropole.fr WMTS ref_fonds:pvci_simple_gris', ETALAB_URL),
    },
  ],
  prefer: 'online',
  parse: () => {
    throw new LayerParseError('city-plan', 'imagery has nothing to parse');
  },
  variants: [{ id: 'imagery', label: 'layers.variant.imagery', symbols: [{ kind: 'imagery', alpha: 0.85 }] }],
  searchable: false,
  legend: { title: 'layers.cityPlan.legend' },
} satisfies LayerDefinition;
