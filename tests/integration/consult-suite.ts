import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { contributionListSchema, consultationSchema, meSchema, moderationListSchema, participationSchema, summarySchema } from '../../src/core/schemas/consultation.ts';
import { hashPassword, verifyPassword } from '../../server/consult/security.ts';
import { seedSample, SAMPLE_ID } from '../../server/consult/seed.ts';
import { checkBackup, countRows, exportDatabase, importDatabase } from '../../server/db/backup.ts';
import { openDatabase, type Database } from '../../server/db/database.ts';
import { loadMigrations, migrate } from '../../server/db/migrate.ts';
import { ADMIN, Client, comment, consultationBody, fakeDistDir, makeServer } from './helpers/consult-client.ts';

/**
 * The consultation server against a real database. The same suite runs on PGlite
 * (consult-pglite.integration.test.ts) and PostgreSQL (consult-postgres.integration.test.ts).
 */

/** Strings that must come back exactly as sent, and be harmless. */
export const PAYLOADS = [
  "'; DROP TABLE contributions; --",
  "Robert'); DELETE FROM votes WHERE ('1'='1",
  '1 OR 1=1',
  '$1 $2 \\x00 E\'\\\\\'',
  '<script>alert("xss")</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  'javascript:alert(1)',
  '=HYPERLINK("http://evil.example","clic")',
  '+33 6 00 00 00 00',
  '-1 pour cette idée',
  '@SUM(1+1)',
  'Émoji 🌳🚲 et accents : élan, Noël, ß, 漢字, עברית',
  'ligne 1\nligne 2\r\n\ttabulée',
  '{{constructor.constructor("alert(1)")()}}',
  '__proto__',
];

export function consultationSuite(label: string, open: () => Promise<{ db: Database; cleanup(): Promise<void> }>): void {
  describe(`consultation server on ${label}`, () => {
    let db: Database;
    let cleanup: () => Promise<void>;
    let app: FastifyInstance;
    let admin: Client;
    let proposalId: string;

    beforeAll(async () => {
      ({ db, cleanup } = await open());
      app = await makeServer(db);
      admin = await new Client(app).hello();
      expect((await admin.login()).statusCode).toBe(200);
      expect((await admin.req('POST', '/api/consultations', consultationBody('place'))).statusCode).toBe(201);
      const p = await admin.req('POST', '/api/consultations/place/proposals', { title: 'Planter des arbres', description: '40 arbres' });
      expect(p.statusCode).toBe(201);
      proposalId = (p.json() as { id: string }).id;
    });
    afterAll(async () => {
      await app?.close();
      await cleanup?.();
    });

    it('applies the migrations once, and refuses a migration changed after it was applied', async () => {
      expect(await migrate(db)).toEqual([]);
      const changed = loadMigrations().map((m) => ({ ...m, sha256: m.version === 1 ? 'x'.repeat(64) : m.sha256 }));
      await expect(migrate(db, changed)).rejects.toThrow(/001_consultation was changed after it was applied/);
      const health = await app.inject({ method: 'GET', url: '/api/health' });
      expect(health.json()).toMatchObject({ ok: true, database: db.kind });
    });

    describe('participants, sessions and CSRF', () => {
      it('gives a browser a signed httpOnly participant cookie and a CSRF token', async () => {
        const c = new Client(app);
        const res = await c.req('GET', '/api/me');
        expect(res.statusCode).toBe(200);
        expect(meSchema.parse(res.json()).moderator).toBeNull();
        const set = String(res.headers['set-cookie']);
        expect(set).toMatch(/^jumeau_participant=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43};/);
        expect(set).toMatch(/HttpOnly/);
        expect(set).toMatch(/SameSite=Lax/);
        expect(res.headers['cache-control']).toBe('no-store');
        // A second call keeps the cookie.
        const again = await c.req('GET', '/api/me');
        expect(again.headers['set-cookie']).toBeUndefined();
      });

      it('refuses writes without a cookie, with a malformed cookie, or one this server did not sign', async () => {
        const url = '/api/consultations/place/contributions';
        const none = await app.inject({ method: 'POST', url, payload: comment('hello') });
        expect(none.statusCode).toBe(401);
        expect(none.json()).toMatchObject({ error: 'participant-cookie', message: expect.stringMatching(/jumeau_participant: missing/) });
        const bad = await app.inject({ method: 'POST', url, payload: comment('hello'), headers: { cookie: 'jumeau_participant=not-a-token' } });
        expect(bad.statusCode).toBe(401);
        expect(bad.json().message).toMatch(/malformed/);
        const forged = await app.inject({ method: 'POST', url, payload: comment('hello'), headers: { cookie: `jumeau_participant=${'a'.repeat(43)}.${'b'.repeat(43)}` } });
        expect(forged.statusCode).toBe(401);
        expect(forged.json().message).toMatch(/not issued by this server/);
      });

      it('refuses writes without the CSRF token, with another browser’s token, or cross-site', async () => {
        const a = await new Client(app).hello();
        const b = await new Client(app).hello();
        const url = '/api/consultations/place/contributions';
        const missing = await a.req('POST', url, comment('hello'), { 'x-csrf-token': '' });
        expect(missing.statusCode).toBe(403);
        expect(missing.json()).toMatchObject({ error: 'csrf', issues: [{ field: 'header.x-csrf-token' }] });
        const swapped = await a.req('POST', url, comment('hello'), { 'x-csrf-token': b.csrf });
        expect(swapped.statusCode).toBe(403);
        const cross = await a.req('POST', url, comment('hello'), { 'sec-fetch-site': 'cross-site' });
        expect(cross.statusCode).toBe(403);
        expect(cross.json().error).toBe('cross-site');
        const ok = await a.req('POST', url, comment('hello'), { 'sec-fetch-site': 'same-origin' });
        expect(ok.statusCode).toBe(201);
      });

      it('logs moderators in with a password; wrong passwords and unknown e-mails get the same answer and are audited', async () => {
        const c = await new Client(app).hello();
        const wrong = await c.login(ADMIN.email, 'not the password');
        expect(wrong.statusCode).toBe(401);
        const unknown = await c.login('nobody@example.org', 'not the password');
        expect(unknown.statusCode).toBe(401);
        expect(unknown.json()).toEqual(wrong.json());
        const ok = await c.login(ADMIN.email.toUpperCase(), ADMIN.password);
        expect(ok.statusCode).toBe(200);
        expect(String(ok.headers['set-cookie'])).toMatch(/^jumeau_session=[A-Za-z0-9_-]{43};.*HttpOnly.*SameSite=Strict/);
        expect(meSchema.parse(ok.json()).moderator).toMatchObject({ email: ADMIN.email, role: 'admin' });
        const audit = await admin.req('GET', '/api/audit?limit=50');
        const actions = (audit.json() as { entries: { action: string; target: string | null }[] }).entries;
        expect(actions.some((e) => e.action === 'login.failed' && e.target === 'nobody@example.org')).toBe(true);
        const rows = await db.query<{ password_hash: string }>('SELECT password_hash FROM moderators WHERE email = $1', [ADMIN.email]);
        expect(rows[0]!.password_hash).toMatch(/^scrypt\$/);
        expect(rows[0]!.password_hash).not.toContain(ADMIN.password);
      });

      it('ends a session at logout: the old cookie and CSRF token, replayed, are refused', async () => {
        const c = await new Client(app).hello();
        await c.login();
        const oldCookies = c.cookieHeader();
        const oldCsrf = c.csrf;
        const out = await c.req('POST', '/api/auth/logout');
        expect(out.statusCode).toBe(200);
        expect(c.cookies.has('jumeau_session')).toBe(false);
        const replay = await app.inject({ method: 'POST', url: '/api/moderation/contributions/00000000-0000-4000-8000-000000000000', headers: { cookie: oldCookies, 'x-csrf-token': oldCsrf }, payload: { action: 'publish' } });
        expect(replay.statusCode).toBe(401);
        const queue = await app.inject({ method: 'GET', url: '/api/moderation/contributions', headers: { cookie: oldCookies } });
        expect(queue.statusCode).toBe(401);
        // The old token with the new (logged-out) cookies does not match either.
        const stale = await c.req('POST', '/api/consultations/place/contributions', comment('x'), { 'x-csrf-token': oldCsrf });
        expect(stale.statusCode).toBe(403);
      });

      it('keeps roles apart: a moderator moderates but cannot administer; residents can do neither', async () => {
        const created = await admin.req('POST', '/api/moderators', { email: 'mod@example.org', displayName: 'Modérateur', role: 'moderator', password: 'another long password' });
        expect(created.statusCode).toBe(201);
        const dup = await admin.req('POST', '/api/moderators', { email: 'MOD@example.org', displayName: 'Again', role: 'moderator', password: 'another long password' });
        expect(dup.statusCode).toBe(409);
        const weak = await admin.req('POST', '/api/moderators', { email: 'weak@example.org', displayName: 'Weak', role: 'moderator', password: 'short' });
        expect(weak.statusCode).toBe(400);
        expect(weak.json().message).toMatch(/body.password: too short/);
        const mod = await new Client(app).hello();
        expect((await mod.login('mod@example.org', 'another long password')).statusCode).toBe(200);
        expect((await mod.req('GET', '/api/moderation/contributions')).statusCode).toBe(200);
        const forbidden = await mod.req('POST', '/api/consultations', consultationBody('by-moderator'));
        expect(forbidden.statusCode).toBe(403);
        expect(forbidden.json().message).toMatch(/admin role/);
        const resident = await new Client(app).hello();
        expect((await resident.req('GET', '/api/moderation/contributions')).statusCode).toBe(401);
        expect((await resident.req('POST', '/api/consultations', consultationBody('by-resident'))).statusCode).toBe(401);
        expect((await resident.req('GET', '/api/audit')).statusCode).toBe(401);
      });
    });

    describe('validation', () => {
      let c: Client;
      const url = '/api/consultations/place/contributions';
      beforeAll(async () => {
        c = await new Client(app).hello();
      });

      it('names the field and the reason for each bad input, and stores nothing', async () => {
        const before = (await countRows(db)).contributions;
        const cases: [unknown, RegExp][] = [
          [{ ...comment('x'.repeat(2001)) }, /body\.text: too long: at most 2000 characters/],
          [{ ...comment('') }, /body\.text: must not be empty/],
          [{ ...comment('   \n ') }, /body\.text: must not be only spaces/],
          [{ ...comment('ok', 'x'.repeat(61)) }, /body\.displayName: too long: at most 60 characters/],
          [{ ...comment('ok', 'a\nb') }, /body\.displayName: contains a control character/],
          [{ ...comment('nul \u0000 here') }, /body\.text: contains a control character/],
          [{ ...comment('lone \ud800 surrogate') }, /body\.text: contains an invalid Unicode character/],
          [{ ...comment('ok', 'Ann', 'weather') }, /body\.category: must be one of/],
          [{ ...comment('ok'), position: { lonDeg: 200, latDeg: 48.1, heightM: 0 } }, /body\.position\.lonDeg: must be between -180 and 180/],
          [{ ...comment('ok'), position: { lonDeg: 2.35, latDeg: 48.85, heightM: 0 } }, /body\.position: outside the consultation's area/],
          [{ ...comment('ok'), position: { lonDeg: -1.68, latDeg: 48.11, heightM: '12' } }, /body\.position\.heightM: Invalid input: expected number/],
          [{ ...comment('ok'), isAdmin: true }, /body: unknown field "isAdmin"/],
          [{ text: 'only text' }, /body\.position/],
        ];
        for (const [payload, message] of cases) {
          const res = await c.req('POST', url, payload);
          expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400);
          expect(res.json().message).toMatch(message);
          expect(res.json().issues.length).toBeGreaterThan(0);
        }
        expect((await countRows(db)).contributions).toBe(before);
      });

      it('answers malformed JSON, wrong content types and oversize bodies clearly', async () => {
        const broken = await c.req('POST', url, '{"text": "unterminated', { 'content-type': 'application/json' });
        expect(broken.statusCode).toBe(400);
        expect(broken.json().message).toMatch(/^body: not valid JSON/);
        const form = await c.req('POST', url, 'text=hello', { 'content-type': 'application/x-www-form-urlencoded' });
        expect(form.statusCode).toBe(415);
        expect(form.json().message).toMatch(/send JSON/);
        const huge = await c.req('POST', url, JSON.stringify({ ...comment('x'), padding: 'y'.repeat(100_000) }), { 'content-type': 'application/json' });
        expect(huge.statusCode).toBe(413);
        const proto = await c.req('POST', url, '{"__proto__": {"admin": true}, "text": "x"}', { 'content-type': 'application/json' });
        expect(proto.statusCode).toBe(400);
      });

      it('answers unknown consultations, proposals and comments with 404 naming them, and bad ids with 400', async () => {
        const unknown = await c.req('POST', '/api/consultations/nowhere/contributions', comment('x'));
        expect(unknown.statusCode).toBe(404);
        expect(unknown.json().message).toMatch(/params\.id: consultation "nowhere" does not exist/);
        expect((await c.req('GET', '/api/consultations/nowhere')).statusCode).toBe(404);
        expect((await c.req('GET', '/api/consultations/nowhere/contributions')).statusCode).toBe(404);
        const badId = await c.req('GET', "/api/consultations/x';DROP%20TABLE%20votes;--");
        expect(badId.statusCode).toBe(400);
        expect(badId.json().message).toMatch(/params\.id/);
        const noProposal = await c.req('PUT', '/api/consultations/place/proposals/00000000-0000-4000-8000-000000000000/vote', { stance: 'support' });
        expect(noProposal.statusCode).toBe(404);
        expect(noProposal.json().message).toMatch(/params\.proposalId/);
        const badProposal = await c.req('PUT', '/api/consultations/place/proposals/1%20OR%201=1/vote', { stance: 'support' });
        expect(badProposal.statusCode).toBe(400);
        const badStance = await c.req('PUT', `/api/consultations/place/proposals/${proposalId}/vote`, { stance: 'maybe' });
        expect(badStance.statusCode).toBe(400);
        expect(badStance.json().message).toMatch(/body\.stance: must be "support" or "oppose"/);
        const badQuery = await c.req('GET', "/api/consultations/place/contributions?category=' OR 1=1 --");
        expect(badQuery.statusCode).toBe(400);
        expect(badQuery.json().message).toMatch(/query\.category/);
        const noComment = await admin.req('POST', '/api/moderation/contributions/00000000-0000-4000-8000-000000000000', { action: 'publish' });
        expect(noComment.statusCode).toBe(404);
        const noReason = await admin.req('POST', '/api/moderation/contributions/00000000-0000-4000-8000-000000000000', { action: 'reject' });
        expect(noReason.statusCode).toBe(400);
        expect(noReason.json().message).toMatch(/body\.reason/);
      });

      it('validates what administrators send too', async () => {
        const dates = await admin.req('POST', '/api/consultations', consultationBody('bad-dates', { opensAt: '2026-06-01T00:00:00Z', closesAt: '2026-05-01T00:00:00Z' }));
        expect(dates.statusCode).toBe(400);
        expect(dates.json().message).toMatch(/body\.closesAt: closesAt must be after opensAt/);
        const link = await admin.req('POST', '/api/consultations', { ...consultationBody('bad-link'), scenarioId: 'no spaces allowed' });
        expect(link.statusCode).toBe(400);
        expect(link.json().message).toMatch(/body\.scenarioId/);
        const id = await admin.req('POST', '/api/consultations', consultationBody('Bad Id'));
        expect(id.json().message).toMatch(/body\.id/);
        const dup = await admin.req('POST', '/api/consultations', consultationBody('place'));
        expect(dup.statusCode).toBe(409);
      });
    });

    it('stores SQL-injection and XSS payloads verbatim and returns them as data', async () => {
      const c = await new Client(app).hello();
      const before = await countRows(db);
      const ids: string[] = [];
      for (const p of PAYLOADS) {
        const res = await c.req('POST', '/api/consultations/place/contributions', comment(p, p.replace(/[\r\n\t]/g, ' ').slice(0, 60)));
        expect(res.statusCode, p).toBe(201);
        ids.push((res.json() as { id: string }).id);
      }
      for (const id of ids) expect((await admin.req('POST', `/api/moderation/contributions/${id}`, { action: 'publish' })).statusCode).toBe(200);
      const list = contributionListSchema.parse((await c.req('GET', '/api/consultations/place/contributions')).json());
      for (const [i, p] of PAYLOADS.entries()) {
        const got = list.contributions.find((k) => k.id === ids[i]);
        expect(got?.text).toBe(p);
        expect(got?.displayName).toBe(p.replace(/[\r\n\t]/g, ' ').slice(0, 60));
      }
      const after = await countRows(db);
      expect(after.contributions).toBe(before.contributions! + PAYLOADS.length);
      expect(after.votes).toBe(before.votes);
      // Answers are JSON, never HTML, with a CSP that would stop any script.
      const res = await c.req('GET', '/api/consultations/place/contributions');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      // The CSV neutralises formulas; the GeoJSON keeps the exact text.
      const csv = (await c.req('GET', '/api/consultations/place/export.csv')).body;
      expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""clic"")"`);
      expect(csv).toContain("'+33 6 00 00 00 00");
      expect(csv).toContain("'@SUM(1+1)");
      const geo = (await c.req('GET', '/api/consultations/place/export.geojson')).json() as { features: { id: string; properties: { text: string } }[] };
      for (const [i, p] of PAYLOADS.entries()) expect(geo.features.find((f) => f.id === ids[i])?.properties.text).toBe(p);
    });

    it('counts 100 concurrent votes exactly, one per participant', async () => {
      const voters = await Promise.all(Array.from({ length: 100 }, () => new Client(app).hello()));
      const url = `/api/consultations/place/proposals/${proposalId}/vote`;
      const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM votes WHERE proposal_id = $1', [proposalId]))[0]!.n;
      const results = await Promise.all(voters.map((v, i) => v.req('PUT', url, { stance: i % 4 === 0 ? 'oppose' : 'support' })));
      expect(results.map((r) => r.statusCode)).toEqual(Array(100).fill(200));
      const rows = await db.query<{ support: number; oppose: number; n: number; people: number }>(
        `SELECT count(*) FILTER (WHERE stance = 'support')::int AS support, count(*) FILTER (WHERE stance = 'oppose')::int AS oppose,
                count(*)::int AS n, count(DISTINCT participant_id)::int AS people FROM votes WHERE proposal_id = $1`,
        [proposalId],
      );
      expect(rows[0]!.n - before).toBe(100);
      expect(rows[0]!.people).toBe(rows[0]!.n);
      const detail = consultationSchema.parse((await voters[0]!.req('GET', '/api/consultations/place')).json());
      const p = detail.proposals.find((x) => x.id === proposalId)!;
      expect(p.support + p.oppose).toBe(rows[0]!.n);
      expect(p.oppose).toBe(rows[0]!.oppose);

      // One participant voting 100 times at once (changing their mind) still counts once.
      const one = voters[1]!;
      const burst = await Promise.all(Array.from({ length: 100 }, (_, i) => one.req('PUT', url, { stance: i % 2 === 0 ? 'oppose' : 'support' })));
      expect(burst.every((r) => r.statusCode === 200)).toBe(true);
      const mine = participationSchema.parse((await one.req('GET', '/api/consultations/place/participation')).json());
      expect(['support', 'oppose']).toContain(mine.votes[proposalId]);
      const n = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM votes v JOIN participants p ON p.id = v.participant_id WHERE v.proposal_id = $1 AND p.id = (SELECT participant_id FROM votes WHERE proposal_id = $1 GROUP BY participant_id ORDER BY count(*) DESC LIMIT 1)',
        [proposalId],
      );
      expect(n[0]!.n).toBe(1);
      expect(rows[0]!.n).toBe((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM votes WHERE proposal_id = $1', [proposalId]))[0]!.n);

      // Withdrawing a vote removes exactly one.
      const withdraw = await one.req('DELETE', url);
      expect(withdraw.statusCode).toBe(200);
      expect(withdraw.json().stance).toBeNull();
      expect(withdraw.json().support + withdraw.json().oppose).toBe(rows[0]!.n - 1);
    });

    it('moderation: pending comments stay private until published; a rejection carries its reason to the author', async () => {
      const author = await new Client(app).hello();
      const reader = await new Client(app).hello();
      const a = await author.req('POST', '/api/consultations/place/contributions', comment('Un banc ici, s’il vous plaît.', 'Yann', 'services'));
      const b = await author.req('POST', '/api/consultations/place/contributions', comment('Message hors sujet', 'Yann', 'other'));
      const idA = (a.json() as { id: string }).id, idB = (b.json() as { id: string }).id;
      const published = () => reader.req('GET', '/api/consultations/place/contributions').then((r) => contributionListSchema.parse(r.json()).contributions.map((k) => k.id));
      expect(await published()).not.toContain(idA);
      const queue = moderationListSchema.parse((await admin.req('GET', '/api/moderation/contributions?consultation=place&status=pending')).json());
      expect(queue.contributions.map((k) => k.id)).toEqual(expect.arrayContaining([idA, idB]));
      expect((await admin.req('POST', `/api/moderation/contributions/${idA}`, { action: 'publish' })).json()).toMatchObject({ status: 'published', before: 'pending' });
      expect((await admin.req('POST', `/api/moderation/contributions/${idB}`, { action: 'reject', reason: 'Hors sujet : merci de rester sur le projet.' })).statusCode).toBe(200);
      expect(await published()).toContain(idA);
      expect(await published()).not.toContain(idB);
      const mine = participationSchema.parse((await author.req('GET', '/api/consultations/place/participation')).json());
      expect(mine.contributions.find((k) => k.id === idB)).toMatchObject({ status: 'rejected', rejectReason: 'Hors sujet : merci de rester sur le projet.' });
      expect(mine.contributions.find((k) => k.id === idA)?.status).toBe('published');
      // Another resident does not see the author's comments as theirs.
      expect(participationSchema.parse((await reader.req('GET', '/api/consultations/place/participation')).json()).contributions).toEqual([]);
      // Filter by category.
      const services = contributionListSchema.parse((await reader.req('GET', '/api/consultations/place/contributions?category=services')).json());
      expect(services.contributions.every((k) => k.category === 'services')).toBe(true);
      expect(services.contributions.map((k) => k.id)).toContain(idA);
      // The audit log has both decisions with the moderator.
      const audit = (await admin.req('GET', '/api/audit')).json() as { entries: { action: string; target: string; actor: string; detail: Record<string, unknown> }[] };
      expect(audit.entries.find((e) => e.action === 'contribution.reject' && e.target === idB)).toMatchObject({ actor: expect.stringContaining(ADMIN.email), detail: { reason: 'Hors sujet : merci de rester sur le projet.' } });
      // Exports: published only for everyone; everything for moderators.
      const pub = (await reader.req('GET', '/api/consultations/place/export.csv')).body;
      expect(pub).toContain(idA);
      expect(pub).not.toContain(idB);
      expect((await reader.req('GET', '/api/consultations/place/export.csv?status=all')).statusCode).toBe(401);
      const all = await admin.req('GET', '/api/consultations/place/export.csv?status=all');
      expect(all.headers['content-type']).toMatch(/^text\/csv/);
      expect(all.headers['content-disposition']).toBe('attachment; filename="place-all.csv"');
      expect(all.body).toContain(idB);
      expect(all.body).toContain('Hors sujet');
      const summary = summarySchema.parse((await reader.req('GET', '/api/consultations/place/summary')).json());
      expect(summary.contributions.rejected).toBeGreaterThanOrEqual(1);
      expect(summary.byCategory.services).toBeGreaterThanOrEqual(1);
      expect(summary.proposals[0]!.support + summary.proposals[0]!.oppose).toBeGreaterThanOrEqual(99);
    });

    it('refuses comments and votes when a consultation is closed or not open yet', async () => {
      const now = Date.now();
      expect((await admin.req('POST', '/api/consultations', consultationBody('closed', { opensAt: new Date(now - 86400_000 * 30).toISOString(), closesAt: new Date(now - 86400_000).toISOString() }))).statusCode).toBe(201);
      expect((await admin.req('POST', '/api/consultations', consultationBody('later', { opensAt: new Date(now + 86400_000).toISOString(), closesAt: new Date(now + 86400_000 * 30).toISOString() }))).statusCode).toBe(201);
      const closedProposal = ((await admin.req('POST', '/api/consultations/closed/proposals', { title: 'Old' })).json() as { id: string }).id;
      const c = await new Client(app).hello();
      const before = await countRows(db);
      const k = await c.req('POST', '/api/consultations/closed/contributions', comment('too late'));
      expect(k.statusCode).toBe(409);
      expect(k.json()).toMatchObject({ error: 'consultation-closed', message: expect.stringMatching(/closed at .* accepts no more comments/) });
      expect((await c.req('PUT', `/api/consultations/closed/proposals/${closedProposal}/vote`, { stance: 'support' })).statusCode).toBe(409);
      expect((await c.req('DELETE', `/api/consultations/closed/proposals/${closedProposal}/vote`)).statusCode).toBe(409);
      const early = await c.req('POST', '/api/consultations/later/contributions', comment('too early'));
      expect(early.statusCode).toBe(409);
      expect(early.json().message).toMatch(/not open yet/);
      // Closing an open consultation early takes effect at once.
      expect((await admin.req('POST', '/api/consultations', consultationBody('closing'))).statusCode).toBe(201);
      expect((await c.req('POST', '/api/consultations/closing/contributions', comment('in time'))).statusCode).toBe(201);
      const patched = await admin.req('PATCH', '/api/consultations/closing', { closesAt: new Date(Date.now() - 1000).toISOString() });
      expect(patched.statusCode).toBe(200);
      expect(patched.json().status).toBe('closed');
      expect((await c.req('POST', '/api/consultations/closing/contributions', comment('just after'))).statusCode).toBe(409);
      const after = await countRows(db);
      expect(after.contributions).toBe(before.contributions! + 1);
      expect(after.votes).toBe(before.votes);
      // Reading a closed consultation still works.
      expect((await c.req('GET', '/api/consultations/closed/contributions')).statusCode).toBe(200);
      const list = (await c.req('GET', '/api/consultations')).json() as { consultations: { id: string; status: string; scenarioId: string | null; tourId: string | null }[] };
      expect(list.consultations.find((x) => x.id === 'closed')?.status).toBe('closed');
      expect(list.consultations.find((x) => x.id === 'later')?.status).toBe('upcoming');
      expect(list.consultations.find((x) => x.id === 'place')).toMatchObject({ status: 'open', scenarioId: 'scenario:place-2030', tourId: 'tour-place' });
    });

    it('answers reads with ETags (304 when unchanged) and shows a write at once', async () => {
      const c = await new Client(app).hello();
      const first = await c.req('GET', '/api/consultations/place/summary');
      const etag = String(first.headers.etag);
      expect((await c.req('GET', '/api/consultations/place/summary', undefined, { 'if-none-match': etag })).statusCode).toBe(304);
      await c.req('PUT', `/api/consultations/place/proposals/${proposalId}/vote`, { stance: 'support' });
      const next = await c.req('GET', '/api/consultations/place/summary', undefined, { 'if-none-match': etag });
      expect(next.statusCode).toBe(200);
      expect(next.headers.etag).not.toBe(etag);
    });

    it('limits the rate of writes and logins per client, with a clear 429', async () => {
      const limited = await makeServer(db, { limits: { contribute: { max: 3, timeWindowMs: 60_000 }, login: { max: 2, timeWindowMs: 60_000 } } });
      try {
        const c = await new Client(limited).hello();
        for (let i = 0; i < 3; i++) expect((await c.req('POST', '/api/consultations/place/contributions', comment(`n${i}`))).statusCode).toBe(201);
        const over = await c.req('POST', '/api/consultations/place/contributions', comment('one too many'));
        expect(over.statusCode).toBe(429);
        expect(over.json()).toMatchObject({ error: 'rate-limited', message: expect.stringMatching(/too many requests: at most 3 per/) });
        expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
        // Reads are limited separately and still answer.
        expect((await c.req('GET', '/api/consultations/place')).statusCode).toBe(200);
        await c.login('x@example.org', 'wrong');
        await c.login('x@example.org', 'wrong');
        const third = await c.login(ADMIN.email, ADMIN.password);
        expect(third.statusCode).toBe(429);
      } finally {
        await limited.close();
      }
    });

    it('describes every route in its OpenAPI document', async () => {
      const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown>; operationId: string; requestBody?: unknown }>>; components: { schemas: Record<string, unknown> } };
      expect(doc.openapi).toBe('3.1.0');
      const routes = app.printRoutes({ commonPrefix: false });
      const expected = [
        ['get', '/api/me'], ['post', '/api/auth/login'], ['post', '/api/auth/logout'], ['get', '/api/consultations'], ['post', '/api/consultations'],
        ['get', '/api/consultations/{id}'], ['patch', '/api/consultations/{id}'], ['post', '/api/consultations/{id}/proposals'],
        ['get', '/api/consultations/{id}/contributions'], ['post', '/api/consultations/{id}/contributions'], ['get', '/api/consultations/{id}/participation'],
        ['put', '/api/consultations/{id}/proposals/{proposalId}/vote'], ['delete', '/api/consultations/{id}/proposals/{proposalId}/vote'],
        ['get', '/api/consultations/{id}/summary'], ['get', '/api/consultations/{id}/export.csv'], ['get', '/api/consultations/{id}/export.geojson'],
        ['get', '/api/moderation/contributions'], ['post', '/api/moderation/contributions/{contributionId}'], ['post', '/api/moderators'], ['get', '/api/audit'],
      ];
      for (const [m, p] of expected) {
        const op = doc.paths[p!]?.[m!];
        expect(op, `${m} ${p}`).toBeDefined();
        expect(Object.keys(op!.responses).length).toBeGreaterThan(0);
        expect(routes).toContain(p!.replace(/\{(\w+)\}/g, ':$1').split('/').pop()!);
      }
      const body = doc.paths['/api/consultations/{id}/contributions']!.post!.requestBody as { content: { 'application/json': { schema: { properties: { text: { maxLength: number } } } } } };
      expect(body.content['application/json'].schema.properties.text.maxLength).toBe(2000);
      const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/schemas\/(\w+)"/g) ?? [];
      for (const r of refs) expect(doc.components.schemas).toHaveProperty(r.split('/').pop()!.replace('"', ''));
      z.object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }).parse(doc);
    });

    it('seeds the sample consultation once, labelled as sample data', async () => {
      const r = await seedSample(db);
      expect(r).toMatchObject({ id: SAMPLE_ID, created: true, published: 12, pending: 2, proposals: 3, votes: 115 });
      expect((await seedSample(db)).created).toBe(false);
      const c = consultationSchema.parse((await app.inject({ method: 'GET', url: `/api/consultations/${SAMPLE_ID}` })).json());
      expect(c.sample).toBe(true);
      expect(c.description).toMatch(/EXEMPLE/);
      expect(c.published).toBe(12);
      expect(c.status).toBe('open');
      expect(c.proposals.map((p) => [p.support, p.oppose])).toEqual([[28, 9], [41, 6], [17, 14]]);
    });

    it('backs up and restores everything, also into the other kind of database', async () => {
      const backup = checkBackup(JSON.parse(JSON.stringify(await exportDatabase(db))));
      const counts = await countRows(db);
      expect(backup.tables.contributions!.length).toBe(counts.contributions);
      const target = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
      try {
        await migrate(target);
        expect(await importDatabase(target, backup)).toEqual(counts);
        await expect(importDatabase(target, backup)).rejects.toThrow(/already holds data/);
        expect(await importDatabase(target, backup, { replace: true })).toEqual(counts);
        const again = await exportDatabase(target);
        expect(again.tables).toEqual(backup.tables);
        // The restored server works: same secret (cookies stay valid), same moderators.
        const restored = await makeServer(target, { bootstrapAdmin: null });
        try {
          const c = new Client(restored);
          for (const [k, v] of admin.cookies) c.cookies.set(k, v);
          c.csrf = admin.csrf;
          expect((await c.req('GET', '/api/consultations/place/contributions')).statusCode).toBe(200);
          const fresh = await new Client(restored).hello();
          expect((await fresh.login()).statusCode).toBe(200);
        } finally {
          await restored.close();
        }
      } finally {
        await target.close();
      }
      expect(() => checkBackup({ ...backup, schemaVersion: 99 })).toThrow(/schemaVersion/);
      // Migrations 002 and 003 add no backed-up table: a backup made before them still restores.
      expect(checkBackup({ ...backup, schemaVersion: 2 }).schemaVersion).toBe(2);
      expect(() => checkBackup({ ...backup, schemaVersion: 0 })).toThrow(/schemaVersion/);
      expect(() => checkBackup({ ...backup, tables: { ...backup.tables, votes: [{ evil: 1 }] } })).toThrow(/tables\.votes\[0\]: unknown column "evil"/);
    });

    describe('second security round (issue 22)', () => {
      /** A server created with $JUMEAU_TRUST_PROXY set as given (what `npm run serve` reads). */
      const withTrust = async <T>(value: string, make: () => Promise<T>): Promise<T> => {
        const before = process.env.JUMEAU_TRUST_PROXY;
        process.env.JUMEAU_TRUST_PROXY = value;
        try {
          return await make();
        } finally {
          if (before === undefined) delete process.env.JUMEAU_TRUST_PROXY;
          else process.env.JUMEAU_TRUST_PROXY = before;
        }
      };
      const randomIp = () => `198.51.100.${Math.floor(Math.random() * 254) + 1}, 10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

      it('JUMEAU_TRUST_PROXY=1 trusts one hop: a made-up X-Forwarded-For escapes neither the login nor the comment limits', async () => {
        const s = await withTrust('1', () => makeServer(db, { loginThrottle: false, limits: { login: { max: 5, timeWindowMs: 60_000 }, contribute: { max: 3, timeWindowMs: 60_000 } } }));
        try {
          const c = await new Client(s).hello();
          const statuses: number[] = [];
          for (let i = 0; i < 8; i++) statuses.push((await c.req('POST', '/api/auth/login', { email: ADMIN.email, password: `wrong ${i}` }, { 'x-forwarded-for': `${randomIp()}, 203.0.113.7` })).statusCode);
          expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
          const comments: number[] = [];
          for (let i = 0; i < 4; i++) comments.push((await c.req('POST', '/api/consultations/place/contributions', comment(`proxy ${i}`), { 'x-forwarded-for': `${randomIp()}, 203.0.113.8` })).statusCode);
          expect(comments).toEqual([201, 201, 201, 429]);
          // The address recorded is the one the proxy saw.
          const audit = (await admin.req('GET', '/api/audit?limit=20')).json() as { entries: { actor: string; action: string }[] };
          expect(audit.entries.some((e) => e.action === 'login.failed' && e.actor === 'anonymous from 203.0.113.7')).toBe(true);
        } finally {
          await s.close();
        }
      });

      it('limits logins per account with growing delays; the browser the moderator uses is never locked out, a new one waits at most the delay', async () => {
        const email = `target-${Math.random().toString(36).slice(2, 8)}@example.org`;
        const password = 'the real long password';
        expect((await admin.req('POST', '/api/moderators', { email, displayName: 'Cible', role: 'moderator', password })).statusCode).toBe(201);
        const s = await withTrust('1', () => makeServer(db, { loginThrottle: { freeAttempts: 3, baseDelayMs: 500, maxDelayMs: 60_000 } }));
        try {
          const usual = new Client(s);
          expect((await usual.login(email, password)).statusCode).toBe(200);
          const attempt = async (pw: string) => {
            const c = await new Client(s).hello();
            return c.req('POST', '/api/auth/login', { email, password: pw }, { 'x-forwarded-for': randomIp() });
          };
          // Distributed guessing: every attempt from a new browser and a new address.
          const first = [];
          for (let i = 0; i < 4; i++) first.push((await attempt(`guess ${i}`)).statusCode);
          expect(first).toEqual([401, 401, 401, 401]);
          const held = await attempt(password);
          expect(held.statusCode).toBe(429);
          expect(held.json()).toMatchObject({ error: 'rate-limited', message: expect.stringMatching(/too many failed logins for this account/) });
          expect(Number(held.headers['retry-after'])).toBeGreaterThanOrEqual(1);
          // The delay grows: 500 ms after the 4th attempt, 1 s after the 5th.
          const delay = async () => Number((await db.query<{ ms: number }>("SELECT (extract(epoch FROM blocked_until - last_attempt_at) * 1000)::int AS ms FROM login_throttle WHERE account = $1", [email]))[0]!.ms);
          expect(await delay()).toBe(500);
          await new Promise((r) => setTimeout(r, 600));
          expect((await attempt('guess 5')).statusCode).toBe(401);
          expect(await delay()).toBe(1000);
          // Meanwhile the moderator's own browser logs in at once.
          const again = new Client(s);
          for (const [k, v] of usual.cookies) if (k === 'jumeau_participant') again.cookies.set(k, v);
          expect((await again.login(email, password)).statusCode).toBe(200);
          // An unknown e-mail is held back the same way (nothing tells which accounts exist).
          const ghost = `ghost-${Math.random().toString(36).slice(2, 8)}@example.org`;
          const ghostStatuses = [];
          for (let i = 0; i < 5; i++) ghostStatuses.push((await (await new Client(s).hello()).req('POST', '/api/auth/login', { email: ghost, password: 'x' }, { 'x-forwarded-for': randomIp() })).statusCode);
          expect(ghostStatuses).toEqual([401, 401, 401, 401, 429]);
          // After the attack, a new browser waits no longer than the last delay.
          for (let i = 0; i < 4; i++) await attempt(`more ${i}`);
          expect((await attempt(password)).statusCode).toBe(429);
          await new Promise((r) => setTimeout(r, 600));
          expect((await attempt(password)).statusCode).toBe(200);
        } finally {
          await s.close();
        }
      });

      it('does not parse bodies sent to unknown paths', async () => {
        const s = await makeServer(db, {}, { notFoundLimit: { max: 5, timeWindowMs: 60_000 } });
        try {
          const deep = '['.repeat(1024 * 1024 - 16);
          const unknown = await s.inject({ method: 'POST', url: '/no/such/path', headers: { 'content-type': 'application/json' }, payload: deep });
          expect(unknown.statusCode).toBe(404);
        } finally {
          await s.close();
        }
      });

      it('limits requests to unknown paths per client', async () => {
        const s = await makeServer(db, {}, { notFoundLimit: { max: 5, timeWindowMs: 60_000 } });
        try {
          const statuses = [];
          for (let i = 0; i < 6; i++) statuses.push((await s.inject({ method: 'POST', url: `/nothing-${i}`, headers: { 'content-type': 'application/json' }, payload: '{}' })).statusCode);
          expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
        } finally {
          await s.close();
        }
      });

      it('refuses JSON nested deeper than 32 levels before parsing it', async () => {
        {
          const c = await new Client(app).hello();
          const nested = { ...comment('nested'), camera: { lonDeg: -1.68, latDeg: 48.1, heightM: 400, headingDeg: 0, pitchDeg: -30, rollDeg: 0, x: JSON.parse('['.repeat(40) + ']'.repeat(40)) as unknown } };
          const res = await c.req('POST', '/api/consultations/place/contributions', nested);
          expect(res.statusCode).toBe(400);
          expect(res.json()).toMatchObject({ error: 'invalid-request', message: 'body: nested deeper than 32 levels' });
        }
      });

      it('refuses dotfiles everywhere (packs, the app, deep links)', async () => {
        mkdirSync(join(fakeDistDir(), 'packs', '.git'), { recursive: true });
        writeFileSync(join(fakeDistDir(), 'packs', '.git', 'config'), '[core]\n');
        writeFileSync(join(fakeDistDir(), '.env'), 'SECRET=1\n');
        for (const url of ['/packs/.git/config', '/.env', '/packs/%2egit/config', '/deep/.git/config']) {
          expect((await app.inject({ url })).statusCode, url).toBe(404);
        }
      });

      it('sends HSTS only when HTTPS is known (X-Forwarded-Proto from a trusted proxy)', async () => {
        expect((await app.inject({ url: '/api/health', headers: { 'x-forwarded-proto': 'https' } })).headers['strict-transport-security']).toBeUndefined();
        const s = await withTrust('127.0.0.1', () => makeServer(db));
        try {
          const https = await s.inject({ url: '/api/health', headers: { 'x-forwarded-proto': 'https' } });
          expect(https.headers['strict-transport-security']).toBe('max-age=31536000');
          expect((await s.inject({ url: '/api/health' })).headers['strict-transport-security']).toBeUndefined();
          expect((await s.inject({ url: '/api/health', remoteAddress: '192.0.2.1', headers: { 'x-forwarded-proto': 'https' } })).headers['strict-transport-security']).toBeUndefined();
        } finally {
          await s.close();
        }
      });

      it('refuses changes whose Origin is another site, even with a valid token', async () => {
        const c = await new Client(app).hello();
        const evil = await c.req('POST', '/api/consultations/place/contributions', comment('from elsewhere'), { origin: 'https://evil.example' });
        expect(evil.statusCode).toBe(403);
        expect(evil.json()).toMatchObject({ error: 'cross-site', issues: [{ field: 'header.origin' }] });
        expect((await c.req('POST', '/api/consultations/place/contributions', comment('opaque'), { origin: 'null' })).statusCode).toBe(403);
        expect((await c.req('POST', '/api/consultations/place/contributions', comment('from here'), { origin: 'http://localhost' })).statusCode).toBe(201);
      });

      it('refuses text that is not UTF-8 with a 400 naming the field', async () => {
        const c = await new Client(app).hello();
        const bytes = Buffer.concat([Buffer.from(JSON.stringify(comment('caf__')).replace('caf__', 'caf')), Buffer.alloc(0)]);
        const at = bytes.indexOf('"text":"caf') + '"text":"caf'.length;
        const bad = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xe9]), bytes.subarray(at)]);
        const res = await app.inject({ method: 'POST', url: '/api/consultations/place/contributions', headers: { cookie: c.cookieHeader(), 'x-csrf-token': c.csrf, 'content-type': 'application/json' }, payload: bad });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ error: 'invalid-request', issues: [{ field: 'body.text', reason: 'not valid UTF-8' }] });
      });

      it('normalises display names to NFC and refuses names that hide (bidi, invisible) or pose (role words, look-alikes)', async () => {
        const c = await new Client(app).hello();
        for (const name of ['Modérateur (officiel)', 'admin', '\u0410dmin', '\u200B\u200B', 'Léa\u202Eeuqsam', 'Cam\u200Bille']) {
          const r = await c.req('POST', '/api/consultations/place/contributions', comment('nom', name));
          expect(r.statusCode, name).toBe(400);
          expect(r.json(), name).toMatchObject({ issues: [{ field: 'body.displayName' }] });
        }
        const ok = await c.req('POST', '/api/consultations/place/contributions', comment('nom normalisé', 'Rene\u0301e'));
        expect(ok.statusCode).toBe(201);
        const mine = participationSchema.parse((await c.req('GET', '/api/consultations/place/participation')).json());
        expect(mine.contributions.find((x) => x.text === 'nom normalisé')?.displayName).toBe('Ren\u00E9e');
      });
    });
  });
}

/** Password hashing at the default cost (once: it takes a fraction of a second). */
export function passwordSuite(): void {
  it('hashes passwords with scrypt at the default cost and verifies them', async () => {
    const h = await hashPassword('correct horse battery staple');
    expect(h).toMatch(/^scrypt\$65536\$8\$1\$[A-Za-z0-9_-]{43}\$[A-Za-z0-9_-]{86}$/);
    expect(await verifyPassword('correct horse battery staple', h)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', h)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$3$8$1$aa$bb')).toBe(false);
    expect(h).not.toBe(await hashPassword('correct horse battery staple'));
  });
}
