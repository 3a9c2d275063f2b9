import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeGlb } from '../../../src/core/gltf-io.ts';
import { canonicalScenario, readScenarioFile, sha256Hex, writeScenarioFile, type ScenarioAsset } from '../../../src/scenarios/file.ts';
import { stableJson, type Scenario } from '../../../src/scenarios/model.ts';
import { decodeShare, encodeShare } from '../../../src/features/scenarios/share.ts';
import { arbScenario } from './arbitraries.ts';

/** The scenario file and the share link: export then import is the identity; bad input is refused by name. */

const NONE = new Map<string, ScenarioAsset>();

describe('scenario file', () => {
  it('export then import is the identity (on the canonical scenario) and export is stable', async () => {
    await fc.assert(
      fc.asyncProperty(arbScenario, async (s) => {
        const text = writeScenarioFile(s, NONE);
        const r = await readScenarioFile(text);
        if (!r.ok) throw new Error(r.error);
        expect(stableJson(r.scenario)).toBe(stableJson(canonicalScenario(s)));
        expect(writeScenarioFile(r.scenario, NONE)).toBe(text);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps imported models byte for byte and refuses a corrupted one', async () => {
    const bytes = await writeGlb({ positions: new Float32Array([0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0, 10]), normals: new Float32Array([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]), indices: [0, 1, 2, 0, 1, 3], color: [1, 1, 1, 1] });
    const sha = await sha256Hex(bytes);
    const s: Scenario = { id: 's1', name: 'Tower', cityId: 'demo', description: '', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', study: { area: null, date: '2026-06-21', stepMin: 30, cellM: 4 }, edits: [{ kind: 'add-model', id: 'm', asset: sha, name: 'tower.glb', lonDeg: -1.68, latDeg: 48.11, baseM: 0, headingDeg: 30, scale: 1 }] };
    const text = writeScenarioFile(s, new Map([[sha, { name: 'tower.glb', mediaType: 'model/gltf-binary', bytes }]]));
    const r = await readScenarioFile(text);
    expect(r.ok).toBe(true);
    if (r.ok) expect(Array.from(r.assets.get(sha)!.bytes)).toEqual(Array.from(bytes));
    const doc = JSON.parse(text);
    const data: string = doc.assets[sha].data;
    doc.assets[sha].data = (data[0] === 'A' ? 'B' : 'A') + data.slice(1);
    const bad = await readScenarioFile(JSON.stringify(doc));
    expect(bad).toMatchObject({ ok: false, error: expect.stringMatching(/corrupted/) });
    delete doc.assets[sha];
    expect(await readScenarioFile(JSON.stringify(doc))).toMatchObject({ ok: false, error: expect.stringMatching(/not in the file/) });
    expect(() => writeScenarioFile(s, NONE)).toThrow(/missing/);
  });

  it('refuses bad files with a message naming what and where', async () => {
    const s = fc.sample(arbScenario, { numRuns: 1, seed: 7 })[0]!;
    const good = JSON.parse(writeScenarioFile({ ...s, edits: [{ kind: 'add-building', id: 'b', heightM: 20, use: 'office', footprint: [[-1.68, 48.11], [-1.6797, 48.11], [-1.6797, 48.1102], [-1.68, 48.1102]] }] }, NONE));
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['{"format": "jumeau-scenario", "version": 1, "scen', /not valid JSON/],
      ['[1,2]', /not a JSON object/],
      [JSON.stringify({ ...good, format: 'geojson' }), /not a Jumeau scenario/],
      [JSON.stringify({ ...good, version: 2 }), /newer version of Jumeau \(file version 2/],
      [JSON.stringify({ ...good, version: 'x' }), /"version" must be a whole number/],
      [JSON.stringify({ ...good, scenario: { ...good.scenario, edits: [{ ...good.scenario.edits[0], heightM: -3 }] } }), /^scenario\.edits\.0\.heightM: a height is at least 1 m/],
      [JSON.stringify({ ...good, scenario: { ...good.scenario, edits: [{ ...good.scenario.edits[0], footprint: [[-1.68, 48.11], [-1.6797, 48.1102], [-1.6797, 48.11], [-1.68, 48.1102]] }] } }), /crosses itself/],
      [JSON.stringify({ ...good, scenario: { ...good.scenario, edits: [good.scenario.edits[0], good.scenario.edits[0]] } }), /used by two edits/],
      [JSON.stringify({ ...good, scenario: { ...good.scenario, edits: [{ ...good.scenario.edits[0], kind: 'teleport' }] } }), /^scenario\.edits\.0\.kind/],
    ];
    for (const [text, re] of cases) {
      const r = await readScenarioFile(text);
      expect(r.ok, text.slice(0, 80)).toBe(false);
      if (!r.ok) expect(r.error).toMatch(re);
    }
  });

  it('never throws on arbitrary text or JSON (fuzz)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json(), arbScenario.map((s) => writeScenarioFile(s, NONE)).chain((t) => fc.nat(t.length).map((n) => t.slice(0, n)))), async (text) => {
        const r = await readScenarioFile(text);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(r.error.length).toBeGreaterThan(5);
      }),
      { numRuns: 300 },
    );
  });
});

describe('share link', () => {
  it('encode then decode is the identity; a link holds a scenario of dozens of edits', async () => {
    await fc.assert(
      fc.asyncProperty(arbScenario, async (s) => {
        const e = await encodeShare(s);
        if (!e.ok) return expect(e.reason).toBe('too-long');
        expect(e.value).toMatch(/^1\.[A-Za-z0-9_-]+$/);
        const r = await decodeShare(e.value);
        if (!r.ok) throw new Error(r.error);
        expect(stableJson(r.scenario)).toBe(stableJson(canonicalScenario(s)));
      }),
      { numRuns: 100 },
    );
  });

  it('a cut or altered link, or one from a newer version, is refused with the reason', async () => {
    const s = fc.sample(arbScenario, { numRuns: 1, seed: 3 })[0]!;
    const e = await encodeShare({ ...s, edits: [] });
    if (!e.ok) throw new Error('short scenario should fit');
    expect(await decodeShare(e.value.slice(0, e.value.length - 10))).toMatchObject({ ok: false, error: expect.stringMatching(/damaged/) });
    expect(await decodeShare('2.abc')).toMatchObject({ ok: false, error: expect.stringMatching(/newer version/) });
    expect(await decodeShare('hello')).toMatchObject({ ok: false, error: expect.stringMatching(/does not hold a scenario/) });
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 300 }), async (v) => {
      expect((await decodeShare('1.' + v)).ok).toBe(false);
    }), { numRuns: 200 });
  });
});
