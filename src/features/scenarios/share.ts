import { base64Decode, base64Encode, utf8Decode, utf8Encode, concatBytes } from '../../core/bytes.ts';
import { readScenarioDocument, SCENARIO_FORMAT, SCENARIO_VERSION, canonicalScenario, type ReadResult } from '../../scenarios/file.ts';
import type { Scenario } from '../../scenarios/model.ts';

// The URL parameters of a link (pure, for the controller), read and written with it.
export { COMPARE_MODES, COMPARE_PARAM, isStudyDate, KPI_PARAM, readCompareLink, SHARE_PARAM, writeCompareLink, type CompareLink, type CompareLinkIssue, type CompareMode } from './compare-link.ts';

/**
 * Share links: a scenario small enough travels in the URL (`?scn=…`), as its file document
 * (without models) in compact JSON, deflated and base64url-encoded behind a version prefix
 * (`1.`). A scenario with imported models, or too long for a link, is shared as a file instead.
 * Decoding is total: a truncated, altered or hostile link gives an error naming the reason, and
 * inflating stops at a size limit (no decompression bombs).
 */

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
  return concatBytes(chunks);
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
