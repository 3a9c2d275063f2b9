import type { CityPack } from '../core/schemas/city-pack.ts';
import type { Attribution } from '../core/schemas/attribution.ts';
import { validateCity, type CityFile } from '../core/schemas/city.ts';
import type { BasemapSource, CityConfig } from './types.ts';
import rennesJson from './cities/rennes.json';
import demoJson from './cities/demo.json';
import parisJson from './cities/paris.json';

/**
 * The cities shipped with the app, each described by a city file (`src/config/cities/*.json`,
 * format in src/config/city-schema.ts): no city is written in TypeScript. A city file may name a
 * pack (`"pack": "demo"`), whose manifest gives the tileset, the layer files and the extent;
 * packs without a city file are opened from their manifest alone (`cityFromPack`).
 */

/** The basemap of packs whose manifest names none (OpenStreetMap's standard tiles). */
export const OSM_BASEMAP: BasemapSource = {
  kind: 'xyz',
  id: 'osm',
  names: { fr: 'Plan OpenStreetMap', en: 'OpenStreetMap' },
  url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  maximumLevel: 19,
  attribution: {
    title: 'OpenStreetMap tiles',
    publisher: 'OpenStreetMap contributors',
    licence: 'ODbL 1.0',
    licenceUrl: 'https://www.openstreetmap.org/copyright',
    date: 'live',
    status: 'live',
    origin: 'https://tile.openstreetmap.org/',
  },
};

/** Imagery shipped with Cesium, always available offline. */
export const NATURAL_EARTH_ATTRIBUTION: Attribution = {
  title: 'Natural Earth II (shaded relief)',
  publisher: 'Natural Earth, shipped with CesiumJS',
  licence: 'Public domain',
  licenceUrl: 'https://www.naturalearthdata.com/about/terms-of-use/',
  date: '2012',
  status: 'recorded',
  origin: 'cesium/Assets/Textures/NaturalEarthII',
};

/** Time zone of cities whose file or pack names none (UTC: never a guess about a place). */
export const DEFAULT_TIME_ZONE = 'UTC';

function joinUrl(base: string, path: string): string {
  if (/^https?:\/\//.test(path) || path.startsWith('/')) return path;
  return (base.endsWith('/') ? base : `${base}/`) + path;
}

/**
 * The configuration of a city file, with its pack's manifest when it names one (read by the
 * catalog). `packsBaseUrl` resolves the pack's files. Throws when the file needs its pack's
 * extent and has no pack manifest.
 */
export function cityFromFile(file: CityFile, packsBaseUrl: string, pack: CityPack | null): CityConfig {
  const packUrl = file.pack !== undefined ? `${joinUrl(packsBaseUrl, file.pack)}/` : undefined;
  const bbox = file.bbox ?? pack?.bbox;
  const home = file.home ?? (pack !== null ? { ...pack.home, rollDeg: pack.home.rollDeg ?? 0 } : undefined);
  if (bbox === undefined || home === undefined) throw new Error(`city "${file.id}": no bbox or home view, and its pack "${file.pack ?? ''}" has no readable city.json`);
  let buildings: CityConfig['buildings'];
  if (file.buildings !== null) {
    const b = file.buildings;
    const packTileset = pack !== null ? pack.tileset : 'tileset.json';
    const url = b.url ?? (packUrl !== undefined && packTileset !== null ? packUrl + packTileset : undefined);
    const attribution = b.attribution ?? pack?.sources[0];
    if (url !== undefined && attribution !== undefined) {
      buildings = {
        url: packUrl !== undefined && b.url !== undefined ? joinUrl(packUrl, b.url) : url,
        heightProperties: b.url === undefined && pack !== null ? [...new Set([pack.heightProperty, ...b.heightProperties])] : b.heightProperties,
        idProperties: b.url === undefined && pack !== null ? [...new Set([pack.idProperty, ...b.idProperties])] : b.idProperties,
        ...(b.maximumScreenSpaceError !== undefined ? { maximumScreenSpaceError: b.maximumScreenSpaceError } : {}),
        attribution,
      };
    }
  }
  return {
    id: file.id,
    name: file.names.fr,
    names: file.names,
    ...(file.description !== undefined ? { description: file.description.en } : pack?.description !== undefined ? { description: pack.description } : {}),
    timeZone: file.timeZone,
    synthetic: file.synthetic,
    online: file.online,
    origin: 'builtin',
    home,
    bbox,
    ...(buildings !== undefined ? { buildings } : {}),
    ...(file.terrain !== null ? { terrain: { url: file.terrain.url, attribution: file.terrain.attribution } } : {}),
    basemaps: file.basemaps,
    ...(file.layers !== undefined ? { layers: file.layers } : {}),
    ...(packUrl !== undefined ? { packUrl, packLayers: pack !== null ? packLayersOf(pack, packUrl) : [] } : {}),
  };
}

function packLayersOf(pack: CityPack, base: string): NonNullable<CityConfig['packLayers']> {
  return pack.layers.map((l) => ({
    id: l.id,
    title: l.title,
    file: base + l.file,
    format: l.format,
    ...(l.layer !== undefined ? { layer: l.layer } : {}),
    attribution: l.attribution,
  }));
}

/**
 * The city files shipped with the app, in menu order, as raw JSON: the catalog validates them
 * like any other city file (a broken one gives a message naming its JSON paths, and the other
 * cities stay offered). A deployment replaces them at run time (src/config/runtime.ts).
 */
export const SHIPPED_CITY_FILES: readonly { name: string; raw: unknown }[] = [
  { name: 'rennes.json', raw: rennesJson },
  { name: 'demo.json', raw: demoJson },
  { name: 'paris.json', raw: parisJson },
];

/** The shipped city files that are valid. */
export const CITY_FILES: readonly CityFile[] = SHIPPED_CITY_FILES.flatMap((f) => {
  const r = validateCity(f.raw);
  return r.ok ? [r.city] : [];
});

/** A catalog entry for a city pack, resolving its files against the pack's base URL. */
export function cityFromPack(pack: CityPack, packUrl: string): CityConfig {
  const base = packUrl.endsWith('/') ? packUrl : `${packUrl}/`;
  const buildingsAttribution = pack.sources[0]!;
  const ext = pack.city ?? {};
  return {
    id: pack.id,
    name: ext.names?.fr ?? pack.name,
    names: ext.names ?? { fr: pack.name, en: pack.name },
    ...(pack.description !== undefined ? { description: pack.description } : {}),
    timeZone: ext.timeZone ?? DEFAULT_TIME_ZONE,
    synthetic: pack.synthetic,
    online: false,
    origin: 'pack',
    home: { ...pack.home, rollDeg: pack.home.rollDeg ?? 0 },
    bbox: pack.bbox,
    packUrl: base,
    ...(pack.tileset !== null
      ? {
          buildings: {
            url: base + pack.tileset,
            heightProperties: [pack.heightProperty],
            idProperties: [pack.idProperty],
            attribution: buildingsAttribution,
          },
        }
      : {}),
    ...(ext.terrain !== undefined && ext.terrain !== null ? { terrain: { url: joinUrl(base, ext.terrain.url), attribution: ext.terrain.attribution } } : {}),
    basemaps: ext.basemaps ?? [OSM_BASEMAP],
    ...(ext.layers !== undefined ? { layers: ext.layers } : {}),
    packLayers: packLayersOf(pack, base),
  };
}
