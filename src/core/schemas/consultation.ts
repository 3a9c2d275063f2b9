import { z } from 'zod';

/**
 * The public consultation's data, as the HTTP API accepts and returns it. One set of zod schemas
 * serves three purposes: the server validates every request with them, the OpenAPI description
 * is generated from them (`z.toJSONSchema`), and the browser validates the server's answers.
 *
 * Texts are validated, never rewritten: what a resident typed is stored and shown as given
 * (rendered as text, never as HTML). Only what PostgreSQL cannot store (NUL, unpaired UTF-16
 * surrogates) and invisible control characters are refused, with the reason.
 */

/** Comment categories. The UI translates them (`consult.cat.<id>`). */
export const CATEGORIES = ['mobility', 'greenery', 'housing', 'public-space', 'safety', 'heritage', 'services', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

export const MODERATION_STATES = ['pending', 'published', 'rejected'] as const;
export type ModerationState = (typeof MODERATION_STATES)[number];

export const ROLES = ['moderator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const STANCES = ['support', 'oppose'] as const;
export type Stance = (typeof STANCES)[number];

/** Length limits, shared by the validation, the database checks and the form fields. */
export const LIMITS = {
  titleChars: 200,
  descriptionChars: 5000,
  proposalDescriptionChars: 2000,
  textChars: 2000,
  displayNameChars: 60,
  reasonChars: 500,
  emailChars: 254,
  passwordMinChars: 12,
  passwordMaxChars: 200,
  categories: CATEGORIES.length,
  proposals: 50,
} as const;

// Unpaired surrogates cannot be encoded in UTF-8 (PostgreSQL would refuse or alter them).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// C0 controls except tab, line feed and carriage return; DEL and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex
const CONTROL_LINE = /[\u0000-\u001F\u007F-\u009F]/;

/** A text typed by a person: length limits, not blank, no control characters, valid Unicode. */
export function userText(min: number, max: number, multiline: boolean) {
  return z
    .string()
    .min(min, { message: min === 1 ? 'must not be empty' : `must have at least ${min} characters` })
    .max(max, { message: `too long: at most ${max} characters` })
    .refine((s) => min === 0 || s.length === 0 || s.trim().length > 0, { message: 'must not be only spaces' })
    .refine((s) => !(multiline ? CONTROL_MULTILINE : CONTROL_LINE).test(s), {
      message: multiline ? 'contains a control character (only tabs and line breaks are allowed)' : 'contains a control character or a line break',
    })
    .refine((s) => !LONE_SURROGATE.test(s), { message: 'contains an invalid Unicode character (unpaired surrogate)' });
}

/** Consultation ids: lower-case letters, digits and '-', 2 to 64 characters (they appear in URLs). */
export const consultationIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,63}$/, { message: 'must be 2–64 lower-case letters, digits or "-", starting with a letter or digit' });

/** City ids, as the catalog spells them. */
export const cityIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { message: 'must be a city id (lower-case letters, digits, "-")' });

/**
 * Links to a scenario or a tour: opaque ids validated like the URL's ids (letters, digits, '.',
 * '_', ':', '-', at most 128 characters). The scenario and tour features resolve them.
 */
export const linkIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'must be 1–128 letters, digits, ".", "_", ":" or "-"' });

/** Server-made ids (UUIDs). */
export const uuidSchema = z.uuid({ message: 'must be a UUID' });

const lon = z.number().min(-180, { message: 'must be between -180 and 180' }).max(180, { message: 'must be between -180 and 180' });
const lat = z.number().min(-90, { message: 'must be between -90 and 90' }).max(90, { message: 'must be between -90 and 90' });

/** A place in 3D: longitude and latitude in degrees (WGS84), height in metres above the ellipsoid. */
export const positionSchema = z.strictObject({
  lonDeg: lon,
  latDeg: lat,
  heightM: z.number().min(-500, { message: 'must be between -500 and 10000 m' }).max(10_000, { message: 'must be between -500 and 10000 m' }),
});
export type Position = z.infer<typeof positionSchema>;

/** A camera pose (as the URL keeps it). */
export const cameraSchema = z.strictObject({
  lonDeg: lon,
  latDeg: lat,
  heightM: z.number().min(-1000).max(50_000_000),
  headingDeg: z.number().min(0).max(360),
  pitchDeg: z.number().min(-90).max(90),
  rollDeg: z.number().min(-180).max(180),
});
export type Camera = z.infer<typeof cameraSchema>;

/** The area a consultation covers, in degrees; contributions must lie inside it. */
export const areaSchema = z
  .strictObject({ west: lon, south: lat, east: lon, north: lat })
  .refine((a) => a.west < a.east && a.south < a.north, { message: 'west must be less than east and south less than north' })
  .refine((a) => a.east - a.west <= 1 && a.north - a.south <= 1, { message: 'must span at most 1 degree in each direction' });
export type Area = z.infer<typeof areaSchema>;

const isoDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date and time with a time zone, e.g. 2026-06-01T00:00:00Z' });

const categoriesSchema = z
  .array(z.enum(CATEGORIES))
  .min(1, { message: 'must list at least one category' })
  .max(LIMITS.categories)
  .refine((a) => new Set(a).size === a.length, { message: 'must not repeat a category' });

/** What an administrator sends to create a consultation. */
export const consultationInputSchema = z
  .strictObject({
    id: consultationIdSchema,
    city: cityIdSchema,
    title: userText(1, LIMITS.titleChars, false),
    description: userText(0, LIMITS.descriptionChars, true),
    opensAt: isoDateTime,
    closesAt: isoDateTime,
    scenarioId: linkIdSchema.nullable().default(null),
    tourId: linkIdSchema.nullable().default(null),
    area: areaSchema,
    camera: cameraSchema.nullable().default(null),
    categories: categoriesSchema.default([...CATEGORIES]),
    /** Sample (demonstration) data: always labelled as such on screen. */
    sample: z.boolean().default(false),
  })
  .refine((c) => Date.parse(c.closesAt) > Date.parse(c.opensAt), { message: 'closesAt must be after opensAt', path: ['closesAt'] });
export type ConsultationInput = z.input<typeof consultationInputSchema>;

/** What an administrator sends to change a consultation (every field optional; id and city stay). */
export const consultationPatchSchema = z
  .strictObject({
    title: userText(1, LIMITS.titleChars, false),
    description: userText(0, LIMITS.descriptionChars, true),
    opensAt: isoDateTime,
    closesAt: isoDateTime,
    scenarioId: linkIdSchema.nullable(),
    tourId: linkIdSchema.nullable(),
    camera: cameraSchema.nullable(),
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, { message: 'must change at least one field' });
export type ConsultationPatch = z.infer<typeof consultationPatchSchema>;

export const proposalInputSchema = z.strictObject({
  title: userText(1, LIMITS.titleChars, false),
  description: userText(0, LIMITS.proposalDescriptionChars, true).default(''),
  position: positionSchema.nullable().default(null),
});
export type ProposalInput = z.input<typeof proposalInputSchema>;

export const proposalSchema = z.object({
  id: uuidSchema,
  title: z.string(),
  description: z.string(),
  position: positionSchema.nullable(),
  support: z.int().min(0),
  oppose: z.int().min(0),
});
export type Proposal = z.infer<typeof proposalSchema>;

export const CONSULTATION_STATUSES = ['upcoming', 'open', 'closed'] as const;
export type ConsultationStatus = (typeof CONSULTATION_STATUSES)[number];

export const consultationSchema = z.object({
  id: consultationIdSchema,
  city: z.string(),
  title: z.string(),
  description: z.string(),
  opensAt: z.string(),
  closesAt: z.string(),
  status: z.enum(CONSULTATION_STATUSES),
  scenarioId: z.string().nullable(),
  tourId: z.string().nullable(),
  area: z.object({ west: z.number(), south: z.number(), east: z.number(), north: z.number() }),
  camera: cameraSchema.nullable(),
  categories: z.array(z.enum(CATEGORIES)),
  sample: z.boolean(),
  proposals: z.array(proposalSchema),
  published: z.int().min(0),
});
export type Consultation = z.infer<typeof consultationSchema>;

export const consultationListSchema = z.object({
  consultations: z.array(consultationSchema.omit({ proposals: true, description: true })),
});
export type ConsultationSummaryItem = z.infer<typeof consultationListSchema>['consultations'][number];

/** What a resident sends to leave a comment. */
export const contributionInputSchema = z.strictObject({
  position: positionSchema,
  camera: cameraSchema.nullable().default(null),
  category: z.enum(CATEGORIES, { message: `must be one of ${CATEGORIES.join(', ')}` }),
  text: userText(1, LIMITS.textChars, true),
  displayName: userText(1, LIMITS.displayNameChars, false),
});
export type ContributionInput = z.input<typeof contributionInputSchema>;

/** A published comment, as everyone sees it. */
export const contributionSchema = z.object({
  id: uuidSchema,
  position: positionSchema,
  camera: cameraSchema.nullable(),
  category: z.enum(CATEGORIES),
  text: z.string(),
  displayName: z.string(),
  createdAt: z.string(),
});
export type Contribution = z.infer<typeof contributionSchema>;

/** A comment with its moderation state (moderators, and residents for their own comments). */
export const moderatedContributionSchema = contributionSchema.extend({
  consultationId: consultationIdSchema,
  status: z.enum(MODERATION_STATES),
  rejectReason: z.string().nullable(),
  moderatedAt: z.string().nullable(),
});
export type ModeratedContribution = z.infer<typeof moderatedContributionSchema>;

export const contributionListSchema = z.object({
  contributions: z.array(contributionSchema),
  total: z.int().min(0),
});

export const moderationListSchema = z.object({
  contributions: z.array(moderatedContributionSchema.extend({ moderatedBy: z.string().nullable() })),
  total: z.int().min(0),
});

export const voteInputSchema = z.strictObject({ stance: z.enum(STANCES, { message: 'must be "support" or "oppose"' }) });

export const voteResultSchema = z.object({ proposalId: uuidSchema, stance: z.enum(STANCES).nullable(), support: z.int().min(0), oppose: z.int().min(0) });
export type VoteResult = z.infer<typeof voteResultSchema>;

/** What a resident has done in a consultation: their votes and comments (with moderation state). */
export const participationSchema = z.object({
  votes: z.record(z.string(), z.enum(STANCES)),
  contributions: z.array(moderatedContributionSchema),
});
export type Participation = z.infer<typeof participationSchema>;

export const moderationInputSchema = z.discriminatedUnion(
  'action',
  [
    z.strictObject({ action: z.literal('publish') }),
    z.strictObject({ action: z.literal('reject'), reason: userText(1, LIMITS.reasonChars, true) }),
  ],
  { message: 'action must be "publish" or "reject" (with a reason)' },
);
export type ModerationInput = z.infer<typeof moderationInputSchema>;

export const loginInputSchema = z.strictObject({
  email: z.string().min(3).max(LIMITS.emailChars, { message: `too long: at most ${LIMITS.emailChars} characters` }).regex(/^[^\s@]+@[^\s@]+$/, { message: 'must be an e-mail address' }),
  password: z.string().min(1, { message: 'must not be empty' }).max(LIMITS.passwordMaxChars, { message: `too long: at most ${LIMITS.passwordMaxChars} characters` }),
});

export const moderatorSchema = z.object({ id: uuidSchema, email: z.string(), displayName: z.string(), role: z.enum(ROLES) });
export type Moderator = z.infer<typeof moderatorSchema>;

export const moderatorInputSchema = z.strictObject({
  email: loginInputSchema.shape.email,
  displayName: userText(1, LIMITS.displayNameChars, false),
  role: z.enum(ROLES),
  password: z
    .string()
    .min(LIMITS.passwordMinChars, { message: `too short: at least ${LIMITS.passwordMinChars} characters` })
    .max(LIMITS.passwordMaxChars, { message: `too long: at most ${LIMITS.passwordMaxChars} characters` }),
});

/** Who is calling: the CSRF token to send with every change, and the moderator if logged in. */
export const meSchema = z.object({ csrfToken: z.string(), moderator: moderatorSchema.nullable() });
export type Me = z.infer<typeof meSchema>;

export const summarySchema = z.object({
  consultationId: consultationIdSchema,
  contributions: z.object({ published: z.int(), pending: z.int(), rejected: z.int() }),
  byCategory: z.record(z.string(), z.int()),
  proposals: z.array(proposalSchema.pick({ id: true, title: true, support: true, oppose: true })),
  participants: z.int().min(0),
});
export type Summary = z.infer<typeof summarySchema>;

export const auditEntrySchema = z.object({
  id: z.int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

/** Every error the API returns: a code, a readable message naming the field and the reason. */
export const apiErrorSchema = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** Whether a consultation accepts comments and votes at a time (open from opensAt, closed from closesAt). */
export function consultationStatus(opensAtMs: number, closesAtMs: number, nowMs: number): ConsultationStatus {
  if (nowMs < opensAtMs) return 'upcoming';
  return nowMs < closesAtMs ? 'open' : 'closed';
}
