import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';

/**
 * The import graph of the project's own files (relative specifiers of static imports, `export …
 * from`, dynamic `import()` and `new URL(…, import.meta.url)` workers), for the architecture test.
 */
export const ROOT = resolve(import.meta.dirname, '../../..');

export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|mts|mjs)$/.test(e) && !e.endsWith('.d.ts')) out.push(relative(ROOT, p));
    }
  };
  walk(join(ROOT, dir));
  return out.sort();
}

const SPEC = /(?:^|[^\w.])(?:import|export)\s[^'"`;]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|(?:^|[^\w.])import\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)|new URL\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*,\s*import\.meta\.url/gms;

/** Whether an import is type-only (erased at run time). */
const TYPE_ONLY = /^\s*(?:import|export)\s+type\s/;

export interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

export function importsOf(file: string): Edge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: Edge[] = [];
  for (const m of text.matchAll(SPEC)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (spec === undefined) continue;
    const to = normalize(join(dirname(file), spec));
    out.push({ from: file, to, typeOnly: TYPE_ONLY.test(m[0].replace(/^[^\w]/, '')) });
  }
  return out;
}

/** Import cycles among `files` (each as the list of files around it), counting value imports only. */
export function cycles(files: readonly string[]): string[][] {
  const graph = new Map<string, string[]>();
  for (const f of files) graph.set(f, importsOf(f).filter((e) => !e.typeOnly).map((e) => e.to).filter((t) => files.includes(t)));
  const found: string[][] = [];
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 1);
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 1) found.push(stack.slice(stack.indexOf(t)).concat(t));
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

export const lines = (file: string): number => readFileSync(join(ROOT, file), 'utf8').split('\n').length;
