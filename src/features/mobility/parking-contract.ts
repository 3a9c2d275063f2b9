import { z } from 'zod';
import type { Observation } from './parking-kernel.ts';
import { isTimeZone } from '../../core/simulation/schemas.ts';
import type { MethodCard, SimulationDefinition } from '../../core/simulation/types.ts';

/**
 * `parking-search`: an agent-based day of drivers looking for a space among the car parks of
 * the centre, calibrated on recorded occupancy, for today and for a scenario (closures, added
 * capacity, prices, park-and-ride).
 */

const url = z.string().min(1).max(2000);
const parkId = z.string().min(1).max(100);

export const parkingScenario = z
  .object({
    closed: z.array(parkId).max(100).default([]).describe('ids of car parks closed'),
    capacity: z.record(parkId, z.number().int().min(0).max(100_000)).default({}).describe('new capacity by car park id'),
    price: z.record(parkId, z.number().min(0).max(100)).default({}).describe('new one-hour price by car park id, euros'),
    parkAndRide: z.boolean().default(false).describe('open the planned park-and-ride sites'),
    added: z
      .array(z.object({ id: parkId, name: z.string().min(1).max(200), lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90), capacity: z.number().int().min(0).max(100_000), priceEurH: z.number().min(0).max(100) }).strict())
      .max(20)
      .default([])
      .describe('new car parks'),
  })
  .strict();

export const parkingSearchInput = z
  .object({
    parks: url.describe('GeoJSON car parks (id, key, max, tarif_1h_eur)'),
    occupancy: url.optional().describe('recorded occupancy CSV (collected_at, id, free, max) to calibrate on'),
    parkAndRide: url.optional().describe('GeoJSON planned park-and-ride sites (nom, nb_max_places)'),
    streets: url.optional().describe('GeoJSON OSM streets: driving distances between car parks follow them'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1).describe('random seed'),
    timeZone: z.string().refine(isTimeZone, 'unknown IANA time zone').default('Europe/Paris'),
    visitorsPerDay: z.number().min(0).max(1_000_000).optional().describe('visitors per day (default: calibrated, or 3 per space)'),
    meanStayH: z.number().min(0.1).max(24).default(2.5).describe('mean visitor stay, hours'),
    informedShare: z.number().min(0).max(1).default(0.5).describe('share of drivers who see occupancy and skip full car parks'),
    streetSpacesPerZone: z.number().int().min(0).max(10_000).default(60).describe('street spaces near each car park'),
    maxSearchMin: z.number().min(1).max(120).default(20).describe('a driver gives up after searching this long, minutes'),
    parkAndRideAccessM: z.number().min(0).max(20_000).default(1500).describe('equivalent walking distance of a park-and-ride (ride + walk), metres'),
    calibrationIterations: z.number().int().min(0).max(30).default(10),
    scenario: parkingScenario.optional(),
  })
  .strict();

export type ParkingSearchInput = z.output<typeof parkingSearchInput>;

export interface ParkingSummary {
  visitors: number;
  parkedInParks: number;
  parkedOnStreet: number;
  gaveUp: number;
  cruisedDrivers: number;
  meanCruiseS: number;
  meanWalkM: number;
  extraKm: number;
  co2Kg: number;
  /** Occupied spaces per park every sampleMin (row = sample). */
  occupancy: Float32Array;
  /** Arrived, parked, cruising, gave up at the end of each sample interval. */
  counts: Uint32Array;
}

export interface ParkingSearchOutput {
  parks: { id: string; name: string; lon: number; lat: number; capacity: number; scenarioCapacity: number; priceEurH: number; scenarioPriceEurH: number; subscribers: number; visitorsPerDay: number; kind: 'existing' | 'park-and-ride' | 'added'; closed: boolean }[];
  sampleMin: number;
  baseline: ParkingSummary;
  scenario: ParkingSummary | null;
  calibration: { rmse: number; rmseBefore: number; observations: Observation[]; date: string | null; iterations: number } | null;
  visitorsPerDay: number;
  agentSteps: number;
  roadDistances: boolean;
  notes: string[];
}

const summary = z.object({
  visitors: z.number().int().min(0),
  parkedInParks: z.number().int().min(0),
  parkedOnStreet: z.number().int().min(0),
  gaveUp: z.number().int().min(0),
  cruisedDrivers: z.number().int().min(0),
  meanCruiseS: z.number().min(0),
  meanWalkM: z.number().min(0),
  extraKm: z.number().min(0),
  co2Kg: z.number().min(0),
  occupancy: z.instanceof(Float32Array),
  counts: z.instanceof(Uint32Array),
});

export const parkingSearchOutput: z.ZodType<ParkingSearchOutput> = z
  .object({
    parks: z.array(z.object({ id: z.string(), name: z.string(), lon: z.number(), lat: z.number(), capacity: z.number().min(0), scenarioCapacity: z.number().min(0), priceEurH: z.number().min(0), scenarioPriceEurH: z.number().min(0), subscribers: z.number().min(0), visitorsPerDay: z.number().min(0), kind: z.enum(['existing', 'park-and-ride', 'added']), closed: z.boolean() })),
    sampleMin: z.number().int().positive(),
    baseline: summary,
    scenario: summary.nullable(),
    calibration: z.object({ rmse: z.number(), rmseBefore: z.number(), observations: z.array(z.object({ park: z.number().int().min(0), minute: z.number().min(0), occupancy: z.number().min(0).max(1) })), date: z.string().nullable(), iterations: z.number().int().min(0) }).nullable(),
    visitorsPerDay: z.number().min(0),
    agentSteps: z.number().int().min(0),
    roadDistances: z.boolean(),
    notes: z.array(z.string()),
  })
  .superRefine((o, ctx) => {
    for (const k of ['baseline', 'scenario'] as const) {
      const s = o[k];
      if (s === null) continue;
      if (s.occupancy.length !== o.parks.length * (1440 / o.sampleMin)) ctx.addIssue({ code: 'custom', path: [k, 'occupancy'], message: 'one value per park and sample' });
      for (let i = 0; i + 3 < s.counts.length; i += 4) {
        if (s.counts[i] !== s.counts[i + 1]! + s.counts[i + 2]! + s.counts[i + 3]!) {
          ctx.addIssue({ code: 'custom', path: [k, 'counts', i], message: 'arrived ≠ parked + cruising + gave up' });
          break;
        }
      }
    }
  }) as unknown as z.ZodType<ParkingSearchOutput>;

export const PARKING_CARD: MethodCard = {
  title: { fr: 'Recherche de stationnement (multi-agents)', en: 'Parking search (agent-based)' },
  summary: {
    fr: 'Une journée de conducteurs cherchant une place dans les parkings du centre : occupation heure par heure, temps de recherche, kilomètres et CO₂ en plus, pour aujourd’hui et pour un scénario.',
    en: 'A day of drivers looking for a space in the city-centre car parks: occupancy through the day, search time, extra kilometres and CO₂, for today and for a scenario.',
  },
  model: {
    fr: 'Pas d’une minute sur 24 h. Des abonnés occupent une part fixe de chaque parking toute la journée. Des visiteurs arrivent selon un profil horaire vers une destination tirée dans un disque de 300 m autour d’un parking (sa « zone ») ; chacun choisit le parking d’utilité maximale (marche et prix du séjour) ; les conducteurs informés (panneaux, applications) écartent les parkings complets. Au parking complet, le conducteur cherche une place en voirie dans la zone s’il en reste (4 min de recherche), sinon roule vers le meilleur parking non essayé ; il abandonne après 20 min de recherche. Les distances de conduite entre parkings suivent le graphe des rues (sens uniques compris) quand il est fourni. Calibrage : abonnés = 90 % de l’occupation minimale relevée ; demande de chaque zone ajustée multiplicativement pour approcher l’occupation relevée ; on garde l’itération de plus faible écart quadratique.',
    en: 'One-minute steps over 24 h. Subscribers hold a fixed share of each car park all day. Visitors arrive by an hourly profile toward a destination drawn in a 300 m disc around a car park (its “zone”); each chooses the car park of highest utility (walk and price of the stay); informed drivers (signs, apps) skip full ones. At a full car park the driver looks for a street space in the zone if any is left (4 min search), else drives on to the best car park not yet tried; gives up after 20 min of search. Driving distances between car parks follow the street graph (one-way streets included) when given. Calibration: subscribers = 90 % of the lowest recorded occupancy; each zone’s demand is scaled multiplicatively toward the recorded occupancy; the iteration with the lowest RMSE is kept.',
  },
  equations: [
    { label: { fr: 'Choix du parking', en: 'Car park choice' }, formula: 'U_p = −β_m · 1,3 · d(dest, p) − β_€ · prix_p · durée' },
    { label: { fr: 'Conservation', en: 'Conservation' }, formula: 'arrivés(t) = garés(t) + en recherche(t) + abandons(t)' },
    { label: { fr: 'Kilomètres en plus', en: 'Extra kilometres' }, formula: 'km = Σ_conducteurs v_recherche · t_recherche ;  CO₂ = 120 g/km · km' },
    { label: { fr: 'Écart au relevé', en: 'Fit to the record' }, formula: 'RMSE = 100 · √( Σ (occ_sim − occ_relevée)² / N )  (points d’occupation)' },
  ],
  parameters: [
    { name: 'meanStayH', value: '2.5', unit: 'h', meaning: { fr: 'durée moyenne de séjour (log-normale, σ = 0,6)', en: 'mean stay (log-normal, σ = 0.6)' } },
    { name: 'informedShare', value: '0.5', unit: '', meaning: { fr: 'part des conducteurs informés de l’occupation', en: 'share of drivers who know occupancy' } },
    { name: 'β_m, β_€', value: '0.01 /m, 1 /€', unit: '', meaning: { fr: '100 m de marche valent 1 €', en: '100 m of walking are worth €1' } },
    { name: 'streetSpacesPerZone', value: '60', unit: 'places', meaning: { fr: 'places en voirie par zone (hypothèse)', en: 'street spaces per zone (assumption)' } },
    { name: 'cruise speed', value: '5.5', unit: 'm/s', meaning: { fr: 'vitesse en recherche (≈ 20 km/h)', en: 'search speed (≈ 20 km/h)' } },
    { name: 'maxSearchMin', value: '20', unit: 'min', meaning: { fr: 'recherche avant abandon', en: 'search before giving up' } },
    { name: 'CO₂', value: '120', unit: 'g/km', meaning: { fr: 'émission moyenne d’une voiture en ville', en: 'mean emission of a car in town' } },
    { name: 'parkAndRideAccessM', value: '1500', unit: 'm', meaning: { fr: 'coût d’un parc-relais en mètres de marche équivalents', en: 'cost of a park-and-ride in equivalent metres walked' } },
  ],
  sources: [
    { label: 'Citédia / Rennes Métropole, car parks and occupancy sample of 2026-10-06 (export-api-parking-citedia)' },
    { label: 'Rennes Métropole, Trambus planned park-and-ride sites (2022-12-29)' },
    { label: 'Shoup D. (2006), Cruising for parking, Transport Policy 13(6)' },
    { label: 'Benenson I., Martens K., Birfir S. (2008), PARKAGENT: an agent-based model of parking in the city, CEUS 32(6)' },
    { label: 'ADEME, Base Carbone: passenger car ≈ 120 g CO₂/km (order of magnitude)' },
  ],
  validity: [
    { fr: 'Calibré sur six relevés d’un seul mardi : la forme de la journée hors de ces heures vient du profil d’arrivée supposé.', en: 'Calibrated on six snapshots of one Tuesday: the shape of the day outside those times comes from the assumed arrival profile.' },
    { fr: 'Places en voirie, destinations et profil horaire sont des hypothèses, pas des données.', en: 'Street spaces, destinations and the hourly profile are assumptions, not data.' },
    { fr: 'Horaires d’ouverture ignorés ; abonnés constants toute la journée.', en: 'Opening hours ignored; subscribers constant all day.' },
    { fr: 'Les marches sont à vol d’oiseau × 1,3 ; les conduites entre parkings suivent les rues quand elles sont fournies, sinon vol d’oiseau × 1,4.', en: 'Walks are straight line × 1.3; drives between car parks follow the streets when given, else straight line × 1.4.' },
  ],
  reference: {
    fr: 'Conservation à chaque pas, capacité illimitée ⇒ aucune recherche, capacité nulle ⇒ tous en recherche ou partis, déterminisme, calibrage sur un jour synthétique connu (tests/unit/features/mobility/parking-search.test.ts) ; écart au relevé Citédia réel affiché ci-dessus après calcul (tests/integration/mobility.integration.test.ts).',
    en: 'Conservation at every step, unlimited capacity ⇒ no search, zero capacity ⇒ everyone searching or gone, determinism, calibration on a known synthetic day (tests/unit/features/mobility/parking-search.test.ts); fit to the real Citédia record shown with the result (tests/integration/mobility.integration.test.ts).',
  },
};

export const parkingSearchSimulation: SimulationDefinition<ParkingSearchInput, ParkingSearchOutput> = {
  id: 'parking-search',
  version: 1,
  title: { fr: 'Recherche de stationnement', en: 'Parking search' },
  input: parkingSearchInput,
  output: parkingSearchOutput,
  card: PARKING_CARD,
  needsCity: false,
  seeded: true,
  example: {
    parks: 'packs/demo/layers/parking.geojson',
    occupancy: 'packs/demo/layers/parking-occupancy.csv',
    calibrationIterations: 2,
    scenario: { closed: ['74'] },
  },
};
