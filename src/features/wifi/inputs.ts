import type { LayerFeature } from '../../layers/types.ts';
import { hotspotsFromFeatures } from '../../layers/wifi.ts';
import type { ScenarioEffect } from '../../scenarios/model.ts';

/**
 * Inputs of the `wifi-coverage` simulation, shared by the wifi feature (src/features/wifi/feature.ts) and the
 * scenario comparison (src/features/wifi/indicators.ts): access points of the open data and of a
 * scenario's hotspot edits, polygon layers (population squares, districts, QPV) cut to the
 * study's bounding box. Pure.
 */

/** An access point of the open data (the city's wifi layer), in service. */
export interface WifiSite {
  id: string;
  name?: string;
  lonDeg: number;
  latDeg: number;
}

/** An access point as the simulation takes it. */
export interface AccessPointInput {
  id: string;
  name?: string;
  position: [number, number];
  heightM?: number;
  eirpDbm?: number;
  band?: '2.4' | '5';
  pattern?: { kind: 'omni' } | { kind: 'sector'; azimuthDeg: number };
  origin: 'open-data' | 'scenario' | 'candidate';
}

export function featureBbox(f: LayerFeature): [number, number, number, number] {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const visit = (p: readonly number[]) => {
    w = Math.min(w, p[0]!);
    e = Math.max(e, p[0]!);
    s = Math.min(s, p[1]!);
    n = Math.max(n, p[1]!);
  };
  if (f.geometry.type === 'point') visit(f.geometry.coordinates);
  else if (f.geometry.type === 'line') f.geometry.lines.forEach((l) => l.forEach(visit));
  else f.geometry.polygons.forEach((poly) => poly.forEach((r) => r.forEach(visit)));
  return [w, s, e, n];
}

const overlaps = (a: readonly number[], b: readonly number[]) => a[0]! <= b[2]! && a[2]! >= b[0]! && a[1]! <= b[3]! && a[3]! >= b[1]!;

/** Polygon features meeting `bbox`, as a GeoJSON FeatureCollection for the simulation input. */
export function polygonsFc(features: readonly LayerFeature[], bbox: readonly number[]): { type: 'FeatureCollection'; features: unknown[] } {
  return {
    type: 'FeatureCollection',
    features: features
      .filter((f) => f.geometry.type === 'polygon' && overlaps(featureBbox(f), bbox))
      .map((f) => {
        const polys = (f.geometry as Extract<LayerFeature['geometry'], { type: 'polygon' }>).polygons;
        return {
          type: 'Feature',
          geometry: polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys },
          properties: { ...f.properties, name: f.name },
        };
      }),
  };
}

/** Bounding box [w, s, e, n] of a ring of [lon, lat]. */
export function ringBbox(ring: readonly (readonly number[])[]): [number, number, number, number] {
  const lons = ring.map((q) => q[0]!), lats = ring.map((q) => q[1]!);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}

/** The wifi layer's access points in service inside `bbox` [w, s, e, n], with ids `open:<id>`. */
export function openWifiSites(features: readonly LayerFeature[], bbox: readonly number[]): (WifiSite & { name: string })[] {
  const [w, s, e, n] = bbox as [number, number, number, number];
  return hotspotsFromFeatures(features)
    .filter((hs) => hs.inService && hs.lonDeg >= w && hs.lonDeg <= e && hs.latDeg >= s && hs.latDeg <= n)
    .map((hs) => ({ id: `open:${hs.id}`, name: hs.name ?? hs.id, lonDeg: hs.lonDeg, latDeg: hs.latDeg }));
}

/** An open-data access point as the simulation takes it (defaults: 4 m, 20 dBm, 2.4 GHz, omni). */
export const openDataAp = (s: WifiSite): AccessPointInput => ({ id: s.id, ...(s.name !== undefined ? { name: s.name } : {}), position: [s.lonDeg, s.latDeg], origin: 'open-data' });

/** The id part of a hotspot reference: edits name open-data hotspots `layer:id`, sites `open:id`. */
export const hotspotKey = (ref: string): string => ref.replace(/^[^:]*:/, '');

/**
 * The access points of one side: the open data, with the scenario's hotspots removed, moved
 * (position and height) and added. A move or removal may target an added hotspot by its edit id.
 */
export function sideAccessPoints(open: readonly WifiSite[], hs: ScenarioEffect['hotspots']): AccessPointInput[] {
  const removed = new Set([...hs.removed.keys()].map(hotspotKey));
  const removedIds = new Set(hs.removed.keys());
  const moves = new Map([...hs.moved].map(([ref, e]) => [hotspotKey(ref), e]));
  const out: AccessPointInput[] = [];
  for (const s of open) {
    const k = hotspotKey(s.id);
    if (removed.has(k)) continue;
    const m = moves.get(k);
    const ap = openDataAp(s);
    out.push(m === undefined ? ap : { ...ap, position: [m.lonDeg, m.latDeg], ...(m.heightM !== undefined ? { heightM: m.heightM } : {}) });
  }
  for (const e of hs.added) {
    if (removedIds.has(e.id)) continue;
    const m = hs.moved.get(e.id);
    out.push({
      id: e.id,
      ...(e.label !== undefined ? { name: e.label } : {}),
      position: m !== undefined ? [m.lonDeg, m.latDeg] : [e.lonDeg, e.latDeg],
      heightM: m?.heightM ?? e.heightM,
      eirpDbm: e.eirpDbm,
      band: e.bandGHz === 5 ? '5' : '2.4',
      pattern: e.pattern === 'sector' ? { kind: 'sector', azimuthDeg: e.azimuthDeg ?? 0 } : { kind: 'omni' },
      origin: 'scenario',
    });
  }
  return out;
}

/** Input of `wifi-coverage` over a ring of [lon, lat] (open) with these access points and layers. */
export function wifiInput(o: {
  ring: readonly (readonly [number, number])[];
  city: { tileset: string; idProperties?: readonly string[] };
  accessPoints: readonly AccessPointInput[];
  candidates?: readonly AccessPointInput[];
  place?: number;
  params?: { thresholdDbm?: number; wallLossDb?: number; cellM?: number; receiverHeightM?: number; facades?: { spacingM: number } };
  population?: unknown;
  districts?: unknown;
  priorityAreas?: unknown;
  scenario?: unknown;
}): Record<string, unknown> {
  return {
    area: { type: 'Polygon', coordinates: [[...o.ring, o.ring[0]!]] },
    city: { tileset: o.city.tileset, ...(o.city.idProperties !== undefined ? { idProperties: [...o.city.idProperties] } : {}) },
    accessPoints: [...o.accessPoints],
    candidates: [...(o.candidates ?? [])],
    place: o.place ?? 0,
    ...(o.params ?? {}),
    ...(o.population !== undefined ? { population: o.population, populationField: 'ind_c' } : {}),
    ...(o.districts !== undefined ? { districts: o.districts } : {}),
    ...(o.priorityAreas !== undefined ? { priorityAreas: o.priorityAreas } : {}),
    ...(o.scenario !== undefined ? { scenario: o.scenario } : {}),
  };
}
