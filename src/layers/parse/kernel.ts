import { layerById } from '../catalog.ts';
import { LayerParseError, type ParsedLayer } from '../types.ts';

/**
 * The layers worker's kernel: runs a layer's parser on its input bytes. Pure (no DOM, no
 * fetching): the same function runs in the worker, in Node tests and in the benchmark. Errors
 * come back as data, never as a rejected or hung promise (DESIGN.md convention 4).
 */

/** Version of the request/response contract; bumped when either changes shape. */
export const LAYER_PARSE_VERSION = 1;

export interface LayerParseRequest {
  version: typeof LAYER_PARSE_VERSION;
  layerId: string;
  inputs: Record<string, Uint8Array>;
  /** File name or URL of each input, for messages. */
  names: Record<string, string>;
  fetchedAtMs?: number;
}

export type LayerParseResponse =
  | { ok: true; version: typeof LAYER_PARSE_VERSION; parsed: ParsedLayer; parseMs: number }
  | { ok: false; version: typeof LAYER_PARSE_VERSION; error: { where: string; reason: string } };

export async function parseLayer(req: LayerParseRequest): Promise<LayerParseResponse> {
  const v = LAYER_PARSE_VERSION;
  if (req.version !== v) return { ok: false, version: v, error: { where: req.layerId, reason: `contract version ${String(req.version)}, this worker speaks ${v}` } };
  const def = layerById(req.layerId);
  if (def === undefined) return { ok: false, version: v, error: { where: req.layerId, reason: 'unknown layer' } };
  const t0 = Date.now();
  try {
    const parsed = await def.parse(req.inputs, { names: req.names, ...(req.fetchedAtMs !== undefined ? { fetchedAtMs: req.fetchedAtMs } : {}) });
    return { ok: true, version: v, parsed, parseMs: Date.now() - t0 };
  } catch (e) {
    if (e instanceof LayerParseError) return { ok: false, version: v, error: { where: e.where, reason: e.reason } };
    return { ok: false, version: v, error: { where: req.layerId, reason: e instanceof Error ? `${e.name}: ${e.message}` : String(e) } };
  }
}

export const layerParseApi = { parseLayer };
export type LayerParseApi = typeof layerParseApi;
