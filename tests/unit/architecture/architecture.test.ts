import { describe, expect, it } from 'vitest';
import { cycles, importsOf, lines, sourceFiles } from './imports.ts';

/**
 * The house rules of ARCHITECTURE.md, checked on the import graph: no cycle; nothing outside
 * tools/ imports tools/; a feature imports no other feature and only app/ (its list) imports
 * features — workers' adapters may import the kernels they run; layers/ imports no UI; kernels
 * and contracts use only core/, the city library, layers/ (data and parsers) and their own
 * feature's pure files; app/ is
 * wiring of about 1,000 lines; no feature file is much over 400 lines.
 */
const SRC = sourceFiles('src');
const ALL = [...SRC, ...sourceFiles('workers'), ...sourceFiles('server')];
const featureOf = (f: string) => /^src\/features\/([^/]+)\//.exec(f)?.[1];
const isPure = (f: string) => /^src\/features\/[^/]+\/(kernel|[\w-]+-kernel|contract|[\w-]+-contract|controller|[\w-]+-controller)\.ts$/.test(f);

describe('architecture', () => {
  it('has no import cycle between files', () => {
    expect(cycles(ALL).map((c) => c.join(' → '))).toEqual([]);
  });

  it('imports nothing from tools/ outside tools/ (the city library is src/city)', () => {
    const bad = ALL.flatMap((f) => importsOf(f).filter((e) => e.to.startsWith('tools/')).map((e) => `${f} → ${e.to}`));
    expect(bad).toEqual([]);
  });

  it('keeps features apart: no feature imports another, only app/ and worker adapters import features', () => {
    const bad: string[] = [];
    for (const f of ALL) {
      for (const e of importsOf(f)) {
        const to = featureOf(e.to);
        if (to === undefined) continue;
        const from = featureOf(f);
        if (from === to) continue;
        if (from === undefined && f.startsWith('src/app/')) continue;
        if (/^workers\/[\w-]+\.worker\.ts$/.test(f) && isPure(e.to)) continue;
        bad.push(`${f} → ${e.to}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('keeps layers/ free of UI, scene, app and feature code', () => {
    const bad = SRC.filter((f) => f.startsWith('src/layers/')).flatMap((f) =>
      importsOf(f)
        .filter((e) => /^src\/(ui|scene|app|features)\//.test(e.to))
        .map((e) => `${f} → ${e.to}`),
    );
    expect(bad).toEqual([]);
  });

  it('lets kernels, contracts and controllers use only core/, the city library, layer data and pure files of their feature', () => {
    const bad: string[] = [];
    const seen = new Set<string>();
    const visit = (f: string, root: string) => {
      for (const e of importsOf(f)) {
        if (e.typeOnly || seen.has(`${root}|${e.to}`)) continue;
        seen.add(`${root}|${e.to}`);
        const ok = /^src\/(core|city|layers)\//.test(e.to) && !e.to.startsWith('src/city/node/');
        const ownFeature = featureOf(e.to) === featureOf(root) && !/\/(feature|panel|view|[\w-]+-view|[\w-]+-panel|test-api)\.ts$/.test(e.to);
        if (!ok && !ownFeature) bad.push(`${root}: ${f} → ${e.to}`);
        else if (ownFeature) visit(e.to, root);
      }
    };
    for (const f of SRC.filter(isPure)) visit(f, f);
    expect(bad).toEqual([]);
  });

  it('keeps src/app/ to wiring (about 1,000 lines in all)', () => {
    const app = SRC.filter((f) => f.startsWith('src/app/'));
    const total = app.reduce((n, f) => n + lines(f), 0);
    expect(total, app.map((f) => `${f}: ${lines(f)}`).join('\n')).toBeLessThanOrEqual(1_050);
  });

  it('keeps every feature file under about 400 lines', () => {
    const big = SRC.filter((f) => f.startsWith('src/features/')).filter((f) => lines(f) > 430).map((f) => `${f}: ${lines(f)}`);
    expect(big).toEqual([]);
  });

  it('gives every feature a manifest, a feature.ts of wiring only and a unit-tested controller', () => {
    const features = [...new Set(SRC.map(featureOf).filter((f) => f !== undefined))];
    const bad: string[] = [];
    for (const id of features) {
      const files = SRC.filter((f) => featureOf(f) === id);
      for (const need of ['manifest.ts', 'feature.ts']) if (!files.includes(`src/features/${id}/${need}`)) bad.push(`${id}: no ${need}`);
      if (files.includes(`src/features/${id}/feature.ts`) && lines(`src/features/${id}/feature.ts`) > 200) bad.push(`${id}: feature.ts has ${lines(`src/features/${id}/feature.ts`)} lines (wiring only)`);
      const controllers = files.filter((f) => /\/([\w-]+-)?controller\.ts$/.test(f));
      for (const c of controllers) {
        const test = c.replace(/^src\//, 'tests/unit/').replace(/\.ts$/, '.test.ts');
        if (!sourceFiles('tests/unit').includes(test)) bad.push(`${c}: no ${test}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
