/**
 * A small, fast CSV tokenizer (RFC 4180: quoted fields, doubled quotes, CRLF or LF, quoted line
 * breaks) for the big GTFS tables, where a general CSV library is several times slower (see
 * bench/suites/layers.ts; loaders.gl's CSVLoader, used before, took ~8 s on the 11 MB stop_times.txt).
 * Pure and synchronous.
 */

/** Detects the delimiter of a header line: the most frequent of , ; and tab outside quotes. */
export function detectDelimiter(headerLine: string): ',' | ';' | '\t' {
  let comma = 0, semi = 0, tab = 0, quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted) {
      if (c === ',') comma++;
      else if (c === ';') semi++;
      else if (c === '\t') tab++;
    }
  }
  if (semi > comma && semi >= tab) return ';';
  if (tab > comma) return '\t';
  return ',';
}

/**
 * Calls `row(fields, lineNumber)` for every record (the header included, as line 1). Returns
 * the number of records. An unterminated quote at the end is reported by `onError`.
 */
export function forEachCsvRecord(
  text: string,
  row: (fields: string[], line: number) => void,
  o: { delimiter?: string; onError?: (line: number, reason: string) => void } = {},
): number {
  const firstBreak = text.indexOf('\n');
  const delim = o.delimiter ?? detectDelimiter(firstBreak < 0 ? text : text.slice(0, firstBreak));
  const d = delim.charCodeAt(0);
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1, records = 0;
  let fields: string[] = [];
  let recordLine = 1;
  while (i < n) {
    // One field.
    let value: string;
    if (text.charCodeAt(i) === 34 /* " */) {
      let j = i + 1;
      let out = '';
      let start = j;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) {
          o.onError?.(recordLine, 'unterminated quoted field');
          out += text.slice(start);
          j = n;
          break;
        }
        if (text.charCodeAt(q + 1) === 34) {
          out += text.slice(start, q + 1);
          j = q + 2;
          start = j;
          continue;
        }
        out += text.slice(start, q);
        j = q + 1;
        break;
      }
      for (let k = i; k < j; k++) if (text.charCodeAt(k) === 10) line++;
      value = out;
      i = j;
      // Skip anything between the closing quote and the delimiter (lenient).
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === d || c === 10 || c === 13) break;
        i++;
      }
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === d || c === 10 || c === 13) break;
        j++;
      }
      value = text.slice(i, j);
      i = j;
    }
    fields.push(value);
    const c = i < n ? text.charCodeAt(i) : 10;
    if (c === d) {
      i++;
      if (i === n) fields.push('');
      else continue;
    }
    // End of record.
    if (c === 13 && text.charCodeAt(i + 1) === 10) i += 2;
    else if (i < n) i++;
    if (!(fields.length === 1 && fields[0] === '')) {
      row(fields, recordLine);
      records++;
    }
    fields = [];
    line++;
    recordLine = line;
  }
  return records;
}

/** All records as objects keyed by the header (small tables). */
export function readCsvObjects(text: string, onError?: (line: number, reason: string) => void): { header: string[]; rows: { line: number; values: Record<string, string> }[] } {
  let header: string[] | null = null;
  const rows: { line: number; values: Record<string, string> }[] = [];
  forEachCsvRecord(
    text,
    (f, line) => {
      if (header === null) {
        header = f.map((h) => h.trim());
        return;
      }
      const values: Record<string, string> = {};
      header.forEach((h, k) => (values[h] = f[k] ?? ''));
      rows.push({ line, values });
    },
    onError !== undefined ? { onError } : {},
  );
  return { header: header ?? [], rows };
}
