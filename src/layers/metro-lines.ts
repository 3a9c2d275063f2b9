import { geoJsonParser } from './parse/geojson.ts';
import { METRO_A, METRO_B } from './palette.ts';
import { live, MASTERSIGAT, ODBL_URL, recorded, RENNES_COVERAGE, RM_WFS } from './provenance.ts';
import type { LayerDefinition } from './types.ts';

/** Centre-line of metro lines a and b, coloured by line. */
export const metroLinesLayer = {
  id: 'metro-lines',
  theme: 'transit',
  title: 'layers.metroLines.title',
  description: 'layers.metroLines.description',
  inputs: [
    {
      name: 'lines', packLayer: 'metro-lines', format: 'geojson', maxBytes: 10 * 1024 * 1024,
      samples: [{
        path: 'rennes/transit/metro_lines_axis.geojson', pack: 'demo', title: 'Axe des lignes de métro',
        attribution: recorded({ title: 'Métro du réseau STAR : tracés de l’axe des lignes', publisher: 'STAR / Rennes Métropole', licence: 'ODbL 1.0 (STAR open data; not restated in the copy)', licenceUrl: ODBL_URL, date: 'snapshot of 2025-02-27 or earlier', origin: `${MASTERSIGAT}, metro-du-reseau-star-traces-de-laxe-des-lignes.geojson` }),
      }],
    },
  ],
  online: [
    { kind: 'wfs', input: 'lines', url: RM_WFS, typeName: 'trp_coll:metro_trace_axe', pageSize: 1000, maxFeatures: 5000, coverage: RENNES_COVERAGE, maxBytes: 20 * 1024 * 1024, cache: true, attribution: live('Axe des lignes de métro', 'Rennes Métropole', 'ODbL 1.0', `${RM_WFS} trp_coll:metro_trace_axe`, ODBL_URL) },
  ],
  prefer: 'pack',
  parse: geoJsonParser('lines', { idFields: ['objectid', 'id'], nameFields: ['ouvrage'], numericFields: ['longueur', 'ordre'], geometry: ['line'] }),
  variants: [
    {
      id: 'lines', label: 'layers.variant.lines',
      symbols: [{ kind: 'line', widthPx: 5, color: { kind: 'category', field: 'ligne', classes: [{ value: 'a', color: METRO_A, label: 'layers.metro.a' }, { value: 'b', color: METRO_B, label: 'layers.metro.b' }], other: [200, 200, 200] } }],
    },
  ],
  searchable: false,
  legend: { title: 'layers.metroLines.legend' },
  keyProperties: ['ligne', 'ouvrage', 'exploitation', 'longueur'],
} satisfies LayerDefinition;
