import { pushIssue, readFeatureCollection, flatValue, toNumber } from './parse/geojson.ts';
import { live, recorded, RENNES_COVERAGE, RM_PORTAL_LICENCE, RM_WFS, TRAMBUS_REPO } from './provenance.ts';
import { LayerParseError, type LayerDefinition, type LayerFeature, type LayerInputs, type ParseContext, type ParsedLayer, type Position, type PropertyValue } from './types.ts';

/**
 * Planned Trambus travel times: for each pair of termini (a MultiPoint: origin, destination),
 * today's and the future time in minutes. Drawn as a line between the two with the gain as label.
 */
export function parseTravelTimes(inputs: LayerInputs, ctx: ParseContext): ParsedLayer {
  const where = ctx.names.times ?? 'times';
  const bytes = inputs.times;
  if (bytes === undefined) throw new LayerParseError(where, 'missing input');
  const raw = readFeatureCollection(bytes, where);
  const features: LayerFeature[] = [];
  const issues: ParsedLayer['issues'] = [];
  raw.forEach((f, i) => {
    const g = (f as { geometry?: { type?: unknown; coordinates?: unknown } } | null)?.geometry;
    const c = g?.coordinates;
    const ok = (p: unknown): p is [number, number] => Array.isArray(p) && p.length >= 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]) && Math.abs(p[0] as number) <= 180 && Math.abs(p[1] as number) <= 90;
    if (g?.type !== 'MultiPoint' || !Array.isArray(c) || c.length !== 2 || !ok(c[0]) || !ok(c[1])) {
      return pushIssue(issues, { where: `${where} feature ${i} (geometry)`, reason: 'expected a MultiPoint of two valid positions (origin, destination)' });
    }
    const props: Record<string, PropertyValue> = {};
    const p = (f as { properties?: unknown }).properties;
    if (p !== null && typeof p === 'object') for (const [k, v] of Object.entries(p as Record<string, unknown>)) props[k] = flatValue(v);
    const now = toNumber(props.temps_actuel ?? null), future = toNumber(props.temps_futur ?? null);
    if (now === null || future === null) pushIssue(issues, { where: `${where} feature ${i} (temps_actuel, temps_futur)`, reason: 'travel times are not numbers' });
    props.gain_min = now !== null && future !== null ? now - future : null;
    const a: Position = [c[0][0], c[0][1]], b: Position = [c[1][0], c[1][1]];
    features.push({
      id: String(props.id ?? i),
      name: `${String(props.li_code ?? '')} ${String(props.arret_depart ?? '?')} → ${String(props.arret_destination ?? '?')} : ${now ?? '?'} → ${future ?? '?'} min`.trim(),
      geometry: { type: 'line', lines: [[a, b]] },
      properties: props,
    });
  });
  return { features, issues };
}

export const trambusTimesLayer = {
  id: 'trambus-times',
  theme: 'transit',
  title: 'layers.trambusTimes.title',
  description: 'layers.trambusTimes.description',
  planned: true,
  inputs: [
    {
      name: 'times', packLayer: 'trambus-times', format: 'geojson', maxBytes: 2 * 1024 * 1024,
      samples: [{
        path: 'rennes/transit/trambus_travel_times_planned.geojson', pack: 'demo', title: 'Temps de parcours Trambus (projet)',
        attribution: recorded({ title: 'Temps de parcours actuels et futurs entre terminus Trambus (version 2023-05-24)', publisher: 'Rennes Métropole', licence: RM_PORTAL_LICENCE, date: '2023-05-24', origin: `${TRAMBUS_REPO}, tests/dataLayers/trambusTempsParcours.json (WFS app:coopterr_trambus_temps_parcours)` }),
      }],
    },
  ],
  online: [
    { kind: 'wfs', input: 'times', url: RM_WFS, typeName: 'app:coopterr_trambus_temps_parcours', pageSize: 1000, maxFeatures: 1000, coverage: RENNES_COVERAGE, maxBytes: 2 * 1024 * 1024, cache: true, attribution: live('Temps de parcours Trambus (projet)', 'Rennes Métropole', RM_PORTAL_LICENCE, `${RM_WFS} app:coopterr_trambus_temps_parcours`) },
  ],
  prefer: 'pack',
  parse: parseTravelTimes,
  variants: [
    {
      id: 'lines', label: 'layers.variant.lines',
      symbols: [{ kind: 'line', widthPx: 4, color: { kind: 'steps', field: 'gain_min', ramp: { unit: 'min', noData: [150, 150, 150], classes: [{ min: -Infinity, max: 5, color: [198, 219, 239] }, { min: 5, max: 10, color: [107, 174, 214] }, { min: 10, max: Infinity, color: [8, 81, 156] }] } } }],
    },
  ],
  label: { maxDistanceM: 30000, sizePx: 12 },
  legend: { title: 'layers.trambusTimes.legend', note: 'layers.planned.note' },
  keyProperties: ['li_code', 'arret_depart', 'arret_destination', 'temps_actuel', 'temps_futur', 'gain_min', 'version'],
} satisfies LayerDefinition;
