import {
  consultationStatus,
  type Camera,
  type Category,
  type Consultation,
  type ConsultationPatch,
  type Contribution,
  type ModeratedContribution,
  type ModerationState,
  type Moderator,
  type Position,
  type Proposal,
  type Role,
  type Stance,
  type Summary,
} from '../../src/core/schemas/consultation.ts';
import type { Queryable } from '../db/database.ts';

/**
 * Every SQL statement of the consultation API, parameterised (`$n`), returning API shapes.
 * Writes that must respect the consultation's open period check it inside the statement
 * (`now()` between the dates), so a consultation that closes between a check and a write still
 * refuses it.
 */

/** Input types after validation (defaults applied). */
export interface NewConsultation {
  id: string;
  city: string;
  title: string;
  description: string;
  opensAt: string;
  closesAt: string;
  scenarioId: string | null;
  tourId: string | null;
  area: { west: number; south: number; east: number; north: number };
  camera: Camera | null;
  categories: Category[];
  sample: boolean;
}

export interface NewContribution {
  position: Position;
  camera: Camera | null;
  category: Category;
  text: string;
  displayName: string;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());
const isoReq = (d: Date | string): string => new Date(d).toISOString();
/** jsonb parameters are passed as JSON text and cast in SQL (the same for both drivers). */
const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

interface ConsultationRow {
  id: string;
  city: string;
  title: string;
  description: string;
  opens_at: Date;
  closes_at: Date;
  scenario_id: string | null;
  tour_id: string | null;
  area_west: number;
  area_south: number;
  area_east: number;
  area_north: number;
  camera: Camera | null;
  categories: Category[];
  sample: boolean;
  published: number;
}

const CONSULTATION_COLUMNS = `c.id, c.city, c.title, c.description, c.opens_at, c.closes_at, c.scenario_id, c.tour_id,
  c.area_west, c.area_south, c.area_east, c.area_north, c.camera, c.categories, c.sample,
  (SELECT count(*)::int FROM contributions k WHERE k.consultation_id = c.id AND k.status = 'published') AS published`;

function toConsultation(r: ConsultationRow, proposals: Proposal[], nowMs: number): Consultation {
  return {
    id: r.id,
    city: r.city,
    title: r.title,
    description: r.description,
    opensAt: isoReq(r.opens_at),
    closesAt: isoReq(r.closes_at),
    status: consultationStatus(new Date(r.opens_at).getTime(), new Date(r.closes_at).getTime(), nowMs),
    scenarioId: r.scenario_id,
    tourId: r.tour_id,
    area: { west: r.area_west, south: r.area_south, east: r.area_east, north: r.area_north },
    camera: r.camera,
    categories: r.categories,
    sample: r.sample,
    proposals,
    published: r.published,
  };
}

export async function listConsultations(db: Queryable, nowMs = Date.now()): Promise<Omit<Consultation, 'proposals' | 'description'>[]> {
  const rows = await db.query<ConsultationRow>(`SELECT ${CONSULTATION_COLUMNS} FROM consultations c ORDER BY c.opens_at DESC, c.id`);
  return rows.map((r) => {
    const { proposals: _p, description: _d, ...rest } = toConsultation(r, [], nowMs);
    return rest;
  });
}

interface ProposalRow {
  id: string;
  title: string;
  description: string;
  position: Position | null;
  support: number;
  oppose: number;
}

async function proposalsOf(db: Queryable, consultationId: string): Promise<Proposal[]> {
  const rows = await db.query<ProposalRow>(
    `SELECT p.id, p.title, p.description, p.position,
        count(v.stance) FILTER (WHERE v.stance = 'support')::int AS support,
        count(v.stance) FILTER (WHERE v.stance = 'oppose')::int AS oppose
       FROM proposals p LEFT JOIN votes v ON v.proposal_id = p.id
      WHERE p.consultation_id = $1
      GROUP BY p.id ORDER BY p.rank, p.created_at`,
    [consultationId],
  );
  return rows.map((r) => ({ id: r.id, title: r.title, description: r.description, position: r.position, support: r.support, oppose: r.oppose }));
}

export async function getConsultation(db: Queryable, id: string, nowMs = Date.now()): Promise<Consultation | null> {
  const rows = await db.query<ConsultationRow>(`SELECT ${CONSULTATION_COLUMNS} FROM consultations c WHERE c.id = $1`, [id]);
  const r = rows[0];
  if (r === undefined) return null;
  return toConsultation(r, await proposalsOf(db, id), nowMs);
}

/** Creates a consultation; false when the id is taken. */
export async function createConsultation(db: Queryable, c: NewConsultation): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO consultations (id, city, title, description, opens_at, closes_at, scenario_id, tour_id,
        area_west, area_south, area_east, area_north, camera, categories, sample)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14::jsonb, $15)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [c.id, c.city, c.title, c.description, c.opensAt, c.closesAt, c.scenarioId, c.tourId, c.area.west, c.area.south, c.area.east, c.area.north, json(c.camera), json(c.categories), c.sample],
  );
  return rows.length === 1;
}

/** Changes a consultation; 'not-found', 'dates' (closesAt not after opensAt) or 'ok'. */
export async function patchConsultation(db: Queryable, id: string, p: ConsultationPatch): Promise<'ok' | 'not-found' | 'dates'> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  const set = (column: string, value: unknown, cast = '') => {
    params.push(value);
    sets.push(`${column} = $${params.length}${cast}`);
  };
  if (p.title !== undefined) set('title', p.title);
  if (p.description !== undefined) set('description', p.description);
  if (p.opensAt !== undefined) set('opens_at', p.opensAt);
  if (p.closesAt !== undefined) set('closes_at', p.closesAt);
  if (p.scenarioId !== undefined) set('scenario_id', p.scenarioId);
  if (p.tourId !== undefined) set('tour_id', p.tourId);
  if (p.camera !== undefined) set('camera', json(p.camera), '::jsonb');
  // The column names above are constants; only values travel as parameters.
  const current = await db.query<{ opens_at: Date; closes_at: Date }>('SELECT opens_at, closes_at FROM consultations WHERE id = $1', [id]);
  const row = current[0];
  if (row === undefined) return 'not-found';
  const opens = p.opensAt !== undefined ? Date.parse(p.opensAt) : new Date(row.opens_at).getTime();
  const closes = p.closesAt !== undefined ? Date.parse(p.closesAt) : new Date(row.closes_at).getTime();
  if (!(closes > opens)) return 'dates';
  await db.query(`UPDATE consultations SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, params);
  return 'ok';
}

/** Adds a proposal at the end; null when the consultation does not exist or has too many. */
export async function addProposal(db: Queryable, consultationId: string, p: { title: string; description: string; position: Position | null }, maxProposals: number): Promise<Proposal | null> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO proposals (consultation_id, rank, title, description, position)
     SELECT c.id, coalesce((SELECT max(rank) + 1 FROM proposals WHERE consultation_id = c.id), 0), $2, $3, $4::jsonb
       FROM consultations c
      WHERE c.id = $1 AND (SELECT count(*) FROM proposals WHERE consultation_id = c.id) < $5
     RETURNING id`,
    [consultationId, p.title, p.description, json(p.position), maxProposals],
  );
  const id = rows[0]?.id;
  return id === undefined ? null : { id, title: p.title, description: p.description, position: p.position, support: 0, oppose: 0 };
}

/** The participant id for a token hash, created on first use. */
export async function ensureParticipant(db: Queryable, tokenHash: string): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO participants (token_hash) VALUES ($1)
     ON CONFLICT (token_hash) DO UPDATE SET last_seen_at = now() RETURNING id`,
    [tokenHash],
  );
  return rows[0]!.id;
}

/** The participant id for a token hash, or null when it has never written. */
export async function findParticipant(db: Queryable, tokenHash: string): Promise<string | null> {
  const rows = await db.query<{ id: string }>('SELECT id FROM participants WHERE token_hash = $1', [tokenHash]);
  return rows[0]?.id ?? null;
}

/**
 * Stores a comment (pending moderation) if the consultation is open now; null otherwise. The
 * participant (by token hash) is created on first use in the same statement: one commit a comment.
 */
export async function addContribution(db: Queryable, consultationId: string, participantTokenHash: string, c: NewContribution): Promise<{ id: string; createdAt: string } | null> {
  const rows = await db.query<{ id: string; created_at: Date }>(
    `WITH p AS (
       INSERT INTO participants (token_hash) VALUES ($2)
       ON CONFLICT (token_hash) DO UPDATE SET last_seen_at = now() RETURNING id)
     INSERT INTO contributions (consultation_id, participant_id, lon_deg, lat_deg, height_m, camera, category, body, display_name)
     SELECT c.id, p.id, $3, $4, $5, $6::jsonb, $7, $8, $9 FROM consultations c, p
      WHERE c.id = $1 AND now() >= c.opens_at AND now() < c.closes_at
     RETURNING id, created_at`,
    [consultationId, participantTokenHash, c.position.lonDeg, c.position.latDeg, c.position.heightM, json(c.camera), c.category, c.text, c.displayName],
  );
  const r = rows[0];
  return r === undefined ? null : { id: r.id, createdAt: isoReq(r.created_at) };
}

interface ContributionRow {
  id: string;
  consultation_id: string;
  lon_deg: number;
  lat_deg: number;
  height_m: number;
  camera: Camera | null;
  category: Category;
  body: string;
  display_name: string;
  created_at: Date;
  status: ModerationState;
  reject_reason: string | null;
  moderated_at: Date | null;
  moderated_by_name: string | null;
}

const CONTRIBUTION_COLUMNS = `k.id, k.consultation_id, k.lon_deg, k.lat_deg, k.height_m, k.camera, k.category, k.body, k.display_name,
  k.created_at, k.status, k.reject_reason, k.moderated_at`;

function toContribution(r: ContributionRow): Contribution {
  return {
    id: r.id,
    position: { lonDeg: r.lon_deg, latDeg: r.lat_deg, heightM: r.height_m },
    camera: r.camera,
    category: r.category,
    text: r.body,
    displayName: r.display_name,
    createdAt: isoReq(r.created_at),
  };
}

function toModerated(r: ContributionRow): ModeratedContribution {
  return { ...toContribution(r), consultationId: r.consultation_id, status: r.status, rejectReason: r.reject_reason, moderatedAt: iso(r.moderated_at) };
}

/** Published comments, newest first, optionally of one category. */
export async function listPublished(db: Queryable, consultationId: string, category: Category | null, limit: number): Promise<{ contributions: Contribution[]; total: number }> {
  const params: unknown[] = [consultationId];
  let where = "k.consultation_id = $1 AND k.status = 'published'";
  if (category !== null) {
    params.push(category);
    where += ` AND k.category = $${params.length}`;
  }
  const total = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM contributions k WHERE ${where}`, params))[0]!.n;
  params.push(limit);
  const rows = await db.query<ContributionRow>(`SELECT ${CONTRIBUTION_COLUMNS} FROM contributions k WHERE ${where} ORDER BY k.created_at DESC, k.id LIMIT $${params.length}`, params);
  return { contributions: rows.map(toContribution), total };
}

/** Comments for moderators: by state (and consultation), oldest first (a queue). */
export async function listForModeration(
  db: Queryable,
  o: { consultationId: string | null; status: ModerationState | 'all'; limit: number },
): Promise<{ contributions: (ModeratedContribution & { moderatedBy: string | null })[]; total: number }> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (o.consultationId !== null) {
    params.push(o.consultationId);
    where.push(`k.consultation_id = $${params.length}`);
  }
  if (o.status !== 'all') {
    params.push(o.status);
    where.push(`k.status = $${params.length}`);
  }
  const w = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const total = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM contributions k ${w}`, params))[0]!.n;
  params.push(o.limit);
  const rows = await db.query<ContributionRow>(
    `SELECT ${CONTRIBUTION_COLUMNS}, m.display_name AS moderated_by_name
       FROM contributions k LEFT JOIN moderators m ON m.id = k.moderated_by ${w}
      ORDER BY k.created_at, k.id LIMIT $${params.length}`,
    params,
  );
  return { contributions: rows.map((r) => ({ ...toModerated(r), moderatedBy: r.moderated_by_name })), total };
}

/** One participant's votes and comments in a consultation. */
export async function participation(db: Queryable, consultationId: string, participantId: string | null): Promise<{ votes: Record<string, Stance>; contributions: ModeratedContribution[] }> {
  if (participantId === null) return { votes: {}, contributions: [] };
  const votes = await db.query<{ proposal_id: string; stance: Stance }>(
    `SELECT v.proposal_id, v.stance FROM votes v JOIN proposals p ON p.id = v.proposal_id
      WHERE v.participant_id = $1 AND p.consultation_id = $2`,
    [participantId, consultationId],
  );
  const rows = await db.query<ContributionRow>(
    `SELECT ${CONTRIBUTION_COLUMNS} FROM contributions k WHERE k.participant_id = $1 AND k.consultation_id = $2 ORDER BY k.created_at DESC LIMIT 200`,
    [participantId, consultationId],
  );
  return { votes: Object.fromEntries(votes.map((v) => [v.proposal_id, v.stance])), contributions: rows.map(toModerated) };
}

/**
 * Sets (or with `stance` null, removes) a participant's vote on a proposal of an open
 * consultation. One vote per participant and proposal: the primary key makes concurrent votes
 * of one participant collapse into one row. Null when the proposal is not in that consultation
 * or the consultation is not open.
 */
export async function setVote(db: Queryable, consultationId: string, proposalId: string, participantId: string, stance: Stance | null): Promise<{ stance: Stance | null; support: number; oppose: number } | null> {
  const open = `FROM proposals p JOIN consultations c ON c.id = p.consultation_id
     WHERE p.id = $1 AND c.id = $3 AND now() >= c.opens_at AND now() < c.closes_at`;
  if (stance !== null) {
    const rows = await db.query(
      `INSERT INTO votes (proposal_id, participant_id, stance) SELECT p.id, $2, $4 ${open}
       ON CONFLICT (proposal_id, participant_id) DO UPDATE SET stance = excluded.stance, updated_at = now()
       RETURNING stance`,
      [proposalId, participantId, consultationId, stance],
    );
    if (rows.length === 0) return null;
  } else {
    const ok = await db.query(
      `SELECT 1 AS ok FROM proposals p JOIN consultations c ON c.id = p.consultation_id
        WHERE p.id = $1 AND c.id = $2 AND now() >= c.opens_at AND now() < c.closes_at`,
      [proposalId, consultationId],
    );
    if (ok.length === 0) return null;
    await db.query('DELETE FROM votes WHERE proposal_id = $1 AND participant_id = $2', [proposalId, participantId]);
  }
  const counts = await db.query<{ support: number; oppose: number }>(
    `SELECT count(*) FILTER (WHERE stance = 'support')::int AS support, count(*) FILTER (WHERE stance = 'oppose')::int AS oppose
       FROM votes WHERE proposal_id = $1`,
    [proposalId],
  );
  return { stance, support: counts[0]!.support, oppose: counts[0]!.oppose };
}

/** Whether a proposal belongs to a consultation. */
export async function proposalExists(db: Queryable, consultationId: string, proposalId: string): Promise<boolean> {
  return (await db.query('SELECT 1 AS ok FROM proposals WHERE id = $1 AND consultation_id = $2', [proposalId, consultationId])).length === 1;
}

/**
 * Publishes or rejects a comment (call inside a transaction: the row is locked first); returns
 * its consultation and previous state, or null if unknown.
 */
export async function moderate(
  db: Queryable,
  contributionId: string,
  moderatorId: string,
  action: { action: 'publish' } | { action: 'reject'; reason: string },
): Promise<{ consultationId: string; before: ModerationState } | null> {
  const old = await db.query<{ consultation_id: string; status: ModerationState }>('SELECT consultation_id, status FROM contributions WHERE id = $1 FOR UPDATE', [contributionId]);
  const r = old[0];
  if (r === undefined) return null;
  await db.query('UPDATE contributions SET status = $2, reject_reason = $3, moderated_by = $4, moderated_at = clock_timestamp() WHERE id = $1', [
    contributionId,
    action.action === 'publish' ? 'published' : 'rejected',
    action.action === 'reject' ? action.reason : null,
    moderatorId,
  ]);
  return { consultationId: r.consultation_id, before: r.status };
}

/** Counts for the summary charts (published comments by category, votes per proposal). */
export async function summary(db: Queryable, consultationId: string): Promise<Summary | null> {
  const exists = await db.query('SELECT 1 AS ok FROM consultations WHERE id = $1', [consultationId]);
  if (exists.length === 0) return null;
  const states = await db.query<{ status: ModerationState; n: number }>('SELECT status, count(*)::int AS n FROM contributions WHERE consultation_id = $1 GROUP BY status', [consultationId]);
  const cats = await db.query<{ category: string; n: number }>(
    "SELECT category, count(*)::int AS n FROM contributions WHERE consultation_id = $1 AND status = 'published' GROUP BY category ORDER BY category",
    [consultationId],
  );
  const participants = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT participant_id FROM contributions WHERE consultation_id = $1
       UNION SELECT v.participant_id FROM votes v JOIN proposals p ON p.id = v.proposal_id WHERE p.consultation_id = $1) x`,
    [consultationId],
  );
  const proposals = await proposalsOf(db, consultationId);
  const count = (s: ModerationState) => states.find((r) => r.status === s)?.n ?? 0;
  return {
    consultationId,
    contributions: { published: count('published'), pending: count('pending'), rejected: count('rejected') },
    byCategory: Object.fromEntries(cats.map((c) => [c.category, c.n])),
    proposals: proposals.map((p) => ({ id: p.id, title: p.title, support: p.support, oppose: p.oppose })),
    participants: participants[0]!.n,
  };
}

// ---- Moderators, sessions, audit --------------------------------------------------------------

interface ModeratorRow {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  password_hash: string;
  disabled_at: Date | null;
}

const toModerator = (r: ModeratorRow): Moderator => ({ id: r.id, email: r.email, displayName: r.display_name, role: r.role });

/** Creates a moderator; null when the e-mail is taken. */
export async function createModerator(db: Queryable, m: { email: string; displayName: string; role: Role; passwordHash: string }): Promise<Moderator | null> {
  const rows = await db.query<ModeratorRow>(
    `INSERT INTO moderators (email, display_name, role, password_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (email) DO NOTHING RETURNING id, email, display_name, role, password_hash, disabled_at`,
    [m.email.toLowerCase(), m.displayName, m.role, m.passwordHash],
  );
  return rows[0] === undefined ? null : toModerator(rows[0]);
}

/** Changes a moderator's password (and ends their sessions); false when the e-mail is unknown. */
export async function setModeratorPassword(db: Queryable, email: string, passwordHash: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>('UPDATE moderators SET password_hash = $2, disabled_at = NULL WHERE email = $1 RETURNING id', [email.toLowerCase(), passwordHash]);
  if (rows[0] === undefined) return false;
  await db.query('DELETE FROM moderator_sessions WHERE moderator_id = $1', [rows[0].id]);
  return true;
}

export async function countModerators(db: Queryable): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM moderators'))[0]!.n;
}

export async function findModeratorByEmail(db: Queryable, email: string): Promise<(Moderator & { passwordHash: string; disabled: boolean }) | null> {
  const rows = await db.query<ModeratorRow>('SELECT id, email, display_name, role, password_hash, disabled_at FROM moderators WHERE email = $1', [email.toLowerCase()]);
  const r = rows[0];
  return r === undefined ? null : { ...toModerator(r), passwordHash: r.password_hash, disabled: r.disabled_at !== null };
}

export async function createSession(db: Queryable, tokenHash: string, moderatorId: string, ttlMs: number): Promise<void> {
  await db.query("INSERT INTO moderator_sessions (token_hash, moderator_id, expires_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')", [tokenHash, moderatorId, ttlMs]);
}

/** The moderator of a live session (expired sessions are deleted when met). */
export async function sessionModerator(db: Queryable, tokenHash: string): Promise<Moderator | null> {
  const rows = await db.query<ModeratorRow & { expired: boolean }>(
    `SELECT m.id, m.email, m.display_name, m.role, m.password_hash, m.disabled_at, s.expires_at <= now() AS expired
       FROM moderator_sessions s JOIN moderators m ON m.id = s.moderator_id WHERE s.token_hash = $1`,
    [tokenHash],
  );
  const r = rows[0];
  if (r === undefined) return null;
  if (r.expired || r.disabled_at !== null) {
    await db.query('DELETE FROM moderator_sessions WHERE token_hash = $1', [tokenHash]);
    return null;
  }
  return toModerator(r);
}

export async function deleteSession(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM moderator_sessions WHERE token_hash = $1', [tokenHash]);
}

/** Appends to the audit log. */
export async function audit(db: Queryable, actor: string, action: string, target: string | null, detail: Record<string, unknown> | null = null): Promise<void> {
  await db.query('INSERT INTO audit_log (actor, action, target, detail) VALUES ($1, $2, $3, $4::jsonb)', [actor.slice(0, 300), action, target?.slice(0, 300) ?? null, json(detail)]);
}

export async function listAudit(db: Queryable, limit: number): Promise<{ id: number; at: string; actor: string; action: string; target: string | null; detail: Record<string, unknown> | null }[]> {
  const rows = await db.query<{ id: number; at: Date; actor: string; action: string; target: string | null; detail: Record<string, unknown> | null }>(
    'SELECT id, at, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT $1',
    [limit],
  );
  return rows.map((r) => ({ ...r, at: isoReq(r.at) }));
}

/** Every comment of a consultation for the export (published only unless `all`). */
export async function exportRows(db: Queryable, consultationId: string, all: boolean): Promise<(ModeratedContribution & { moderatedBy: string | null })[]> {
  const rows = await db.query<ContributionRow>(
    `SELECT ${CONTRIBUTION_COLUMNS}, m.display_name AS moderated_by_name
       FROM contributions k LEFT JOIN moderators m ON m.id = k.moderated_by
      WHERE k.consultation_id = $1 ${all ? '' : "AND k.status = 'published'"}
      ORDER BY k.created_at, k.id`,
    [consultationId],
  );
  return rows.map((r) => ({ ...toModerated(r), moderatedBy: r.moderated_by_name }));
}

/** What a write needs to check: the open period, the area and the categories. */
export async function consultationRules(
  db: Queryable,
  id: string,
  nowMs = Date.now(),
): Promise<{ status: Consultation['status']; opensAt: string; closesAt: string; area: Consultation['area']; categories: Category[] } | null> {
  const rows = await db.query<Pick<ConsultationRow, 'opens_at' | 'closes_at' | 'area_west' | 'area_south' | 'area_east' | 'area_north' | 'categories'>>(
    'SELECT opens_at, closes_at, area_west, area_south, area_east, area_north, categories FROM consultations WHERE id = $1',
    [id],
  );
  const r = rows[0];
  if (r === undefined) return null;
  return {
    status: consultationStatus(new Date(r.opens_at).getTime(), new Date(r.closes_at).getTime(), nowMs),
    opensAt: isoReq(r.opens_at),
    closesAt: isoReq(r.closes_at),
    area: { west: r.area_west, south: r.area_south, east: r.area_east, north: r.area_north },
    categories: r.categories,
  };
}
