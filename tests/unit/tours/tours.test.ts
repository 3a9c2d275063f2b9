import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeTourLink, encodeTourLink, fromBase64Url, LINK_PREFIX, toBase64Url } from '../../../src/features/tours/link.ts';
import { addStop, copyTour, createTour, moveStop, removeStop, stopFromView, updateStop, type Tour, type TourStop } from '../../../src/features/tours/model.ts';
import { sampleTours } from '../../../src/features/tours/samples.ts';
import { readTours, toursOfScenario, withTours } from '../../../src/features/tours/scenario-adapter.ts';
import { parseTourText, serializeTour, validateTour } from '../../../src/features/tours/schema.ts';
import { loadTours, saveTours, storeKey, type KeyValueStorage } from '../../../src/features/tours/store.ts';
import { createTourHooks } from '../../../src/app/tour-hooks.ts';
import { deflateSync } from 'fflate';

const cam = (lonDeg: number) => ({ lonDeg, latDeg: 48.1, heightM: 500, headingDeg: 10, pitchDeg: -30, rollDeg: 0 });
const stop = (id: string, lon = -1.68): TourStop =>
  stopFromView(id, `Stop ${id}`, { camera: cam(lon), scenarioId: null, layers: null, timeMs: Date.UTC(2026, 5, 21, 12, 0), selected: null });
const tour3 = (): Tour => {
  let t = createTour({ id: 'tour-a', name: 'A', cityId: 'demo' });
  t = addStop(t, stop('s1', -1.68));
  t = addStop(t, stop('s2', -1.67));
  t = addStop(t, stop('s3', -1.66));
  return t;
};

function memory(): KeyValueStorage & { m: Map<string, string> } {
  const m = new Map<string, string>();
  return { m, getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

/** Random valid tours (fast-check). */
const idArb = fc.stringMatching(/^[A-Za-z0-9._:-]{1,20}$/);
// eslint-disable-next-line no-control-regex
const textArb = (max: number) => fc.string({ maxLength: max }).map((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ''));
const stopArb: fc.Arbitrary<TourStop> = fc.record({
  id: idArb,
  title: textArb(40),
  caption: textArb(200),
  camera: fc.record({
    lonDeg: fc.integer({ min: -179_000_000, max: 179_000_000 }).map((x) => x / 1e6),
    latDeg: fc.integer({ min: -89_000_000, max: 89_000_000 }).map((x) => x / 1e6),
    heightM: fc.integer({ min: 0, max: 100_000 }).map((x) => x / 10),
    headingDeg: fc.integer({ min: 0, max: 35_999 }).map((x) => x / 100),
    pitchDeg: fc.integer({ min: -9000, max: 9000 }).map((x) => x / 100),
    rollDeg: fc.constant(0),
  }),
  flightS: fc.integer({ min: 0, max: 60 }),
  holdS: fc.integer({ min: 1, max: 600 }),
  scenarioId: fc.option(idArb, { nil: null }),
  layers: fc.option(fc.array(fc.record({ id: idArb, opacity: fc.integer({ min: 0, max: 100 }).map((x) => x / 100), variant: fc.stringMatching(/^[a-z]{1,8}$/) }), { maxLength: 3 }), { nil: null }),
  timeMs: fc.option(fc.integer({ min: 0, max: 4_000_000 }).map((m) => m * 60_000 + Date.UTC(2000, 0, 1)), { nil: null }),
  highlight: fc.array(idArb, { maxLength: 4 }),
});
const tourArb: fc.Arbitrary<Tour> = fc
  .record({
    id: idArb,
    name: textArb(40).filter((s) => s.length > 0),
    cityId: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}$/),
    description: textArb(60),
    autoAdvance: fc.boolean(),
    loop: fc.boolean(),
    stops: fc.uniqueArray(stopArb, { maxLength: 6, selector: (s) => s.id }),
  })
  .map((r) => ({ format: 'jumeau-tour' as const, version: 1 as const, ...r }));

describe('tour model', () => {
  it('adds, updates, moves and removes stops without touching the input', () => {
    const t = tour3();
    expect(t.stops.map((s) => s.id)).toEqual(['s1', 's2', 's3']);
    const moved = moveStop(t, 0, 2);
    expect(moved.stops.map((s) => s.id)).toEqual(['s2', 's3', 's1']);
    expect(t.stops.map((s) => s.id)).toEqual(['s1', 's2', 's3']);
    expect(moveStop(t, 2, -5).stops.map((s) => s.id)).toEqual(['s3', 's1', 's2']);
    expect(moveStop(t, 7, 0)).toBe(t);
    expect(addStop(t, stop('x'), 0).stops.map((s) => s.id)).toEqual(['s1', 'x', 's2', 's3']);
    expect(updateStop(t, 's2', { title: 'Two' }).stops[1]!.title).toBe('Two');
    expect(removeStop(t, 's2').stops.map((s) => s.id)).toEqual(['s1', 's3']);
  });
  it('moving any stop anywhere keeps the same set of stops', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2, max: 5 }), fc.integer({ min: -2, max: 5 }), (from, to) => {
        const r = moveStop(tour3(), from, to);
        expect([...r.stops.map((s) => s.id)].sort()).toEqual(['s1', 's2', 's3']);
      }),
    );
  });
  it('a stop made from the view highlights the selected building', () => {
    const s = stopFromView('a', 'A', { camera: cam(1), scenarioId: 'sc-1', layers: [{ id: 'trees', opacity: 0.5, variant: 'trees' }], timeMs: null, selected: 'D00001' });
    expect(s.highlight).toEqual(['D00001']);
    expect(s.scenarioId).toBe('sc-1');
    expect(s.layers).toEqual([{ id: 'trees', opacity: 0.5, variant: 'trees' }]);
  });
});

describe('tour schema', () => {
  it('round-trips a tour through its file', () => {
    const t = tour3();
    const r = parseTourText(serializeTour(t), 'a.json');
    expect(r).toEqual({ ok: true, tour: t });
  });
  it('any valid tour survives serialise → parse', () => {
    fc.assert(
      fc.property(tourArb, (t) => {
        const r = parseTourText(serializeTour(t), 'x');
        expect(r.ok).toBe(true);
        if (r.ok) expect(parseTourText(serializeTour(r.tour), 'x')).toEqual(r);
      }),
      { numRuns: 200 },
    );
  });
  it('names the file and the field of an error', () => {
    const bad = JSON.parse(serializeTour(tour3())) as { stops: { camera: { latDeg: unknown } }[] };
    bad.stops[1]!.camera.latDeg = 'north';
    const r = parseTourText(JSON.stringify(bad), 'council.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^council\.json: stops\[1\]\.camera\.latDeg: /);
    expect(parseTourText('{"format":', 'x.json')).toMatchObject({ ok: false, error: expect.stringMatching(/^x\.json: not JSON/) });
    expect(parseTourText('[]', 'x.json')).toMatchObject({ ok: false });
    const dup = tour3();
    dup.stops[2] = { ...dup.stops[2]!, id: 's1' };
    expect(validateTour(dup, 'f')).toMatchObject({ ok: false, error: expect.stringContaining('duplicate stop id s1') });
    expect(validateTour({ ...tour3(), stops: [{ ...stop('a'), extra: 1 }] }, 'f')).toMatchObject({ ok: false, error: expect.stringContaining('stops[0]') });
    expect(validateTour({ ...tour3(), name: 'a\u0007' }, 'f')).toMatchObject({ ok: false, error: expect.stringContaining('control characters') });
  });
  it('never throws on arbitrary text or JSON (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), tourArb.map((t) => serializeTour(t).slice(0, 150))), (s) => {
        const r = parseTourText(s, 'fuzz.json');
        if (!r.ok) expect(r.error.startsWith('fuzz.json: ')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
  it('accepts the samples', () => {
    for (const lang of ['fr', 'en'] as const) {
      const [sample] = sampleTours('demo', lang);
      expect(sample!.stops).toHaveLength(3);
      expect(validateTour(sample, 'sample').ok).toBe(true);
      // Each stop has its own camera and a caption.
      expect(new Set(sample!.stops.map((s) => JSON.stringify(s.camera))).size).toBe(3);
      for (const s of sample!.stops) expect(s.caption.length).toBeGreaterThan(10);
    }
    expect(sampleTours('rennes', 'fr')).toEqual([]);
  });
});

describe('tour links', () => {
  it('base64url round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(fromBase64Url(toBase64Url(b))).toEqual(b);
      }),
    );
    expect(fromBase64Url('a')).toBeNull();
    expect(fromBase64Url('ab+c')).toBeNull();
  });
  it('encodes a tour and decodes it back', () => {
    const t = tour3();
    const v = encodeTourLink(t);
    expect(v.startsWith(LINK_PREFIX)).toBe(true);
    expect(v).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(decodeTourLink(v)).toEqual({ kind: 'tour', result: { ok: true, tour: t } });
    // Compressed: much shorter than the JSON it carries.
    expect(v.length).toBeLessThan(JSON.stringify(t).length);
  });
  it('reads ids and refuses damaged values with the parameter named', () => {
    expect(decodeTourLink('demo-tour')).toEqual({ kind: 'id', id: 'demo-tour' });
    for (const bad of ['<script>', 'z1.!!!!', 'z1.AAAA', `z1.${toBase64Url(deflateSync(new TextEncoder().encode('{"a":1}')))}`, `z1.${toBase64Url(deflateSync(new TextEncoder().encode('not json')))}`]) {
      const r = decodeTourLink(bad);
      expect(r.kind).toBe('invalid');
      if (r.kind === 'invalid') expect(r.error).toMatch(/^link parameter "tour": /);
    }
    const cut = encodeTourLink(tour3());
    expect(decodeTourLink(cut.slice(0, cut.length - 9)).kind).toBe('invalid');
  });
  it('refuses a decompression bomb', () => {
    const bomb = deflateSync(new Uint8Array(5 * 1024 * 1024).fill(32), { level: 9 });
    const r = decodeTourLink(`z1.${toBase64Url(bomb)}`);
    expect(r).toMatchObject({ kind: 'invalid', error: expect.stringContaining('too large') });
  });
  it('never throws on arbitrary values (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((s) => `z1.${s}`), fc.uint8Array({ maxLength: 200 }).map((b) => `z1.${toBase64Url(b)}`)), (s) => {
        const r = decodeTourLink(s);
        expect(['id', 'tour', 'invalid']).toContain(r.kind);
      }),
      { numRuns: 500 },
    );
  });
});

describe('tour storage', () => {
  it('saves per city and loads back; samples are not stored', () => {
    const s = memory();
    const t = tour3();
    saveTours(s, 'demo', [t, ...sampleTours('demo', 'fr')]);
    expect(loadTours(s, 'demo')).toEqual({ tours: [t], problems: [] });
    expect(loadTours(s, 'rennes')).toEqual({ tours: [], problems: [] });
  });
  it('sets aside what it cannot read, and keeps the rest', () => {
    const s = memory();
    const good = tour3();
    s.setItem(storeKey('demo'), JSON.stringify({ version: 1, tours: [good, { id: 'broken' }] }));
    const r = loadTours(s, 'demo');
    expect(r.tours).toEqual([good]);
    expect(r.problems[0]).toMatch(/saved tour 2 of demo/);
    expect(JSON.parse(s.m.get('jumeau.tours.demo.unreadable')!)).toEqual([{ id: 'broken' }]);
    s.setItem(storeKey('demo'), '{not json');
    const r2 = loadTours(s, 'demo');
    expect(r2.tours).toEqual([]);
    expect(r2.problems[0]).toMatch(/not JSON/);
    expect(JSON.parse(s.m.get('jumeau.tours.demo.unreadable')!)).toEqual([{ id: 'broken' }, '{not json']);
  });
});

describe('scenario adapter and hooks', () => {
  it('embeds the tours of a scenario in its document and reads them back', () => {
    const a = tour3();
    const b = updateStop(copyTour(tour3(), 'tour-b', 'B'), 's2', { scenarioId: 'sc-1' });
    expect(toursOfScenario([a, b], 'sc-1').map((t) => t.id)).toEqual(['tour-b']);
    const doc = withTours({ id: 'sc-1', name: 'Scenario', edits: [] }, toursOfScenario([a, b], 'sc-1'));
    expect(doc.name).toBe('Scenario');
    const back = readTours(JSON.parse(JSON.stringify(doc)));
    expect(back).toEqual({ tours: [b], problems: [] });
    expect(readTours({ tours: [{}, b] }).problems[0]).toMatch(/^scenario tours\[0\]/);
    expect(readTours({ id: 'x' })).toEqual({ tours: [], problems: [] });
  });
  it('a scenario file carrying its tours is still a valid scenario file, and gives the tours back', async () => {
    const { createScenario } = await import('../../../src/scenarios/model.ts');
    const { readScenarioFile, writeScenarioFile } = await import('../../../src/scenarios/file.ts');
    const sc = createScenario({ id: 'sc-1', name: 'Place centrale', cityId: 'demo', now: '2026-11-23T10:00:00Z' });
    const b = updateStop(copyTour(tour3(), 'tour-b', 'B'), 's2', { scenarioId: 'sc-1' });
    const text = JSON.stringify(withTours(JSON.parse(writeScenarioFile(sc, new Map())) as object, toursOfScenario([tour3(), b], 'sc-1')));
    const r = await readScenarioFile(text);
    expect(r.ok).toBe(true);
    expect(readTours(JSON.parse(text))).toEqual({ tours: [b], problems: [] });
    // A `tours` key that is not a list is refused by the scenario file with the field named.
    const bad = await readScenarioFile(JSON.stringify({ ...(JSON.parse(text) as object), tours: 'x' }));
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.error).toMatch(/^tours/);
  });
  it('hooks register and unregister providers', async () => {
    const hooks = createTourHooks();
    expect(hooks.scenarios()).toBeNull();
    const provider = { list: () => [{ id: 'sc-1', name: 'S' }], active: () => null, apply: async () => ({ ok: true as const }) };
    const off = hooks.onApplyScenario(provider);
    expect(hooks.scenarios()).toBe(provider);
    off();
    expect(hooks.scenarios()).toBeNull();
    const adopted: Tour[] = [];
    hooks.adopt([tour3()]); // nothing registered: ignored
    const offT = hooks.provideTours({ adopt: (t) => adopted.push(...t), all: () => adopted });
    hooks.adopt([tour3()]);
    expect(hooks.all()).toHaveLength(1);
    offT();
    expect(hooks.all()).toEqual([]);
  });
});

describe('URL codec and highlight style', () => {
  it('lets a tour link be longer than other parameters', async () => {
    const { parseUrlState } = await import('../../../src/core/url-state.ts');
    const long = parseUrlState(`?tour=z1.${'A'.repeat(5000)}&other=${'b'.repeat(3000)}`);
    expect(long.state.extra.tour?.length).toBe(5003);
    expect(long.issues.map((i) => i.param)).toEqual(['other']);
    expect(parseUrlState(`?tour=${'A'.repeat(40_000)}`).issues[0]).toMatchObject({ param: 'tour', reason: 'longer than 32768 characters' });
  });
  it('highlights ids through the style, quotes included', async () => {
    const { idTest, createHeightStyle, HIGHLIGHT_COLOR } = await import('../../../src/scene/style.ts');
    expect(idTest([], ['id'])).toBe('');
    expect(idTest(['D1', "a'b"], ['id'])).toBe(`String(\${feature['id']}) === ('D1') || String(\${feature['id']}) === ('a' + "'" + 'b')`);
    const { HEIGHT_RAMP } = await import('../../../src/core/color-ramp.ts');
    const style = createHeightStyle(HEIGHT_RAMP, ['heightM'], undefined, { ids: ['D01594'], idCandidates: ['id'] });
    const conditions = (style.style as { color: { conditions: [string, string][] } }).color.conditions;
    expect(conditions[0]).toEqual([`String(\${feature['id']}) === ('D01594')`, `color('${HIGHLIGHT_COLOR}')`]);
  });
});
