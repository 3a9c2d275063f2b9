import { isUtf8 } from 'node:buffer';

/**
 * Checks on a JSON request body made on its bytes, before it is parsed (issue 22): parsing 1 MB
 * of `[[[…]]]` takes the event loop for hundreds of milliseconds, and text that is not UTF-8 would
 * otherwise be decoded to U+FFFD and stored silently.
 */

/** The deepest nesting of arrays and objects a request body may have. */
export const MAX_JSON_DEPTH = 32;

const OPEN_ARRAY = 0x5b, OPEN_OBJECT = 0x7b, CLOSE_ARRAY = 0x5d, CLOSE_OBJECT = 0x7d, QUOTE = 0x22, BACKSLASH = 0x5c;

/**
 * Whether a JSON text nests arrays and objects deeper than `max`, in one pass over its bytes
 * (brackets inside strings do not count). Stops at the first level past the limit. Works on
 * UTF-8 bytes: the characters it looks at are ASCII, which never occur inside a multi-byte
 * sequence.
 */
export function jsonTooDeep(bytes: Uint8Array, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) depth--;
  }
  return false;
}

/** Whether the bytes are well-formed UTF-8. */
export function isValidUtf8(bytes: Uint8Array): boolean {
  return isUtf8(bytes);
}

/**
 * The fields (`body.text`, `body.position.lonDeg`…) whose strings hold bytes that are not UTF-8:
 * the body is decoded with U+FFFD in their place and the strings (and keys) that contain one are
 * named. `['body']` when none can be named (the bytes are outside any string, or the text does
 * not parse).
 */
export function fieldsWithInvalidUtf8(bytes: Uint8Array): string[] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
  } catch {
    return ['body'];
  }
  const out: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (out.length >= 10) return;
    if (typeof v === 'string') {
      if (v.includes('\uFFFD')) out.push(path);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}.${i}`));
    else if (typeof v === 'object' && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\uFFFD')) out.push(`${path} (a field name)`);
        else walk(x, `${path}.${k}`);
      }
    }
  };
  walk(value, 'body');
  return out.length > 0 ? out : ['body'];
}
