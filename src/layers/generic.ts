import type { Rgb } from '../core/color-ramp.ts';
import type { GenericLayer } from '../core/schemas/city.ts';
import { readCsvTable } from './parse/csv.ts';
import { pushIssue, readGeoJsonFeatures, toNumber } from './parse/geojson.ts';
import type { LayerMessageKey } from './messages.ts';
import type { PackLayerRef } from './resolve.ts';
import { LayerParseError, type ColorRule, type LayerDefinition, type LayerFeature, type OnlineSource, type ParsedLayer, type ParseIssue, type SymbolSpec } from './types.ts';

/**
 * Generic layers: a city file's layer without a special display (GeoJSON, CSV with coordinates,
 * WFS 2.0, OGC API Features, WMTS imagery; src/core/schemas/city.ts) becomes a `LayerDefinition`
 * like the catalog's, with its texts as a message bundle (keys `layers.city.<id>.…`), so the
 * layers panel, legend, info panel and sources panel treat it like any other layer. Pure.
 */

export interface GenericLayerBuild {
  def: LayerDefinition;
  /** Its texts, to register with the message catalogue. */
  messages: { fr: Record<string, string>; en: Record<string, string> };
  /** The pack file it reads, when it reads one. */
  packLayer: PackLayerRef | null;
}

const INPUT = 'data';

function rgb(hex: string): Rgb {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Reads CSV rows with coordinates as points (bad rows are issues, never silent). */
export async function parseCsvPoints(bytes: Uint8Array, where: string, lon: string, lat: string, nameField: string | undefined): Promise<ParsedLayer> {
  const table = await readCsvTable(bytes, where, [lon, lat]);
  const features: LayerFeature[] = [];
  const issues: ParseIssue[] = [];
  table.rows.forEach((r, i) => {
    const x = toNumber(r[lon] ?? null), y = toNumber(r[lat] ?? null);
    if (x === null || y === null || Math.abs(x) > 180 || Math.abs(y) > 90) return pushIssue(issues, { where: `${where} line ${i + 2} (${lon}, ${lat})`, reason: `not a longitude/latitude in degrees: ${JSON.stringify(r[lon] ?? '')}, ${JSON.stringify(r[lat] ?? '')}` });
    const properties: LayerFeature['properties'] = {};
    for (const [k, v] of Object.entries(r)) properties[k] = v === '' ? null : toNumber(v) ?? v;
    const name = nameField !== undefined ? r[nameField] ?? null : null;
    features.push({ id: String(r.id ?? i), name: name === '' ? null : name, geometry: { type: 'point', coordinates: [x, y] }, properties });
  });
  return { features, issues };
}

/** The definition of a generic layer; `packUrl` resolves its pack file. */
export function genericLayer(spec: GenericLayer, packUrl: string | undefined): GenericLayerBuild {
  const key = (k: string) => `layers.city.${spec.id}.${k}` as LayerMessageKey;
  const fr: Record<string, string> = { [key('title')]: spec.names.fr, [key('description')]: spec.description?.fr ?? spec.names.fr, [key('legend')]: spec.legend?.fr ?? spec.names.fr };
  const en: Record<string, string> = { [key('title')]: spec.names.en, [key('description')]: spec.description?.en ?? spec.names.en, [key('legend')]: spec.legend?.en ?? spec.names.en };
  const label = (k: string, names: { fr: string; en: string } | undefined): LayerMessageKey | undefined => {
    if (names === undefined) return undefined;
    fr[key(k)] = names.fr;
    en[key(k)] = names.en;
    return key(k);
  };
  const common = {
    id: spec.id,
    theme: spec.theme,
    title: key('title'),
    description: key('description'),
    legend: { title: key('legend') },
    ...(spec.defaultOn !== undefined ? { defaultOn: spec.defaultOn } : {}),
  };
  let packLayer: PackLayerRef | null = null;

  if (spec.kind === 'wmts') {
    const source: OnlineSource = { kind: 'wmts', input: INPUT, url: spec.url, layer: spec.layer, format: spec.format, tileMatrixSetID: spec.tileMatrixSetID, tileMatrixPrefix: spec.tileMatrixPrefix, maximumLevel: spec.maximumLevel, attribution: spec.attribution, maxBytes: 0, cache: false };
    const def: LayerDefinition = {
      ...common,
      inputs: [],
      online: [source],
      prefer: 'online',
      parse: () => ({ features: [], issues: [] }),
      variants: [{ id: 'imagery', label: key('title'), symbols: [{ kind: 'imagery', alpha: spec.opacity }] }],
      searchable: false,
    };
    return { def, messages: { fr, en }, packLayer };
  }

  // Colours, then symbols for each geometry type.
  const c = spec.style.colour;
  let color: ColorRule;
  if (c.kind === 'single') color = { kind: 'constant', color: rgb(c.colour), label: label('swatch', c.label) ?? key('title') };
  else if (c.kind === 'classes') {
    color = { kind: 'category', field: c.property, classes: c.classes.map((k, i) => ({ value: k.value, color: rgb(k.colour), label: label(`class${i}`, k.label ?? { fr: k.value, en: k.value }) })), other: rgb(c.other), otherLabel: label('other', { fr: 'autre', en: 'other' }) };
  } else color = { kind: 'gradient', field: c.property, unit: c.unit, stops: c.stops.map((s) => ({ value: s.value, color: rgb(s.colour) })), noData: rgb(c.noData) };
  const symbols: SymbolSpec[] = [
    { kind: 'point', color, sizePx: spec.style.pointSizePx, outline: [255, 255, 255] },
    { kind: 'line', color, widthPx: spec.style.lineWidthPx },
  ];
  if (spec.style.extrusion !== undefined) symbols.push({ kind: 'extrusion', color, heightField: spec.style.extrusion.property, metresPerUnit: spec.style.extrusion.metresPerUnit, alpha: spec.style.opacity });
  else symbols.push({ kind: 'fill', color, alpha: spec.style.opacity }, { kind: 'outline', color, widthPx: Math.max(1, spec.style.lineWidthPx / 2) });
  const numeric = [...(c.kind === 'gradient' ? [c.property] : []), ...(spec.style.extrusion !== undefined ? [spec.style.extrusion.property] : [])];
  const nameFields = spec.nameProperty !== undefined ? [spec.nameProperty] : ['name', 'nom', 'libelle', 'title'];

  let online: OnlineSource[] = [];
  const attribution = spec.attribution;
  if (spec.kind === 'wfs') online = [{ kind: 'wfs', input: INPUT, url: spec.url, typeName: spec.typeName, pageSize: spec.pageSize, maxFeatures: spec.maxFeatures, attribution, maxBytes: spec.maxBytes, cache: true }];
  else if (spec.kind === 'ogc-features') {
    const base = spec.url.replace(/\/+$/, '');
    online = [{ kind: 'geojson', input: INPUT, url: `${base}/collections/${encodeURIComponent(spec.collection)}/items?f=json&limit=${spec.limit}&bbox={west},{south},{east},{north}`, attribution, maxBytes: spec.maxBytes, cache: true }];
  } else if (spec.url !== undefined) {
    online = spec.kind === 'geojson' ? [{ kind: 'geojson', input: INPUT, url: spec.url, attribution, maxBytes: spec.maxBytes, cache: true }] : [];
  }
  const format = spec.kind === 'csv' ? 'csv' : 'geojson';
  const file = 'file' in spec ? spec.file : undefined;
  const url = 'url' in spec && spec.kind === 'csv' ? spec.url : undefined;
  if (file !== undefined || url !== undefined) {
    const base = packUrl ?? '';
    packLayer = { id: spec.id, title: spec.names.fr, file: url ?? base + file!, format, layer: spec.id, attribution };
  }
  const lonLat = spec.kind === 'csv' ? { lon: spec.lonProperty, lat: spec.latProperty } : null;
  const def: LayerDefinition = {
    ...common,
    inputs: packLayer !== null ? [{ name: INPUT, packLayer: spec.id, format, maxBytes: spec.maxBytes }] : [],
    online,
    prefer: packLayer !== null ? 'pack' : 'online',
    parse(inputs, ctx) {
      const bytes = inputs[INPUT];
      const where = ctx.names[INPUT] ?? spec.id;
      if (bytes === undefined) throw new LayerParseError(where, 'missing input');
      if (lonLat !== null) return parseCsvPoints(bytes, where, lonLat.lon, lonLat.lat, spec.nameProperty);
      return readGeoJsonFeatures(bytes, where, { nameFields, numericFields: numeric });
    },
    variants: [{ id: 'style', label: key('title'), symbols }],
    label: { maxDistanceM: 5000, sizePx: 13, ...(spec.nameProperty !== undefined ? { field: spec.nameProperty } : {}) },
    ...(spec.properties !== undefined ? { keyProperties: spec.properties } : {}),
    ...(spec.refreshS !== undefined ? { refreshS: spec.refreshS } : {}),
  };
  return { def, messages: { fr, en }, packLayer };
}
