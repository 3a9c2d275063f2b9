import { z } from 'zod';
import { base64Decode, base64Encode } from '../core/bytes.ts';
import { isoDate } from '../core/simulation/schemas.ts';
import { canonicalEdit, editId, editSchema, LIMITS, lonLatPoint, ringProblem, type LonLat } from './edits.ts';
import type { Scenario } from './model.ts';

/**
 * The scenario file: versioned JSON, validated with zod. Reading never throws and never
 * changes anything: it returns the scenario (and the models it uses) or an error naming what is
 * wrong and where — not JSON, not a scenario, made by a newer version, a field out of range, a
 * model missing or corrupted — so the caller can refuse it and keep the current work.
 *
 * ```json
 * { "format": "jumeau-scenario", "version": 1,
 *   "scenario": { "id", "name", "cityId", "description", "createdAt", "updatedAt",
 *                 "edits": [ { "kind": "add-building", … } ], "study": { … }, "view"?: { … } },
 *   "assets": { "<sha-256>": { "name", "mediaType", "data": "<base64>" } },
 *   "tours"?: [ … ],
 *   "userData"?: [ { "name", "format", "licence", "publisher", "styleField", "options", "placement"?,
 *                    "source": { "kind": "url", "url", "layers"? } | { "kind": "file", "sha256", "data": "<base64>" } }
 *                  | { "name", "format", "leftOut": "<why>" } ] }
 * ```
 *
 * `tours` and `userData` (My data, see `userdata.ts`) are optional keys added within version 1:
 * older files without them still read, and a bad tour or data item does not refuse the scenario.
 */

export const SCENARIO_FORMAT = 'jumeau-scenario';
/** The version this app writes, and the newest it reads. */
export const SCENARIO_VERSION = 1;
/** Largest file read (models included). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** Largest model in a scenario. */
export const MAX_MODEL_BYTES = 32 * 1024 * 1024;

/** One model used by a scenario's `add-model` edits. */
export interface ScenarioAsset {
  name: string;
  mediaType: 'model/gltf-binary' | 'model/gltf+json';
  bytes: Uint8Array;
}

/** Upgrades a document of version n to version n + 1 (none yet: version 1 is the first). */
export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;
export const MIGRATIONS: Readonly<Record<number, Migration>> = {};

const iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'an ISO 8601 UTC time, e.g. 2026-03-21T10:00:00Z');

export const studySchema = z
  .object({
    area: z
      .array(lonLatPoint)
      .min(3)
      .max(LIMITS.maxRingPoints)
      .superRefine((r, ctx) => {
        const p = ringProblem(r as LonLat[]);
        if (p !== null) ctx.addIssue({ code: 'custom', message: p });
      })
      .nullable(),
    date: isoDate,
    stepMin: z.number().min(1).max(120),
    cellM: z.number().min(0.5).max(50),
  })
  .strict();

const cameraSchema = z
  .object({
    lonDeg: z.number().min(-180).max(180),
    latDeg: z.number().min(-90).max(90),
    heightM: z.number().min(-1000).max(50_000_000),
    headingDeg: z.number().min(0).lt(360),
    pitchDeg: z.number().min(-90).max(90),
    rollDeg: z.number().min(-180).lt(180),
  })
  .strict();

export const scenarioSchema = z
  .object({
    id: editId,
    name: z.string().trim().min(1, 'a scenario needs a name').max(LIMITS.maxNameChars),
    cityId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a city id is lower-case letters, digits and "-"'),
    description: z.string().max(LIMITS.maxTextChars),
    createdAt: iso,
    updatedAt: iso,
    edits: z.array(editSchema).max(LIMITS.maxEdits, `a scenario has at most ${LIMITS.maxEdits} edits`),
    study: studySchema,
    view: cameraSchema.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.edits.forEach((e, i) => {
      if (seen.has(e.id)) ctx.addIssue({ code: 'custom', path: ['edits', i, 'id'], message: `the id ${e.id} is used by two edits` });
      seen.add(e.id);
    });
  });

const assetSchema = z
  .object({
    name: z.string().min(1).max(200),
    mediaType: z.enum(['model/gltf-binary', 'model/gltf+json']),
    data: z.string().max(Math.ceil((MAX_MODEL_BYTES * 4) / 3) + 4, `a model is at most ${MAX_MODEL_BYTES / 1024 / 1024} MB`),
  })
  .strict();

const fileSchema = z
  .object({
    format: z.literal(SCENARIO_FORMAT),
    version: z.number().int(),
    scenario: scenarioSchema,
    assets: z.record(z.string().regex(/^[0-9a-f]{64}$/, 'assets are keyed by the SHA-256 of the model'), assetSchema).default({}),
    /** Tours saved with the scenario: read and validated by src/features/tours/scenario-adapter.ts. */
    tours: z.array(z.unknown()).max(200, 'at most 200 tours').optional(),
    /** My data saved with the scenario: read and validated item by item by src/scenarios/userdata.ts. */
    userData: z.array(z.unknown()).optional(),
  })
  .strict();

export type ReadResult = { ok: true; scenario: Scenario; assets: Map<string, ScenarioAsset> } | { ok: false; error: string };

/** The scenario with every edit and value at the file's precision (what a round trip keeps). */
export function canonicalScenario(s: Scenario): Scenario {
  const out: Scenario = {
    id: s.id,
    name: s.name,
    cityId: s.cityId,
    description: s.description,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    edits: s.edits.map((e) => canonicalEdit(e)),
    study: { area: s.study.area === null ? null : s.study.area.map(([x, y]) => [round7(x), round7(y)] as LonLat), date: s.study.date, stepMin: s.study.stepMin, cellM: s.study.cellM },
  };
  if (s.view !== undefined) out.view = { ...s.view };
  return out;
}

function round7(v: number): number {
  const r = Math.round(v * 1e7) / 1e7;
  return r === 0 ? 0 : r;
}

/** SHA-256 of bytes, hex (WebCrypto: browsers and Node). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The assets a scenario's edits use (sorted by hash), or the first missing one. */
export function usedAssets(s: Scenario): string[] {
  return [...new Set(s.edits.flatMap((e) => (e.kind === 'add-model' ? [e.asset] : [])))].sort();
}

/** Writes a scenario file (JSON text). Throws when a model it uses is not given. */
export function writeScenarioFile(scenario: Scenario, assets: ReadonlyMap<string, ScenarioAsset>): string {
  const s = canonicalScenario(scenario);
  const out: Record<string, { name: string; mediaType: string; data: string }> = {};
  for (const sha of usedAssets(s)) {
    const a = assets.get(sha);
    if (a === undefined) throw new Error(`the model ${sha.slice(0, 12)}… used by the scenario is missing`);
    out[sha] = { name: a.name, mediaType: a.mediaType, data: base64Encode(a.bytes) };
  }
  return JSON.stringify({ format: SCENARIO_FORMAT, version: SCENARIO_VERSION, scenario: s, assets: out }, null, 1) + '\n';
}

function describeIssue(issues: z.ZodError['issues']): string {
  const issue = issues[0]!;
  const path = issue.path.map(String).join('.');
  return `${path === '' ? 'file' : path}: ${issue.message}`;
}

export interface ReadOptions {
  /** For tests: the migrations and the version treated as current. */
  migrations?: Readonly<Record<number, Migration>>;
  currentVersion?: number;
  /** Checks the models (hash, glTF) — default true. */
  checkModels?: boolean;
}

/** Reads a parsed document (a file's JSON, or a share link's). Never throws. */
export async function readScenarioDocument(doc: unknown, o: ReadOptions = {}): Promise<ReadResult> {
  try {
    const current = o.currentVersion ?? SCENARIO_VERSION;
    const migrations = o.migrations ?? MIGRATIONS;
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { ok: false, error: 'not a Jumeau scenario: the file is not a JSON object' };
    let d = doc as Record<string, unknown>;
    if (d.format !== SCENARIO_FORMAT) return { ok: false, error: `not a Jumeau scenario: "format" is ${JSON.stringify(d.format ?? null)?.slice(0, 60)}, expected "${SCENARIO_FORMAT}"` };
    const v = d.version;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) return { ok: false, error: `"version" must be a whole number from 1, it is ${JSON.stringify(v ?? null)?.slice(0, 40)}` };
    if (v > current) return { ok: false, error: `this scenario was made by a newer version of Jumeau (file version ${v}; this app reads versions up to ${current}): update the app to open it` };
    for (let k = v; k < current; k++) {
      const m = migrations[k];
      if (m === undefined) return { ok: false, error: `no migration from version ${k} to ${k + 1}` };
      d = { ...m(d), version: k + 1 };
    }
    const parsed = fileSchema.safeParse(d);
    if (!parsed.success) return { ok: false, error: describeIssue(parsed.error.issues) };
    const scenario = canonicalScenario(parsed.data.scenario as Scenario);
    const assets = new Map<string, ScenarioAsset>();
    for (const sha of usedAssets(scenario)) {
      const a = parsed.data.assets[sha];
      if (a === undefined) return { ok: false, error: `assets: the model ${sha.slice(0, 12)}… used by an edit is not in the file` };
      let bytes: Uint8Array;
      try {
        bytes = base64Decode(a.data);
      } catch (e) {
        return { ok: false, error: `assets.${sha.slice(0, 12)}…: ${e instanceof Error ? e.message : String(e)}` };
      }
      if (o.checkModels !== false) {
        const actual = await sha256Hex(bytes);
        if (actual !== sha) return { ok: false, error: `assets: the model "${a.name}" is corrupted (its SHA-256 is ${actual.slice(0, 12)}…, the file says ${sha.slice(0, 12)}…)` };
        try {
          const { parseGltfTriangles } = await import('../core/gltf-io.ts');
          await parseGltfTriangles(bytes);
        } catch (e) {
          return { ok: false, error: `assets: the model "${a.name}" cannot be read: ${e instanceof Error ? e.message : String(e)}` };
        }
      }
      assets.set(sha, { name: a.name, mediaType: a.mediaType, bytes });
    }
    return { ok: true, scenario, assets };
  } catch (e) {
    return { ok: false, error: `the scenario cannot be read: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Reads a scenario file's text. Never throws. */
export async function readScenarioFile(text: string, o: ReadOptions = {}): Promise<ReadResult> {
  if (text.length > MAX_FILE_BYTES) return { ok: false, error: `the file is ${(text.length / 1024 / 1024).toFixed(1)} MB, more than ${MAX_FILE_BYTES / 1024 / 1024} MB` };
  if (text.trim() === '') return { ok: false, error: 'the file is empty' };
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { ok: false, error: `the file is not valid JSON (${e instanceof Error ? e.message : String(e)}); was it cut short or edited by hand?` };
  }
  return readScenarioDocument(doc, o);
}
