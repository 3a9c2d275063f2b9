import { geoJsonParser, toNumber } from './parse/geojson.ts';
import { live, ODBL_URL, PARIS_COVERAGE, recorded } from './provenance.ts';
import type { LayerDefinition, LayerFeature } from './types.ts';

/**
 * Public wifi hotspots. Offline: the Paris Wi-Fi sites (the only public-wifi dataset found; none
 * for Rennes) in the layers-only "paris" pack. Online: Paris's live export for Paris, and for
 * any other city the OpenStreetMap hotspots (`internet_access=wlan`) in the city's bbox.
 */

/**
 * A hotspot as the wifi simulation and scenarios use it. Open-data hotspots come from this layer;
 * hotspots a planner adds get `origin: 'scenario'` and live in the scenario (wifi issue).
 */
export interface WifiHotspot {
  id: string;
  name: string | null;
  lonDeg: number;
  latDeg: number;
  /** Antenna height above ground, metres (open data does not say: null). */
  heightM: number | null;
  /** Number of access points at the site, when published. */
  accessPoints: number | null;
  /** Operating status as published (e.g. "Opérationnel"), or null. */
  status: string | null;
  /** Whether the site is in service (status absent counts as in service). */
  inService: boolean;
  origin: 'open-data' | 'scenario';
}

const STATUS_FIELDS = ['etat2', 'etat', 'status'];
const IN_SERVICE = /^(op[ée]rationnel|en service|ouvert|open|active|yes)$/i;

/** The hotspots of the wifi layer's features (points only). */
export function hotspotsFromFeatures(features: readonly LayerFeature[]): WifiHotspot[] {
  const out: WifiHotspot[] = [];
  for (const f of features) {
    if (f.geometry.type !== 'point') continue;
    const status = STATUS_FIELDS.map((k) => f.properties[k]).find((v): v is string => typeof v === 'string' && v !== '') ?? null;
    out.push({
      id: f.id,
      name: f.name,
      lonDeg: f.geometry.coordinates[0],
      latDeg: f.geometry.coordinates[1],
      heightM: null,
      accessPoints: toNumber(f.properties.nombre_de_borne_wifi ?? f.properties.access_points ?? null),
      status,
      inService: status === null || IN_SERVICE.test(status.trim()),
      origin: 'open-data',
    });
  }
  return out;
}

export const wifiLayer = {
  id: 'wifi',
  theme: 'wifi',
  title: 'layers.wifi.title',
  description: 'layers.wifi.description',
  inputs: [
    {
      name: 'hotspots',
      packLayer: 'wifi',
      format: 'geojson',
      maxBytes: 20 * 1024 * 1024,
      samples: [{
        path: 'paris/paris_wifi_hotspots.geojson',
        pack: 'paris',
        title: 'Sites Paris Wi-Fi',
        attribution: recorded({ title: 'Sites disposant du service Paris Wi-Fi', publisher: 'Ville de Paris (opendata.paris.fr)', licence: 'ODbL 1.0', licenceUrl: ODBL_URL, date: '2023-05-09 (snapshot)', origin: 'simonejw/MonAmiParis Data/sites-disposant-du-service-paris-wi-fi.geojson @ 29fb62f' }),
      }],
    },
  ],
  online: [
    {
      kind: 'geojson', input: 'hotspots', coverage: PARIS_COVERAGE, maxBytes: 20 * 1024 * 1024, cache: true,
      url: 'https://opendata.paris.fr/api/explore/v2.1/catalog/datasets/sites-disposant-du-service-paris-wi-fi/exports/geojson',
      attribution: live('Sites Paris Wi-Fi', 'Ville de Paris (opendata.paris.fr)', 'ODbL 1.0', 'opendata.paris.fr sites-disposant-du-service-paris-wi-fi', ODBL_URL),
    },
    {
      kind: 'overpass', input: 'hotspots', maxBytes: 20 * 1024 * 1024, cache: true,
      url: 'https://overpass-api.de/api/interpreter?data=[out:json][timeout:60];nwr["internet_access"="wlan"]({south},{west},{north},{east});out center;',
      attribution: live('Points d’accès wifi (OpenStreetMap, internet_access=wlan)', 'OpenStreetMap contributors', 'ODbL 1.0', 'overpass-api.de', ODBL_URL),
    },
  ],
  prefer: 'pack',
  parse: geoJsonParser('hotspots', { idFields: ['idpw', 'id', '@id'], nameFields: ['nom_site', 'name', 'operator'], numericFields: ['nombre_de_borne_wifi'], geometry: ['point'] }),
  variants: [
    {
      id: 'points',
      label: 'layers.variant.points',
      symbols: [
        {
          kind: 'point',
          color: {
            kind: 'category', field: 'etat2',
            classes: [
              { value: 'Opérationnel', color: [0, 188, 212], label: 'layers.wifi.operational' },
              { value: 'Fermé pour travaux', color: [255, 152, 0], label: 'layers.wifi.closed' },
              { value: 'En déploiement', color: [156, 204, 101], label: 'layers.wifi.deploying' },
              { value: 'En étude', color: [189, 189, 189], label: 'layers.wifi.study' },
            ],
            other: [120, 144, 156],
            otherLabel: 'layers.wifi.other',
          },
          sizePx: { field: 'nombre_de_borne_wifi', min: 1, max: 30, minPx: 7, maxPx: 22, unit: 'bornes' },
          outline: [255, 255, 255],
          cluster: { radiusPx: 36 },
        },
      ],
    },
  ],
  label: { maxDistanceM: 2500, sizePx: 12 },
  legend: { title: 'layers.wifi.legend', note: 'layers.wifi.note' },
  keyProperties: ['nom_site', 'arc_adresse', 'cp', 'nombre_de_borne_wifi', 'etat2', 'idpw'],
} satisfies LayerDefinition;

