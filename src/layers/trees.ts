import { geoJsonParser } from './parse/geojson.ts';
import { live, recorded, RENNES_COVERAGE, RM_WFS } from './provenance.ts';
import type { LayerDefinition } from './types.ts';

/** Trees as 3D trees (trunk and crown), coloured by rarity. Offline: the 53 trees of the Villejean walk. */
export const treesLayer = {
  id: 'trees',
  theme: 'green',
  title: 'layers.trees.title',
  description: 'layers.trees.description',
  inputs: [
    {
      name: 'trees', packLayer: 'trees', format: 'geojson', maxBytes: 100 * 1024 * 1024,
      samples: [{
        path: 'rennes/green/trees_villejean_walk_points.geojson', pack: 'demo', title: 'Arbres remarquables de la balade de Villejean',
        attribution: recorded({ title: 'Arbres de la balade « Diversité des arbres à Villejean » (53 arbres)', publisher: 'Ville de Rennes / Rennes Métropole (mviewer « balades »)', licence: 'Not stated — unknown', date: '2026-06-24 (snapshot)', origin: 'sigrennesmetropole/app_mviewer POI_arbres_villejean.geojson @ 4e7a9bd (reprojected from EPSG:3857)' }),
      }],
    },
  ],
  online: [
    { kind: 'wfs', input: 'trees', url: RM_WFS, typeName: 'espub_esv:arbre', pageSize: 5000, maxFeatures: 150000, coverage: RENNES_COVERAGE, maxBytes: 200 * 1024 * 1024, cache: true, attribution: live('Arbres d’alignement et des parcs', 'Ville de Rennes / Rennes Métropole', 'Not stated — to verify', `${RM_WFS} espub_esv:arbre`) },
  ],
  prefer: 'pack',
  parse: geoJsonParser('trees', { idFields: ['ID_POI', 'OBJECTID', 'id'], nameFields: ['TITRE', 'nom', 'essence', 'genre'], geometry: ['point'] }),
  variants: [
    {
      id: 'trees', label: 'layers.variant.trees',
      symbols: [{
        kind: 'tree', heightM: 12, crownRadiusM: 4,
        color: { kind: 'category', field: 'RARETE', classes: [
          { value: 'commun', color: [56, 142, 60], label: 'layers.trees.common' },
          { value: 'peu commun', color: [139, 195, 74], label: 'layers.trees.uncommon' },
          { value: 'rare', color: [255, 167, 38], label: 'layers.trees.rare' },
          { value: 'très rare', color: [229, 57, 53], label: 'layers.trees.veryRare' },
        ], other: [67, 160, 71], otherLabel: 'layers.trees.other' },
      }],
    },
  ],
  label: { maxDistanceM: 700, sizePx: 12 },
  legend: { title: 'layers.trees.legend', note: 'layers.trees.note' },
  keyProperties: ['TITRE', 'RARETE', 'DESCRIPTIF', 'ANECDOTE', 'N_ARRET'],
} satisfies LayerDefinition;
