import { strFromU8 } from 'fflate';
import { forEachCsvRecord } from '../../core/csv.ts';
import { LayerParseError } from '../types.ts';

/**
 * CSV tables (header row, every cell as text: values are typed by the layer's parser, which
 * knows its columns) through the project's own RFC 4180 tokenizer, src/core/csv.ts (delimiter
 * detected among `,` `;` and tab; quoted fields; blank lines skipped), the one the GTFS kernels use.
 */

export interface CsvTable {
  columns: string[];
  rows: Record<string, string>[];
}

/** Reads a CSV file; throws LayerParseError naming the file when it has no header or a required column is missing. */
export async function readCsvTable(bytes: Uint8Array, where: string, required: readonly string[] = [], maxRows = 1_000_000): Promise<CsvTable> {
  let text: string;
  try {
    text = strFromU8(bytes);
  } catch (e) {
    throw new LayerParseError(where, `not a readable CSV file (${e instanceof Error ? e.message : String(e)})`);
  }
  let columns: string[] | null = null;
  const rows: Record<string, string>[] = [];
  let count = 0;
  forEachCsvRecord(text, (fields) => {
    if (columns === null) {
      columns = fields.map((h) => h.trim());
      return;
    }
    // Counted past the limit without keeping the rows (the error says how many).
    if (++count > maxRows) return;
    const o: Record<string, string> = {};
    columns.forEach((c, k) => (o[c] = fields[k] ?? ''));
    rows.push(o);
  });
  const header: string[] = columns ?? [];
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new LayerParseError(where, `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header: ${header.join(',').slice(0, 120)})`);
  if (count > maxRows) throw new LayerParseError(where, `${count} rows, more than the limit of ${maxRows}`);
  return { columns: header, rows };
}
