import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributionSchema } from '../../../src/core/schemas/attribution.ts';
import { LAYERS } from '../../../src/layers/catalog.ts';
import { legendItems } from '../../../src/layers/style.ts';
import { THEMES, type ColorRule, type LayerDefinition } from '../../../src/layers/types.ts';
import { catalogs, type MessageKey } from '../../../src/ui/i18n/index.ts';
import { LAYER_PARSE_VERSION, parseLayer } from '../../../src/layers/parse/kernel.ts';

/**
 * Every registered layer keeps the contract of a layer definition (DESIGN.md convention 2):
 * translated texts, a source, a valid attribution for every input and service, colours and
 * legends that can be drawn, and a parser that survives any input (fuzzed).
 */

const hasKey = (k: string) => k in catalogs.fr && k in catalogs.en;
const rgbOk = (c: readonly number[]) => c.length === 3 && c.every((v) => Number.isInteger(v) && v >= 0 && v <= 255);

function colorRuleProblems(rule: ColorRule): string[] {
  const p: string[] = [];
  switch (rule.kind) {
    case 'constant':
      if (!rgbOk(rule.color)) p.push('constant colour');
      break;
    case 'category':
      if (rule.classes.length === 0) p.push('no category');
      if (new Set(rule.classes.map((c) => c.value)).size !== rule.classes.length) p.push('duplicate category');
      for (const c of rule.classes) if (!rgbOk(c.color) || (c.label !== undefined && !hasKey(c.label))) p.push(`category ${c.value}`);
      if (!rgbOk(rule.other)) p.push('other colour');
      break;
    case 'steps': {
      const cl = rule.ramp.classes;
      cl.forEach((c, i) => {
        if (!(c.min < c.max) || !rgbOk(c.color)) p.push(`class ${i}`);
        if (i > 0 && cl[i - 1]!.max !== c.min) p.push(`gap before class ${i}`);
      });
      if (cl[0]!.min !== -Infinity || cl[cl.length - 1]!.max !== Infinity) p.push('classes do not cover every value');
      break;
    }
    case 'gradient':
      if (rule.stops.length < 2 || rule.stops.some((s, i) => i > 0 && !(s.value > rule.stops[i - 1]!.value))) p.push('gradient stops not increasing');
      break;
    case 'data':
      if (!rgbOk(rule.fallback) || !hasKey(rule.label)) p.push('data colour');
      break;
  }
  return p;
}

describe.each(LAYERS.map((l) => [l.id, l] as [string, LayerDefinition]))('layer %s', (_id, def) => {
  it('has a well-formed id, a theme and translated texts', () => {
    expect(def.id).toMatch(/^[a-z0-9][a-z0-9-]{0,63}$/);
    expect(THEMES).toContain(def.theme);
    for (const k of [def.title, def.description, def.legend.title, ...(def.legend.note !== undefined ? [def.legend.note] : []), ...def.variants.map((v) => v.label)]) {
      expect(hasKey(k), `message ${k}`).toBe(true);
      expect(catalogs.fr[k as MessageKey].length).toBeGreaterThan(0);
    }
  });

  it('has at least one source, each with a complete attribution', () => {
    expect(def.inputs.length + def.online.length).toBeGreaterThan(0);
    for (const input of def.inputs) {
      expect(input.name).toMatch(/^[a-zA-Z]+$/);
      expect(input.maxBytes).toBeGreaterThan(0);
      for (const s of input.samples ?? []) {
        expect(attributionSchema.safeParse(s.attribution).success, s.path).toBe(true);
        expect(s.attribution.status).toBe('recorded');
        expect(s.path).toMatch(/^(rennes|paris|lyon)\/[a-z0-9_/.-]+$/i);
      }
    }
    const names = new Set(def.inputs.map((i) => i.name));
    for (const o of def.online) {
      expect(attributionSchema.safeParse(o.attribution).success).toBe(true);
      expect(o.attribution.status).toBe('live');
      expect(o.url).toMatch(/^https:\/\//);
      if (def.inputs.length > 0) expect(names.has(o.input), `online input ${o.input}`).toBe(true);
      if (o.coverage !== undefined) expect(o.coverage[0] < o.coverage[2] && o.coverage[1] < o.coverage[3]).toBe(true);
      if (o.kind === 'wfs') expect(o.pageSize).toBeLessThanOrEqual(o.maxFeatures);
      if (o.kind === 'ods-records') expect(o.pageSize).toBeLessThanOrEqual(100); // the Explore API's page limit
    }
    // Synthetic layers say so in their title.
    if (def.id.startsWith('demo-')) expect(catalogs.fr[def.title]).toMatch(/synthétique/);
  });

  it('draws with valid colours and has a legend for every display', () => {
    expect(new Set(def.variants.map((v) => v.id)).size).toBe(def.variants.length);
    for (const v of def.variants) {
      expect(v.symbols.length).toBeGreaterThan(0);
      for (const s of v.symbols) {
        if (s.kind !== 'imagery') expect(colorRuleProblems(s.color)).toEqual([]);
        if (s.kind === 'fill' || s.kind === 'extrusion') expect(s.alpha).toBeGreaterThan(0);
      }
      const items = legendItems(def, v.id);
      if (!v.symbols.every((s) => s.kind === 'imagery')) expect(items.length).toBeGreaterThan(0);
      for (const i of items) if (i.kind === 'swatch' && 'key' in i.label) expect(hasKey(i.label.key)).toBe(true);
    }
    if (def.label !== undefined) expect(def.label.maxDistanceM).toBeGreaterThan(0);
  });

  it('never throws on any input: bad bytes give an error naming where (fuzzed)', async () => {
    // Pack inputs, or the inputs online sources provide (online-only layers).
    const names = [...new Set([...def.inputs.map((i) => i.name), ...def.online.map((o) => o.input)])];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.json().map((j) => new TextEncoder().encode(j))), { minLength: names.length, maxLength: names.length }), async (arrays) => {
        const inputs = Object.fromEntries(names.map((n, k) => [n, arrays[k]!]));
        const r = await parseLayer({ version: LAYER_PARSE_VERSION, layerId: def.id, inputs, names: {} });
        if (!r.ok) {
          expect(r.error.where.length).toBeGreaterThan(0);
          expect(r.error.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe('the catalog', () => {
  it('has unique ids and each pack layer read by one input only', () => {
    expect(new Set(LAYERS.map((l) => l.id)).size).toBe(LAYERS.length);
    const packLayers = LAYERS.flatMap((l) => l.inputs.map((i) => i.packLayer));
    expect(new Set(packLayers).size).toBe(packLayers.length);
  });

  it('covers the themes of the issue', () => {
    const themes = new Set(LAYERS.map((l) => l.theme));
    for (const t of ['parking', 'wifi', 'transit', 'population', 'districts', 'streets', 'green'] as const) expect(themes.has(t)).toBe(true);
  });

  it('answers a wrong contract version or an unknown layer with an error, not a throw', async () => {
    expect(await parseLayer({ version: 99 as 1, layerId: 'parking', inputs: {}, names: {} })).toMatchObject({ ok: false, error: { reason: expect.stringMatching(/contract version 99/) } });
    expect(await parseLayer({ version: LAYER_PARSE_VERSION, layerId: 'nope', inputs: {}, names: {} })).toMatchObject({ ok: false, error: { where: 'nope', reason: 'unknown layer' } });
    expect(await parseLayer({ version: LAYER_PARSE_VERSION, layerId: 'parking', inputs: {}, names: {} })).toMatchObject({ ok: false, error: { reason: 'missing input' } });
  });
});
