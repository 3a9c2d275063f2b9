import { geoJsonParser } from './parse/geojson.ts';
import { OCCUPANCY_RULE } from './palette.ts';
import { live, ODBL_URL, RENNES_COVERAGE } from './provenance.ts';
import { toNumber } from './parse/geojson.ts';
import type { LayerDefinition, LayerInputs, ParseContext, ParsedLayer } from './types.ts';

/**
 * STAR park-and-ride sites with their live occupancy. Online only: no recorded copy of the
 * existing P+R exists (../shared/data/SOURCES.md, "Not found offline"), so offline the panel says
 * so instead of drawing anything.
 */

const read = geoJsonParser('sites', { idFields: ['idparc', 'id', 'nom'], nameFields: ['nom', 'name'], numericFields: ['capacitesoliste', 'jrdinfosoliste', 'capaciteactuelle'], geometry: ['point'] });

export function parseParkAndRide(inputs: LayerInputs, ctx: ParseContext): ParsedLayer {
  const parsed = read(inputs, ctx);
  const values: Record<string, number[]> = {};
  for (const f of parsed.features) {
    const cap = toNumber(f.properties.capacitesoliste ?? null), free = toNumber(f.properties.jrdinfosoliste ?? null);
    values[f.id] = [cap !== null && free !== null && cap > 0 ? Math.min(1, Math.max(0, 1 - free / cap)) : NaN];
    if (f.properties.max === undefined && cap !== null) f.properties.max = cap;
  }
  return { ...parsed, series: { quantity: 'occupancy', timesMs: [ctx.fetchedAtMs ?? 0], values, timeZone: ctx.timeZone ?? 'UTC' } };
}

export const parkAndRideLayer = {
  id: 'park-and-ride',
  theme: 'parking',
  title: 'layers.parkAndRide.title',
  description: 'layers.parkAndRide.description',
  inputs: [],
  online: [
    {
      kind: 'ods-records',
      input: 'sites',
      url: 'https://data.explore.star.fr/api/explore/v2.1/catalog/datasets/tco-parcsrelais-star-etat-tr/records',
      geoField: 'coordonnees',
      pageSize: 100,
      maxRecords: 200,
      coverage: RENNES_COVERAGE,
      maxBytes: 2 * 1024 * 1024,
      cache: true,
      attribution: live('Parcs-relais STAR, état en temps réel', 'STAR / Rennes Métropole', 'ODbL 1.0 (STAR open data)', 'data.explore.star.fr tco-parcsrelais-star-etat-tr', ODBL_URL),
    },
  ],
  prefer: 'online',
  parse: parseParkAndRide,
  variants: [{ id: 'gauges', label: 'layers.variant.gauges', symbols: [{ kind: 'gauge', heightM: 120, radiusM: { field: 'max', minM: 10, maxM: 28, maxValue: 1000 }, color: OCCUPANCY_RULE }] }],
  label: { maxDistanceM: 15000, sizePx: 13 },
  legend: { title: 'layers.parking.legend' },
} satisfies LayerDefinition;
