import { z } from 'zod';
import { lonLat } from './schemas.ts';

/**
 * How a scenario reaches a simulation: the city's geometry is edited in the worker before the
 * BVH (src/city/analysis/scenario.ts). Shared by every simulation that takes the city's
 * buildings. Buildings added are extruded footprints; meshes are the triangles of imported
 * models, in metres of an east-north-up frame at their origin; removed buildings lose their
 * triangles; clips drop the tiles' triangles whose centre lies inside a polygon (an excavation).
 */

const addedBuilding = z
  .object({
    id: z.string().min(1).max(200),
    footprint: z.array(lonLat).min(3).max(2000),
    heightM: z.number().gt(0).max(1000),
    baseM: z.number().min(-500).max(9000).optional(),
    /** Declared floors (building statistics); default: height / storey height. */
    floors: z.number().int().min(1).max(300).optional(),
  })
  .strict();

/** Most triangles of all meshes of a scenario. */
export const MAX_MESH_TRIANGLES = 2_000_000;

const f32 = z.union([z.instanceof(Float32Array), z.array(z.number()).max(3 * 3 * MAX_MESH_TRIANGLES).transform((a) => Float32Array.from(a))]);
const u32 = z.union([z.instanceof(Uint32Array), z.array(z.number().int().min(0)).max(3 * MAX_MESH_TRIANGLES).transform((a) => Uint32Array.from(a))]);

const mesh = z
  .object({
    id: z.string().min(1).max(200),
    origin: z.object({ lonDeg: z.number().min(-180).max(180), latDeg: z.number().min(-90).max(90), heightM: z.number().min(-500).max(9000) }).strict(),
    /** xyz per vertex, metres east, north, up of the origin. */
    positions: f32,
    index: u32,
    floors: z.number().int().min(1).max(300).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.positions.length % 3 !== 0) ctx.addIssue({ code: 'custom', path: ['positions'], message: 'positions are xyz triples' });
    if (m.index.length % 3 !== 0 || m.index.length === 0) ctx.addIssue({ code: 'custom', path: ['index'], message: 'index is a non-empty list of triangles' });
    const nv = m.positions.length / 3;
    for (let i = 0; i < m.index.length; i++) {
      if (m.index[i]! >= nv) {
        ctx.addIssue({ code: 'custom', path: ['index', i], message: `vertex ${m.index[i]} of ${nv}` });
        break;
      }
    }
    for (let i = 0; i < m.positions.length; i++) {
      if (!Number.isFinite(m.positions[i]!) || Math.abs(m.positions[i]!) > 5000) {
        ctx.addIssue({ code: 'custom', path: ['positions', i], message: 'not a position within 5 km of the origin' });
        break;
      }
    }
  });

export const simScenarioSchema = z
  .object({
    added: z.array(addedBuilding).max(1000).default([]),
    removed: z.array(z.string().min(1).max(200)).max(100_000).default([]),
    meshes: z.array(mesh).max(100).default([]),
    clips: z.array(z.object({ ring: z.array(lonLat).min(3).max(2000) }).strict()).max(100).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    const tri = s.meshes.reduce((n, m) => n + m.index.length / 3, 0);
    if (tri > MAX_MESH_TRIANGLES) ctx.addIssue({ code: 'custom', path: ['meshes'], message: `${tri} triangles in models, more than ${MAX_MESH_TRIANGLES}` });
  });

export type SimScenario = z.output<typeof simScenarioSchema>;
