import { geoJsonParser } from './parse/geojson.ts';
import { TRAMBUS } from './palette.ts';
import { live, recorded, RENNES_COVERAGE, RM_PORTAL_LICENCE, RM_WFS, TRAMBUS_REPO } from './provenance.ts';
import type { LayerDefinition } from './types.ts';

/** Routes of the planned Trambus lines T1–T4, in the colours the project publishes. */
export const trambusLinesLayer = {
  id: 'trambus-lines',
  theme: 'transit',
  title: 'layers.trambusLines.title',
  description: 'layers.trambusLines.description',
  planned: true,
  inputs: [
    {
      name: 'lines', packLayer: 'trambus-lines', format: 'geojson', maxBytes: 10 * 1024 * 1024,
      samples: [{
        path: 'rennes/transit/trambus_lines_planned.geojson', pack: 'demo', title: 'Lignes Trambus (projet)',
        attribution: recorded({ title: 'Tracés des futures lignes Trambus T1–T4 (projet, version 2022-12-29)', publisher: 'Rennes Métropole', licence: RM_PORTAL_LICENCE, date: '2022-12-29', origin: `${TRAMBUS_REPO}, tests/dataLayers/trambusLines.json (WFS app:coopterr_trambus_lignes)` }),
      }],
    },
  ],
  online: [
    { kind: 'wfs', input: 'lines', url: RM_WFS, typeName: 'app:coopterr_trambus_lignes', pageSize: 1000, maxFeatures: 1000, coverage: RENNES_COVERAGE, maxBytes: 10 * 1024 * 1024, cache: true, attribution: live('Lignes Trambus (projet)', 'Rennes Métropole', RM_PORTAL_LICENCE, `${RM_WFS} app:coopterr_trambus_lignes`) },
  ],
  prefer: 'pack',
  parse: geoJsonParser('lines', { idFields: ['id', 'iti_code'], nameFields: ['li_nom', 'li_code'], numericFields: ['longueur'], geometry: ['line'] }),
  variants: [{ id: 'lines', label: 'layers.variant.lines', symbols: [{ kind: 'line', widthPx: 5, color: { kind: 'data', field: 'couleur', fallback: TRAMBUS, label: 'layers.trambusLines.colour' } }] }],
  legend: { title: 'layers.trambusLines.legend', note: 'layers.planned.note' },
  keyProperties: ['li_code', 'li_nom', 'iti_code', 'iti_sens', 'longueur', 'couleur', 'version'],
} satisfies LayerDefinition;
