import { geoJsonParser } from './parse/geojson.ts';
import { recorded } from './provenance.ts';
import type { LayerDefinition } from './types.ts';

/** The Villejean tree walk (3.25 km), a real walking route. */
export const treeWalkLayer = {
  id: 'tree-walk',
  theme: 'green',
  title: 'layers.treeWalk.title',
  description: 'layers.treeWalk.description',
  inputs: [
    {
      name: 'route', packLayer: 'tree-walk', format: 'geojson', maxBytes: 5 * 1024 * 1024,
      samples: [{
        path: 'rennes/green/trees_villejean_walk_route.geojson', pack: 'demo', title: 'Balade des arbres de Villejean',
        attribution: recorded({ title: 'Balade « Diversité des arbres à Villejean » (tracé, 3,25 km)', publisher: 'Ville de Rennes / Rennes Métropole (mviewer « balades »)', licence: 'Not stated — unknown', date: '2026-06-24 (snapshot)', origin: 'sigrennesmetropole/app_mviewer balade_arbres_villejean.geojson @ 4e7a9bd (reprojected from EPSG:3857)' }),
      }],
    },
  ],
  online: [],
  prefer: 'pack',
  parse: geoJsonParser('route', { idFields: ['ID_PROM'], nameFields: ['TITRE'], numericFields: ['DISTANCE'], geometry: ['line'] }),
  variants: [{ id: 'lines', label: 'layers.variant.lines', symbols: [{ kind: 'line', widthPx: 4, color: { kind: 'constant', color: [124, 179, 66], label: 'layers.treeWalk.swatch' } }] }],
  label: { maxDistanceM: 3000, sizePx: 12 },
  legend: { title: 'layers.treeWalk.legend' },
  keyProperties: ['TITRE', 'DISTANCE', 'DESCRIPTIF'],
} satisfies LayerDefinition;
