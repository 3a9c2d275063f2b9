import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/**
 * Streaming reader of GeoJSON FeatureCollections of any size: a byte-level scanner finds the
 * bounds of each element of the top-level `features` array (tracking strings, escapes and
 * bracket nesting; UTF-8 needs no decoding for that since every structural character is ASCII)
 * and hands each feature's text to `JSON.parse`. Memory holds one feature at a time, never the
 * file. Top-level members other than `features` (`crs`, `name`, `bbox`…) are reported as
 * members, wherever they sit (before or after the features).
 *
 * Also read: a single top-level Feature, and GeoJSON text sequences (RFC 8142: features one
 * after another, optionally separated by the RS character).
 *
 * Errors: a feature whose text is not valid JSON (NaN, a stray comma…) is reported as a bad
 * feature and scanning goes on with the next one; broken structure (unbalanced brackets, an
 * unterminated string, a truncated file) cannot be resynchronised and throws a
 * {@link GeoJsonSyntaxError} naming the byte offset and line.
 */

export type ScanEvent =
  | { kind: 'member'; key: string; value: unknown }
  | { kind: 'feature'; index: number; offset: number; value: unknown }
  | { kind: 'bad-feature'; index: number; offset: number; reason: string };

/** A structural error: the file cannot be read past this point. */
export class GeoJsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly line: number,
  ) {
    super(`${message} (byte ${offset}, line ${line})`);
    this.name = 'GeoJsonSyntaxError';
  }
}

const OPEN_OBJ = 0x7b, CLOSE_OBJ = 0x7d, OPEN_ARR = 0x5b, CLOSE_ARR = 0x5d;
const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a, NL = 0x0a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === NL || c === 0x0d || c === 0x09 || c === 0x1e;
}

export interface ScannerOptions {
  /** Largest feature (or top-level member) accepted, bytes. Default 256 MiB. */
  maxValueBytes?: number;
}

/** Push-based scanner: feed chunks, collect events. */
export class FeatureScanner {
  private buf: Buffer = Buffer.alloc(0);
  /** Absolute offset of buf[0]. */
  private base = 0;
  private line = 1;
  private inString = false;
  private escape = false;
  private readonly stack: number[] = [];
  private readonly maxValueBytes: number;
  private bomChecked = false;
  // Top-level object state.
  private expectKey = false;
  private keyStart = -1;
  private currentKey: string | null = null;
  private awaitingValue = false;
  private valueStart = -1;
  private inFeatures = false;
  private sawFeatures = false;
  private elemStart = -1;
  private members: Record<string, unknown> = {};
  /** A member of the top-level object just ended (a "," may follow). */
  private memberDone = false;
  private featureIndex = 0;
  private topLevelValues = 0;

  constructor(options: ScannerOptions = {}) {
    this.maxValueBytes = options.maxValueBytes ?? 256 * 1024 * 1024;
  }

  /** Number of features reported so far (good and bad). */
  get features(): number {
    return this.featureIndex;
  }

  private error(message: string, abs: number): never {
    throw new GeoJsonSyntaxError(message, abs, this.line);
  }

  private text(a: number, b: number): string {
    return this.buf.toString('utf8', a - this.base, b - this.base);
  }

  private startValue(abs: number): void {
    const depth = this.stack.length;
    if (depth === 1 && this.stack[0] === OPEN_OBJ) {
      if (this.valueStart >= 0) return; // the rest of a number or literal (two values in a row: JSON.parse of the member says so)
      if (!this.awaitingValue) this.error('expected ":" after a key of the top-level object', abs);
      this.awaitingValue = false;
      this.valueStart = abs;
    } else if (this.inFeatures && depth === 2) {
      if (this.elemStart >= 0) return; // a second value without a comma: left to JSON.parse of the element
      this.elemStart = abs;
    }
  }

  private endFeature(abs: number, events: ScanEvent[]): void {
    const start = this.elemStart;
    this.elemStart = -1;
    const index = this.featureIndex++;
    let value: unknown;
    try {
      value = JSON.parse(this.text(start, abs));
    } catch (e) {
      events.push({ kind: 'bad-feature', index, offset: start, reason: `invalid JSON: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}` });
      return;
    }
    events.push({ kind: 'feature', index, offset: start, value });
  }

  private endMember(abs: number, events: ScanEvent[]): void {
    const key = this.currentKey ?? '';
    const start = this.valueStart;
    this.valueStart = -1;
    this.currentKey = null;
    let value: unknown;
    try {
      value = JSON.parse(this.text(start, abs));
    } catch (e) {
      this.error(`the top-level member "${key.slice(0, 50)}" is not valid JSON: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}`, start);
    }
    if (key === 'features') this.error('"features" is not an array', start);
    this.members[key] = value;
    this.memberDone = true;
    events.push({ kind: 'member', key, value });
  }

  private endTopLevel(abs: number, events: ScanEvent[]): void {
    this.topLevelValues++;
    const m = this.members;
    if (!this.sawFeatures) {
      if (m.type === 'Feature') {
        const index = this.featureIndex++;
        events.push({ kind: 'feature', index, offset: abs, value: m });
      } else if (m.type === 'FeatureCollection') {
        this.error('the FeatureCollection has no "features" array', abs);
      } else {
        this.error(`the top-level object is ${typeof m.type === 'string' ? `a "${m.type.slice(0, 40)}"` : 'not GeoJSON (no "type")'}, expected a FeatureCollection or a Feature`, abs);
      }
    } else if (m.type !== undefined && m.type !== 'FeatureCollection') {
      this.error(`the top-level object has "features" but its type is "${String(m.type).slice(0, 40)}", expected "FeatureCollection"`, abs);
    }
    this.members = {};
    this.sawFeatures = false;
  }

  /** Scans a chunk and returns the events it completes. */
  push(chunk: Uint8Array): ScanEvent[] {
    const events: ScanEvent[] = [];
    let data = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let from = this.buf.length;
    if (!this.bomChecked) {
      // A UTF-8 byte order mark may open the file (possibly split over chunks).
      const bom = [0xef, 0xbb, 0xbf];
      const k = Math.min(3, data.length);
      if (data.subarray(0, k).every((v, j) => v === bom[j])) {
        if (k < 3) {
          this.buf = Buffer.from(data);
          return [];
        }
        data = data.subarray(3);
        this.base += 3;
      }
      from = 0;
      this.bomChecked = true;
    }
    this.buf = data;
    const b = data;
    const n = b.length;
    const base = this.base;
    for (let i = from; i < n; i++) {
      let c = b[i]!;
      if (this.inString) {
        if (this.escape) {
          this.escape = false;
          continue;
        }
        while (c !== QUOTE && c !== BACKSLASH) {
          if (c === NL) this.line++;
          if (++i >= n) break;
          c = b[i]!;
        }
        if (i >= n) break;
        if (c === BACKSLASH) {
          this.escape = true;
          continue;
        }
        this.inString = false;
        if (this.keyStart >= 0) {
          try {
            this.currentKey = JSON.parse(this.text(this.keyStart, base + i + 1)) as string;
          } catch {
            this.error('invalid key string', this.keyStart);
          }
          this.keyStart = -1;
        }
        continue;
      }
      if (isSpace(c)) {
        if (c === NL) this.line++;
        continue;
      }
      const abs = base + i;
      const depth = this.stack.length;
      switch (c) {
        case QUOTE:
          this.inString = true;
          if (depth === 1 && this.stack[0] === OPEN_OBJ && this.expectKey) {
            this.expectKey = false;
            this.keyStart = abs;
          } else if (depth === 0) {
            this.error('unexpected string at the top level, expected a GeoJSON object', abs);
          } else {
            this.startValue(abs);
          }
          break;
        case OPEN_OBJ:
        case OPEN_ARR:
          if (depth === 0) {
            if (c === OPEN_ARR) this.error('the top-level value is an array, expected a GeoJSON FeatureCollection or Feature', abs);
            this.stack.push(c);
            this.expectKey = true;
            break;
          }
          if (depth === 1 && this.stack[0] === OPEN_OBJ && this.currentKey === 'features' && c === OPEN_ARR && this.awaitingValue) {
            this.awaitingValue = false;
            this.inFeatures = true;
            this.sawFeatures = true;
            this.currentKey = null;
            this.stack.push(c);
            break;
          }
          this.startValue(abs);
          this.stack.push(c);
          break;
        case CLOSE_OBJ:
        case CLOSE_ARR: {
          const open = this.stack.pop();
          if (open === undefined) this.error(`unexpected "${String.fromCharCode(c)}"`, abs);
          if ((open === OPEN_OBJ) !== (c === CLOSE_OBJ)) this.error(`"${String.fromCharCode(c)}" closes a "${String.fromCharCode(open)}"`, abs);
          const d = this.stack.length;
          if (this.inFeatures && d === 1 && c === CLOSE_ARR) {
            if (this.elemStart >= 0) this.endFeature(abs, events);
            this.inFeatures = false;
            this.valueStart = -1;
            this.memberDone = true;
          } else if (d === 0) {
            if (this.valueStart >= 0) this.endMember(abs, events);
            if (this.awaitingValue || this.keyStart >= 0 || this.currentKey !== null) this.error('a key of the top-level object has no value', abs);
            if (this.expectKey && Object.keys(this.members).length + (this.sawFeatures ? 1 : 0) > 0) this.error('trailing "," in the top-level object', abs);
            this.endTopLevel(abs + 1, events);
            this.expectKey = false;
            this.memberDone = false;
          }
          break;
        }
        case COMMA:
          if (depth === 1 && this.stack[0] === OPEN_OBJ) {
            if (this.valueStart >= 0) this.endMember(abs, events);
            if (!this.memberDone) this.error('unexpected "," in the top-level object', abs);
            this.memberDone = false;
            this.expectKey = true;
          } else if (this.inFeatures && depth === 2) {
            if (this.elemStart < 0) this.error('empty element in the "features" array', abs);
            this.endFeature(abs, events);
          } else if (depth === 0) {
            this.error('unexpected "," at the top level', abs);
          }
          break;
        case COLON:
          if (depth === 1 && this.stack[0] === OPEN_OBJ) {
            if (this.currentKey === null || this.awaitingValue || this.valueStart >= 0) this.error('unexpected ":" in the top-level object', abs);
            this.awaitingValue = true;
          } else if (depth === 0) {
            this.error('unexpected ":" at the top level', abs);
          }
          break;
        default:
          if (depth === 0) this.error(`unexpected character "${String.fromCharCode(c)}" at the top level, expected a GeoJSON object`, abs);
          this.startValue(abs);
      }
    }
    // Keep only the bytes of the value being captured.
    let keep = base + n;
    if (this.keyStart >= 0) keep = Math.min(keep, this.keyStart);
    if (this.valueStart >= 0) keep = Math.min(keep, this.valueStart);
    if (this.elemStart >= 0) keep = Math.min(keep, this.elemStart);
    if (base + n - keep > this.maxValueBytes) {
      this.error(`a value is larger than ${Math.round(this.maxValueBytes / 1048576)} MiB`, keep);
    }
    this.buf = keep === base + n ? Buffer.alloc(0) : Buffer.from(b.subarray(keep - base));
    this.base = keep;
    return events;
  }

  /** Ends the input; throws if the text stops in the middle of a value. */
  end(): ScanEvent[] {
    const endAbs = this.base + this.buf.length;
    if (this.inString) this.error('unterminated string at the end of the file', endAbs);
    if (this.stack.length > 0) {
      this.error(
        !this.inFeatures
          ? 'unexpected end of the file'
          : this.elemStart >= 0
            ? `unexpected end of the file inside feature ${this.featureIndex} (from byte ${this.elemStart})`
            : `unexpected end of the file inside the "features" array (after ${this.featureIndex} features)`,
        endAbs,
      );
    }
    if (this.topLevelValues === 0) this.error('the file holds no GeoJSON object', endAbs);
    return [];
  }
}

export interface StreamProgress {
  bytesRead: number;
  totalBytes: number;
}

/**
 * Reads a GeoJSON file as a stream of events. `onProgress` is called after each chunk.
 * Throws a {@link GeoJsonSyntaxError} prefixed with the file name on broken structure.
 */
export async function* readGeoJsonEvents(path: string, onProgress?: (p: StreamProgress) => void): AsyncGenerator<ScanEvent> {
  const totalBytes = (await stat(path)).size;
  const scanner = new FeatureScanner();
  let bytesRead = 0;
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      let events: ScanEvent[];
      try {
        events = scanner.push(chunk);
      } catch (e) {
        throw e instanceof GeoJsonSyntaxError ? new Error(`${path}: ${e.message}`) : e;
      }
      for (const ev of events) yield ev;
      onProgress?.({ bytesRead, totalBytes });
    }
    try {
      scanner.end();
    } catch (e) {
      throw e instanceof GeoJsonSyntaxError ? new Error(`${path}: ${e.message}`) : e;
    }
  } finally {
    stream.destroy();
  }
}
