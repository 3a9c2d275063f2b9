import { z } from 'zod';
import { attributionSchema } from './attribution.ts';
import { bboxSchema, cameraSchema } from './geo.ts';
import { isTimeZone } from '../simulation/schemas.ts';

/**
 * The city file (`jumeau-city`, version 1): one JSON document describes a city — its names, time
 * zone, home view, extent, buildings, terrain, basemaps and layers — so that a deployment adds a
 * city by writing a file, not TypeScript (README "Adding a city"). Editors get the JSON Schema
 * exported from this zod schema (`schemas/city.schema.json`, written by
 * `npx tsx tools/city-schema.ts` and kept equal by tests/unit/config/city-schema.test.ts).
 *
 * Pure: no DOM, no fetching. `validateCity` returns every problem with its JSON path.
 */

export const CITY_FORMAT = 'jumeau-city';
export const CITY_VERSION = 1;

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'an id is lower-case letters, digits and "-" (at most 64)');
const text = z.string().min(1).max(200);
/** A text in both languages of the app. */
export const namesSchema = z.object({ fr: text, en: text }).strict().describe('The same text in French and English');
const long = z.string().min(1).max(2000);
/** A longer text (a description) in both languages. */
export const textsSchema = z.object({ fr: long, en: long }).strict();
const httpUrl = z.string().min(1).max(2000).regex(/^(https?:\/\/|\/|\.{0,2}\/?[A-Za-z0-9_])/, 'a URL: https://…, /path or a relative path');
const timeZone = z.string().refine(isTimeZone, 'an IANA time zone such as "Europe/Paris"').describe('IANA time zone of the city: the sun, the time panel and recorded series use it');

/** Buildings: a tileset in the city's pack or a remote 3D Tiles tileset. */
export const cityBuildingsSchema = z
  .object({
    url: httpUrl.optional().describe('URL of a remote tileset.json; absent: the tileset of the city\'s pack'),
    heightProperties: z.array(z.string().min(1).max(100)).min(1).max(20).default(['heightM']).describe('Feature properties that may hold the height in metres, tried in order'),
    idProperties: z.array(z.string().min(1).max(100)).min(1).max(20).default(['id']).describe('Feature properties that may hold the building id, tried in order'),
    maximumScreenSpaceError: z.number().min(1).max(256).optional().describe('Screen-space error target in pixels (Cesium default 16)'),
    attribution: attributionSchema.optional().describe('Who published the buildings; absent for a pack: the pack\'s first source'),
  })
  .strict();

export const cityTerrainSchema = z
  .object({
    kind: z.literal('quantized-mesh'),
    url: httpUrl.describe('Base URL of a quantized-mesh terrain (with layer.json)'),
    attribution: attributionSchema,
  })
  .strict();

const basemapCommon = {
  id,
  names: namesSchema,
  maximumLevel: z.number().int().min(0).max(24).default(19),
  attribution: attributionSchema,
  extentDeg: bboxSchema.optional().describe('[west, south, east, north] degrees covered by the service'),
};

/** A basemap the user can choose in the basemap switcher. */
export const cityBasemapSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('wmts'),
      ...basemapCommon,
      url: httpUrl,
      layer: z.string().min(1).max(200),
      style: z.string().max(200).default(''),
      format: z.string().min(1).max(50).default('image/png'),
      tileMatrixSetID: z.string().min(1).max(100),
      tileMatrixPrefix: z.string().max(100).default('').describe('Prefix of tile matrix ids (e.g. "EPSG:3857:"), followed by the level number'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('xyz'),
      ...basemapCommon,
      url: httpUrl.describe('Template with {z}, {x} and {y}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png').refine((u) => u.includes('{z}') && u.includes('{x}') && u.includes('{y}'), 'a template with {z}, {x} and {y}'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('wms'),
      ...basemapCommon,
      url: httpUrl,
      layers: z.string().min(1).max(500).describe('WMS LAYERS parameter'),
      format: z.string().min(1).max(50).default('image/png'),
      version: z.enum(['1.1.1', '1.3.0']).default('1.3.0'),
    })
    .strict(),
]);

/** Named display kinds: the special layers the app draws (a layer definition of src/layers/). */
export const DISPLAY_KINDS = [
  'parking', 'park-and-ride', 'trambus-park-and-ride', 'wifi', 'metro-lines', 'metro-stations', 'bus-network',
  'trambus-lines', 'trambus-stops', 'trambus-times', 'bike-share', 'population-grid', 'commuters', 'commune',
  'districts', 'priority-areas', 'development-zones', 'streets', 'bike-lanes', 'demo-streets', 'trees', 'tree-walk',
  'demo-squares', 'city-plan',
] as const;

/**
 * A layer of the city: a named display kind (the app's special displays: parking gauges and
 * chart, transit network, population extrusion…), which reads the pack files and online sources
 * its definition names.
 */
export const displayLayerSchema = z
  .object({
    display: z.enum(DISPLAY_KINDS).describe('A named display kind of the app'),
    defaultOn: z.boolean().optional().describe('Shown when the city opens'),
  })
  .strict();

/** Themes of the layer panel (src/layers/types.ts THEMES, tested equal). */
export const LAYER_THEMES = ['parking', 'wifi', 'transit', 'population', 'districts', 'streets', 'green', 'background'] as const;

const colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour "#rrggbb"');

/** How a generic layer colours its features. */
export const layerColourSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('single'), colour, label: namesSchema.optional() }).strict(),
  z
    .object({
      kind: z.literal('classes'),
      property: z.string().min(1).max(100),
      classes: z.array(z.object({ value: z.string().max(200), colour, label: namesSchema.optional() }).strict()).min(1).max(50),
      other: colour.default('#a0a0a0'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('gradient'),
      property: z.string().min(1).max(100),
      unit: z.string().max(20).default(''),
      stops: z.array(z.object({ value: z.number(), colour }).strict()).min(2).max(20),
      noData: colour.default('#a0a0a0'),
    })
    .strict(),
]);

export const layerStyleSchema = z
  .object({
    colour: layerColourSchema,
    /** Extrusion of polygons by a numeric property (metres per unit of the property). */
    extrusion: z.object({ property: z.string().min(1).max(100), metresPerUnit: z.number().positive().max(10000).default(1) }).strict().optional(),
    opacity: z.number().min(0).max(1).default(0.7),
    lineWidthPx: z.number().min(0.5).max(20).default(2),
    pointSizePx: z.number().min(2).max(40).default(8),
  })
  .strict();

const genericCommon = {
  id: id.refine((v) => !(DISPLAY_KINDS as readonly string[]).includes(v), 'the id of a display kind: choose another id'),
  names: namesSchema,
  description: textsSchema.optional(),
  theme: z.enum(LAYER_THEMES).default('background'),
  defaultOn: z.boolean().optional(),
  legend: namesSchema.optional().describe('Legend title (default: the names)'),
  attribution: attributionSchema,
};

const vectorCommon = {
  ...genericCommon,
  style: layerStyleSchema,
  properties: z.array(z.string().min(1).max(100)).max(50).optional().describe('Properties the info panel shows first, in this order'),
  nameProperty: z.string().min(1).max(100).optional().describe('Property holding the feature name (labels, search)'),
  maxBytes: z.number().int().positive().max(500 * 1024 * 1024).default(50 * 1024 * 1024),
  refreshS: z.number().int().min(10).max(86400).optional().describe('Live data: reloaded every refreshS seconds while shown (online sources)'),
};

const relFile = z.string().regex(/^[A-Za-z0-9._/-]{1,200}$/, 'a path inside the pack').refine((p) => !p.split('/').includes('..'), 'no ".." in paths');
const fileOrUrl = (o: { file?: string | undefined; url?: string | undefined }) => (o.file === undefined) !== (o.url === undefined);
const fileOrUrlMessage = { message: 'give either "file" (in the pack) or "url"', path: ['url'] };

/**
 * A layer without a special display: GeoJSON, CSV with coordinates, WFS 2.0 and OGC API Features
 * (drawn as points, lines, areas or extrusions styled by attribute), WMTS imagery.
 */
export const genericLayerSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('geojson'), ...vectorCommon, file: relFile.optional(), url: httpUrl.optional() }).strict().refine(fileOrUrl, fileOrUrlMessage),
  z
    .object({
      kind: z.literal('csv'),
      ...vectorCommon,
      file: relFile.optional(),
      url: httpUrl.optional(),
      lonProperty: z.string().min(1).max(100).default('lon'),
      latProperty: z.string().min(1).max(100).default('lat'),
    })
    .strict()
    .refine(fileOrUrl, fileOrUrlMessage),
  z
    .object({
      kind: z.literal('wfs'),
      ...vectorCommon,
      url: httpUrl,
      typeName: z.string().min(1).max(200),
      pageSize: z.number().int().min(1).max(10000).default(1000),
      maxFeatures: z.number().int().min(1).max(1_000_000).default(10000),
    })
    .strict(),
  z
    .object({
      kind: z.literal('ogc-features'),
      ...vectorCommon,
      url: httpUrl.describe('The service landing page, e.g. https://example.org/ogcapi'),
      collection: z.string().min(1).max(200),
      limit: z.number().int().min(1).max(100000).default(5000),
    })
    .strict(),
  z
    .object({
      kind: z.literal('wmts'),
      ...genericCommon,
      url: httpUrl,
      layer: z.string().min(1).max(200),
      format: z.string().min(1).max(50).default('image/png'),
      tileMatrixSetID: z.string().min(1).max(100),
      tileMatrixPrefix: z.string().max(100).default(''),
      maximumLevel: z.number().int().min(0).max(24).default(19),
      opacity: z.number().min(0).max(1).default(1),
    })
    .strict(),
]);

export type GenericLayer = z.infer<typeof genericLayerSchema>;

/** A layer of a city file: a named display kind, or a generic layer. */
export const cityLayerSchema = z.union([displayLayerSchema, genericLayerSchema]);
export type CityLayer = z.infer<typeof cityLayerSchema>;

export const citySchema = z
  .object({
    $schema: z.string().optional(),
    format: z.literal(CITY_FORMAT),
    version: z.literal(CITY_VERSION),
    id,
    names: namesSchema,
    description: textsSchema.optional(),
    timeZone,
    synthetic: z.boolean().default(false).describe('Generated data: labelled "synthetic" everywhere'),
    online: z.boolean().default(false).describe('Needs the network: probed at start-up with a short timeout'),
    pack: id.optional().describe('Id of a pack in the packs folder: its tileset and layer files (and its extent when bbox/home are absent)'),
    home: cameraSchema.optional().describe('Home view; required without a pack'),
    bbox: bboxSchema.optional().describe('[west, south, east, north] degrees; required without a pack'),
    buildings: cityBuildingsSchema.nullable().default({ heightProperties: ['heightM'], idProperties: ['id'] }).describe('null: no buildings'),
    terrain: cityTerrainSchema.nullable().default(null).describe('null: the WGS84 ellipsoid'),
    basemaps: z.array(cityBasemapSchema).max(20).default([]).describe('The first is shown first; the user switches between them'),
    layers: z.array(cityLayerSchema).max(200).optional().describe('The layers offered; absent: every display kind with data for the city'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.pack === undefined) {
      if (c.home === undefined) ctx.addIssue({ code: 'custom', path: ['home'], message: 'a home view is required when the city has no pack' });
      if (c.bbox === undefined) ctx.addIssue({ code: 'custom', path: ['bbox'], message: 'a bbox is required when the city has no pack' });
      if (c.buildings !== null && c.buildings.url === undefined) ctx.addIssue({ code: 'custom', path: ['buildings', 'url'], message: 'a tileset URL is required when the city has no pack (or set buildings to null)' });
      if (c.buildings !== null && c.buildings.attribution === undefined) ctx.addIssue({ code: 'custom', path: ['buildings', 'attribution'], message: 'an attribution is required for a remote tileset' });
    }
    const seen = new Set<string>();
    c.basemaps.forEach((b, i) => {
      if (seen.has(b.id)) ctx.addIssue({ code: 'custom', path: ['basemaps', i, 'id'], message: `duplicate basemap id "${b.id}"` });
      seen.add(b.id);
    });
    const layers = new Set<string>();
    (c.layers ?? []).forEach((l, i) => {
      const lid = 'display' in l ? l.display : l.id;
      if (layers.has(lid)) ctx.addIssue({ code: 'custom', path: ['layers', i, 'display' in l ? 'display' : 'id'], message: `layer "${lid}" listed twice` });
      layers.add(lid);
      if ('file' in l && l.file !== undefined && c.pack === undefined) ctx.addIssue({ code: 'custom', path: ['layers', i, 'file'], message: 'a pack file needs the city\'s "pack"' });
    });
  });

export type CityFile = z.infer<typeof citySchema>;
export type CityFileInput = z.input<typeof citySchema>;
export type CityBasemap = z.infer<typeof cityBasemapSchema>;

/**
 * What a pack's `city.json` may add to the city it describes (backwards compatible: every field
 * optional), under `"city"`: the same fields as a city file.
 */
export const packCityExtensionSchema = z
  .object({
    names: namesSchema.optional(),
    description: textsSchema.optional(),
    timeZone: timeZone.optional(),
    terrain: cityTerrainSchema.nullable().optional(),
    basemaps: z.array(cityBasemapSchema).max(20).optional(),
    layers: z.array(cityLayerSchema).max(200).optional(),
  })
  .strict();

/** One problem of a city file: its JSON path (`$.basemaps[0].url`) and what was expected. */
export interface CityIssue {
  path: string;
  message: string;
}

/** `['basemaps', 0, 'url']` → `$.basemaps[0].url`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let s = '$';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`;
  return s;
}

/** Every issue of a zod error, with JSON paths. */
export function issuesOf(error: z.ZodError): CityIssue[] {
  const out: CityIssue[] = [];
  const walk = (issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]) => {
    for (const i of issues) {
      const path = [...prefix, ...i.path];
      // A union: the member whose kind matched is the interesting one; report its issues.
      if (i.code === 'invalid_union' && i.errors.length > 0) {
        const best = [...i.errors].sort((a, b) => a.length - b.length)[0]!;
        walk(best, path);
        continue;
      }
      // A missing field: say it is required and what it should be.
      const missing = i.code === 'invalid_type' && /received undefined$/.test(i.message);
      out.push({ path: jsonPath(path), message: missing ? `required: ${i.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')}` : i.message });
    }
  };
  walk(error.issues, []);
  return out;
}

/** Validates a parsed city file: the city, or every problem with its JSON path. */
export function validateCity(raw: unknown): { ok: true; city: CityFile } | { ok: false; issues: CityIssue[] } {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && (raw as { format?: unknown }).format !== CITY_FORMAT) {
    const f = (raw as { format?: unknown }).format;
    return { ok: false, issues: [{ path: '$.format', message: `expected "${CITY_FORMAT}", got ${JSON.stringify(f) ?? 'nothing'}` }] };
  }
  const r = citySchema.safeParse(raw);
  return r.success ? { ok: true, city: r.data } : { ok: false, issues: issuesOf(r.error) };
}

/** Issues as one line each: `$.path: message`. */
export function describeIssues(issues: readonly CityIssue[], max = 8): string {
  const lines = issues.slice(0, max).map((i) => `${i.path}: ${i.message}`);
  if (issues.length > max) lines.push(`… and ${issues.length - max} more`);
  return lines.join('; ');
}

/** Parses the text of a city file (a JSON syntax error is an issue at `$`). */
export function parseCityText(text: string): { ok: true; city: CityFile } | { ok: false; issues: CityIssue[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, issues: [{ path: '$', message: `not JSON: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  return validateCity(raw);
}
