import { describe, expect, it } from 'vitest';
import { createTourLibrary, exportFileName, KIOSK_IDLE_S, playingLinkValue, readLinkParams, TIME_ZONE, type TourFile } from '../../../../src/features/tours/controller.ts';
import { encodeTourLink, LINK_PREFIX, MAX_LINK_CHARS } from '../../../../src/features/tours/link.ts';
import { addStop, createTour, stopFromView, TOUR_LIMITS, type Tour, type TourStop, type ViewCapture } from '../../../../src/features/tours/model.ts';
import { SAMPLE_TOUR_ID, sampleTours } from '../../../../src/features/tours/samples.ts';
import { serializeTour } from '../../../../src/features/tours/schema.ts';
import { loadTours, saveTours, storeKey, type KeyValueStorage } from '../../../../src/features/tours/store.ts';

const cam = (lonDeg: number) => ({ lonDeg, latDeg: 48.1, heightM: 500, headingDeg: 10, pitchDeg: -30, rollDeg: 0 });
const capture = (lon: number, o: Partial<ViewCapture> = {}): ViewCapture => ({ camera: cam(lon), scenarioId: null, layers: null, timeMs: Date.UTC(2026, 5, 21, 12, 0), selected: null, ...o });
const stop = (id: string, lon = -1.68): TourStop => stopFromView(id, `Stop ${id}`, capture(lon));
const tour = (id: string, cityId = 'rennes', stops = ['s1', 's2']): Tour => stops.reduce((t, s, i) => addStop(t, stop(s, -1.68 + i / 100)), createTour({ id, name: `Tour ${id}`, cityId }));

function memory(): KeyValueStorage & { m: Map<string, string>; fail: boolean } {
  const m = new Map<string, string>();
  const s = { m, fail: false, getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => {
    if (s.fail) throw new Error('quota exceeded');
    m.set(k, v);
  } };
  return s;
}

/** A library over a memory storage; texts are their key and parameters, ids count up. */
function setup(o: { saved?: Tour[]; cityId?: string } = {}) {
  const storage = memory();
  if (o.saved !== undefined) saveTours(storage, o.cityId ?? 'rennes', o.saved);
  let renders = 0;
  let n = 0;
  const library = createTourLibrary({
    storage,
    text: (key, params = {}) => `${key}${Object.keys(params).length > 0 ? ` ${JSON.stringify(params)}` : ''}`,
    samples: (cityId) => sampleTours(cityId, 'en'),
    render: () => renders++,
    newId: (prefix) => `${prefix}-${++n}`,
  });
  const view = () => library.view(null);
  return { storage, library, view, renders: () => renders };
}

const file = (name: string, body: string | Error, size = body instanceof Error ? 10 : body.length): TourFile => ({ name, size, text: () => (body instanceof Error ? Promise.reject(body) : Promise.resolve(body)) });

describe('tours controller: link parameters', () => {
  it('reads the mode and the kiosk idle time, with defaults for what is missing or out of range', () => {
    expect(readLinkParams({})).toEqual({ mode: 'window', badMode: null, kioskIdleS: KIOSK_IDLE_S, pending: null, invalid: null });
    expect(readLinkParams({ tourmode: 'kiosk', kioskidle: '30' })).toMatchObject({ mode: 'kiosk', kioskIdleS: 30 });
    expect(readLinkParams({ tourmode: 'fullscreen', kioskidle: '2' })).toMatchObject({ mode: 'window', badMode: 'fullscreen', kioskIdleS: KIOSK_IDLE_S });
    expect(readLinkParams({ kioskidle: '100000' }).kioskIdleS).toBe(KIOSK_IDLE_S);
  });

  it('reads a tour id, an encoded tour, or says why the value is unreadable', () => {
    expect(readLinkParams({ tour: 'demo-tour' }).pending).toEqual({ kind: 'id', id: 'demo-tour' });
    const t = tour('t1');
    expect(readLinkParams({ tour: encodeTourLink(t) }).pending).toEqual({ kind: 'tour', tour: t });
    const bad = readLinkParams({ tour: `${LINK_PREFIX}%%%` });
    expect(bad.pending).toBeNull();
    expect(bad.invalid).toMatch(/link parameter "tour"/);
  });

  it('names a playing tour in the URL by itself, or by its id when it is a sample or too long', () => {
    const t = tour('t1');
    expect(playingLinkValue(t)).toBe(encodeTourLink(t));
    expect(playingLinkValue(sampleTours('demo', 'en')[0]!)).toBe(SAMPLE_TOUR_ID);
    // Random captions do not compress: a tour of many of them is over the link limit.
    let seed = 42;
    const rand = () => {
      // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
    };
    const noise = () => Array.from({ length: 3000 }, () => String.fromCharCode(33 + Math.floor(rand() * 94))).join('');
    let big = createTour({ id: 'big', name: 'Big', cityId: 'rennes' });
    for (let i = 0; i < 20; i++) big = addStop(big, { ...stop(`s${i}`), caption: noise() });
    expect(encodeTourLink(big).length).toBeGreaterThan(MAX_LINK_CHARS);
    expect(playingLinkValue(big)).toBe('big');
  });

  it('names export files with letters and digits only', () => {
    expect(exportFileName({ ...tour('t'), name: 'Projet : Rennes / 2030 ' })).toBe('Projet-Rennes-2030.jumeau-tour.json');
    expect(exportFileName({ ...tour('t'), name: '***' })).toBe('tour.jumeau-tour.json');
  });
});

describe('tours controller: the tours of a city', () => {
  it('lists saved tours then samples, selects the first, and shows the panel', () => {
    const { library, view, renders } = setup({ saved: [tour('a', 'demo')], cityId: 'demo' });
    const opened = library.openCity('demo', null);
    expect(opened).toEqual({ autoStart: false, storeProblems: [], otherCity: null, unknownId: null });
    expect(view()).toMatchObject({ tours: [{ id: 'a', sample: false, stops: 2 }, { id: SAMPLE_TOUR_ID, sample: true }], selectedStop: null, timeZone: TIME_ZONE, error: null, info: null, link: null });
    expect(view().tour?.id).toBe('a');
    expect(renders()).toBe(1);
    library.closeCity();
    expect(library.all()).toEqual([]);
  });

  it('reports unreadable saved tours', () => {
    const { library, storage } = setup();
    storage.setItem(storeKey('rennes'), '{not json');
    expect(library.openCity('rennes', null).storeProblems).toEqual([expect.stringMatching(/not JSON/)]);
  });

  it('creates, copies, edits and deletes tours, saving each change', () => {
    const { library, storage, view } = setup();
    library.openCity('rennes', null);
    library.newTour();
    expect(view().tour).toMatchObject({ id: 'tour-1', name: 'tours.defaultName {"n":1}', cityId: 'rennes' });
    library.patchTour({ name: 'Centre' });
    library.copyTour();
    expect(view().tour).toMatchObject({ id: 'tour-2', name: 'tours.copyName {"name":"Centre"}' });
    expect(loadTours(storage, 'rennes').tours.map((t) => t.name)).toEqual(['Centre', 'tours.copyName {"name":"Centre"}']);
    library.deleteTour();
    expect(view().tour?.id).toBe('tour-1');
    expect(loadTours(storage, 'rennes').tours.map((t) => t.id)).toEqual(['tour-1']);
  });

  it('never edits a sample tour', () => {
    const { library, view, storage } = setup();
    library.openCity('demo', null);
    expect(view().tour?.id).toBe(SAMPLE_TOUR_ID);
    const before = serializeTour(view().tour!);
    library.patchTour({ name: 'Mine' });
    library.addStop(capture(0));
    library.deleteTour();
    expect(serializeTour(view().tour!)).toBe(before);
    expect(storage.m.size).toBe(0);
  });

  it('adds the view as a stop after the selected one and selects it; removing the selected stop clears the selection', () => {
    const { library, view } = setup({ saved: [tour('a', 'rennes', ['s1', 's2', 's3'])] });
    library.openCity('rennes', null);
    library.selectStop('s1');
    library.addStop(capture(-1.5, { selected: 'bldg-7' }));
    expect(view().tour!.stops.map((s) => s.id)).toEqual(['s1', 'stop-1', 's2', 's3']);
    expect(view().tour!.stops[1]).toMatchObject({ title: 'tours.stopName {"n":4}', highlight: ['bldg-7'], camera: { lonDeg: -1.5 } });
    expect(view().selectedStop).toBe('stop-1');
    library.addStop(null);
    expect(view().tour!.stops).toHaveLength(4);
    library.stopFromView('s3', capture(-1.2, { scenarioId: 'sc1', timeMs: 0 }));
    expect(view().tour!.stops[3]).toMatchObject({ camera: { lonDeg: -1.2 }, scenarioId: 'sc1', timeMs: 0, title: 'Stop s3' });
    library.moveStop(3, 0);
    expect(view().tour!.stops.map((s) => s.id)).toEqual(['s3', 's1', 'stop-1', 's2']);
    library.removeStop('stop-1');
    expect(view().selectedStop).toBeNull();
    expect(view().tour!.stops.map((s) => s.id)).toEqual(['s3', 's1', 's2']);
  });

  it('says when the browser refuses to save', () => {
    const { library, storage, view } = setup({ saved: [tour('a')] });
    library.openCity('rennes', null);
    storage.fail = true;
    library.patchTour({ name: 'B' });
    expect(view().error).toBe('tours.saveFailed {"reason":"quota exceeded"}');
    // The edit is kept for the session.
    expect(view().tour!.name).toBe('B');
  });

  it('saves another city\'s tours with that city, without selecting them', () => {
    const { library, storage, view } = setup({ saved: [tour('a')] });
    library.openCity('rennes', null);
    library.addTours([tour('x', 'lyon')], true);
    expect(view().tour!.id).toBe('a');
    expect(view().info).toBe('tours.otherCity {"name":"Tour x","city":"lyon"}');
    expect(loadTours(storage, 'lyon').tours.map((t) => t.id)).toEqual(['x']);
    // Adopted from a scenario: saved, not selected.
    library.addTours([tour('b')], false);
    expect(library.saved().map((t) => t.id)).toEqual(['a', 'b']);
    expect(view().tour!.id).toBe('a');
  });

  it('follows the stop shown while the edited tour plays, when the panel is open', () => {
    const { library, view } = setup({ saved: [tour('a'), tour('b')] });
    library.openCity('rennes', null);
    library.followStop(tour('a'), 's2', () => false);
    expect(view().selectedStop).toBeNull();
    library.followStop(tour('b'), 's2', () => true);
    expect(view().selectedStop).toBeNull();
    library.followStop(tour('unsaved'), 's2', () => true);
    expect(view().selectedStop).toBeNull();
    library.followStop(tour('a'), 's2', () => true);
    expect(view().selectedStop).toBe('s2');
  });
});

describe('tours controller: import and share', () => {
  it('imports a tour file and selects it', async () => {
    const { library, view } = setup();
    library.openCity('rennes', null);
    expect(await library.importFile(file('a.json', serializeTour(tour('a'))))).toBeNull();
    expect(view()).toMatchObject({ tour: { id: 'a' }, info: 'tours.imported {"name":"Tour a","count":2}', error: null });
  });

  it('selects an identical saved tour, and copies a different tour with the same id', async () => {
    const { library, view } = setup({ saved: [tour('a'), tour('b')] });
    library.openCity('rennes', null);
    await library.importFile(file('a.json', serializeTour(tour('a'))));
    expect(view()).toMatchObject({ tour: { id: 'a' }, info: 'tours.alreadySaved {"name":"Tour a"}' });
    expect(library.saved()).toHaveLength(2);
    await library.importFile(file('b.json', serializeTour({ ...tour('b'), name: 'Other b' })));
    expect(view().tour).toMatchObject({ id: 'tour-1', name: 'Other b' });
    expect(library.saved().map((t) => t.id)).toEqual(['a', 'b', 'tour-1']);
  });

  it('refuses files too large, unreadable or not tours, and gives the parse error to say', async () => {
    const { library, view } = setup();
    library.openCity('rennes', null);
    expect(await library.importFile(file('big.json', '', TOUR_LIMITS.fileBytes + 1))).toBeNull();
    expect(view().error).toBe(`tours.importFailed {"reason":"big.json: the file is larger than ${TOUR_LIMITS.fileBytes} bytes"}`);
    expect(await library.importFile(file('x.json', new Error('permission denied')))).toBeNull();
    expect(view().error).toBe('tours.importFailed {"reason":"x.json: permission denied"}');
    const problem = await library.importFile(file('bad.json', '{"format":"nope"}'));
    expect(problem).toMatch(/bad\.json/);
    expect(view().error).toBe(`tours.importFailed ${JSON.stringify({ reason: problem })}`);
    expect(library.all()).toEqual([]);
  });

  it('makes share links for the current tour and shows the last one while that tour is selected', () => {
    const { library, view } = setup({ saved: [tour('a'), tour('b')] });
    library.openCity('rennes', null);
    const made = library.shareLink('https://jumeau.fr/app/');
    expect(made).toEqual({ tourId: 'a', url: `https://jumeau.fr/app/?city=rennes&tour=${encodeTourLink(tour('a'))}` });
    library.shared(made!);
    expect(view()).toMatchObject({ link: made!.url, info: `tours.linkReady {"chars":${made!.url.length}}` });
    library.selectTour('b');
    expect(view().link).toBeNull();
    const demo = setup();
    demo.library.openCity('demo', null);
    expect(demo.library.shareLink('https://x/')!.url).toBe(`https://x/?city=demo&tour=${SAMPLE_TOUR_ID}`);
  });
});

describe('tours controller: a tour named by the link', () => {
  it('plays a tour of the city named by its id, and says when no tour has that id', () => {
    const a = setup({ saved: [tour('a'), tour('b')] });
    expect(a.library.openCity('rennes', { kind: 'id', id: 'b' })).toMatchObject({ autoStart: true, unknownId: null });
    expect(a.view().tour!.id).toBe('b');
    const u = setup({ saved: [tour('a')] });
    expect(u.library.openCity('rennes', { kind: 'id', id: 'zz' })).toMatchObject({ autoStart: false, unknownId: 'zz' });
    expect(u.view().tour!.id).toBe('a');
  });

  it('saves a linked tour (a copy when its id is taken by another), and plays it only in its own city', () => {
    const s = setup({ saved: [tour('a')] });
    expect(s.library.openCity('rennes', { kind: 'tour', tour: tour('n') })).toMatchObject({ autoStart: true, otherCity: null });
    expect(s.library.saved().map((t) => t.id)).toEqual(['a', 'n']);
    const same = setup({ saved: [tour('a')] });
    expect(same.library.openCity('rennes', { kind: 'tour', tour: tour('a') }).autoStart).toBe(true);
    expect(same.library.saved().map((t) => t.id)).toEqual(['a']);
    const taken = setup({ saved: [tour('a')] });
    taken.library.openCity('rennes', { kind: 'tour', tour: { ...tour('a'), name: 'Changed' } });
    expect(taken.library.saved().map((t) => t.id)).toEqual(['a', 'tour-1']);
    expect(taken.view().tour!.name).toBe('Changed');
    const other = setup();
    expect(other.library.openCity('rennes', { kind: 'tour', tour: tour('l', 'lyon') })).toMatchObject({ autoStart: false, otherCity: { name: 'Tour l', city: 'lyon' } });
    expect(loadTours(other.storage, 'lyon').tours.map((t) => t.id)).toEqual(['l']);
  });
});
