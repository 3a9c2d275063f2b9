import { z } from 'zod';
import { attributionSchema } from './attribution.ts';

/**
 * `city.json`, the manifest of a city pack (a folder of static files produced by the city
 * pipeline or the demo generator). The viewer opens a pack as a city.
 */

import { bboxSchema, cameraSchema } from './geo.ts';
import { packCityExtensionSchema } from './city.ts';

export { bboxSchema, cameraSchema };

export const rejectedSchema = z.object({
  /** Index of the record in its input file (0-based). */
  index: z.number().int().min(0),
  id: z.string().nullable(),
  reason: z.string(),
  /** The input file, when the pack was built from several. */
  file: z.string().optional(),
});

export const buildReportSchema = z.object({
  buildings: z.number().int().min(0),
  rejected: z.array(rejectedSchema),
  warnings: z.array(z.string()),
});

export const packLayerSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  title: z.string().min(1).max(200),
  /** Path of the file inside the pack. */
  file: z.string().regex(/^[A-Za-z0-9._/-]{1,200}$/).refine((p) => !p.split('/').includes('..'), 'no ".." in paths'),
  format: z.enum(['geojson', 'csv', 'gtfs']),
  /** Catalog layer definition that reads this file, when there is one (e.g. "parking"). */
  layer: z.string().max(64).optional(),
  attribution: attributionSchema,
});

export const cityPackSchema = z.object({
  format: z.literal('jumeau-city-pack'),
  version: z.literal(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a pack id is lower-case letters, digits and "-"'),
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  synthetic: z.boolean(),
  bbox: bboxSchema,
  home: cameraSchema,
  /** CRS of the source data, e.g. "EPSG:3946". */
  sourceCrs: z.string().max(100),
  /** Path of the buildings tileset inside the pack; null for a layers-only pack (no buildings). */
  tileset: z.string().nullable().default('tileset.json'),
  /** Name of the building height property in the tiles. */
  heightProperty: z.string().default('heightM'),
  idProperty: z.string().default('id'),
  sources: z.array(attributionSchema).min(1),
  layers: z.array(packLayerSchema).default([]),
  report: buildReportSchema,
  /**
   * Optional: what a city file says beyond the pack (names, time zone, terrain, basemaps, layers),
   * src/core/schemas/city.ts. Packs without it open as before.
   */
  city: packCityExtensionSchema.optional(),
});

export type CityPack = z.infer<typeof cityPackSchema>;
export type CityPackInput = z.input<typeof cityPackSchema>;
export type BuildReport = z.infer<typeof buildReportSchema>;

/** `packs/index.json`: the list of packs in a packs folder. */
export const packIndexSchema = z.object({
  format: z.literal('jumeau-pack-index'),
  version: z.literal(1),
  packs: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
      name: z.string().min(1).max(200),
      synthetic: z.boolean(),
    }),
  ),
});

export type PackIndex = z.infer<typeof packIndexSchema>;

/** Turns a zod error into one readable line per problem: `path: message`. */
export function describeZodError(error: z.ZodError, maxIssues = 5): string {
  const lines = error.issues.slice(0, maxIssues).map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`);
  if (error.issues.length > maxIssues) lines.push(`… and ${error.issues.length - maxIssues} more`);
  return lines.join('; ');
}
