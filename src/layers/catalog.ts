import { bikeLanesLayer } from './bike-lanes.ts';
import { bikeShareLayer } from './bike-share.ts';
import { busNetworkLayer } from './bus-network.ts';
import { cityPlanLayer } from './city-plan.ts';
import { communeLayer } from './commune.ts';
import { commutersLayer } from './commuters.ts';
import { demoSquaresLayer, demoStreetsLayer } from './demo-ground.ts';
import { developmentZonesLayer } from './development-zones.ts';
import { districtsLayer } from './districts.ts';
import { metroLinesLayer } from './metro-lines.ts';
import { metroStationsLayer } from './metro-stations.ts';
import { parkAndRideLayer } from './park-and-ride.ts';
import { parkingLayer } from './parking.ts';
import { populationGridLayer } from './population-grid.ts';
import { priorityAreasLayer } from './priority-areas.ts';
import { streetsLayer } from './streets.ts';
import { trambusLinesLayer } from './trambus-lines.ts';
import { trambusParkAndRideLayer } from './trambus-park-and-ride.ts';
import { trambusStopsLayer } from './trambus-stops.ts';
import { trambusTimesLayer } from './trambus-times.ts';
import { treeWalkLayer } from './tree-walk.ts';
import { treesLayer } from './trees.ts';
import type { LayerDefinition } from './types.ts';
import { wifiLayer } from './wifi.ts';

/**
 * Every layer of the app, in panel order within each theme. Adding a layer is adding its file in
 * `src/layers/` and one line here; tests/unit/layers/conformance.test.ts checks every entry.
 */
export const LAYERS: readonly LayerDefinition[] = [
  parkingLayer,
  parkAndRideLayer,
  trambusParkAndRideLayer,
  wifiLayer,
  metroLinesLayer,
  metroStationsLayer,
  busNetworkLayer,
  trambusLinesLayer,
  trambusStopsLayer,
  trambusTimesLayer,
  bikeShareLayer,
  populationGridLayer,
  commutersLayer,
  communeLayer,
  districtsLayer,
  priorityAreasLayer,
  developmentZonesLayer,
  streetsLayer,
  bikeLanesLayer,
  demoStreetsLayer,
  treesLayer,
  treeWalkLayer,
  demoSquaresLayer,
  cityPlanLayer,
];

/** The definition of a layer id, or undefined. */
export function layerById(id: string): LayerDefinition | undefined {
  return LAYERS.find((l) => l.id === id);
}
