import type { Rgb } from '../../core/color-ramp.ts';
import type { ColorRule } from '../../layers/types.ts';
import { CSV_CRS_CHOICES, USER_LIMITS, type FieldSummary, type UserFormat, type UserParseOptions, type UserVectorResult } from '../../layers/userdata-types.ts';
import type { LeftOutUserItem, ScenarioUserItem } from '../../scenarios/userdata.ts';
import type { WmsLayerInfo } from './capabilities.ts';
import type { UserCityReport } from './city-contract.ts';
import { legendEntries, styleable, USER_PALETTE, userColorRule } from './style.ts';
import type { WmtsCapabilities } from './wmts.ts';

/**
 * One item of "My data" (issue 13) as data, and the pure decisions about it: what a pasted URL or
 * a dropped file is, the limits, the reason of a failure, its colour rule, the panel row, the
 * sources-panel entry and the form it takes in a scenario file. No DOM, Cesium or fetching; the
 * items of the open city and their edits are controller.ts.
 */

/** Kind of URL the user pasted ('auto': guessed from its shape). */
export type UrlKind = 'auto' | 'tileset' | 'data' | 'wms' | 'wmts' | 'xyz';

/** Where an item stands: loading (with a percentage when known), ready, or failed with the reason. */
export type ItemStatus =
  | { kind: 'loading'; percent: number | null; label?: string }
  | { kind: 'ready'; summary: string; issues: readonly { where: string; reason: string }[] }
  | { kind: 'error'; reason: string };

/** A model's position (degrees, metres; heading in degrees; scale factor). */
export type ItemPlacement = { lonDeg: number; latDeg: number; heightM: number; headingDeg: number; scale: number };

/** One row of the "my data" panel. */
export interface UserRowState {
  id: string;
  name: string;
  format: string;
  status: ItemStatus;
  shown: boolean;
  opacity: number;
  styleFields: readonly string[];
  styleField: string | null;
  legend: readonly { color: Rgb; text: string }[];
  licence: string;
  publisher: string;
  csv?: { columns: readonly string[]; x: string; y: string | null; crs: string; crsChoices: readonly string[] };
  wms?: { layers: readonly { name: string; title: string }[]; chosen: string };
  /** A CityGML or CityJSON model: its CRS (chosen when the file declares none) and build report. */
  city?: UserCityRow;
  placeable: boolean;
  /** A model's position (editable as coordinates). */
  placement?: ItemPlacement;
}

/** The city-model part of a row. */
export interface UserCityRow {
  /** CRS used or chosen (`EPSG:n`), null when not known yet. */
  crs: string | null;
  /** Whether the user can choose it (the file declares none). */
  crsEditable: boolean;
  crsChoices: readonly string[];
  report?: { buildings: number; rejectedCount: number; rejected: readonly { index: number; id: string | null; reason: string }[]; warnings: readonly string[] };
}

/** What is stored of one added item (the bytes of a file; the address of a URL). */
export interface StoredItem {
  /** Unique id (also the layer id suffix). */
  id: string;
  cityId: string;
  name: string;
  format: UserFormat;
  source:
    | { kind: 'file'; bytes: Uint8Array }
    | { kind: 'url'; url: string; layers?: string }
    /** A `.3tz` 3D Tiles archive from disk, read lazily (tiles.ts). */
    | { kind: 'archive'; blob: Blob }
    /** A folder of tiles from disk: its files by relative path, and the folder holding tileset.json. */
    | { kind: 'folder'; files: { path: string; blob: Blob }[]; root: string };
  /** What the user said of the data: licence and publisher (free text). */
  licence: string;
  publisher: string;
  options: UserParseOptions;
  /** Attribute the layer is coloured by. */
  styleField: string | null;
  placement?: ItemPlacement;
  addedAtMs: number;
  order: number;
}

/** What a new item needs; the rest takes defaults (a full StoredItem keeps its own values). */
export type NewStoredItem = Omit<StoredItem, 'id' | 'cityId' | 'licence' | 'publisher' | 'options' | 'styleField' | 'addedAtMs' | 'order'>;

/** One item of My data, as the controller holds it (the scene side is added by `extend`). */
export interface UserItem {
  stored: StoredItem;
  /** Kept in IndexedDB (items from URL parameters are not: the link brings them back). */
  persistent: boolean;
  status: ItemStatus;
  shown: boolean;
  opacity: number;
  vector: UserVectorResult | null;
  fields: FieldSummary[];
  rule: ColorRule | null;
  wmsLayers: WmsLayerInfo[];
  /** WMTS capabilities, once read. */
  wmts: { caps: WmtsCapabilities; capsUrl: string } | null;
  /** City models (CityGML, CityJSON): the build report, and whether the file's CRS must be chosen. */
  city: { report: UserCityReport | null; needsCrs: boolean } | null;
  colour: number;
  /** Added in this session (the view flies to it), rather than restored. */
  fresh: boolean;
}

/** The open city as the controller needs it (kept by identity: a load checks its city is still open). */
export interface ItemsCity {
  readonly config: { readonly id: string; readonly bbox: readonly [number, number, number, number] };
}

/** The layer id of an item's vector layer and picked objects. */
export const layerIdOf = (id: string): string => `user:${id}`;
/** Dedupe key of an item's messages (failure, "choose its CRS"): taken back when it is ready or removed. */
export const messageKeyOf = (name: string): string => `userdata:${name}`;
/** Dedupe key of an item's tile errors. */
export const tileMessageKeyOf = (id: string): string => `userdata:tile:${id}`;
/** Why a 3D Tiles archive or folder from disk is not saved with a scenario. */
export const LOCAL_TILES_REASON = 'a 3D Tiles archive or folder from disk is not saved in a scenario file: add it again from disk';

/** What a pasted URL is, from the kind chosen or its shape. */
export function urlKindOf(url: string, kind: UrlKind): 'tileset' | 'wms' | 'wmts' | 'xyz' | 'data' {
  if (kind !== 'auto') return kind;
  if (/\{z\}/.test(url) && /\{x\}/.test(url) && /\{y\}/.test(url)) return 'xyz';
  if (/[?&]service=wmts\b/i.test(url) || /WMTSCapabilities\.xml(\?|#|$)/i.test(url) || /\/wmts\/?(\?|$)/i.test(url)) return 'wmts';
  if (/[?&]service=wms\b/i.test(url) || /\/wms\/?(\?|$)/i.test(url)) return 'wms';
  if (/tileset[^/]*\.json(\?|#|$)/i.test(url) || /\.3tz(\?|#|$)/i.test(url)) return 'tileset';
  return 'data';
}

/** The name and format of an item added by URL (services are named with their host). */
export function urlItem(url: string, kind: UrlKind): { name: string; format: UserFormat } {
  const k = urlKindOf(url, kind);
  const name = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? url).slice(0, 120) || url;
  const format: UserFormat = k === 'data' ? guessFileFormat(url) : k;
  return { name: k === 'tileset' || k === 'wms' || k === 'wmts' || k === 'xyz' ? `${name} (${new URL(url).host})` : name, format };
}

/**
 * The address to read, absolute against the page's; throws why it is refused (not http(s),
 * plain http from another server than the page's).
 */
export function checkedUrl(raw: string, page: { href: string; host: string }): string {
  const url = new URL(raw, page.href).href;
  const u = new URL(url);
  if (!/^https?:$/.test(u.protocol)) throw new Error('only http and https addresses are read');
  // The app's security policy admits plain HTTP only from its own server.
  if (u.protocol === 'http:' && u.host !== page.host) throw new Error('plain http from another server is refused by the app\'s security policy: use https');
  return url;
}

/** Largest file of this kind read from disk (models, city models, vector data). */
export function fileLimit(name: string, format?: UserFormat): number {
  if (format === 'glb' || /\.glb$/i.test(name)) return USER_LIMITS.maxModelBytes;
  if (format === 'citygml' || format === 'cityjson' || /\.(gml|citygml)$|\.city\.json$/i.test(name)) return USER_LIMITS.maxCityBytes;
  return USER_LIMITS.maxVectorBytes;
}

/** Why a file is refused for its size (`mb` writes a number of megabytes in the user's language). */
export const tooBigReason = (bytes: number, limit: number, mb: (n: number) => string): string => `${mb(bytes / 1048576)} MB, more than the limit of ${Math.round(limit / 1048576)} MB`;

/** A first guess of a file's format from its name (the worker detects it from the bytes). */
export function guessFileFormat(name: string): UserFormat {
  const e = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  if (e === 'csv' || e === 'tsv' || e === 'txt') return 'csv';
  if (e === 'gpx' || e === 'kml' || e === 'kmz' || e === 'glb') return e;
  if (e === 'zip') return 'shapefile';
  if (e === 'gml' || e === 'citygml' || e === 'xml') return 'citygml';
  return 'geojson';
}

/** The items a link opens (`?tileset=`, `?data=`, `?wms=`, `?wmts=`), in that order. */
export function linkItems(extra: Readonly<Record<string, string | undefined>>): { url: string; kind: 'tileset' | 'data' | 'wms' | 'wmts' }[] {
  return (['tileset', 'data', 'wms', 'wmts'] as const).flatMap((kind) => (extra[kind] !== undefined ? [{ url: extra[kind], kind }] : []));
}

/** The reason an item failed, naming where in it when that is not the item itself. */
export const failureReason = (name: string, where: string, reason: string): string => (where === name || where === '' ? reason : `${where}: ${reason}`);

/** The centre of a city's bounding box (where a model is placed when the view shows no ground). */
export const cityCentre = (c: ItemsCity): { lonDeg: number; latDeg: number; heightM: number } => ({ lonDeg: (c.config.bbox[0] + c.config.bbox[2]) / 2, latDeg: (c.config.bbox[1] + c.config.bbox[3]) / 2, heightM: 0 });

/** The attribute an item is coloured by, when it can be (else null). */
export const styleFieldOf = (s: UserItem): FieldSummary | null => s.fields.find((f) => f.name === s.stored.styleField && styleable(f)) ?? null;

/** An item's colour rule: its own colour, classed by its style attribute when it has one. */
export const ruleOf = (s: UserItem): ColorRule => userColorRule(USER_PALETTE[s.colour % USER_PALETTE.length]!, styleFieldOf(s));

/** The city-model part of a row. */
export function cityRow(s: UserItem): UserCityRow {
  const report = s.city?.report ?? null;
  const chosen = s.stored.options.city?.crs ?? null;
  return {
    crs: report?.crs ?? chosen,
    // The CRS can be chosen when the file declares none (asked, or chosen before).
    crsEditable: s.city?.needsCrs === true || (report !== null && !report.crsDeclared),
    crsChoices: CSV_CRS_CHOICES,
    ...(report !== null ? { report } : {}),
  };
}

/** The panel row of an item (`labels`: the legend's "all" and "other" in the user's language). */
export function rowOf(s: UserItem, labels: { all: string; other: string }): UserRowState {
  const legend = s.rule !== null ? legendEntries(s.rule, labels.all, labels.other) : s.vector !== null ? [{ color: USER_PALETTE[s.colour % USER_PALETTE.length]!, text: labels.all }] : [];
  const csv = s.vector?.csv;
  return {
    id: s.stored.id,
    name: s.stored.name,
    format: s.stored.format,
    status: s.status,
    shown: s.shown,
    opacity: s.opacity,
    styleFields: s.fields.filter(styleable).map((f) => f.name),
    styleField: s.stored.styleField,
    legend,
    licence: s.stored.licence,
    publisher: s.stored.publisher,
    ...(csv !== undefined ? { csv: { columns: csv.columns, x: csv.coordinates.xField, y: csv.coordinates.yField, crs: csv.coordinates.crs, crsChoices: CSV_CRS_CHOICES } } : {}),
    ...(s.stored.format === 'wms' || s.stored.format === 'wmts' ? { wms: { layers: s.wmsLayers, chosen: s.stored.source.kind === 'url' ? (s.stored.source.layers ?? '') : '' } } : {}),
    ...(s.city !== null ? { city: cityRow(s) } : {}),
    placeable: s.stored.format === 'glb' && s.status.kind === 'ready',
    ...(s.stored.format === 'glb' && s.stored.placement !== undefined ? { placement: s.stored.placement } : {}),
  };
}

/** The sources-panel entry of an item (`labels`: what stands for a publisher or licence not given). */
export function sourceOf(s: UserItem, labels: { userSupplied: string; unknownLicence: string }) {
  return {
    role: 'layer' as const,
    attribution: {
      title: s.stored.name,
      publisher: s.stored.publisher || labels.userSupplied,
      licence: s.stored.licence || labels.unknownLicence,
      date: new Date(s.stored.addedAtMs).toISOString().slice(0, 10),
      status: 'recorded' as const,
      origin: s.stored.source.kind === 'url' ? s.stored.source.url : s.stored.name,
    },
    shown: s.status.kind === 'ready' && s.shown,
    ...(s.status.kind === 'error' ? { reason: s.status.reason } : {}),
  };
}

/** An item as it travels with a scenario (local tilesets are named as left out, with why). */
export function scenarioItemOf(st: StoredItem): ScenarioUserItem | LeftOutUserItem {
  if (st.source.kind === 'archive' || st.source.kind === 'folder') return { name: st.name, format: st.format, reason: LOCAL_TILES_REASON };
  const source: ScenarioUserItem['source'] = st.source.kind === 'file' ? { kind: 'file', bytes: st.source.bytes } : { kind: 'url', url: st.source.url, ...(st.source.layers !== undefined ? { layers: st.source.layers } : {}) };
  return { name: st.name, format: st.format, licence: st.licence, publisher: st.publisher, styleField: st.styleField, options: structuredClone(st.options), ...(st.placement !== undefined ? { placement: { ...st.placement } } : {}), source };
}
