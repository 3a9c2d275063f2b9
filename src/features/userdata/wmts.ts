import { SaxesParser } from 'saxes';
import { decodeUtf8 } from '../../layers/parse/geojson.ts';
import { LayerParseError } from '../../layers/types.ts';
import { USER_LIMITS } from '../../layers/userdata-types.ts';

/**
 * OGC WMTS 1.0.0 GetCapabilities, KVP and RESTful: the layers a user can choose from, each with
 * its styles, formats and the tile matrix sets it links to, and which of those sets CesiumJS can
 * draw — a Web Mercator quad (GoogleMapsCompatible, EPSG:3857: one 256-px tile at level 0,
 * doubling at each level, origin at the top-left of the Mercator square) or a WGS84 quad (two
 * tiles at level 0, EPSG:4326 / CRS84). A service whose sets are none of these is refused with
 * the sets it offers. Pure.
 */

/** A tile matrix set as Cesium would draw it. */
export interface WmtsMatrixSet {
  id: string;
  /** `SupportedCRS` as written. */
  crs: string;
  /** How Cesium draws it, or null (another projection or grid). */
  scheme: 'webmercator' | 'geographic' | null;
  /** Why it cannot be drawn (when scheme is null). */
  why: string;
  /** TileMatrix identifiers by Cesium level (undefined below `minLevel`). */
  labels: (string | undefined)[];
  minLevel: number;
  tileSizePx: number;
}

export interface WmtsLayer {
  id: string;
  title: string;
  styles: string[];
  /** The default style (or the first). */
  style: string;
  formats: string[];
  matrixSets: string[];
  /** RESTful templates by format (`resourceType="tile"`). */
  templates: { format: string; template: string }[];
  /** WGS84BoundingBox [west, south, east, north], degrees, when given. */
  bbox: [number, number, number, number] | null;
}

export interface WmtsCapabilities {
  layers: WmtsLayer[];
  sets: Map<string, WmtsMatrixSet>;
  /** GetTile KVP endpoint (OperationsMetadata), or null. */
  kvpUrl: string | null;
}

/** Everything Cesium's WebMapTileServiceImageryProvider needs for one layer. */
export interface WmtsChoice {
  layer: string;
  title: string;
  style: string;
  format: string;
  tileMatrixSet: string;
  scheme: 'webmercator' | 'geographic';
  labels: (string | undefined)[];
  minLevel: number;
  maxLevel: number;
  tileSizePx: number;
  /** RESTful template, or the KVP endpoint. */
  url: string;
  restful: boolean;
  bbox: [number, number, number, number] | null;
}

/** The GetCapabilities URL of a WMTS: a RESTful `…/WMTSCapabilities.xml` as it is, else KVP. */
export function wmtsCapabilitiesUrl(url: string): string {
  const [base, query = ''] = url.split('?') as [string, string?];
  if (/\.xml$/i.test(base)) return url;
  const kept = query.split('&').filter((p) => p !== '' && !/^(service|request|version)=/i.test(p));
  return `${base}?${[...kept, 'SERVICE=WMTS', 'REQUEST=GetCapabilities', 'VERSION=1.0.0'].join('&')}`;
}

const WEB_MERCATOR_HALF = 20037508.342789244;
const MERCATOR_CODES = /(^|[^\d])(3857|900913|3785|102100|102113)$/;
const GEOGRAPHIC_CODES = /(^|[^\d])(4326)$|CRS:?84$/i;

interface RawMatrix {
  id: string;
  corner: number[];
  width: number;
  height: number;
  tileW: number;
  tileH: number;
}

function classify(id: string, crs: string, matrices: RawMatrix[]): WmtsMatrixSet {
  const set = (scheme: WmtsMatrixSet['scheme'], why: string, labels: (string | undefined)[] = [], minLevel = 0, tileSizePx = 256): WmtsMatrixSet => ({ id, crs, scheme, why, labels, minLevel, tileSizePx });
  if (matrices.length === 0) return set(null, 'no TileMatrix');
  const t0 = matrices[0]!;
  if (!matrices.every((m) => m.tileW === t0.tileW && m.tileH === t0.tileW)) return set(null, 'tiles are not square or change size between levels');
  const c = crs.trim();
  const mercator = MERCATOR_CODES.test(c) || /GoogleMapsCompatible/i.test(id);
  const geographic = !mercator && GEOGRAPHIC_CODES.test(c);
  if (!mercator && !geographic) return set(null, `CRS ${c} (neither Web Mercator nor WGS84)`);
  const labels: (string | undefined)[] = [];
  let minLevel = Infinity;
  for (const m of matrices) {
    // Web Mercator: 2^l × 2^l tiles; WGS84 quad: 2^(l+1) × 2^l.
    const l = Math.log2(m.height);
    const wantW = mercator ? m.height : 2 * m.height;
    if (!Number.isInteger(l) || m.width !== wantW) return set(null, `TileMatrix ${m.id} is ${m.width}×${m.height} tiles, not a ${mercator ? 'Web Mercator' : 'WGS84'} quad level`);
    const [a, b] = m.corner;
    const ok = mercator
      ? Math.abs(a! + WEB_MERCATOR_HALF) < 1 && Math.abs(b! - WEB_MERCATOR_HALF) < 1
      : (Math.abs(a! + 180) < 1e-6 && Math.abs(b! - 90) < 1e-6) || (Math.abs(a! - 90) < 1e-6 && Math.abs(b! + 180) < 1e-6);
    if (!ok) return set(null, `TileMatrix ${m.id} has its top-left corner at ${m.corner.join(' ')}, not the ${mercator ? 'Web Mercator' : 'WGS84'} origin`);
    if (labels[l] !== undefined) return set(null, `two TileMatrix at level ${l}`);
    labels[l] = m.id;
    minLevel = Math.min(minLevel, l);
  }
  for (let l = minLevel; l < labels.length; l++) if (labels[l] === undefined) return set(null, `level ${l} is missing between ${minLevel} and ${labels.length - 1}`);
  return set(mercator ? 'webmercator' : 'geographic', '', labels, minLevel, t0.tileW);
}

/** Reads WMTS capabilities; throws a LayerParseError naming the service and the reason. */
export function readWmtsCapabilities(bytes: Uint8Array, where: string, maxLayers = 2000): WmtsCapabilities {
  const parser = new SaxesParser();
  const stack: string[] = [];
  let text = '';
  let root: string | null = null;
  let exception = '';
  const layers: WmtsLayer[] = [];
  const sets = new Map<string, WmtsMatrixSet>();
  let kvpUrl: string | null = null;
  let layer: WmtsLayer | null = null;
  let style: { id: string; isDefault: boolean } | null = null;
  let setCur: { id: string; crs: string; matrices: RawMatrix[] } | null = null;
  let matrix: RawMatrix | null = null;
  let op: string | null = null;
  let getHref: string | null = null;
  let getKvp = false;
  let getConstrained = false;
  let numbers = 0;
  parser.on('opentag', (tag) => {
    const name = tag.name.slice(tag.name.indexOf(':') + 1);
    if (root === null) root = name;
    if (stack.length >= USER_LIMITS.maxXmlDepth) throw new LayerParseError(where, `XML nested deeper than ${USER_LIMITS.maxXmlDepth}`);
    const parent = stack[stack.length - 1];
    stack.push(name);
    text = '';
    const attr = (k: string) => {
      for (const [n, v] of Object.entries(tag.attributes)) if (n === k || n.endsWith(`:${k}`)) return String(v);
      return null;
    };
    if (name === 'Layer' && parent === 'Contents') layer = { id: '', title: '', styles: [], style: '', formats: [], matrixSets: [], templates: [], bbox: null };
    else if (name === 'Style' && layer !== null) style = { id: '', isDefault: attr('isDefault') === 'true' };
    else if (name === 'ResourceURL' && layer !== null) {
      const tpl = attr('template'), fmt = attr('format');
      if ((attr('resourceType') ?? 'tile') === 'tile' && tpl !== null) layer.templates.push({ format: fmt ?? '', template: tpl });
    } else if (name === 'TileMatrixSet' && parent === 'Contents') setCur = { id: '', crs: '', matrices: [] };
    else if (name === 'TileMatrix' && setCur !== null && parent === 'TileMatrixSet') matrix = { id: '', corner: [], width: 0, height: 0, tileW: 0, tileH: 0 };
    else if (name === 'Operation' && parent === 'OperationsMetadata') op = attr('name');
    else if (name === 'Get' && op === 'GetTile') {
      getHref = attr('href');
      getKvp = false;
      getConstrained = false;
    }
  });
  parser.on('text', (t) => {
    if (text.length < 10_000) text += t;
  });
  parser.on('closetag', () => {
    const name = stack.pop()!;
    const parent = stack[stack.length - 1];
    const v = text.trim();
    if (++numbers > 2_000_000) throw new LayerParseError(where, 'too many elements');
    if (name === 'ExceptionText') exception = v;
    else if (matrix !== null && parent === 'TileMatrix') {
      if (name === 'Identifier') matrix.id = v;
      else if (name === 'TopLeftCorner') matrix.corner = v.split(/\s+/).map(Number);
      else if (name === 'MatrixWidth') matrix.width = Number(v);
      else if (name === 'MatrixHeight') matrix.height = Number(v);
      else if (name === 'TileWidth') matrix.tileW = Number(v);
      else if (name === 'TileHeight') matrix.tileH = Number(v);
    } else if (name === 'TileMatrix' && matrix !== null && setCur !== null) {
      setCur.matrices.push(matrix);
      matrix = null;
    } else if (setCur !== null && parent === 'TileMatrixSet' && name === 'Identifier') setCur.id = v;
    else if (setCur !== null && parent === 'TileMatrixSet' && name === 'SupportedCRS') setCur.crs = v;
    else if (name === 'TileMatrixSet' && setCur !== null && parent === 'Contents') {
      if (setCur.id !== '') sets.set(setCur.id, classify(setCur.id, setCur.crs, setCur.matrices));
      setCur = null;
    } else if (style !== null && layer !== null) {
      if (name === 'Identifier' && parent === 'Style') style.id = v;
      else if (name === 'Style') {
        if (style.id !== '') {
          layer.styles.push(style.id);
          if (style.isDefault || layer.style === '') layer.style = style.id;
        }
        style = null;
      }
    } else if (layer !== null && parent === 'Layer') {
      if (name === 'Identifier') layer.id = v;
      else if (name === 'Title') layer.title = v;
      else if (name === 'Format') layer.formats.push(v);
    } else if (layer !== null && name === 'TileMatrixSet' && parent === 'TileMatrixSetLink') layer.matrixSets.push(v);
    else if (layer !== null && parent === 'WGS84BoundingBox' && (name === 'LowerCorner' || name === 'UpperCorner')) {
      const [x, y] = v.split(/\s+/).map(Number);
      const b = layer.bbox ?? [NaN, NaN, NaN, NaN];
      if (name === 'LowerCorner') [b[0], b[1]] = [x!, y!];
      else [b[2], b[3]] = [x!, y!];
      layer.bbox = b;
    } else if (name === 'Layer' && layer !== null && parent === 'Contents') {
      if (layer.id !== '' && layers.length < maxLayers) layers.push(layer);
      layer = null;
    } else if (name === 'Value' && op === 'GetTile' && getHref !== null) {
      // GetEncoding constraint: KVP, RESTful or SOAP; a Get without one is taken as KVP.
      getConstrained = true;
      if (/^KVP$/i.test(v)) getKvp = true;
    } else if (name === 'Get' && op === 'GetTile' && getHref !== null) {
      if ((getKvp || !getConstrained) && kvpUrl === null) kvpUrl = getHref;
      getHref = null;
    } else if (name === 'Operation') op = null;
  });
  try {
    parser.write(decodeUtf8(bytes)).close();
  } catch (e) {
    if (e instanceof LayerParseError) throw e;
    throw new LayerParseError(where, `malformed capabilities XML (${(e instanceof Error ? e.message : String(e)).slice(0, 160)})`);
  }
  if (exception !== '' || root === 'ExceptionReport') throw new LayerParseError(where, `service exception: ${(exception || 'no text').slice(0, 200)}`);
  if (root !== 'Capabilities') throw new LayerParseError(where, `not WMTS capabilities (root element ${root ?? 'none'})`);
  for (const l of layers) if (l.bbox !== null && !l.bbox.every(Number.isFinite)) l.bbox = null;
  if (layers.length === 0) throw new LayerParseError(where, 'the service lists no layer');
  return { layers, sets, kvpUrl };
}

/** Layers with at least one tile matrix set Cesium can draw. */
export function drawableLayers(caps: WmtsCapabilities): WmtsLayer[] {
  return caps.layers.filter((l) => l.matrixSets.some((s) => (caps.sets.get(s)?.scheme ?? null) !== null));
}

/** A URL resolved against a base, its `{placeholders}` kept as written. */
const resolveTemplate = (template: string, base: string) => new URL(template, base).href.replace(/%7B/gi, '{').replace(/%7D/gi, '}');

const FORMAT_PREFERENCE = ['image/png', 'image/jpeg', 'image/webp'];

/**
 * The layer (by id, else the first drawable), its style, format and the tile matrix set Cesium
 * draws (Web Mercator first), and the URL to ask tiles from. Throws a LayerParseError saying why
 * nothing can be drawn (naming the sets offered) or what is missing.
 */
export function chooseWmts(caps: WmtsCapabilities, capsUrl: string, layerId: string | null, where: string): WmtsChoice {
  const drawable = drawableLayers(caps);
  if (drawable.length === 0) {
    const offered = [...new Set(caps.layers.flatMap((l) => l.matrixSets))].map((s) => {
      const set = caps.sets.get(s);
      return set === undefined ? `${s} (not described)` : `${s} (${set.why})`;
    });
    throw new LayerParseError(where, `no tile matrix set Cesium can draw (GoogleMapsCompatible / EPSG:3857 or a WGS84 quad); the service offers ${offered.slice(0, 4).join('; ') || 'none'}`);
  }
  const layer = drawable.find((l) => l.id === layerId) ?? drawable[0]!;
  const setId = [...layer.matrixSets].sort((a, b) => (caps.sets.get(a)?.scheme === 'webmercator' ? -1 : 0) - (caps.sets.get(b)?.scheme === 'webmercator' ? -1 : 0)).find((s) => (caps.sets.get(s)?.scheme ?? null) !== null)!;
  const set = caps.sets.get(setId)!;
  const formats = layer.templates.length > 0 ? layer.templates.map((t) => t.format) : layer.formats;
  const format = FORMAT_PREFERENCE.find((f) => formats.includes(f)) ?? formats.find((f) => f.startsWith('image/')) ?? formats[0] ?? 'image/png';
  const template = layer.templates.find((t) => t.format === format)?.template ?? null;
  let url: string;
  let restful: boolean;
  if (template !== null && (caps.kvpUrl === null || /\.xml$/i.test(capsUrl.split('?')[0]!))) {
    const unknown = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).filter((k) => !['TileMatrixSet', 'TileMatrix', 'TileRow', 'TileCol', 'Style', 'style'].includes(k));
    if (unknown.length > 0) throw new LayerParseError(where, `the tile URL template of ${layer.id} needs dimensions Jumeau does not set: ${unknown.join(', ')}`);
    url = resolveTemplate(template, capsUrl);
    restful = true;
  } else if (caps.kvpUrl !== null) {
    url = new URL(caps.kvpUrl, capsUrl).href;
    restful = false;
  } else if (template !== null) {
    url = resolveTemplate(template, capsUrl);
    restful = true;
  } else {
    url = capsUrl.split('?')[0]!;
    restful = false;
  }
  return {
    layer: layer.id,
    title: layer.title,
    style: layer.style !== '' ? layer.style : 'default',
    format,
    tileMatrixSet: set.id,
    scheme: set.scheme!,
    labels: set.labels,
    minLevel: set.minLevel,
    maxLevel: set.labels.length - 1,
    tileSizePx: set.tileSizePx,
    url,
    restful,
    bbox: layer.bbox,
  };
}
