import { readGeoJsonFeatures } from './parse/geojson.ts';
import { live, ODBL_URL, recorded } from './provenance.ts';
import { LayerParseError, type LayerDefinition, type LayerInputs, type ParseContext, type ParsedLayer } from './types.ts';

/**
 * OpenStreetMap streets coloured by class, with their names (decluttered). Highway nodes with a
 * `highway` tag (crossings, signals) are small points; nodes without one are not drawn, and the
 * parser says how many.
 */
export function parseStreets(inputs: LayerInputs, ctx: ParseContext): ParsedLayer {
  const where = ctx.names.ways ?? 'ways';
  const bytes = inputs.ways;
  if (bytes === undefined) throw new LayerParseError(where, 'missing input');
  const parsed = readGeoJsonFeatures(bytes, where, { idFields: ['@id', 'id', 'osm_id'], nameFields: ['name'], numericFields: ['lanes', 'maxspeed'] });
  let untagged = 0;
  const features = parsed.features.filter((f) => {
    if (f.geometry.type === 'polygon') {
      untagged++;
      return false;
    }
    if (f.geometry.type === 'point' && (typeof f.properties.highway !== 'string' || f.properties.highway === '')) {
      untagged++;
      return false;
    }
    return true;
  });
  if (untagged > 0) parsed.issues.push({ where, reason: `${untagged} nodes or areas without a highway tag not drawn` });
  return { features, issues: parsed.issues };
}

const ROADS = [
  { value: 'motorway', color: [233, 30, 99] }, { value: 'trunk', color: [233, 30, 99] }, { value: 'primary', color: [255, 111, 0] },
  { value: 'secondary', color: [255, 193, 7] }, { value: 'tertiary', color: [255, 241, 118] }, { value: 'residential', color: [236, 239, 241] },
  { value: 'unclassified', color: [207, 216, 220] }, { value: 'living_street', color: [178, 223, 219] }, { value: 'pedestrian', color: [129, 212, 250] },
  { value: 'footway', color: [129, 212, 250] }, { value: 'cycleway', color: [100, 221, 23] }, { value: 'service', color: [176, 190, 197] },
  { value: 'crossing', color: [255, 255, 255] }, { value: 'traffic_signals', color: [244, 67, 54] },
] as const;

export const streetsLayer = {
  id: 'streets',
  theme: 'streets',
  title: 'layers.streets.title',
  description: 'layers.streets.description',
  inputs: [
    {
      name: 'ways', packLayer: 'osm-streets', format: 'geojson', maxBytes: 100 * 1024 * 1024,
      samples: [{
        path: 'rennes/streets/osm_highways_rennes_2014.geojson', pack: 'demo', title: 'Rues nommées de Rennes (OSM 2014)',
        attribution: recorded({ title: 'Voies nommées de Rennes et nœuds de voirie (OpenStreetMap, 2013–2014)', publisher: 'OpenStreetMap contributors', licence: 'ODbL 1.0 (© OpenStreetMap contributors)', licenceUrl: ODBL_URL, date: '2014-10-11', origin: 'pmauduit/opendatacamp-rennes-genre in/rennes.geojson @ 67f5872' }),
      }],
    },
  ],
  online: [
    {
      kind: 'overpass', input: 'ways', maxBytes: 100 * 1024 * 1024, cache: true,
      url: 'https://overpass-api.de/api/interpreter?data=[out:json][timeout:90];way["highway"]["name"]({south},{west},{north},{east});out geom;',
      attribution: live('Voies nommées (OpenStreetMap)', 'OpenStreetMap contributors', 'ODbL 1.0', 'overpass-api.de', ODBL_URL),
    },
  ],
  prefer: 'pack',
  parse: parseStreets,
  variants: [
    {
      id: 'lines', label: 'layers.variant.lines',
      symbols: [
        { kind: 'line', widthPx: 2, color: { kind: 'category', field: 'highway', classes: ROADS.map((r) => ({ value: r.value, color: r.color })), other: [144, 164, 174], otherLabel: 'layers.streets.other' } },
        { kind: 'point', sizePx: 4, color: { kind: 'category', field: 'highway', classes: [{ value: 'crossing', color: [255, 255, 255] }, { value: 'traffic_signals', color: [244, 67, 54] }], other: [144, 164, 174], otherLabel: 'layers.streets.other' }, cluster: { radiusPx: 12 } },
      ],
    },
  ],
  label: { maxDistanceM: 900, sizePx: 11 },
  legend: { title: 'layers.streets.legend', note: 'layers.streets.note' },
  keyProperties: ['name', 'highway', 'name:br', 'oneway', 'maxspeed', 'lanes'],
} satisfies LayerDefinition;
