import { geoJsonParser } from './parse/geojson.ts';
import { live, RENNES_COVERAGE, RM_PORTAL_LICENCE, RM_WFS } from './provenance.ts';
import type { LayerDefinition } from './types.ts';

/** Cycle facilities from Rennes Métropole's WFS (online only, paged GetFeature). */
export const bikeLanesLayer = {
  id: 'bike-lanes',
  theme: 'streets',
  title: 'layers.bikeLanes.title',
  description: 'layers.bikeLanes.description',
  inputs: [],
  online: [
    { kind: 'wfs', input: 'lanes', url: RM_WFS, typeName: 'trp_doux:v_voirie_amenagement_velo', pageSize: 5000, maxFeatures: 100000, coverage: RENNES_COVERAGE, maxBytes: 150 * 1024 * 1024, cache: true, attribution: live('Aménagements cyclables', 'Rennes Métropole', RM_PORTAL_LICENCE, `${RM_WFS} trp_doux:v_voirie_amenagement_velo`) },
  ],
  prefer: 'online',
  parse: geoJsonParser('lanes', { idFields: ['id', 'gid', 'objectid'], nameFields: ['nom_voie', 'nom', 'libelle'], geometry: ['line'] }),
  variants: [{ id: 'lines', label: 'layers.variant.lines', symbols: [{ kind: 'line', widthPx: 3, color: { kind: 'constant', color: [0, 200, 83], label: 'layers.bikeLanes.swatch' } }] }],
  legend: { title: 'layers.bikeLanes.legend' },
} satisfies LayerDefinition;
