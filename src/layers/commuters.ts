import { geoJsonParser, pushIssue, toNumber } from './parse/geojson.ts';
import { ETALAB_URL, MASTERSIGAT, recorded } from './provenance.ts';
import type { LayerDefinition, LayerInputs, ParseContext, ParsedLayer } from './types.ts';

/**
 * Daily commuters from each commune of residence to the employment pole it depends on: a circle
 * per origin commune (area ∝ commuters, colour = destination pole) and an arc to the pole. The
 * file's `Commune` is the destination pole (Rennes, Saint-Malo, Vitré, Fougères, Redon) and
 * `Xrennes`/`Yrennes` its position — SOURCES.md calls every row "to Rennes", but 136 of the 315
 * go to the four other poles; the origin commune's name is not in the file (no labels).
 */
const read = geoJsonParser('flows', { numericFields: ['Nb', 'Xcomm', 'Ycomm', 'Xrennes', 'Yrennes'], geometry: ['point'] });

export function parseCommuters(inputs: LayerInputs, ctx: ParseContext): ParsedLayer {
  const parsed = read(inputs, ctx);
  const where = ctx.names.flows ?? 'flows';
  for (const f of parsed.features) {
    if (toNumber(f.properties.Nb ?? null) === null) pushIssue(parsed.issues, { where: `${where} feature ${f.id} (Nb)`, reason: 'no number of commuters' });
    if (toNumber(f.properties.Xrennes ?? null) === null || toNumber(f.properties.Yrennes ?? null) === null) pushIssue(parsed.issues, { where: `${where} feature ${f.id} (Xrennes, Yrennes)`, reason: 'no destination: drawn without its arc' });
  }
  return parsed;
}

const POLES = {
  kind: 'category',
  field: 'Commune',
  classes: [
    { value: 'Rennes', color: [240, 18, 190] },
    { value: 'Saint-Malo', color: [0, 116, 217] },
    { value: 'Vitré', color: [255, 133, 27] },
    { value: 'Fougères', color: [46, 204, 64] },
    { value: 'Redon', color: [255, 220, 0] },
  ],
  other: [170, 170, 170],
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
        attribution: recorded({ title: 'Navetteurs quotidiens vers les pôles d’emploi, par commune de résidence', publisher: 'INSEE mobilités professionnelles (derived by a course author)', licence: 'INSEE data Licence Ouverte; derived file licence unknown — to verify', licenceUrl: ETALAB_URL, date: 'unknown year', origin: `${MASTERSIGAT}, Mobilitequotienne35.geojson` }),
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
        { kind: 'flow', color: POLES, widthPx: 2, toLonField: 'Xrennes', toLatField: 'Yrennes' },
        { kind: 'point', color: POLES, sizePx: { field: 'Nb', min: 0, max: 2700, minPx: 5, maxPx: 30, unit: 'actifs' }, outline: [40, 40, 40] },
      ],
    },
  ],
  legend: { title: 'layers.commuters.legend', note: 'layers.commuters.note' },
  searchable: false,
  keyProperties: ['Commune', 'Nb'],
} satisfies LayerDefinition;
