import { createRng } from '../../src/core/random.ts';
import { CATEGORIES, type Category } from '../../src/core/schemas/consultation.ts';
import type { Database } from '../db/database.ts';
import { hashToken, newToken } from './security.ts';
import * as store from './store.ts';

/**
 * A sample consultation on the demo district (`npm run db:seed`): SAMPLE DATA, flagged `sample`
 * in the database and labelled as such on screen. Its comments are invented (seeded, so the same
 * every time), signed "Exemple …", most published and two pending for the moderation queue, and
 * invented votes on its three proposals.
 */

export const SAMPLE_ID = 'exemple-place-centrale';

/** The demo district's extent (packs/demo/city.json bbox) and home view. */
const DEMO_AREA = { west: -1.6959934, south: 48.1015445, east: -1.6640972, north: 48.1176791 };
const DEMO_CAMERA = { lonDeg: -1.6800453, latDeg: 48.0938634, heightM: 1226, headingDeg: 0, pitchDeg: -35, rollDeg: 0 };

const COMMENTS: { category: Category; text: string; name: string }[] = [
  { category: 'greenery', text: 'Des arbres ici donneraient de l’ombre l’été : la place est brûlante en juillet.', name: 'Exemple — Camille' },
  { category: 'mobility', text: 'Le carrefour est dangereux pour les vélos aux heures de pointe.', name: 'Exemple — Yann' },
  { category: 'public-space', text: 'Un espace de jeux pour les enfants près de l’école serait bienvenu.', name: 'Exemple — Sofia' },
  { category: 'safety', text: 'L’éclairage manque le soir dans cette rue.', name: 'Exemple — Malo' },
  { category: 'heritage', text: 'Conserver la façade ancienne, elle fait l’identité du quartier.', name: 'Exemple — Gwenaëlle' },
  { category: 'housing', text: 'Des logements au-dessus des commerces plutôt qu’un parking.', name: 'Exemple — Karim' },
  { category: 'services', text: 'Il manque des bancs et des toilettes publiques.', name: 'Exemple — Anne' },
  { category: 'mobility', text: 'Élargir le trottoir : on ne peut pas passer avec une poussette.', name: 'Exemple — Loïc' },
  { category: 'greenery', text: 'Garder la pelouse ouverte au public.', name: 'Exemple — Inès' },
  { category: 'other', text: 'Merci pour cette consultation ; prévoir une réunion publique ?', name: 'Exemple — Jean' },
  { category: 'mobility', text: 'Un arrêt de bus plus proche de la place.', name: 'Exemple — Nolwenn' },
  { category: 'public-space', text: 'Un marché le samedi matin animerait la place.', name: 'Exemple — Théo' },
];

const PENDING: { category: Category; text: string; name: string }[] = [
  { category: 'safety', text: 'Les voitures roulent trop vite devant la boulangerie.', name: 'Exemple — Léa' },
  { category: 'greenery', text: 'Un jardin partagé sur la friche au nord ?', name: 'Exemple — Erwan' },
];

export interface SeedResult {
  id: string;
  created: boolean;
  published: number;
  pending: number;
  proposals: number;
  votes: number;
}

/** Creates the sample consultation if it does not exist yet (idempotent). */
export async function seedSample(db: Database, o: { nowMs?: number; seed?: number } = {}): Promise<SeedResult> {
  const now = o.nowMs ?? Date.now();
  const rng = createRng(o.seed ?? 11);
  return db.tx(async (q) => {
    const created = await store.createConsultation(q, {
      id: SAMPLE_ID,
      city: 'demo',
      title: 'Exemple : réaménagement de la place centrale',
      description:
        'DONNÉES D’EXEMPLE. Consultation fictive sur le quartier de démonstration (bâtiments synthétiques) : elle montre le fonctionnement de la consultation. Les avis signés « Exemple » ont été inventés.',
      opensAt: new Date(now - 7 * 86400_000).toISOString(),
      closesAt: new Date(now + 90 * 86400_000).toISOString(),
      scenarioId: null,
      tourId: null,
      area: DEMO_AREA,
      camera: DEMO_CAMERA,
      categories: [...CATEGORIES],
      sample: true,
    });
    if (!created) return { id: SAMPLE_ID, created: false, published: 0, pending: 0, proposals: 0, votes: 0 };
    const proposals = [
      { title: 'Piétonniser la rue centrale', description: 'Fermer la rue centrale aux voitures entre la place et le marché, livraisons le matin.', position: { lonDeg: -1.6805, latDeg: 48.1095, heightM: 0 } },
      { title: 'Planter 40 arbres sur la place', description: 'Remplacer 30 places de stationnement par des arbres et des bancs.', position: { lonDeg: -1.6795, latDeg: 48.1105, heightM: 0 } },
      { title: 'Un parking vélo couvert', description: '120 places près de l’arrêt de bus.', position: null },
    ];
    const ids: string[] = [];
    for (const p of proposals) ids.push((await store.addProposal(q, SAMPLE_ID, p, 50))!.id);
    const participant = await store.ensureParticipant(q, hashToken(newToken()));
    // Invented votes (sample participants), so that the summary has something to show.
    const tallies = [[28, 9], [41, 6], [17, 14]] as const;
    const voters: string[] = [];
    for (let i = 0; i < Math.max(...tallies.map(([s, o]) => s + o)); i++) voters.push(await store.ensureParticipant(q, hashToken(newToken())));
    let votes = 0;
    for (const [i, [support, oppose]] of tallies.entries()) {
      for (let j = 0; j < support + oppose; j++) {
        await q.query('INSERT INTO votes (proposal_id, participant_id, stance) VALUES ($1, $2, $3)', [ids[i], voters[j], j < support ? 'support' : 'oppose']);
        votes++;
      }
    }
    const place = () => ({ lonDeg: -1.6800 + rng.range(-0.006, 0.006), latDeg: 48.1096 + rng.range(-0.004, 0.004), heightM: Math.round(rng.range(0, 12) * 10) / 10 });
    const add = async (c: { category: Category; text: string; name: string }) => {
      const r = await q.query<{ id: string }>(
        `INSERT INTO contributions (consultation_id, participant_id, lon_deg, lat_deg, height_m, category, body, display_name, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [SAMPLE_ID, participant, ...Object.values(place()), c.category, c.text, c.name, new Date(now - rng.range(1, 6 * 86400) * 1000).toISOString()],
      );
      return r[0]!.id;
    };
    for (const c of COMMENTS) {
      const id = await add(c);
      await q.query("UPDATE contributions SET status = 'published', moderated_at = now() WHERE id = $1", [id]);
    }
    for (const c of PENDING) await add(c);
    await store.audit(q, 'system (npm run db:seed)', 'consultation.create', SAMPLE_ID, { sample: true });
    return { id: SAMPLE_ID, created: true, published: COMMENTS.length, pending: PENDING.length, proposals: proposals.length, votes };
  });
}
