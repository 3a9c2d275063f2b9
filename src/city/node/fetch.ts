import { basename, dirname, join, resolve } from 'node:path';
import { buildCity, type BuildOptions, type BuildResult } from './build.ts';
import { fetchWfs, WFS_PRESETS, type FetchPolicy, type FetchResult, type WfsRequest } from './wfs.ts';

/**
 * `npm run city -- fetch`: buildings from a WFS (a preset: IGN BD TOPO, Rennes Métropole; or any
 * WFS 2.0 URL) for a bbox → a city pack. Pages are cached in `<out>.wfs-cache/` next to the pack
 * (or `cache`) so an interrupted fetch resumes.
 */

export interface FetchCityOptions extends Omit<BuildOptions, 'inputs' | 'attribution'> {
  /** A preset id (`ign-bdtopo`, `rennes-metropole`) or `custom` with `url` and `typeName`. */
  source: string;
  url?: string;
  typeName?: string;
  srsName?: string;
  bbox: [number, number, number, number];
  pageSize?: number;
  maxFeatures?: number;
  sortBy?: string;
  cacheDir?: string;
  policy?: FetchPolicy;
  /** Date of the data for the attribution (default: today, the date of the fetch). */
  date?: string;
  /** Overrides of the preset's attribution. */
  publisher?: string;
  licence?: string;
  licenceUrl?: string;
  title?: string;
}

export interface FetchCityResult {
  fetch: FetchResult;
  build: BuildResult;
}

/** Parses `west,south,east,north` (degrees). */
export function parseBbox(text: string): [number, number, number, number] {
  const v = text.split(',').map((x) => Number(x.trim()));
  if (v.length !== 4 || v.some((x) => !Number.isFinite(x))) throw new Error(`--bbox must be west,south,east,north in degrees, not "${text}"`);
  const [w, s, e, n] = v as [number, number, number, number];
  if (!(w < e && s < n && w >= -180 && e <= 180 && s >= -90 && n <= 90)) throw new Error(`--bbox ${text}: expected west < east and south < north, in degrees`);
  return [w, s, e, n];
}

/** Fetches the buildings of a bbox from a WFS (resuming from the cache) and builds the pack. */
export async function fetchCity(o: FetchCityOptions): Promise<FetchCityResult> {
  const preset = WFS_PRESETS[o.source];
  if (preset === undefined && o.source !== 'custom') throw new Error(`unknown --source "${o.source}": ${Object.keys(WFS_PRESETS).join(', ')} or custom (with --url and --type-name)`);
  const url = o.url ?? preset?.url;
  const typeName = o.typeName ?? preset?.typeName ?? undefined;
  if (url === undefined) throw new Error('--source custom needs --url <WFS endpoint>');
  if (typeName === undefined) {
    throw new Error(`${preset?.title ?? 'this WFS'} has no known buildings layer: pass --type-name <layer> (see the service's GetCapabilities)`);
  }
  const request: WfsRequest = {
    url,
    typeName,
    srsName: o.srsName ?? preset?.srsName ?? 'EPSG:4326',
    bbox: o.bbox,
    pageSize: o.pageSize ?? 1000,
    ...(o.maxFeatures !== undefined ? { maxFeatures: o.maxFeatures } : {}),
    ...(o.sortBy !== undefined ? { sortBy: o.sortBy } : {}),
  };
  const outDir = resolve(o.outDir);
  const cacheDir = o.cacheDir ?? join(dirname(outDir), `${basename(outDir)}.wfs-cache`);
  const fetched = await fetchWfs(request, cacheDir, o.policy ?? {});
  if (fetched.features === 0) throw new Error(`the WFS returned no feature for ${typeName} in ${o.bbox.join(',')}`);
  const publisher = o.publisher ?? preset?.publisher;
  const licence = o.licence ?? preset?.licence;
  if (publisher === undefined || licence === undefined) throw new Error('--source custom needs --publisher and --licence');
  const { source: _s, url: _u, typeName: _t, srsName: _sr, bbox: _b, pageSize: _p, maxFeatures: _m, sortBy: _so, cacheDir: _c, policy: _po, date, publisher: _pu, licence: _l, licenceUrl, title, ...buildOpts } = o;
  const idAttribute = o.idAttribute ?? preset?.idAttribute ?? undefined;
  const notes = [...fetched.notes];
  if (fetched.duplicates > 0) notes.push(`${fetched.duplicates} features seen twice across WFS pages were dropped`);
  if (fetched.swappedAxes) notes.push('the WFS answered latitude first: axes swapped back to longitude, latitude');
  const build = await buildCity({
    ...buildOpts,
    notes: [...(buildOpts.notes ?? []), ...notes],
    ...(idAttribute !== undefined ? { idAttribute } : {}),
    inputs: [fetched.file],
    attribution: {
      title: title ?? preset?.title ?? typeName,
      publisher,
      licence,
      ...((licenceUrl ?? preset?.licenceUrl) !== undefined ? { licenceUrl: (licenceUrl ?? preset?.licenceUrl)! } : {}),
      date: date ?? new Date().toISOString().slice(0, 10),
      status: 'recorded',
      origin: `${url} ${typeName} bbox ${o.bbox.join(',')}`.slice(0, 500),
    },
  });
  return { fetch: fetched, build };
}
