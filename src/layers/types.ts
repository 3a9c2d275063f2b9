import type { Rgb, SteppedRamp } from '../core/color-ramp.ts';
import type { Attribution } from '../core/schemas/attribution.ts';
import type { LayerMessageKey } from './messages.ts';
import { WhereError } from '../core/errors.ts';

/**
 * A layer is data, not a class (DESIGN.md convention 2): one typed constant per file in
 * `src/layers/`, registered in `catalog.ts`. A definition says where the data comes from (pack
 * files offline, services online), how bytes become typed features (a pure parser, run in a
 * worker), how features are drawn (declarative symbols: the scene and the legend both read them,
 * so they cannot disagree) and who published the data under which licence.
 *
 * Everything here is pure: no DOM, no Cesium, no fetching (checked by tsconfig.pure.json, which
 * reaches these files through src/layers/parse/kernel.ts).
 */

/** Themes of the layer panel, in panel order. */
export const THEMES = ['parking', 'wifi', 'transit', 'population', 'districts', 'streets', 'green', 'background'] as const;
export type ThemeId = (typeof THEMES)[number];

/** Longitude, latitude in degrees (WGS84). */
export type Position = readonly [number, number];

/** Geometry of a feature, normalised: every part as arrays of positions, rings open. */
export type LayerGeometry =
  | { type: 'point'; coordinates: Position }
  | { type: 'line'; lines: Position[][] }
  | { type: 'polygon'; polygons: Position[][][] };

export type PropertyValue = string | number | boolean | null;

/** One feature, as every layer's parser returns it. */
export interface LayerFeature {
  /** Unique in the layer (the source's id when it has one, else the feature's index). */
  id: string;
  /** Name for labels and search, when the source has one. */
  name: string | null;
  geometry: LayerGeometry;
  /** Every attribute of the source record (shown as text in the info panel). */
  properties: Record<string, PropertyValue>;
}

/** A feature or field the parser skipped or corrected, with where and why (never silent). */
export interface ParseIssue {
  where: string;
  reason: string;
}

/** Measurements over time per feature (recorded snapshots or a live reading). */
export interface TimeSeries {
  /** What the values are: `occupancy` is the occupied share of spaces, 0–1. */
  quantity: 'occupancy';
  /** Instants of the snapshots, ms since the epoch (UTC), ascending. */
  timesMs: number[];
  /** Per feature id, one value per instant (NaN where that snapshot has no value). */
  values: Record<string, number[]>;
  /** Time zone the data was recorded in (for the slider and the chart). */
  timeZone: string;
}

export interface ParsedLayer {
  features: LayerFeature[];
  issues: ParseIssue[];
  series?: TimeSeries;
}

/** Bytes of each input of a layer, by input name. */
export type LayerInputs = Readonly<Record<string, Uint8Array>>;

export interface ParseContext {
  /** File name or URL of each input, for messages ("parking.csv line 12: …"). */
  names: Readonly<Record<string, string>>;
  /** When live inputs were fetched (ms since the epoch): the time of a live reading. */
  fetchedAtMs?: number;
  /**
   * The city's IANA time zone, for the series a parser returns (absent: UTC; the layers feature
   * sets the open city's on every series it receives).
   */
  timeZone?: string;
}

/** A file or answer that cannot be read at all: the layer is marked in error with this reason. */
export class LayerParseError extends WhereError {
  override name = 'LayerParseError';
}

/** [west, south, east, north], degrees. */
export type Bbox = readonly [number, number, number, number];

/**
 * One input of a layer, read from a city pack offline: the pack's `city.json` lists a file whose
 * `layer` is `packLayer`. `samples` are the recorded copies in ../shared/data that `npm run demo`
 * adds to a pack, with its attribution from ../shared/data/SOURCES.md.
 */
export interface PackInput {
  name: string;
  packLayer: string;
  format: 'geojson' | 'csv' | 'gtfs';
  /** The layer still draws without it (e.g. occupancy snapshots). */
  optional?: boolean;
  /** Largest file accepted, bytes. */
  maxBytes: number;
  samples?: readonly {
    /** Path under ../shared/data. */
    path: string;
    /** Pack that receives it: the demo district (central Rennes) or the layers-only Paris pack. */
    pack: 'demo' | 'paris';
    title: string;
    attribution: Attribution;
  }[];
}

interface OnlineCommon {
  /** Input it provides (its bytes are converted to that input's format). */
  input: string;
  /** Area the service covers: used only for cities whose bbox meets it (absent: anywhere). */
  coverage?: Bbox;
  attribution: Attribution;
  maxBytes: number;
  /** Cached for offline reuse (Cache API) and shown as "recorded" when served from the cache. */
  cache: boolean;
}

/**
 * An online source. URLs may hold `{west}`, `{south}`, `{east}` and `{north}`, filled with the
 * city's bbox (any city's data from one definition).
 */
export type OnlineSource =
  | (OnlineCommon & { kind: 'geojson'; url: string })
  /** OGC WFS 2.0 GetFeature as GeoJSON, paged with COUNT/STARTINDEX. */
  | (OnlineCommon & { kind: 'wfs'; url: string; typeName: string; pageSize: number; maxFeatures: number })
  /** Opendatasoft Explore v2.1 `records` (Rennes Métropole, STAR): paged with limit/offset. */
  | (OnlineCommon & { kind: 'ods-records'; url: string; geoField: string; pageSize: number; maxRecords: number })
  /** OpenStreetMap Overpass JSON (`out center`). */
  | (OnlineCommon & { kind: 'overpass'; url: string })
  | (OnlineCommon & { kind: 'gtfs'; url: string })
  /** OGC WMTS imagery: drawn as an imagery layer, nothing to parse. */
  | (OnlineCommon & {
      kind: 'wmts';
      url: string;
      layer: string;
      format: string;
      tileMatrixSetID: string;
      tileMatrixPrefix: string;
      maximumLevel: number;
    });

/** How a colour is chosen for a feature. */
export type ColorRule =
  | { kind: 'constant'; color: Rgb; label?: LayerMessageKey }
  /** Categorical: the value of `field` (as text) picks a class. */
  | { kind: 'category'; field: string; classes: readonly { value: string; color: Rgb; label?: LayerMessageKey }[]; other: Rgb; otherLabel?: LayerMessageKey }
  /** Continuous, classed. */
  | { kind: 'steps'; field: string; ramp: SteppedRamp }
  /** Continuous, interpolated between stops. */
  | { kind: 'gradient'; field: string; unit: string; stops: readonly { value: number; color: Rgb }[]; noData: Rgb }
  /** The colour written in the data (`#rrggbb` or `rrggbb`), e.g. a transit line's colour. */
  | { kind: 'data'; field: string; fallback: Rgb; label: LayerMessageKey };

/** Size of a point symbol: fixed, or proportional (area) to a numeric attribute. */
export type SizeRule = number | { field: string; min: number; max: number; minPx: number; maxPx: number; unit: string };

/** How features are drawn. A symbol applies to the features of its geometry type. */
export type SymbolSpec =
  | { kind: 'point'; color: ColorRule; sizePx: SizeRule; outline?: Rgb; cluster?: { radiusPx: number } }
  | { kind: 'line'; color: ColorRule; widthPx: number }
  /** Streets drawn at their width in metres (demo district). */
  | { kind: 'ribbon'; color: ColorRule; widthField: string; defaultWidthM: number }
  | { kind: 'fill'; color: ColorRule; alpha: number }
  | { kind: 'outline'; color: ColorRule; widthPx: number }
  | { kind: 'extrusion'; color: ColorRule; heightField: string; metresPerUnit: number; alpha: number }
  /** Car park gauge: a column whose filled part is the occupied share (from the time series). */
  | { kind: 'gauge'; heightM: number; radiusM: { field: string; minM: number; maxM: number; maxValue: number }; color: ColorRule }
  /** A 3D tree (trunk and crown) at each point. */
  | { kind: 'tree'; color: ColorRule; heightM: number; crownRadiusM: number }
  /** An arc from each point to a destination written in its attributes (commuter flows). */
  | { kind: 'flow'; color: ColorRule; widthPx: number; toLonField: string; toLatField: string }
  /** Imagery (WMTS): nothing per feature. */
  | { kind: 'imagery'; alpha: number };

/** A way to draw the layer the user can choose (e.g. choropleth or extruded cells). */
export interface LayerVariant {
  id: string;
  label: LayerMessageKey;
  symbols: readonly SymbolSpec[];
}

export interface LabelSpec {
  /** Feature property with the text; absent: the feature's name. */
  field?: string;
  /** Labels farther than this from the camera are hidden. */
  maxDistanceM: number;
  /** Higher first when labels collide (decluttering); absent: longer names last. */
  priorityField?: string;
  sizePx: number;
  /** Polygons: label at the centroid of the largest part; lines: at the middle vertex. */
}

export interface LayerDefinition {
  id: string;
  theme: ThemeId;
  title: LayerMessageKey;
  description: LayerMessageKey;
  /** Projects that do not exist yet (planned Trambus): labelled "planned" in the panel. */
  planned?: boolean;
  /** Offline inputs (from city packs). Empty for online-only layers. */
  inputs: readonly PackInput[];
  /** Online sources, tried in order among those covering the city. */
  online: readonly OnlineSource[];
  /** Which to use when both are available: live data (parking) or the pack copy (fast, stable). */
  prefer: 'pack' | 'online';
  /** Pure: bytes → typed features. Throws LayerParseError when an input cannot be read at all. */
  parse(inputs: LayerInputs, ctx: ParseContext): ParsedLayer | Promise<ParsedLayer>;
  variants: readonly [LayerVariant, ...LayerVariant[]];
  label?: LabelSpec;
  legend: { title: LayerMessageKey; note?: LayerMessageKey };
  /** Shown when the city opens (unless the URL says otherwise). */
  defaultOn?: boolean;
  /** Whether features are found by the search box (default true). */
  searchable?: boolean;
  /** Attributes shown first in the info panel, in this order. */
  keyProperties?: readonly string[];
  /** Live data: reloaded every `refreshS` seconds while shown, when read from an online source. */
  refreshS?: number;
}
