import { parse } from '@loaders.gl/core';
import { CSVLoader } from '@loaders.gl/csv';
import { LayerParseError } from '../types.ts';

/**
 * CSV tables through loaders.gl's CSVLoader (header row, every cell as text: values are typed by
 * the layer's parser, which knows its columns). The big GTFS tables use the faster tokenizer in
 * src/core/csv.ts instead (measured in bench/suites/layers.ts).
 */

export interface CsvTable {
  columns: string[];
  rows: Record<string, string>[];
}

/** Reads a CSV file; throws LayerParseError naming the file when it has no header or a required column is missing. */
export async function readCsvTable(bytes: Uint8Array, where: string, required: readonly string[] = [], maxRows = 1_000_000): Promise<CsvTable> {
  const copy = bytes.slice().buffer;
  let table: unknown;
  try {
    table = await parse(copy, CSVLoader, { csv: { header: true, shape: 'object-row-table', dynamicTyping: false, skipEmptyLines: true }, worker: false });
  } catch (e) {
    throw new LayerParseError(where, `not a readable CSV file (${e instanceof Error ? e.message : String(e)})`);
  }
  const t = table as { data?: unknown; schema?: { fields?: { name: string }[] } };
  if (!Array.isArray(t.data)) throw new LayerParseError(where, 'not a readable CSV table');
  const columns = (t.schema?.fields ?? []).map((f) => f.name.trim());
  if (columns.length === 0 && t.data.length > 0) columns.push(...Object.keys(t.data[0] as object));
  const missing = required.filter((c) => !columns.includes(c));
  if (missing.length > 0) throw new LayerParseError(where, `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header: ${columns.join(',').slice(0, 120)})`);
  if (t.data.length > maxRows) throw new LayerParseError(where, `${t.data.length} rows, more than the limit of ${maxRows}`);
  const rows = (t.data as Record<string, unknown>[]).map((r) => {
    const o: Record<string, string> = {};
    for (const [k, v] of Object.entries(r)) o[k.trim()] = v === null || v === undefined ? '' : String(v);
    return o;
  });
  return { columns, rows };
}
