import { SaxesParser } from 'saxes';
import { decodeUtf8, flatValue, pushIssue } from '../../layers/parse/geojson.ts';
import { LayerParseError, type LayerFeature, type LayerGeometry, type ParsedLayer, type ParseIssue, type Position, type PropertyValue } from '../../layers/types.ts';
import { USER_LIMITS } from '../../layers/userdata-types.ts';

/**
 * GPX 1.0/1.1 (waypoints, routes, tracks) and KML 2.2 (placemarks: points, lines, polygons with
 * holes, multi-geometries, `ExtendedData`) through a SAX parser (saxes): the file is read once,
 * with a depth limit, and malformed XML is reported with its line and column. Pure.
 */

interface Node {
  name: string;
  text: string;
}

/** Walks an XML text calling `open`/`close` with the element's local name; text is collected per element. */
function walk(text: string, where: string, open: (name: string, attrs: Record<string, string>, stack: readonly Node[]) => void, close: (node: Node, stack: readonly Node[]) => void): void {
  const parser = new SaxesParser({ position: true });
  const stack: Node[] = [];
  const local = (n: string) => n.slice(n.indexOf(':') + 1);
  parser.on('opentag', (tag) => {
    if (stack.length >= USER_LIMITS.maxXmlDepth) throw new LayerParseError(where, `XML nested deeper than ${USER_LIMITS.maxXmlDepth} elements (line ${parser.line})`);
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) attrs[local(k)] = typeof v === 'string' ? v : v.value;
    const name = local(tag.name);
    open(name, attrs, stack);
    stack.push({ name, text: '' });
  });
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top !== undefined && top.text.length < 5_000_000) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const node = stack.pop();
    if (node !== undefined) close(node, stack);
  });
  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof LayerParseError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new LayerParseError(where, `malformed XML (${msg.slice(0, 200)})`);
  }
}

const finite = (n: number) => Number.isFinite(n);

/** KML coordinates "lon,lat[,alt] lon,lat[,alt] …". */
function kmlCoordinates(s: string): Position[] | string {
  const out: Position[] = [];
  for (const tuple of s.trim().split(/\s+/)) {
    if (tuple === '') continue;
    const [x, y] = tuple.split(',').map(Number);
    if (x === undefined || y === undefined || !finite(x) || !finite(y) || Math.abs(x) > 180 || Math.abs(y) > 90) return `invalid coordinates "${tuple.slice(0, 40)}"`;
    const last = out[out.length - 1];
    if (last === undefined || last[0] !== x || last[1] !== y) out.push([x, y]);
  }
  return out;
}

function openRing(r: Position[]): Position[] {
  const a = r[0], b = r[r.length - 1];
  if (r.length > 3 && a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1]) r.pop();
  return r;
}

/** Reads KML placemarks. */
export function readKml(bytes: Uint8Array, where: string): ParsedLayer {
  const issues: ParseIssue[] = [];
  const features: LayerFeature[] = [];
  let pm: { name: string | null; props: Record<string, PropertyValue>; points: Position[]; lines: Position[][]; polygons: Position[][][]; error: string | null; dataName: string | null } | null = null;
  let polygon: Position[][] | null = null;
  let index = 0;
  walk(
    decodeUtf8(bytes),
    where,
    (name, attrs) => {
      if (name === 'Placemark') pm = { name: null, props: {}, points: [], lines: [], polygons: [], error: null, dataName: null };
      else if (pm !== null && name === 'Polygon') polygon = [];
      else if (pm !== null && (name === 'Data' || name === 'SimpleData')) pm.dataName = attrs.name ?? null;
    },
    (node, stack) => {
      const p = pm as typeof pm;
      if (p === null) return;
      const parent = stack[stack.length - 1]?.name;
      switch (node.name) {
        case 'name':
          if (parent === 'Placemark') p.name = node.text.trim() || null;
          break;
        case 'description':
          if (parent === 'Placemark') p.props.description = flatValue(node.text.trim());
          break;
        case 'value':
          if (p.dataName !== null) p.props[p.dataName.slice(0, 200)] = flatValue(node.text.trim());
          break;
        case 'SimpleData':
          if (p.dataName !== null) p.props[p.dataName.slice(0, 200)] = flatValue(node.text.trim());
          p.dataName = null;
          break;
        case 'coordinates': {
          const c = kmlCoordinates(node.text);
          if (typeof c === 'string') {
            p.error ??= c;
            break;
          }
          const geom = parent === 'LinearRing' ? stack[stack.length - 2]?.name : parent;
          if (geom === 'Point' && c.length >= 1) p.points.push(c[0]!);
          else if (geom === 'LineString' && c.length >= 2) p.lines.push(c);
          else if ((geom === 'outerBoundaryIs' || geom === 'innerBoundaryIs') && polygon !== null) {
            const r = openRing(c);
            if (r.length >= 3) polygon.push(r);
            else p.error ??= 'a ring with fewer than 3 distinct positions';
          } else if (geom === 'Point' || geom === 'LineString') p.error ??= `a ${geom} without enough positions`;
          break;
        }
        case 'Polygon':
          if (polygon !== null && polygon.length > 0) p.polygons.push(polygon);
          polygon = null;
          break;
        case 'Placemark': {
          const i = index++;
          pm = null;
          if (features.length >= USER_LIMITS.maxFeatures) throw new LayerParseError(where, `more than ${USER_LIMITS.maxFeatures} placemarks`);
          let g: LayerGeometry | null = null;
          if (p.polygons.length > 0) g = { type: 'polygon', polygons: p.polygons };
          else if (p.lines.length > 0) g = { type: 'line', lines: p.lines };
          else if (p.points.length > 0) g = { type: 'point', coordinates: p.points[0]! };
          if (g === null) {
            pushIssue(issues, { where: `${where} placemark ${i}${p.name !== null ? ` "${p.name}"` : ''}`, reason: p.error ?? 'no geometry' });
            break;
          }
          if (p.error !== null) pushIssue(issues, { where: `${where} placemark ${i}`, reason: `part skipped: ${p.error}` });
          if (p.name !== null) p.props.name = p.name;
          features.push({ id: String(i), name: p.name, geometry: g, properties: p.props });
          break;
        }
      }
    },
  );
  return { features, issues };
}

/** Reads GPX waypoints (points), routes and tracks (lines, one per segment). */
export function readGpx(bytes: Uint8Array, where: string): ParsedLayer {
  const issues: ParseIssue[] = [];
  const features: LayerFeature[] = [];
  let item: { kind: 'wpt' | 'rte' | 'trk'; props: Record<string, PropertyValue>; pts: Position[]; lines: Position[][]; eles: number[] } | null = null;
  let wpt: { lon: number; lat: number; props: Record<string, PropertyValue> } | null = null;
  let seen = 0;
  const point = (attrs: Record<string, string>): Position | null => {
    const lat = Number(attrs.lat), lon = Number(attrs.lon);
    return finite(lat) && finite(lon) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90 && attrs.lat !== undefined && attrs.lon !== undefined ? [lon, lat] : null;
  };
  walk(
    decodeUtf8(bytes),
    where,
    (name, attrs) => {
      if (name === 'wpt') {
        const p = point(attrs);
        if (p === null) pushIssue(issues, { where: `${where} waypoint ${seen}`, reason: `invalid lat/lon "${attrs.lat ?? ''}", "${attrs.lon ?? ''}"` });
        wpt = p === null ? null : { lon: p[0], lat: p[1], props: {} };
        seen++;
      } else if (name === 'rte' || name === 'trk') item = { kind: name, props: {}, pts: [], lines: [], eles: [] };
      else if ((name === 'rtept' || name === 'trkpt') && item !== null) {
        const p = point(attrs);
        if (p === null) pushIssue(issues, { where: `${where} ${name} ${item.pts.length}`, reason: `invalid lat/lon "${attrs.lat ?? ''}", "${attrs.lon ?? ''}"` });
        else item.pts.push(p);
      }
    },
    (node, stack) => {
      const parent = stack[stack.length - 1]?.name;
      const w = wpt as typeof wpt;
      const it = item as typeof item;
      if ((node.name === 'name' || node.name === 'desc' || node.name === 'type' || node.name === 'ele' || node.name === 'time' || node.name === 'cmt') && parent !== undefined) {
        const v = node.text.trim();
        const val = node.name === 'ele' && finite(Number(v)) ? Number(v) : flatValue(v);
        if (parent === 'wpt' && w !== null) w.props[node.name] = val;
        else if ((parent === 'rte' || parent === 'trk') && it !== null) it.props[node.name] = val;
        else if ((parent === 'trkpt' || parent === 'rtept') && node.name === 'ele' && it !== null && typeof val === 'number') it.eles.push(val);
      } else if (node.name === 'wpt') {
        if (w !== null) features.push({ id: `wpt-${features.length}`, name: typeof w.props.name === 'string' ? w.props.name : null, geometry: { type: 'point', coordinates: [w.lon, w.lat] }, properties: { kind: 'waypoint', ...w.props } });
        wpt = null;
      } else if (node.name === 'trkseg' && it !== null) {
        if (it.pts.length >= 2) it.lines.push(it.pts);
        it.pts = [];
      } else if ((node.name === 'rte' || node.name === 'trk') && it !== null) {
        if (it.pts.length >= 2) it.lines.push(it.pts);
        const name = typeof it.props.name === 'string' ? it.props.name : null;
        if (it.lines.length === 0) pushIssue(issues, { where: `${where} ${it.kind === 'rte' ? 'route' : 'track'}${name !== null ? ` "${name}"` : ''}`, reason: 'fewer than 2 valid points' });
        else {
          const props: Record<string, PropertyValue> = { kind: it.kind === 'rte' ? 'route' : 'track', ...it.props, points: it.lines.reduce((s, l) => s + l.length, 0) };
          if (it.eles.length > 0) {
            props.minEleM = Math.min(...it.eles.slice(0, 100_000));
            props.maxEleM = Math.max(...it.eles.slice(0, 100_000));
          }
          features.push({ id: `${it.kind}-${features.length}`, name, geometry: { type: 'line', lines: it.lines }, properties: props });
        }
        item = null;
      }
      if (features.length > USER_LIMITS.maxFeatures) throw new LayerParseError(where, `more than ${USER_LIMITS.maxFeatures} features`);
    },
  );
  return { features, issues };
}
