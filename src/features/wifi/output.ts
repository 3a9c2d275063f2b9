import { z } from 'zod';
import type { GridSpec } from '../../core/grid.ts';
import type { HotspotPick, WifiKpis } from './figures.ts';
import type { WifiFacades, WifiPart } from './parts.ts';

/**
 * The output side of the `wifi-coverage` contract (contract.ts): what a worker's part carries,
 * the merged result with its key figures, the facade figures, and the result's schema (checked
 * before a result is shown or saved).
 */

/** One worker's share, as it comes back from the worker. */
export interface WifiPartOutput extends WifiPart {
  frame: { lonDeg: number; latDeg: number; heightM: number };
  tiles: number;
  notes: string[];
}

/** Key figures on facades. */
export interface WifiFacadeKpi {
  receivers: number;
  /** Facade area studied and the part of it at or above the threshold, m². */
  areaM2: number;
  coveredAreaM2: number;
  areaShare: number;
  /** Buildings with facade receivers, and those with at least one covered. */
  buildings: number;
  coveredBuildings: number;
}

/** Facade results: receivers (in the frame) with their signal, grouped by building. */
export interface WifiFacadeOutput extends Omit<WifiFacades, 'building'> {
  kpi: WifiFacadeKpi;
}

/** Facade area and buildings covered (≥ threshold). */
export function wifiFacadeKpi(f: Pick<WifiFacades, 'offsets' | 'areaM2' | 'rssiDbm'>, thresholdDbm: number): WifiFacadeKpi {
  let areaM2 = 0, coveredAreaM2 = 0, buildings = 0, coveredBuildings = 0;
  for (let b = 0; b + 1 < f.offsets.length; b++) {
    const a = f.offsets[b]!, e = f.offsets[b + 1]!;
    if (e > a) buildings++;
    let any = false;
    for (let k = a; k < e; k++) {
      areaM2 += f.areaM2[k]!;
      if (f.rssiDbm[k]! >= thresholdDbm) {
        coveredAreaM2 += f.areaM2[k]!;
        any = true;
      }
    }
    if (any) coveredBuildings++;
  }
  return { receivers: f.areaM2.length, areaM2, coveredAreaM2, areaShare: areaM2 > 0 ? coveredAreaM2 / areaM2 : 0, buildings, coveredBuildings };
}

export interface WifiCoverageOutput {
  frame: { lonDeg: number; latDeg: number; heightM: number };
  grid: GridSpec;
  rssiDbm: Float32Array;
  server: Int16Array;
  surface: Uint8Array;
  /** Ground height of street-level cells in the frame, m (NaN elsewhere). */
  groundZ: Float32Array;
  /** 1 where the best server reaches the threshold. */
  covered: Uint8Array;
  thresholdDbm: number;
  kpi: WifiKpis;
  /** Cells each candidate would cover alone. */
  candidateCells: number[];
  picks: (HotspotPick & { id: string })[];
  /** Key figures once the picked hotspots are added (null when none was placed). */
  planned: WifiKpis | null;
  /** 1 where a picked hotspot covers a cell not covered before (null when none was placed). */
  plannedCovered: Uint8Array | null;
  /** Signal on facades (null unless asked for). */
  facades: WifiFacadeOutput | null;
  rays: number;
  links: number;
  tiles: number;
  notes: string[];
}

const tallySchema = z.object({ cells: z.number().int().min(0), coveredCells: z.number().int().min(0), residents: z.number().min(0), coveredResidents: z.number().min(0) });
const kpiSchema = tallySchema.extend({
  cellAreaM2: z.number().positive(),
  areaShare: z.number().min(0).max(1),
  residentsShare: z.number(),
  unplacedResidents: z.number().min(0),
  hasPopulation: z.boolean(),
  districts: z.array(tallySchema.extend({ name: z.string() })),
  priority: z.object({ inside: tallySchema, outside: tallySchema }).nullable(),
});

export const wifiCoverageOutput: z.ZodType<WifiCoverageOutput> = z
  .object({
    frame: z.object({ lonDeg: z.number(), latDeg: z.number(), heightM: z.number() }),
    grid: z.object({ x0: z.number(), y0: z.number(), cellM: z.number().positive(), cols: z.number().int().min(0), rows: z.number().int().min(0) }),
    rssiDbm: z.instanceof(Float32Array),
    server: z.instanceof(Int16Array),
    surface: z.instanceof(Uint8Array),
    groundZ: z.instanceof(Float32Array),
    covered: z.instanceof(Uint8Array),
    thresholdDbm: z.number(),
    kpi: kpiSchema,
    candidateCells: z.array(z.number().int().min(0)),
    picks: z.array(z.object({ id: z.string(), candidate: z.number().int().min(0), residentsGain: z.number().min(0), areaGainM2: z.number().min(0), residentsAfter: z.number().min(0), areaAfterM2: z.number().min(0) })),
    planned: kpiSchema.nullable(),
    plannedCovered: z.instanceof(Uint8Array).nullable(),
    facades: z
      .object({
        offsets: z.instanceof(Uint32Array),
        xyz: z.instanceof(Float32Array),
        normal: z.instanceof(Float32Array),
        areaM2: z.instanceof(Float32Array),
        rssiDbm: z.instanceof(Float32Array),
        server: z.instanceof(Int16Array),
        rays: z.number().int().min(0),
        kpi: z.object({
          receivers: z.number().int().min(0),
          areaM2: z.number().min(0),
          coveredAreaM2: z.number().min(0),
          areaShare: z.number().min(0).max(1),
          buildings: z.number().int().min(0),
          coveredBuildings: z.number().int().min(0),
        }),
      })
      .nullable(),
    rays: z.number().int().min(0),
    links: z.number().int().min(0),
    tiles: z.number().int().min(0),
    notes: z.array(z.string()),
  })
  .superRefine((o, ctx) => {
    const n = o.grid.cols * o.grid.rows;
    for (const k of ['rssiDbm', 'server', 'surface', 'groundZ', 'covered'] as const) if (o[k].length !== n) ctx.addIssue({ code: 'custom', path: [k], message: `has ${o[k].length} cells, grid has ${n}` });
    const f = o.facades;
    if (f !== null) {
      const m = f.areaM2.length;
      if (f.xyz.length !== 3 * m || f.normal.length !== 3 * m || f.rssiDbm.length !== m || f.server.length !== m || f.offsets.at(-1) !== m) ctx.addIssue({ code: 'custom', path: ['facades'], message: `facade arrays disagree in length (${m} receivers)` });
    }
    for (let i = 0; i < n; i++) {
      const v = o.rssiDbm[i]!;
      if (o.surface[i] !== 1 ? !Number.isNaN(v) : !(Number.isNaN(v) || v <= 60)) {
        ctx.addIssue({ code: 'custom', path: ['rssiDbm', i], message: `cell ${i}: ${v} dBm on surface ${o.surface[i]}` });
        break;
      }
    }
  }) as unknown as z.ZodType<WifiCoverageOutput>;
