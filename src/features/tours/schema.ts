import { z } from 'zod';
import { roundCamera } from '../../core/url-state.ts';
import { TOUR_LIMITS as L, type Tour } from './model.ts';

/**
 * Validation of tours read from files, links, storage and scenario documents. Every failure is
 * an error naming where (file or link) and which field (`stops[2].camera.latDeg`), never a throw.
 */

const ID = /^[A-Za-z0-9._:-]{1,128}$/;
const idSchema = z.string().regex(ID, 'letters, digits, . _ : - (at most 128)');
/** Control characters other than tab and newlines are refused (they do not print). */
const text = (max: number) =>
  z
    .string()
    .max(max)
    // eslint-disable-next-line no-control-regex
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'control characters are not allowed');

const cameraSchema = z.strictObject({
  lonDeg: z.number().min(-180).max(180),
  latDeg: z.number().min(-90).max(90),
  heightM: z.number().min(-1000).max(50_000_000),
  headingDeg: z.number().min(-360).max(360),
  pitchDeg: z.number().min(-90).max(90),
  rollDeg: z.number().min(-360).max(360),
});

const layerSchema = z.strictObject({
  id: idSchema,
  opacity: z.number().min(0).max(1),
  variant: z.string().max(64),
});

const stopSchema = z.strictObject({
  id: idSchema,
  title: text(L.titleChars),
  caption: text(L.captionChars),
  camera: cameraSchema,
  flightS: z.number().min(0).max(L.flightS),
  holdS: z.number().min(1).max(L.holdS),
  scenarioId: idSchema.nullable(),
  layers: z.array(layerSchema).max(L.layers).nullable(),
  timeMs: z.number().int().min(Date.UTC(1900, 0, 1)).max(Date.UTC(2200, 0, 1)).nullable(),
  highlight: z.array(idSchema).max(L.highlight),
});

export const tourSchema = z
  .strictObject({
    format: z.literal('jumeau-tour'),
    version: z.literal(1),
    id: idSchema,
    name: text(L.nameChars).min(1),
    cityId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a city id (lower-case letters, digits, -)'),
    description: text(L.descriptionChars),
    autoAdvance: z.boolean(),
    loop: z.boolean(),
    stops: z.array(stopSchema).max(L.stops),
    sample: z.boolean().optional(),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.stops.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['stops', i, 'id'], message: `duplicate stop id ${s.id}` });
      seen.add(s.id);
    });
  });

export type TourResult = { ok: true; tour: Tour } | { ok: false; error: string };

function pathOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out === '' ? '' : '.'}${String(p)}`;
  return out === '' ? '(root)' : out;
}

/** Validates a parsed value as a tour; `where` names the file or link in the error. */
export function validateTour(value: unknown, where: string): TourResult {
  const r = tourSchema.safeParse(value);
  if (!r.success) {
    const first = r.error.issues[0]!;
    const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : '';
    return { ok: false, error: `${where}: ${pathOf(first.path)}: ${first.message}${more}` };
  }
  const tour = r.data as Tour;
  // Cameras at the URL codec's precision and ranges, so tours compare and round-trip exactly.
  return { ok: true, tour: { ...tour, stops: tour.stops.map((s) => ({ ...s, camera: roundCamera(s.camera) })) } };
}

/** Parses the text of a tour file (JSON). */
export function parseTourText(text: string, where: string): TourResult {
  if (text.length > L.fileBytes) return { ok: false, error: `${where}: the file is larger than ${L.fileBytes} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${where}: not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  return validateTour(value, where);
}

/** The tour file's text: stable key order, two-space indent, no sample flag. */
export function serializeTour(tour: Tour): string {
  const { sample: _s, ...rest } = tour;
  return `${JSON.stringify(rest, null, 2)}\n`;
}
