import { createRng } from '../../core/random.ts';
import type { KernelRun } from '../../core/simulation/kernel.ts';
import { haversineM } from './street-graph.ts';

/**
 * Agent-based parking search over one day in one-minute steps. Visitors arrive over the day
 * toward a destination near a car park zone, choose a car park by walking distance and price
 * (informed drivers also skip those shown full), and when the chosen one is full they take a
 * street space of the zone if one is free (after a short search) or drive on to the next best
 * car park, cruising, until they park or give up. Subscribers occupy a fixed share of each car
 * park all day. Seeded: the same inputs give the same numbers. The fit on recorded occupancy is in
 * calibration-kernel.ts.
 */

export interface Park {
  id: string;
  lon: number;
  lat: number;
  capacity: number;
  priceEurH: number;
  /** Spaces held by subscribers/residents all day (not visitors). */
  subscribers: number;
  /** Relative visitor demand of the zone around this car park (0: no destinations there). */
  weight: number;
  closed: boolean;
  /**
   * Park-and-ride: the walk from the car park is replaced by this equivalent distance (the
   * transit ride and the walk at the other end), metres.
   */
  accessM?: number;
}

export interface ParkingParams {
  seed: number;
  /** Visitors arriving over the day. */
  visitorsPerDay: number;
  /** Relative arrival rate for each hour 0–23 (local time). */
  arrivalProfile: number[];
  /** Mean stay of a visitor, hours (log-normal with σ = 0.6). */
  meanStayH: number;
  /** Share of drivers who see occupancy (signs, apps) and skip full car parks. */
  informedShare: number;
  /** Utility weights: per metre walked, per euro paid. */
  walkCostPerM: number;
  priceCostPerEur: number;
  /** Destinations are spread in a disc of this radius around their zone's car park, m. */
  zoneRadiusM: number;
  /** Street spaces per zone and the time to find one, s. */
  streetSpacesPerZone: number;
  streetSearchS: number;
  /** Cruising speed, m/s, and the road distance factor over the straight line. */
  cruiseSpeedMps: number;
  detour: number;
  walkDetour: number;
  /** A driver gives up after this much searching, s. */
  maxSearchS: number;
  co2GPerKm: number;
  /** Output curves every this many minutes. */
  sampleMin: number;
}

export interface ParkingRun {
  /** Cumulative counters at the end of each minute (1440 values each). */
  arrived: Uint32Array;
  parked: Uint32Array;
  cruising: Uint32Array;
  gaveUp: Uint32Array;
  /** Occupied car-park spaces per park every `sampleMin` (row = sample, column = park). */
  occupancy: Float32Array;
  /** Occupied street spaces (all zones) every `sampleMin`. */
  streetOccupied: Float32Array;
  /** Totals. */
  visitors: number;
  parkedInParks: number;
  parkedOnStreet: number;
  gaveUpTotal: number;
  cruisedDrivers: number;
  meanCruiseS: number;
  /** Mean walk from the car park to the destination, m (drivers parked in car parks). */
  meanWalkM: number;
  extraKm: number;
  co2Kg: number;
  agentSteps: number;
}

export const DAY_STEPS = 1440;

/** Occupancy of park `p` at minute `minute` (a fraction of its capacity, linear between samples). */
export function occupancyAt(run: ParkingRun, parks: readonly Park[], p: number, minute: number, sampleMin: number): number {
  const n = parks.length;
  const samples = run.occupancy.length / n;
  const x = minute / sampleMin;
  const i = Math.max(0, Math.min(samples - 1, Math.floor(x)));
  const j = Math.min(samples - 1, i + 1);
  const f = Math.max(0, Math.min(1, x - i));
  const v = run.occupancy[i * n + p]! * (1 - f) + run.occupancy[j * n + p]! * f;
  return parks[p]!.capacity > 0 ? v / parks[p]!.capacity : 0;
}

/** The simulation of one day. */
export function* simulateParking(parks: readonly Park[], params: ParkingParams, roadM?: Float64Array): KernelRun<ParkingRun> {
  const rng = createRng(params.seed);
  const n = parks.length;
  // Walking is straight line × walkDetour; driving between car parks follows the street graph
  // (`roadM`, n × n, Infinity where there is no route) or, without one, straight line × detour.
  const driveM = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const r = roadM?.[a * n + b];
      driveM[a * n + b] = r !== undefined && Number.isFinite(r) ? r : haversineM(parks[a]!.lon, parks[a]!.lat, parks[b]!.lon, parks[b]!.lat) * params.detour;
    }
  }
  // Visitors: counts per zone by weight, arrival minute from the hourly profile, stay log-normal.
  const wSum = parks.reduce((s, p) => s + Math.max(0, p.weight), 0);
  const profile = params.arrivalProfile.map((v) => Math.max(0, v));
  const pSum = profile.reduce((s, v) => s + v, 0);
  const cdf: number[] = [];
  let acc = 0;
  for (const v of profile) cdf.push((acc += v / (pSum > 0 ? pSum : 1)));
  const total = wSum > 0 && pSum > 0 ? Math.round(params.visitorsPerDay) : 0;
  const zoneOf = new Int32Array(total), arrive = new Int32Array(total), stay = new Int32Array(total);
  const walk = new Float32Array(total * n);
  const informed = new Uint8Array(total);
  {
    let k = 0;
    let carry = 0;
    for (let z = 0; z < n && total > 0; z++) {
      const exact = (total * Math.max(0, parks[z]!.weight)) / wSum + carry;
      const count = z === n - 1 ? total - k : Math.min(total - k, Math.round(exact));
      carry = exact - count;
      for (let c = 0; c < count; c++, k++) {
        zoneOf[k] = z;
        const u = rng.next();
        let h = 0;
        while (h < 23 && cdf[h]! < u) h++;
        arrive[k] = h * 60 + Math.floor(rng.next() * 60);
        const sigma = 0.6;
        const mu = Math.log(params.meanStayH * 3600) - (sigma * sigma) / 2;
        stay[k] = Math.max(5, Math.round(Math.exp(mu + sigma * rng.normal()) / 60));
        informed[k] = rng.next() < params.informedShare ? 1 : 0;
        // The destination: a point in a disc around the zone's car park.
        const r = params.zoneRadiusM * Math.sqrt(rng.next()), th = 2 * Math.PI * rng.next();
        const lat = parks[z]!.lat + (r * Math.sin(th)) / 111_195;
        const lon = parks[z]!.lon + (r * Math.cos(th)) / (111_195 * Math.cos((parks[z]!.lat * Math.PI) / 180));
        for (let p = 0; p < n; p++) walk[k * n + p] = parks[p]!.accessM ?? haversineM(lon, lat, parks[p]!.lon, parks[p]!.lat) * params.walkDetour;
      }
    }
    // Sorted by arrival (stable on index) so each minute's arrivals are a contiguous run.
    const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => arrive[a]! - arrive[b]! || a - b);
    const perm = <T extends Int32Array | Uint8Array>(arr: T): T => {
      const out = arr.slice() as T;
      order.forEach((o, i) => (out[i] = arr[o]!));
      return out;
    };
    zoneOf.set(perm(zoneOf));
    arrive.set(perm(arrive));
    stay.set(perm(stay));
    informed.set(perm(informed));
    const w2 = new Float32Array(total * n);
    order.forEach((o, i) => w2.set(walk.subarray(o * n, o * n + n), i * n));
    walk.set(w2);
  }
  // State.
  const occupied = new Int32Array(n), free = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const cap = parks[p]!.closed ? 0 : Math.max(0, Math.round(parks[p]!.capacity));
    occupied[p] = Math.min(cap, Math.round(parks[p]!.subscribers));
    free[p] = cap - occupied[p]!;
  }
  const streetFree = new Int32Array(n).fill(Math.max(0, Math.round(params.streetSpacesPerZone)));
  const STATE_CRUISE = 1, STATE_PARK = 2, STATE_STREET = 3;
  const state = new Uint8Array(total);
  const target = new Int32Array(total).fill(-1);
  const remainS = new Float64Array(total);
  const searchS = new Float64Array(total);
  const extraM = new Float64Array(total);
  const tried = new Uint32Array(total * Math.ceil(Math.max(1, n) / 32));
  const words = Math.ceil(Math.max(1, n) / 32);
  const leaveAt = new Int32Array(total);
  const active = new Int32Array(total);
  let activeN = 0;
  let next = 0;
  let cArrived = 0, cParked = 0, cGaveUp = 0, cruisingNow = 0, inParks = 0, onStreet = 0, cruised = 0, agentSteps = 0;
  let cruiseTotalS = 0, extraTotalM = 0, walkTotalM = 0;
  const arrivedS = new Uint32Array(DAY_STEPS), parkedS = new Uint32Array(DAY_STEPS), cruisingS = new Uint32Array(DAY_STEPS), gaveUpS = new Uint32Array(DAY_STEPS);
  const samples = Math.floor(DAY_STEPS / params.sampleMin);
  const occ = new Float32Array(samples * n), street = new Float32Array(samples);
  const streetCap = Math.max(0, Math.round(params.streetSpacesPerZone));
  const dt = 60;

  const best = (a: number, from: number): number => {
    let bp = -1, bu = -Infinity;
    for (let p = 0; p < n; p++) {
      if (parks[p]!.closed || parks[p]!.capacity <= 0) continue;
      if ((tried[a * words + (p >> 5)]! & (1 << (p & 31))) !== 0) continue;
      if (informed[a] === 1 && free[p]! <= 0) continue;
      let u = -params.walkCostPerM * walk[a * n + p]! - params.priceCostPerEur * parks[p]!.priceEurH * (stay[a]! / 60);
      if (from >= 0) u -= params.walkCostPerM * 0.2 * driveM[from * n + p]!;
      if (u > bu) {
        bu = u;
        bp = p;
      }
    }
    return bp;
  };
  const giveUp = (a: number) => {
    cGaveUp++;
    if (state[a] === STATE_CRUISE) cruisingNow--;
    state[a] = 0;
  };
  // A driver at the car park `p` (its target) tries to park; returns whether it left the search.
  const attempt = (a: number, p: number, minute: number): void => {
    const wasCruising = state[a] === STATE_CRUISE;
    tried[a * words + (p >> 5)]! |= 1 << (p & 31);
    if (free[p]! > 0) {
      free[p]!--;
      occupied[p]!++;
      state[a] = STATE_PARK;
      target[a] = p;
      leaveAt[a] = minute + stay[a]!;
      cParked++;
      inParks++;
      walkTotalM += walk[a * n + p]!;
      if (wasCruising) cruisingNow--;
      return;
    }
    if (!wasCruising) {
      cruisingNow++;
      cruised++;
    }
    state[a] = STATE_CRUISE;
    const z = zoneOf[a]!;
    if (streetFree[z]! > 0 && searchS[a]! + params.streetSearchS <= params.maxSearchS) {
      // Circles the block for a street space of the destination's zone.
      streetFree[z]!--;
      target[a] = -1 - z;
      remainS[a] = params.streetSearchS;
      return;
    }
    const q = best(a, p);
    if (q < 0 || searchS[a]! + driveM[p * n + q]! / params.cruiseSpeedMps > params.maxSearchS) {
      giveUp(a);
      return;
    }
    target[a] = q;
    remainS[a] = driveM[p * n + q]! / params.cruiseSpeedMps;
  };

  for (let minute = 0; minute < DAY_STEPS; minute++) {
    // Moving agents first (parked ones leave, cruising ones advance), then new arrivals.
    let w = 0;
    for (let i = 0; i < activeN; i++) {
      const a = active[i]!;
      agentSteps++;
      const s = state[a]!;
      if (s === STATE_PARK || s === STATE_STREET) {
        if (minute >= leaveAt[a]!) {
          if (s === STATE_PARK) {
            free[target[a]!]!++;
            occupied[target[a]!]!--;
          } else streetFree[zoneOf[a]!]!++;
          state[a] = 0;
          continue;
        }
      } else if (s === STATE_CRUISE) {
        const step = Math.min(dt, remainS[a]!);
        searchS[a]! += step;
        extraM[a]! += step * params.cruiseSpeedMps;
        remainS[a]! -= step;
        if (remainS[a]! <= 1e-9) {
          const t = target[a]!;
          if (t < 0) {
            // Found the street space held for it.
            state[a] = STATE_STREET;
            leaveAt[a] = minute + stay[a]!;
            cParked++;
            onStreet++;
            cruisingNow--;
          } else attempt(a, t, minute);
        }
        if (state[a] === 0) {
          cruiseTotalS += searchS[a]!;
          extraTotalM += extraM[a]!;
          continue;
        }
        if (state[a] !== STATE_CRUISE) {
          cruiseTotalS += searchS[a]!;
          extraTotalM += extraM[a]!;
        }
      } else continue;
      active[w++] = a;
    }
    activeN = w;
    while (next < total && arrive[next]! <= minute) {
      const a = next++;
      cArrived++;
      const p = best(a, -1);
      if (p < 0) {
        // Nowhere to go: tries the street of its zone, or gives up.
        const z = zoneOf[a]!;
        if (streetFree[z]! > 0) {
          streetFree[z]!--;
          state[a] = STATE_CRUISE;
          target[a] = -1 - z;
          remainS[a] = params.streetSearchS;
          cruisingNow++;
          cruised++;
          active[activeN++] = a;
        } else {
          cGaveUp++;
        }
        continue;
      }
      attempt(a, p, minute);
      if (state[a] !== 0) active[activeN++] = a;
      else cruiseTotalS += searchS[a]!;
    }
    arrivedS[minute] = cArrived;
    parkedS[minute] = cParked;
    cruisingS[minute] = cruisingNow;
    gaveUpS[minute] = cGaveUp;
    if ((minute + 1) % params.sampleMin === 0) {
      const k = (minute + 1) / params.sampleMin - 1;
      for (let p = 0; p < n; p++) occ[k * n + p] = occupied[p]!;
      street[k] = n * streetCap - streetFree.reduce((s, v) => s + v, 0);
    }
    if (minute % 120 === 0) yield { stage: 'day', done: minute, total: DAY_STEPS };
  }
  // Drivers still cruising at midnight count with what they have searched so far.
  for (let i = 0; i < activeN; i++) {
    const a = active[i]!;
    if (state[a] === STATE_CRUISE) {
      cruiseTotalS += searchS[a]!;
      extraTotalM += extraM[a]!;
    }
  }
  return {
    arrived: arrivedS,
    parked: parkedS,
    cruising: cruisingS,
    gaveUp: gaveUpS,
    occupancy: occ,
    streetOccupied: street,
    visitors: total,
    parkedInParks: inParks,
    parkedOnStreet: onStreet,
    gaveUpTotal: cGaveUp,
    cruisedDrivers: cruised,
    meanCruiseS: total > 0 ? cruiseTotalS / total : 0,
    meanWalkM: inParks > 0 ? walkTotalM / inParks : 0,
    extraKm: extraTotalM / 1000,
    co2Kg: (extraTotalM / 1000) * params.co2GPerKm / 1000,
    agentSteps,
  };
}

/** One recorded occupancy: car park index, minute of the day, occupied fraction. */
export interface Observation {
  park: number;
  minute: number;
  occupancy: number;
}
