import { LayerParseError } from '../../layers/types.ts';
import { detectFormat } from './formats.ts';
import { parseUserVector } from './parse.ts';
import { VECTOR_FORMATS, type UserFormat, type UserParseOptions, type UserVectorResult, type VectorFormat } from '../../layers/userdata-types.ts';

/**
 * The user-data worker's kernel: detects the format of a file the user brought and parses vector
 * formats into features. Pure; errors come back as data naming the file and the reason
 * (DESIGN.md conventions 4 and 9), never as a rejected promise.
 */

export const USERDATA_PARSE_VERSION = 1;

export interface UserParseRequest {
  version: typeof USERDATA_PARSE_VERSION;
  /** File name or URL, for detection and messages. */
  name: string;
  bytes: Uint8Array;
  /** Format forced by the caller (e.g. a re-parse with other CSV columns); detected otherwise. */
  format?: VectorFormat;
  options?: UserParseOptions;
}

export type UserParseResponse =
  | { ok: true; version: typeof USERDATA_PARSE_VERSION; kind: 'vector'; result: UserVectorResult; parseMs: number }
  /** Not a vector file: the page handles it (a glTF model) with the bytes it still has. */
  | { ok: true; version: typeof USERDATA_PARSE_VERSION; kind: 'other'; format: Exclude<UserFormat, VectorFormat> }
  | { ok: false; version: typeof USERDATA_PARSE_VERSION; error: { where: string; reason: string } };

export function parseUserFile(req: UserParseRequest): UserParseResponse {
  const v = USERDATA_PARSE_VERSION;
  if (req.version !== v) return { ok: false, version: v, error: { where: req.name, reason: `contract version ${String(req.version)}, this worker speaks ${v}` } };
  let format: UserFormat;
  if (req.format !== undefined) format = req.format;
  else {
    const d = detectFormat(req.name, req.bytes);
    if (!d.ok) return { ok: false, version: v, error: { where: req.name, reason: d.reason } };
    format = d.format;
  }
  if (!(VECTOR_FORMATS as readonly string[]).includes(format)) return { ok: true, version: v, kind: 'other', format: format as Exclude<UserFormat, VectorFormat> };
  const t0 = Date.now();
  try {
    const result = parseUserVector(format as VectorFormat, req.bytes, req.name, req.options);
    return { ok: true, version: v, kind: 'vector', result, parseMs: Date.now() - t0 };
  } catch (e) {
    if (e instanceof LayerParseError) return { ok: false, version: v, error: { where: e.where, reason: e.reason } };
    return { ok: false, version: v, error: { where: req.name, reason: e instanceof Error ? `${e.name}: ${e.message}` : String(e) } };
  }
}

export const userParseApi = { parseUserFile };
export type UserParseApi = typeof userParseApi;
