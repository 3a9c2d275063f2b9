import { geoJsonParser, pushIssue, toNumber } from './parse/geojson.ts';
import { ETALAB_URL, MASTERSIGAT, recorded } from './provenance.ts';
import type { LayerDefinition, LayerInputs, ParseContext, ParsedLayer } from './types.ts';

/**
 * People commuting to Rennes from each commune: a circle per origin commune (area ∝ commuters)
 * and an arc to Rennes. The row whose origin is Rennes itself is kept as published and flagged
 * (SOURCES.md: "not internal commuting in the usual sense").
 */
const read = geoJsonParser('flows', { nameFields: ['Commune', 'commune', 'nom'], numericFields: ['Nb', 'Xcomm', 'Ycomm', 'Xrennes', 'Yrennes'], geometry: ['point'] });

export function parseCommuters(inputs: LayerInputs, ctx: ParseContext): ParsedLayer {
  const parsed = read(inputs, ctx);
  const where = ctx.names.flows ?? 'flows';
  for (const f of parsed.features) {
    if (toNumber(f.properties.Nb ?? null) === null) pushIssue(parsed.issues, { where: `${where} ${f.name ?? f.id} (Nb)`, reason: 'no number of commuters' });
    if (f.name !== null && f.name.trim().toLowerCase() === 'rennes') pushIssue(parsed.issues, { where: `${where} ${f.name}`, reason: 'origin is the destination commune: kept as published, not internal commuting in the usual sense (SOURCES.md)' });
  }
  return parsed;
}

const COMMUTERS = {
  kind: 'steps',
  field: 'Nb',
  ramp: {
    unit: 'actifs',
    noData: [150, 150, 150],
    classes: [
      { min: -Infinity, max: 100, color: [254, 229, 217] },
      { min: 100, max: 300, color: [252, 174, 145] },
      { min: 300, max: 1000, color: [251, 106, 74] },
      { min: 1000, max: Infinity, color: [203, 24, 29] },
    ],
  },
} as const;

export const commutersLayer = {
  id: 'commuters',
  theme: 'population',
  title: 'layers.commuters.title',
  description: 'layers.commuters.description',
  inputs: [
    {
      name: 'flows', packLayer: 'commuters', format: 'geojson', maxBytes: 10 * 1024 * 1024,
      samples: [{
        path: 'rennes/population/commuters_to_rennes_by_commune_35.geojson', pack: 'demo', title: 'Navetteurs vers Rennes par commune',
        attribution: recorded({ title: 'Actifs venant travailler à Rennes, par commune de résidence', publisher: 'INSEE mobilités professionnelles (derived by a course author)', licence: 'INSEE data Licence Ouverte; derived file licence unknown — to verify', licenceUrl: ETALAB_URL, date: 'unknown year', origin: `${MASTERSIGAT}, Mobilitequotienne35.geojson` }),
      }],
    },
  ],
  online: [],
  prefer: 'pack',
  parse: parseCommuters,
  variants: [
    {
      id: 'flows', label: 'layers.variant.flows',
      symbols: [
        { kind: 'flow', color: COMMUTERS, widthPx: 2, toLonField: 'Xrennes', toLatField: 'Yrennes' },
        { kind: 'point', color: COMMUTERS, sizePx: { field: 'Nb', min: 0, max: 2700, minPx: 5, maxPx: 30, unit: 'actifs' }, outline: [80, 20, 20] },
      ],
    },
  ],
  label: { maxDistanceM: 60000, sizePx: 12, priorityField: 'Nb' },
  legend: { title: 'layers.commuters.legend', note: 'layers.commuters.note' },
  keyProperties: ['Commune', 'Nb'],
} satisfies LayerDefinition;
