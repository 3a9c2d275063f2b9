import { base64Decode, base64Encode, utf8Decode, utf8Encode } from '../../core/bytes.ts';
import { readScenarioDocument, SCENARIO_FORMAT, SCENARIO_VERSION, canonicalScenario, type ReadResult } from '../../scenarios/file.ts';
import type { Scenario } from '../../scenarios/model.ts';

/**
 * Share links: a scenario small enough travels in the URL (`?scn=…`), as its file document
 * (without models) in compact JSON, deflated and base64url-encoded behind a version prefix
 * (`1.`). A scenario with imported models, or too long for a link, is shared as a file instead.
 * Decoding is total: a truncated, altered or hostile link gives an error naming the reason, and
 * inflating stops at a size limit (no decompression bombs).
 */

/** The URL parameter that carries a shared scenario. */
export const SHARE_PARAM = 'scn';
/** Longest link value (the URL codec refuses parameters beyond 2048 characters). */
export const SHARE_MAX_CHARS = 2000;
/** Largest inflated document read from a link. */
const MAX_INFLATED_BYTES = 1024 * 1024;
const PREFIX = '1.';

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream, limit: number): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  void writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => undefined);
  void writer.close().catch(() => undefined);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`it expands to more than ${limit / 1024} KB`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export type EncodeResult = { ok: true; value: string } | { ok: false; reason: 'models' | 'too-long'; length?: number };

/** The link value of a scenario, or why it must be shared as a file. */
export async function encodeShare(scenario: Scenario): Promise<EncodeResult> {
  if (scenario.edits.some((e) => e.kind === 'add-model')) return { ok: false, reason: 'models' };
  const doc = { format: SCENARIO_FORMAT, version: SCENARIO_VERSION, scenario: canonicalScenario(scenario), assets: {} };
  const packed = await pipe(utf8Encode(JSON.stringify(doc)), new CompressionStream('deflate-raw'), Infinity);
  const value = PREFIX + base64Encode(packed, true);
  return value.length > SHARE_MAX_CHARS ? { ok: false, reason: 'too-long', length: value.length } : { ok: true, value };
}

/** Reads a link value. Never throws. */
export async function decodeShare(value: string): Promise<ReadResult> {
  try {
    if (!value.startsWith(PREFIX)) {
      const v = /^(\d+)\./.exec(value);
      return v !== null && Number(v[1]) > 1
        ? { ok: false, error: `the link was made by a newer version of Jumeau (link version ${v[1]}): update the app to open it` }
        : { ok: false, error: 'the link does not hold a scenario (it should start with "1.")' };
    }
    if (value.length > SHARE_MAX_CHARS + 48) return { ok: false, error: `the link is ${value.length} characters long, more than a scenario link can be` };
    let packed: Uint8Array;
    try {
      packed = base64Decode(value.slice(PREFIX.length));
    } catch (e) {
      return { ok: false, error: `the link is damaged (${e instanceof Error ? e.message : String(e)}); was it cut when copied?` };
    }
    let text: string;
    try {
      text = utf8Decode(await pipe(packed, new DecompressionStream('deflate-raw'), MAX_INFLATED_BYTES));
    } catch (e) {
      return { ok: false, error: `the link is damaged: its data cannot be unpacked (${e instanceof Error ? e.message : String(e)}); was it cut when copied?` };
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return { ok: false, error: 'the link is damaged: its data is not a scenario' };
    }
    return await readScenarioDocument(doc);
  } catch (e) {
    return { ok: false, error: `the link cannot be read: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** The URL parameter that says how the link compares the scenario with today's city. */
export const COMPARE_PARAM = 'cmp';
/** The URL parameter that says the indicators were shown, and for which study date. */
export const KPI_PARAM = 'kpi';
/** How a scenario is compared with today's city: one view split by a divider, or two synchronised views. */
export const COMPARE_MODES = ['split', 'sync'] as const;
export type CompareMode = (typeof COMPARE_MODES)[number];

/** What a link says about the comparison beside the scenario itself. */
export interface CompareLink {
  /** The comparison view shown (null: none). */
  mode: CompareMode | null;
  /** The indicator table was shown for this study date (`YYYY-MM-DD`): compute it on open. */
  kpiDate: string | null;
}

/** A malformed comparison parameter (named, with its value and the reason). */
export interface CompareLinkIssue {
  param: string;
  value: string;
  reason: string;
}

/** True for a real calendar date `YYYY-MM-DD` in 1900–2199 (what the study date field accepts). */
export function isStudyDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2199) return false;
  const check = new Date(Date.UTC(y, mo - 1, d));
  return check.getUTCFullYear() === y && check.getUTCMonth() === mo - 1 && check.getUTCDate() === d;
}

/**
 * Reads `cmp` and `kpi` from the URL's extra parameters. Never throws: a malformed value is
 * left out (the link still opens the scenario) and reported as an issue naming the parameter.
 */
export function readCompareLink(extra: Readonly<Record<string, string>>): { value: CompareLink; issues: CompareLinkIssue[] } {
  const issues: CompareLinkIssue[] = [];
  const value: CompareLink = { mode: null, kpiDate: null };
  const mode = extra[COMPARE_PARAM];
  if (mode !== undefined) {
    if ((COMPARE_MODES as readonly string[]).includes(mode)) value.mode = mode as CompareMode;
    else issues.push({ param: COMPARE_PARAM, value: mode.slice(0, 40), reason: `expected one of ${COMPARE_MODES.join(', ')}` });
  }
  const kpi = extra[KPI_PARAM];
  if (kpi !== undefined) {
    if (isStudyDate(kpi)) value.kpiDate = kpi;
    else issues.push({ param: KPI_PARAM, value: kpi.slice(0, 40), reason: 'expected a study date YYYY-MM-DD between 1900 and 2199' });
  }
  return { value, issues };
}

/** Writes `cmp` and `kpi` into the URL's extra parameters (removing them when absent). */
export function writeCompareLink(extra: Record<string, string>, link: CompareLink): void {
  if (link.mode !== null) extra[COMPARE_PARAM] = link.mode;
  else delete extra[COMPARE_PARAM];
  if (link.kpiDate !== null && isStudyDate(link.kpiDate)) extra[KPI_PARAM] = link.kpiDate;
  else delete extra[KPI_PARAM];
}
