import proj4 from 'proj4';

/**
 * Coordinate reference systems the city pipeline reads, and their transforms to WGS84 lon/lat
 * through proj4. Definitions are the EPSG ones (as PROJ writes them); RGF93 is taken equal to
 * WGS84 (towgs84 = 0), as IGN and PROJ do for these systems.
 *
 * Each CRS has an area of use (generous, degrees): a reprojected point outside it means the
 * data is not in the CRS it claims (wrong --crs, swapped axes), and the building is rejected.
 */

export interface CrsInfo {
  /** Canonical name, `EPSG:n`. */
  code: string;
  title: string;
  /** Geographic (degrees) rather than projected (metres). */
  geographic: boolean;
  /** proj4 definition. */
  proj: string;
  /** Area of use [west, south, east, north], degrees, with a margin. */
  area: readonly [number, number, number, number];
}

const RGF93 = '+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs +type=crs';

/** CC zones (Lambert conic conformal, 9 zones of RGF93 "coniques conformes"), EPSG:3942–3950. */
function ccZone(n: number): CrsInfo {
  const lat0 = n;
  return {
    code: `EPSG:${3900 + n}`,
    title: `RGF93 v1 / CC${n}`,
    geographic: false,
    proj: `+proj=lcc +lat_0=${lat0} +lon_0=3 +lat_1=${lat0 - 0.75} +lat_2=${lat0 + 0.75} +x_0=1700000 +y_0=${(n - 41) * 1_000_000 + 200_000} ${RGF93}`,
    area: [-10, lat0 - 2, 11, lat0 + 2],
  };
}

const LIST: CrsInfo[] = [
  { code: 'EPSG:4326', title: 'WGS 84 (longitude, latitude)', geographic: true, proj: '+proj=longlat +datum=WGS84 +no_defs +type=crs', area: [-180, -90, 180, 90] },
  { code: 'EPSG:4171', title: 'RGF93 v1 (longitude, latitude)', geographic: true, proj: `+proj=longlat ${RGF93}`, area: [-180, -90, 180, 90] },
  { code: 'EPSG:4258', title: 'ETRS89 (longitude, latitude)', geographic: true, proj: '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs +type=crs', area: [-180, -90, 180, 90] },
  {
    code: 'EPSG:2154',
    title: 'RGF93 v1 / Lambert-93',
    geographic: false,
    proj: `+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 ${RGF93}`,
    area: [-10, 40.5, 11, 52],
  },
  ...[42, 43, 44, 45, 46, 47, 48, 49, 50].map(ccZone),
  {
    code: 'EPSG:3857',
    title: 'WGS 84 / Pseudo-Mercator',
    geographic: false,
    proj: '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs +type=crs',
    area: [-180, -85.1, 180, 85.1],
  },
];

const BY_CODE = new Map(LIST.map((c) => [c.code, c]));

/** Every supported CRS. */
export const SUPPORTED_CRS: readonly CrsInfo[] = LIST;

/**
 * Reads a CRS name as written in GeoJSON `crs` members, GML `srsName` attributes or on the
 * command line: `EPSG:2154`, `epsg:2154`, `2154`, `urn:ogc:def:crs:EPSG::3946`,
 * `urn:ogc:def:crs:EPSG:6.3:3946`, `http://www.opengis.net/def/crs/EPSG/0/3946`,
 * `urn:ogc:def:crs:OGC:1.3:CRS84`, `CRS:84`, compound `urn:ogc:def:crs,crs:EPSG::3946,crs:EPSG::5621`
 * (the horizontal part is kept). Returns `EPSG:n` (CRS84 → EPSG:4326), or null when unreadable.
 */
export function parseCrsName(name: string): string | null {
  const s = name.trim();
  if (/^(urn:ogc:def:crs:OGC:(1\.3)?:CRS84|CRS:?84|OGC:CRS84|http:\/\/www\.opengis\.net\/def\/crs\/OGC\/1\.3\/CRS84)$/i.test(s)) return 'EPSG:4326';
  let m = /^(?:EPSG:)?(\d{4,6})$/i.exec(s);
  if (m !== null) return `EPSG:${Number(m[1])}`;
  m = /EPSG(?::[\d.]*)?:(\d{4,6})/i.exec(s) ?? /\/EPSG\/\d+\/(\d{4,6})/i.exec(s);
  if (m !== null) return `EPSG:${Number(m[1])}`;
  return null;
}

/** The supported CRS with this name, or an error naming the supported ones. */
export function crsInfo(name: string): CrsInfo {
  const code = parseCrsName(name);
  const info = code !== null ? BY_CODE.get(code) : undefined;
  if (info === undefined) {
    throw new Error(`unsupported CRS "${name}": supported are ${LIST.map((c) => c.code).join(', ')} (and CRS84)`);
  }
  return info;
}

/** A transform from a CRS to WGS84 longitude/latitude, degrees. */
export interface ToWgs84 {
  crs: CrsInfo;
  /** Returns [lon, lat] in degrees (NaN when the point cannot be transformed). */
  forward(x: number, y: number): [number, number];
  /** Whether a WGS84 point lies in the CRS's area of use. */
  inArea(lonDeg: number, latDeg: number): boolean;
}

/** Builds the transform of a supported CRS to WGS84. */
export function toWgs84(name: string): ToWgs84 {
  const crs = crsInfo(name);
  const [w, s, e, n] = crs.area;
  const inArea = (lon: number, lat: number) => lon >= w && lon <= e && lat >= s && lat <= n;
  if (crs.code === 'EPSG:4326' || crs.code === 'EPSG:4171' || crs.code === 'EPSG:4258') {
    return { crs, forward: (x, y) => [x, y], inArea };
  }
  const conv = proj4(crs.proj, LIST[0]!.proj);
  return {
    crs,
    forward(x, y) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) return [NaN, NaN];
      try {
        const r = conv.forward([x, y]);
        return [r[0]!, r[1]!];
      } catch {
        return [NaN, NaN];
      }
    },
    inArea,
  };
}

/**
 * Whether coordinates given in a world-wide projected CRS by the user (`--crs EPSG:3857`, not
 * declared by the data) look like a national CRS's: the same numbers read in a supported
 * national CRS land inside its area, while read as given they land outside it or more than
 * 100 km away (Lambert-93 numbers read as Web Mercator build in Germany). National CRSs need no
 * such test: numbers of another CRS read in them fall outside their area and every building is
 * refused with that reason. Returns the message of the error to raise, or null.
 */
export function suspiciousCrs(code: string, x: number, y: number, where: string): string | null {
  const given = toWgs84(code);
  if (given.crs.geographic || given.crs.area[2] - given.crs.area[0] < 180) return null;
  const [lon, lat] = given.forward(x, y);
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return null;
  for (const other of LIST) {
    if (other.geographic || other.area[2] - other.area[0] >= 180) continue;
    const t = toWgs84(other.code);
    const [olon, olat] = t.forward(x, y);
    if (!t.inArea(olon, olat)) continue;
    if (t.inArea(lon, lat) && distanceKm(lon, lat, olon, olat) <= 100) continue;
    return `${where}: --crs ${given.crs.code} puts its first vertex (${x}, ${y}) at lon ${lon.toFixed(4)}, lat ${lat.toFixed(4)}, but these numbers look like ${other.code} (${other.title}), where they lie at lon ${olon.toFixed(4)}, lat ${olat.toFixed(4)}: check --crs, or pass --force-crs if ${given.crs.code} is right`;
  }
  return null;
}

/** Great-circle distance between two points, kilometres (spherical Earth). */
export function distanceKm(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const r = Math.PI / 180;
  const a = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lon2 - lon1) * r) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)));
}
