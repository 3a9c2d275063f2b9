import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parkingSearchSimulation, type ParkingSearchOutput } from '../../src/features/mobility/parking-contract.ts';
import { walkIsochronesSimulation, type WalkIsochronesOutput } from '../../src/features/mobility/walk-contract.ts';
import { sharedDataDir } from '../../src/city/node/open-data.ts';
import { runHeadless } from '../../workers/headless.ts';
import { multiSourceDijkstra } from '../../src/features/mobility/dijkstra.ts';
import { streetLinesFromGeoJson } from '../../src/features/mobility/data.ts';
import { buildStreetGraph, largestComponent, WALK } from '../../src/features/mobility/street-graph.ts';

/**
 * The mobility simulations on the real open data of ../shared/data (Rennes streets, metro,
 * bike share, INSEE grid, districts, QPV, Citédia car parks and their recorded occupancy).
 * They fail, not skip, when the data is missing.
 */

const DATA = sharedDataDir();
const f = (p: string) => join(DATA, 'rennes', p);
const STREETS = f('streets/osm_highways_rennes_2014.geojson');

const WALK_INPUT = {
  streets: STREETS,
  origin: { amenity: 'metro-stations' },
  amenities: [
    { id: 'metro-stations', url: f('transit/metro_stations.geojson') },
    { id: 'bike-share', url: f('transit/velostar_bike_share_stations.geojson') },
  ],
  population: f('population/insee_carreaux_200m_rennes_metropole.geojson'),
  districts: f('admin/rennes_sous_quartiers.geojson'),
  priorityAreas: f('admin/qpv_quartiers_prioritaires_rennes.geojson'),
  scenario: { id: 'metro-and-trambus', baseType: 'metro-stations', url: f('transit/trambus_stops_planned.geojson') },
};

describe('walk-isochrones on Rennes', () => {
  it('builds a connected street graph from the OSM file', () => {
    const { lines } = streetLinesFromGeoJson(new Uint8Array(readFileSync(STREETS)), 'streets');
    const g = buildStreetGraph(lines, 1);
    expect(g.nodeCount).toBeGreaterThan(10_000);
    // Most of the network is one component (the file is named ways only, so fragments remain):
    // from a node of the largest component, that many nodes are reachable on foot.
    const main = largestComponent(g, WALK);
    const size = main.reduce((s, v) => s + v, 0);
    expect(size / g.nodeCount).toBeGreaterThan(0.8);
    const d = multiSourceDijkstra(g, [main.indexOf(1)], null, WALK).distM;
    expect(d.filter((x) => Number.isFinite(x)).length).toBe(size);
  });

  it('gives isochrones around metro stations and the 15-minute shares, raised by the Trambus stops', async () => {
    const r = await runHeadless('walk-isochrones', WALK_INPUT);
    if (!r.ok) throw new Error(r.error.message);
    const o = r.value as WalkIsochronesOutput;
    expect(walkIsochronesSimulation.output.safeParse(o).success).toBe(true);
    // Two line b stations lie beyond the 2014 network.
    expect(o.origins.snapped).toBeGreaterThanOrEqual(28);
    expect(o.origins.snapped + o.origins.unsnapped).toBe(30);
    expect(o.edgeBand.length).toBeGreaterThan(1000);
    expect(o.bandLengthM[0]!).toBeGreaterThan(0);
    expect(o.area.band.some((b) => b === 0)).toBe(true);
    const metro = o.kpis.find((k) => k.type === 'metro-stations')!;
    // Rennes (commune) residents in the INSEE grid: about 200,000.
    expect(metro.residents).toBeGreaterThan(150_000);
    expect(metro.residents).toBeLessThan(260_000);
    expect(metro.share).toBeGreaterThan(0.2);
    expect(metro.share).toBeLessThan(0.95);
    expect(metro.districts.length).toBe(45);
    const bikes = o.kpis.find((k) => k.type === 'bike-share')!;
    expect(bikes.share).toBeGreaterThan(0);
    expect(o.scenario).not.toBeNull();
    expect(o.scenario!.after.share).toBeGreaterThan(o.scenario!.before.share);
    console.log(`Rennes: graph ${o.graph.nodes} nodes ${o.graph.edges} edges; metro 15 min ${(100 * metro.share).toFixed(1)} % (QPV ${(100 * metro.qpvShare).toFixed(1)} %, elsewhere ${(100 * metro.elsewhereShare).toFixed(1)} %); bike share ${(100 * bikes.share).toFixed(1)} %; with Trambus ${(100 * o.scenario!.after.share).toFixed(1)} %`);
  }, 60_000);

  it('refuses a file that is not GeoJSON with the file named', async () => {
    const r = await runHeadless('walk-isochrones', { ...WALK_INPUT, streets: f('parking/citedia_occupancy_sample_2026-10-06.csv') });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('citedia_occupancy_sample');
  });
});

describe('parking-search on the Citédia car parks', () => {
  const input = {
    parks: f('parking/citedia_car_parks_centre.geojson'),
    occupancy: f('parking/citedia_occupancy_sample_2026-10-06.csv'),
    parkAndRide: f('parking/trambus_parcs_relais_planned.geojson'),
    streets: STREETS,
    scenario: { closed: ['74'] },
  };

  it('calibrates on the recorded occupancy and reports the fit; closing Arsenal sends its drivers elsewhere', async () => {
    const r = await runHeadless('parking-search', input);
    if (!r.ok) throw new Error(r.error.message);
    const o = r.value as ParkingSearchOutput;
    expect(parkingSearchSimulation.output.safeParse(o).success).toBe(true);
    expect(o.calibration).not.toBeNull();
    expect(o.calibration!.observations.length).toBe(60);
    expect(o.calibration!.rmse).toBeLessThan(o.calibration!.rmseBefore);
    expect(o.calibration!.rmse).toBeLessThan(15);
    expect(o.roadDistances).toBe(true);
    expect(o.scenario).not.toBeNull();
    expect(o.scenario!.meanWalkM).toBeGreaterThan(o.baseline.meanWalkM);
    expect(o.scenario!.visitors).toBe(o.baseline.visitors);
    const arsenal = o.parks.findIndex((p) => p.id === '74');
    const samples = 1440 / o.sampleMin;
    for (let k = 0; k < samples; k++) expect(o.scenario!.occupancy[k * o.parks.length + arsenal]).toBe(0);
    console.log(`Citédia: RMSE ${o.calibration!.rmseBefore.toFixed(1)} → ${o.calibration!.rmse.toFixed(1)} points; ${o.visitorsPerDay} visitors; cruise ${o.baseline.meanCruiseS.toFixed(0)} s → ${o.scenario!.meanCruiseS.toFixed(0)} s; extra km ${o.baseline.extraKm.toFixed(0)} → ${o.scenario!.extraKm.toFixed(0)}`);
  }, 60_000);

  it('closing the three largest car parks makes drivers cruise and drive extra km', async () => {
    const r = await runHeadless('parking-search', { ...input, calibrationIterations: 4, scenario: { closed: ['4765', '1503', '4915'] } });
    if (!r.ok) throw new Error(r.error.message);
    const o = r.value as ParkingSearchOutput;
    expect(o.scenario!.meanCruiseS).toBeGreaterThan(o.baseline.meanCruiseS);
    expect(o.scenario!.extraKm).toBeGreaterThan(o.baseline.extraKm);
    console.log(`three closed: cruise ${o.baseline.meanCruiseS.toFixed(0)} s → ${o.scenario!.meanCruiseS.toFixed(0)} s, extra ${o.scenario!.extraKm.toFixed(0)} km, gave up ${o.scenario!.gaveUp}`);
  }, 60_000);

  it('is deterministic for a seed', async () => {
    const a = await runHeadless('parking-search', { ...input, calibrationIterations: 2 });
    const b = await runHeadless('parking-search', { ...input, calibrationIterations: 2 });
    if (!a.ok || !b.ok) throw new Error('run failed');
    const oa = a.value as ParkingSearchOutput, ob = b.value as ParkingSearchOutput;
    expect(Buffer.from(oa.scenario!.occupancy.buffer).equals(Buffer.from(ob.scenario!.occupancy.buffer))).toBe(true);
  }, 60_000);

  it('refuses a scenario naming an unknown car park', async () => {
    const r = await runHeadless('parking-search', { ...input, calibrationIterations: 0, scenario: { closed: ['nope'] } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('nope');
  });
});
