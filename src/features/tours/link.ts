import { concatBytes } from '../../core/bytes.ts';
import { Inflate, deflateSync, strFromU8, strToU8 } from 'fflate';
import { TOUR_LIMITS, type Tour } from './model.ts';
import { validateTour, type TourResult } from './schema.ts';

/**
 * Sharing tours by link (`?tour=`). The value is either a tour id (a sample, or a tour saved in
 * this browser) or the whole tour: `z1.` + base64url of its compact JSON, raw-deflated. The
 * decoder is total: bad characters, truncated data, a decompression bomb or an invalid tour give
 * an error naming the parameter, never a throw.
 */

export const LINK_PREFIX = 'z1.';
/** Longest `tour=` value accepted (the URL codec allows this much for `tour`). */
export const MAX_LINK_CHARS = 32_768;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!, b1 = bytes[i + 1], b2 = bytes[i + 2];
    const n = (b0 << 16) | ((b1 ?? 0) << 8) | (b2 ?? 0);
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    if (b1 !== undefined) out += ALPHABET[(n >> 6) & 63]!;
    if (b2 !== undefined) out += ALPHABET[n & 63]!;
  }
  return out;
}

/** Decodes base64url (padding tolerated); null on a character outside the alphabet or a bad length. */
export function fromBase64Url(s: string): Uint8Array | null {
  const str = s.replace(/=+$/, '');
  if (str.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((str.length * 3) / 4));
  let o = 0, acc = 0, bits = 0;
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    const v = c < 128 ? DECODE[c]! : -1;
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return out.subarray(0, o);
}

/** The `tour=` value carrying the whole tour. */
export function encodeTourLink(tour: Tour): string {
  const { sample: _s, ...rest } = tour;
  return LINK_PREFIX + toBase64Url(deflateSync(strToU8(JSON.stringify(rest)), { level: 9 }));
}

/** Inflates at most `limit` bytes; null when the data is not deflate or grows past the limit. */
function inflateLimited(data: Uint8Array, limit: number): Uint8Array | null {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let tooBig = false;
  const inf = new Inflate((chunk) => {
    total += chunk.length;
    if (total > limit) {
      tooBig = true;
      throw new Error('too big');
    }
    chunks.push(chunk);
  });
  try {
    inf.push(data, true);
  } catch {
    return null;
  }
  if (tooBig) return null;
  return concatBytes(chunks);
}

export type LinkValue = { kind: 'id'; id: string } | { kind: 'tour'; result: TourResult };

/** Reads a `tour=` value: an id to look up, or an inline tour (validated). */
export function decodeTourLink(value: string): LinkValue | { kind: 'invalid'; error: string } {
  const where = 'link parameter "tour"';
  const v = value.trim();
  if (v.length > MAX_LINK_CHARS) return { kind: 'invalid', error: `${where}: longer than ${MAX_LINK_CHARS} characters` };
  if (!v.startsWith(LINK_PREFIX)) {
    if (/^[A-Za-z0-9._:-]{1,128}$/.test(v)) return { kind: 'id', id: v };
    return { kind: 'invalid', error: `${where}: neither a tour id nor an encoded tour (it should start with "${LINK_PREFIX}")` };
  }
  const bytes = fromBase64Url(v.slice(LINK_PREFIX.length));
  if (bytes === null) return { kind: 'invalid', error: `${where}: not base64url (the link may have been cut or altered)` };
  const raw = inflateLimited(bytes, TOUR_LIMITS.fileBytes);
  if (raw === null) return { kind: 'invalid', error: `${where}: the compressed data is damaged or too large` };
  let text: string;
  try {
    text = strFromU8(raw);
  } catch {
    return { kind: 'invalid', error: `${where}: not UTF-8 text` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { kind: 'invalid', error: `${where}: not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  const result = validateTour(json, where);
  return result.ok ? { kind: 'tour', result } : { kind: 'invalid', error: result.error };
}
