import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { cityPackSchema } from '../../src/core/schemas/city-pack.ts';
import { issuesOf, parseCityText, type CityIssue } from '../../src/core/schemas/city.ts';

/**
 * `npm run city -- validate <dir|file>…`: checks city files (`jumeau-city`, src/core/schemas/city.ts)
 * and pack manifests (`jumeau-city-pack`). A folder is checked file by file: its `city.json`
 * when it has one (a pack), else every `*.json` in it. Every problem is printed as
 * `file: $.json.path: what was expected`, the same text the app shows for a broken city.
 */

export interface FileReport {
  file: string;
  kind: 'city' | 'pack' | 'unknown';
  issues: CityIssue[];
}

/** Checks the text of one file: a city file or a pack manifest, told apart by `format`. */
export function validateText(file: string, text: string): FileReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { file, kind: 'unknown', issues: [{ path: '$', message: `not JSON: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  const format = typeof raw === 'object' && raw !== null ? (raw as { format?: unknown }).format : undefined;
  if (format === 'jumeau-city-pack') {
    const r = cityPackSchema.safeParse(raw);
    return { file, kind: 'pack', issues: r.success ? [] : issuesOf(r.error) };
  }
  const r = parseCityText(text);
  return { file, kind: 'city', issues: r.ok ? [] : r.issues };
}

/** The files a path stands for (a file, a pack folder's city.json, or a folder's *.json). */
async function filesOf(path: string): Promise<string[]> {
  const s = await stat(path);
  if (!s.isDirectory()) return [path];
  const names = (await readdir(path)).sort();
  if (names.includes('city.json')) return [join(path, 'city.json')];
  return names.filter((n) => n.endsWith('.json') && n !== 'index.json').map((n) => join(path, n));
}

/** Validates every file of the given paths. */
export async function validatePaths(paths: readonly string[]): Promise<FileReport[]> {
  const reports: FileReport[] = [];
  for (const p of paths) {
    let files: string[];
    try {
      files = await filesOf(p);
    } catch (e) {
      reports.push({ file: p, kind: 'unknown', issues: [{ path: '$', message: `cannot read: ${e instanceof Error ? e.message : String(e)}` }] });
      continue;
    }
    if (files.length === 0) reports.push({ file: p, kind: 'unknown', issues: [{ path: '$', message: 'no city.json and no .json file in this folder' }] });
    for (const f of files) reports.push(validateText(f, await readFile(f, 'utf8')));
  }
  return reports;
}

/** The command: prints one line per problem (or "ok"), returns the exit status. */
export async function main(args: readonly string[], out: (line: string) => void = (l) => console.log(l)): Promise<number> {
  if (args.length === 0) {
    out('usage: npm run city -- validate <dir|file>…');
    return 2;
  }
  const reports = await validatePaths(args);
  let bad = 0;
  for (const r of reports) {
    if (r.issues.length === 0) out(`${r.file}: ok (${r.kind === 'pack' ? 'pack manifest' : 'city file'})`);
    for (const i of r.issues) out(`${r.file}: ${i.path}: ${i.message}`);
    if (r.issues.length > 0) bad++;
  }
  if (bad > 0) out(`${bad} of ${reports.length} file(s) invalid`);
  return bad > 0 ? 1 : 0;
}
