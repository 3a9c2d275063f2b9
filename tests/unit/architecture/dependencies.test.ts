import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, ROOT, sourceFiles } from './imports.ts';

/**
 * Dependencies in the right section of package.json: what the production server imports
 * statically (server/main.ts and server/cli.ts, compiled to dist-server/ and run after
 * `npm ci --omit=dev`) is a dependency, never a dev dependency; every dependency is used; the
 * TypeScript programs' run-time helpers (tsx, gltf-validator) stay development tools.
 */
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

/** Bare package names of a file's value imports, static and dynamic (`from 'pkg/sub'` → `pkg`). */
function packagesOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^'"`;]*?from\s*['"]([^'"./][^'"]*)['"]|^\s*import\s*['"]([^'"./][^'"]*)['"]|import\(\s*['"]([^'"./][^'"]*)['"]\s*\)/gm)) {
    const spec = (m[1] ?? m[2] ?? m[3])!;
    if (spec.startsWith('node:')) continue;
    out.push(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  }
  return out;
}

/** Files reachable from `entries` through relative value imports (static and dynamic). */
function reachable(entries: string[]): string[] {
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length > 0) {
    const f = todo.pop()!;
    if (seen.has(f) || !existsSync(join(ROOT, f))) continue;
    seen.add(f);
    for (const e of importsOf(f)) if (!e.typeOnly && /\.(ts|mjs|js)$/.test(e.to)) todo.push(e.to);
  }
  return [...seen];
}

describe('dependencies in the right section', () => {
  it('the compiled server and database commands import dependencies only', () => {
    const files = reachable(['server/main.ts', 'server/cli.ts']);
    expect(files.length).toBeGreaterThan(10);
    // Vite is imported (dynamically) only in development mode; `--prod` never loads it.
    const devMode = new Set(['vite']);
    const missing = files.flatMap((f) => packagesOf(f).filter((p) => !(p in pkg.dependencies) && !devMode.has(p)).map((p) => `${f} → ${p}`));
    expect(missing).toEqual([]);
  });
  it('every dependency is imported somewhere (turf through its modules, not whole)', () => {
    const all = ['src', 'server', 'workers', 'tools', 'bench'].flatMap((d) => sourceFiles(d));
    const used = new Set(all.flatMap(packagesOf));
    for (const p of packagesOf('vite.config.ts')) used.add(p);
    expect(Object.keys(pkg.dependencies).filter((d) => !used.has(d))).toEqual([]);
    expect(pkg.dependencies).not.toHaveProperty('@turf/turf');
    expect(Object.keys(pkg.dependencies).filter((d) => d.startsWith('@turf/')).sort()).toEqual(['@turf/area', '@turf/helpers', '@turf/intersect']);
  });
  it('tsx and gltf-validator are used only by development programs', () => {
    const prod = reachable(['server/main.ts', 'server/cli.ts']);
    expect(prod.flatMap(packagesOf).filter((p) => p === 'tsx' || p === 'gltf-validator')).toEqual([]);
    expect(pkg.devDependencies).toHaveProperty('tsx');
    expect(pkg.devDependencies).toHaveProperty('gltf-validator');
  });
});
