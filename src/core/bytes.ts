/**
 * Bytes ↔ text without platform APIs (core/ type-checks without DOM or Node): UTF-8 and
 * base64 (standard and URL-safe alphabets). Decoders are total: malformed input gives a
 * `BytesError` naming the position, never a wrong value silently.
 */

export class BytesError extends Error {
  override name = 'BytesError';
}

/** UTF-8 encoding of a string (lone surrogates become U+FFFD, as TextEncoder does). */
export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      } else c = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

/** Strict UTF-8 decoding; throws a `BytesError` at the first invalid sequence. */
export function utf8Decode(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk: number[] = [];
  const flush = () => {
    parts.push(String.fromCharCode(...chunk));
    chunk = [];
  };
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    let cp: number, n: number;
    if (b < 0x80) {
      cp = b;
      n = 0;
    } else if (b >= 0xc2 && b < 0xe0) {
      cp = b & 31;
      n = 1;
    } else if (b >= 0xe0 && b < 0xf0) {
      cp = b & 15;
      n = 2;
    } else if (b >= 0xf0 && b < 0xf5) {
      cp = b & 7;
      n = 3;
    } else throw new BytesError(`invalid UTF-8 byte 0x${b.toString(16)} at offset ${i}`);
    if (i + n >= bytes.length) throw new BytesError(`truncated UTF-8 sequence at offset ${i}`);
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) throw new BytesError(`invalid UTF-8 continuation at offset ${i + k}`);
      cp = (cp << 6) | (c & 63);
    }
    if ((n === 2 && cp < 0x800) || (n === 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) {
      throw new BytesError(`invalid UTF-8 sequence at offset ${i}`);
    }
    i += n + 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      chunk.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 1023));
    } else chunk.push(cp);
    if (chunk.length > 8000) flush();
  }
  flush();
  return parts.join('');
}

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) {
    t[STD.charCodeAt(i)] = i;
    t[URL_SAFE.charCodeAt(i)] = i;
  }
  return t;
})();

/** Base64 of bytes; `urlSafe` uses '-' and '_' and no padding (for links). */
export function base64Encode(bytes: Uint8Array, urlSafe = false): string {
  const abc = urlSafe ? URL_SAFE : STD;
  const out: string[] = [];
  let line = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    line += abc[n >> 18]! + abc[(n >> 12) & 63]! + abc[(n >> 6) & 63]! + abc[n & 63]!;
    if (line.length >= 8192) {
      out.push(line);
      line = '';
    }
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    line += abc[n >> 18]! + abc[(n >> 12) & 63]! + (urlSafe ? '' : '==');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    line += abc[n >> 18]! + abc[(n >> 12) & 63]! + abc[(n >> 6) & 63]! + (urlSafe ? '' : '=');
  }
  out.push(line);
  return out.join('');
}

/** Decodes base64 (either alphabet, padding optional; no whitespace). Throws a `BytesError`. */
export function base64Decode(text: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text[end - 1] === '=') end--;
  if (text.length - end > 2) throw new BytesError('base64: too much padding');
  if (end % 4 === 1) throw new BytesError(`base64: ${end} characters cannot encode whole bytes`);
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0, acc = 0, bits = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c]! : -1;
    if (v < 0) throw new BytesError(`base64: invalid character ${JSON.stringify(text[i])} at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 255;
    }
  }
  return out;
}

/** Concatenates byte chunks (a stream read in pieces) into one array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.byteLength;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out;
}
