import { describe, expect, it } from 'vitest';
import type { Camera, Consultation, Contribution, ModeratedContribution, Position } from '../../../../src/core/schemas/consultation.ts';
import { ConsultError, type ConsultClient } from '../../../../src/features/consult/client.ts';
import { createConsultController, type ConsultPin, type ConsultPorts } from '../../../../src/features/consult/controller.ts';
import type { ConsultViewModel } from '../../../../src/features/consult/model.ts';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const CAMERA: Camera = { lonDeg: -1.68, latDeg: 48.1, heightM: 400, headingDeg: 0, pitchDeg: -40, rollDeg: 0 };
const PLACE: Consultation = {
  id: 'place', city: 'rennes', title: 'Place Sainte-Anne', description: '', opensAt: '2026-01-01T00:00:00Z', closesAt: '2026-12-31T00:00:00Z', status: 'open',
  scenarioId: null, tourId: null, area: { west: -1.69, south: 48.1, east: -1.67, north: 48.12 }, camera: CAMERA, categories: ['mobility', 'greenery'], sample: false,
  proposals: [{ id: uuid(100), title: 'More trees', description: '', position: null, support: 2, oppose: 1 }], published: 1,
};
const comment = (n: number, o: Partial<Contribution> = {}): Contribution => ({ id: uuid(n), position: { lonDeg: -1.68, latDeg: 48.11, heightM: 40 }, camera: null, category: 'mobility', text: `comment ${n}`, displayName: `Resident ${n}`, createdAt: '2026-03-01T10:00:00Z', ...o });
const moderated = (n: number, status: ModeratedContribution['status']): ModeratedContribution => ({ ...comment(n), consultationId: 'place', status, rejectReason: null, moderatedAt: null });
const MODERATOR = { id: uuid(900), email: 'm@example.org', displayName: 'Modo', role: 'moderator' as const };

/** A consultation server in memory; `fail` makes the next call of a method throw. */
function fakeClient() {
  const calls: string[] = [];
  const fail = new Map<string, unknown>();
  let published = [comment(1)];
  let mine: ModeratedContribution[] = [moderated(2, 'pending')];
  let moderator: typeof MODERATOR | null = null;
  const call = async <T>(name: string, answer: () => T): Promise<T> => {
    calls.push(name);
    const e = fail.get(name);
    if (e !== undefined) {
      fail.delete(name);
      throw e;
    }
    return answer();
  };
  const client: ConsultClient = {
    me: () => call('me', () => ({ csrfToken: 't', moderator })),
    list: () => call('list', () => [PLACE]),
    get: (id) => call('get', () => {
      if (id !== 'place') throw new ConsultError(404, 'not-found', `consultation ${id} not found`);
      return PLACE;
    }),
    contributions: (_id, category) => call(`contributions:${category ?? 'all'}`, () => {
      const list = published.filter((k) => category === null || category === undefined || k.category === category);
      return { contributions: list, total: list.length };
    }),
    participation: () => call('participation', () => ({ votes: {}, contributions: mine })),
    summary: () => call('summary', () => ({ consultationId: 'place', contributions: { published: 1, pending: 1, rejected: 0 }, byCategory: { mobility: 1 }, proposals: [], participants: 2 })),
    contribute: (_id, input) => call('contribute', () => {
      mine = [...mine, { ...moderated(3, 'pending'), text: input.text, position: input.position }];
      return { id: uuid(3), status: 'pending' as const, createdAt: '2026-03-02T10:00:00Z' };
    }),
    vote: (_id, proposalId, stance) => call(`vote:${stance}`, () => ({ proposalId, stance, support: stance === 'support' ? 3 : 2, oppose: 1 })),
    login: () => call('login', () => ((moderator = MODERATOR), { csrfToken: 't', moderator })),
    logout: () => call('logout', () => ((moderator = null), { csrfToken: 't', moderator })),
    queue: () => call('queue', () => ({ contributions: [{ ...moderated(2, 'pending'), moderatedBy: null }], total: 1 })),
    moderate: (id) => call('moderate', () => {
      published = [...published, comment(Number(id.slice(-3)))];
      mine = mine.map((k) => (k.id === id ? { ...k, status: 'published' as const } : k));
    }),
    exportUrl: (id, format, all) => `/api/consultations/${id}/export.${format}${all ? '?status=all' : ''}`,
  };
  return { client, calls, fail };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setTimeout(r, 0));
};

function harness(o: { requested?: string; linkHasCamera?: boolean; cityId?: string | null; canPlace?: boolean } = {}) {
  const api = fakeClient();
  const log: string[] = [];
  const said: string[] = [];
  const urls: [string | null, boolean][] = [];
  const renders: ConsultViewModel[] = [];
  const flights: [Camera, number][] = [];
  let pins: { list: readonly ConsultPin[]; draft: Position | null } = { list: [], draft: null };
  let capture: ((p: Position | null) => void) | null = null;
  const ports: ConsultPorts = {
    client: api.client,
    t: (key, params) => (params === undefined || Object.keys(params).length === 0 ? key : `${key} ${JSON.stringify(params)}`),
    dateTime: (iso) => `at ${iso}`,
    view: {
      canPlace: o.canPlace ?? true,
      capture: (fn) => void (capture = fn),
      endCapture: () => void ((capture = null), log.push('endCapture')),
      camera: () => ({ ...CAMERA, lonDeg: -1.681234567891 }),
      fly: (camera, s) => void flights.push([camera, s]),
      setPins: (list, draft) => void (pins = { list, draft }),
    },
    render: (v) => void renders.push(v),
    say: (_level, key, _params, dedupe) => void said.push(`${key} ${dedupe}`),
    writeUrl: (id, sync) => void urls.push([id, sync]),
    cityId: () => (o.cityId === undefined ? 'rennes' : o.cityId),
    focusText: () => void log.push('focus'),
    sleep: () => new Promise((r) => setTimeout(r, 0)),
  };
  const ctrl = createConsultController(o.requested, o.linkHasCamera ?? false, ports);
  const panel = { opened: false, isOpen: () => false, open: () => void (panel.opened = true) };
  return { ctrl, api, log, said, urls, renders, flights, panel, pins: () => pins, pick: (p: Position | null) => capture!(p), capturing: () => capture !== null };
}

/** A harness with the link's consultation open. */
async function opened(o: Parameters<typeof harness>[0] = {}) {
  const h = harness({ requested: 'place', linkHasCamera: true, ...o });
  h.ctrl.start(h.panel);
  await flush();
  return h;
}

describe('consultation controller', () => {
  it('reports a consult= that is not a consultation id and removes it', () => {
    const h = harness({ requested: 'Not An Id!' });
    expect(h.said).toEqual(['msg.urlParam url:consult']);
    expect(h.urls).toEqual([[null, false]]);
    expect(h.ctrl.consultId).toBeNull();
  });

  it('opens the link’s consultation: panel, comments, own comments, exports and pins; the list otherwise', async () => {
    const h = await opened();
    expect(h.panel.opened).toBe(true);
    expect(h.urls).toEqual([['place', true]]);
    const v = h.ctrl.view;
    expect(v.consultation?.title).toBe('Place Sainte-Anne');
    expect(v.comments.map((k) => k.id)).toEqual([uuid(1)]);
    expect(v.exports?.geojsonAll).toBe('/api/consultations/place/export.geojson?status=all');
    expect(v.loading).toBe(false);
    expect(h.pins().list.map((p) => [p.id, p.kind, p.color])).toEqual([[uuid(1), 'published', '#4fc3f7'], [uuid(2), 'mine', '#4fc3f7']]);

    const l = harness();
    l.panel.isOpen = () => true;
    l.ctrl.start(l.panel);
    await flush();
    expect(l.panel.opened).toBe(false);
    expect(l.ctrl.view.list?.map((c) => c.id)).toEqual(['place']);
  });

  it('shows no pins for a consultation about another city', async () => {
    const h = await opened({ cityId: 'lyon' });
    expect(h.ctrl.view.otherCity).toBe('rennes');
    expect(h.pins().list).toEqual([]);
  });

  it('flies to the consultation’s view once its city shows, unless the link sets the camera', async () => {
    const h = harness({ requested: 'place' });
    h.ctrl.cityOpened('rennes');
    h.ctrl.start(h.panel);
    await flush();
    expect(h.flights).toEqual([[CAMERA, 0]]);
    h.ctrl.cityOpened('rennes');
    await flush();
    expect(h.flights.length).toBe(1);

    const c = harness({ requested: 'place', linkHasCamera: true });
    c.ctrl.cityOpened('rennes');
    c.ctrl.start(c.panel);
    await flush();
    expect(c.flights).toEqual([]);
  });

  it('turns a link to a missing consultation into the list with a message', async () => {
    const h = harness({ requested: 'gone' });
    h.ctrl.start(h.panel);
    await flush();
    expect(h.ctrl.consultId).toBeNull();
    expect(h.urls.at(-1)).toEqual([null, true]);
    expect(h.ctrl.view.error).toBe('consult.err.notFound');
    expect(h.ctrl.view.list?.length).toBe(1);
  });

  it('places a comment: missed and outside clicks are explained, a place inside opens the form', async () => {
    const h = await opened();
    h.ctrl.startPlacing();
    expect(h.ctrl.view.placing).toBe('picking');
    h.pick(null);
    expect(h.ctrl.view.placingNote).toBe('consult.pick.missed');
    h.pick({ lonDeg: -1.5, latDeg: 48.11, heightM: 0 });
    expect(h.ctrl.view.placingNote).toBe('consult.pick.outside');
    expect(h.capturing()).toBe(true);
    h.pick({ lonDeg: -1.6812345678, latDeg: 48.1098765432, heightM: 20_000 });
    expect(h.capturing()).toBe(false);
    expect(h.ctrl.view.placing).toBe('form');
    expect(h.ctrl.view.draft).toEqual({ lonDeg: -1.6812346, latDeg: 48.1098765, heightM: 10_000 });
    expect(h.pins().draft).toEqual(h.ctrl.view.draft);
    expect(h.log.at(-1)).toBe('focus');

    const n = await opened({ canPlace: false });
    n.ctrl.startPlacing();
    expect(n.ctrl.view.error).toBe('msg.webgl {"reason":"—"}');
    expect(n.ctrl.view.placing).toBe('off');
  });

  it('checks a comment before sending it, then thanks and shows it among the resident’s own', async () => {
    const h = await opened();
    h.ctrl.startPlacing();
    h.pick({ lonDeg: -1.68, latDeg: 48.11, heightM: 35 });
    await h.ctrl.submit({ category: 'mobility', text: '', displayName: 'Ana' });
    expect(h.ctrl.view.error).toMatch(/^consult\.form\.text : /);
    expect(h.api.calls).not.toContain('contribute');

    await h.ctrl.submit({ category: 'mobility', text: 'A bench here, please.', displayName: 'Ana' });
    expect(h.api.calls).toContain('contribute');
    expect(h.renders.some((v) => v.thanks && v.placing === 'off' && v.mine.length === 2)).toBe(true);
    expect(h.ctrl.view).toMatchObject({ placing: 'off', draft: null, thanks: false, sending: false, error: null });
    expect(h.ctrl.view.mine.map((k) => k.text).at(-1)).toBe('A bench here, please.');
  });

  it('says what went wrong in the user’s language for the common errors', async () => {
    const h = await opened();
    h.api.fail.set('vote:support', new ConsultError(0, 'network', '/api/…: cannot be reached'));
    await h.ctrl.vote(uuid(100), 'support');
    expect(h.ctrl.view.error).toBe('consult.err.network');
    h.api.fail.set('vote:support', new ConsultError(409, 'consultation-closed', 'closed'));
    await h.ctrl.vote(uuid(100), 'support');
    expect(h.ctrl.view.error).toBe('consult.err.closed');
    h.api.fail.set('vote:support', new ConsultError(500, 'internal', 'the database is down'));
    await h.ctrl.vote(uuid(100), 'support');
    expect(h.ctrl.view.error).toBe('the database is down');
  });

  it('counts a vote and keeps the resident’s stance; withdrawing removes it', async () => {
    const h = await opened();
    await h.ctrl.vote(uuid(100), 'support');
    expect(h.ctrl.view.votes).toEqual({ [uuid(100)]: 'support' });
    expect(h.ctrl.view.consultation!.proposals[0]).toMatchObject({ support: 3, oppose: 1 });
    await h.ctrl.vote(uuid(100), null);
    expect(h.ctrl.view.votes).toEqual({});
    expect(h.ctrl.view.consultation!.proposals[0]).toMatchObject({ support: 2 });
  });

  it('lets a moderator review a pending comment (its pin) and publish it', async () => {
    const h = await opened();
    await h.ctrl.login('m@example.org', 'secret');
    h.ctrl.tab('moderation');
    await flush();
    expect(h.ctrl.view.queue?.map((k) => k.id)).toEqual([uuid(2)]);
    h.ctrl.show(moderated(2, 'pending'));
    expect(h.pins().list.map((p) => p.kind)).toEqual(['published', 'mine', 'review']);
    expect(h.flights.at(-1)).toEqual([{ lonDeg: -1.68, latDeg: 48.11 - 0.0022, heightM: 260, headingDeg: 0, pitchDeg: -45, rollDeg: 0 }, 1.2]);
    await h.ctrl.moderate(uuid(2), 'publish', null);
    expect(h.said).toContain('consult.mod.published consult-mod');
    expect(h.pins().list.map((p) => p.kind)).toEqual(['published', 'published']);
    await h.ctrl.logout();
    expect(h.ctrl.view).toMatchObject({ moderator: null, queue: null });
  });

  it('refreshes on the timer only while a consultation is open and no comment is being placed', async () => {
    const h = await opened();
    const gets = () => h.api.calls.filter((c) => c === 'get').length;
    const before = gets();
    h.ctrl.tick();
    await flush();
    expect(gets()).toBe(before + 1);
    h.ctrl.startPlacing();
    h.ctrl.tick();
    await flush();
    expect(gets()).toBe(before + 1);
    h.ctrl.cancelPlacing();
    h.ctrl.back();
    await flush();
    expect(h.ctrl.view.consultation).toBeNull();
    h.ctrl.tick();
    await flush();
    expect(gets()).toBe(before + 1);
  });

  it('describes pins and clusters for the info panel', async () => {
    const h = await opened();
    expect(h.ctrl.pinProperties(uuid(1))).toEqual({ 'consult.info.text': 'comment 1', 'consult.info.author': 'Resident 1', 'consult.info.category': 'consult.cat.mobility', 'consult.info.date': 'at 2026-03-01T10:00:00Z' });
    expect(h.ctrl.pinProperties(uuid(77))).toBeNull();
    expect(h.ctrl.clusterProperties([uuid(77), uuid(1), uuid(2)])).toEqual({ '02. Resident 1': 'comment 1', '03. Resident 2': 'comment 2' });
    expect(h.ctrl.pinTitle(uuid(2))).toBe('consult.info.title {"name":"Resident 2"}');
    expect(h.ctrl.clusterTitle({ ids: [1, 2, 3] })).toBe('consult.info.clusterTitle {"count":3}');
  });

  it('loads the list once when the panel is first shown, and filters comments by category', async () => {
    const h = harness();
    h.ctrl.shown();
    h.ctrl.shown();
    await flush();
    expect(h.api.calls.filter((c) => c === 'list').length).toBe(1);

    const o = await opened();
    o.ctrl.filter('greenery');
    await flush();
    expect(o.ctrl.view.category).toBe('greenery');
    expect(o.ctrl.view.comments).toEqual([]);
  });

  it('renders nothing more once disposed', async () => {
    const h = await opened();
    const n = h.renders.length;
    h.ctrl.dispose();
    h.ctrl.filter('greenery');
    await flush();
    expect(h.renders.length).toBe(n);
  });
});
