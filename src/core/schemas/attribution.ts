import { z } from 'zod';

/**
 * Where a dataset comes from (DESIGN.md convention 7): shown in the attribution panel and the
 * "about" of every layer.
 */
export const attributionSchema = z.object({
  /** What the data is, e.g. "Buildings 2023". */
  title: z.string().min(1).max(200),
  publisher: z.string().min(1).max(200),
  licence: z.string().min(1).max(200),
  licenceUrl: z.url().max(500).optional(),
  /** Date (or year, or period) of the data, as published. */
  date: z.string().min(1).max(60),
  /** live: fetched from a service now; recorded: a stored snapshot; synthetic: generated. */
  status: z.enum(['live', 'recorded', 'synthetic']),
  /** Where it was obtained (file or service), for the record. */
  origin: z.string().max(500).optional(),
});

export type Attribution = z.infer<typeof attributionSchema>;
