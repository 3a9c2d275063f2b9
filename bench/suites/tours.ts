import { createRng } from '../../src/core/random.ts';
import { idTest } from '../../src/scene/style.ts';
import { decodeTourLink, encodeTourLink, MAX_LINK_CHARS } from '../../src/features/tours/link.ts';
import { parseMarkdown } from '../../src/features/tours/markdown.ts';
import { createTour, type Tour } from '../../src/features/tours/model.ts';
import { IDLE_STATE, step, type PlayerEvent } from '../../src/features/tours/player.ts';
import { parseTourText, serializeTour } from '../../src/features/tours/schema.ts';
import type { BenchRow, BenchSuite } from '../types.ts';
import { meanMs } from '../timing.ts';

/**
 * Tours: how big a tour is as a file and as a `?tour=` link (bytes and characters, by number of
 * stops, with realistic captions), the cost of validating it and of parsing captions, the player
 * state machine, and the length of the building-highlight style expression. Seeded, so the sizes
 * are the same on every run; times are for comparison within a run.
 */

const WORDS = 'le la les un une des projet quartier tour tours logement parc place rue bus métro école vue soleil ombre hauteur mètres nouveau rénové public espace vert piste cyclable'.split(' ');

function syntheticTour(stops: number, seed: number): Tour {
  const rng = createRng(seed);
  const pick = () => WORDS[Math.floor(rng.next() * WORDS.length)]!;
  const sentence = (n: number) => Array.from({ length: n }, pick).join(' ');
  const tour = createTour({ id: `bench-${stops}`, name: `Bench ${stops}`, cityId: 'demo' });
  for (let i = 0; i < stops; i++) {
    tour.stops.push({
      id: `s${i}`,
      title: sentence(3),
      // About 250 characters: a heading, a sentence with emphasis, a two-item list.
      caption: `## ${sentence(3)}\n\n${sentence(12)} **${sentence(2)}** ${sentence(8)}.\n- ${sentence(5)}\n- ${sentence(5)}`,
      camera: { lonDeg: -1.68 + rng.next() * 0.02, latDeg: 48.1 + rng.next() * 0.02, heightM: Math.round(200 + rng.next() * 1000), headingDeg: Math.round(rng.next() * 36000) / 100, pitchDeg: -Math.round(2000 + rng.next() * 4000) / 100, rollDeg: 0 },
      flightS: 3,
      holdS: 12,
      scenarioId: i % 3 === 0 ? 'scenario-a' : null,
      layers: i % 2 === 0 ? [{ id: 'metro-lines', opacity: 1, variant: 'lines' }] : null,
      timeMs: Date.UTC(2026, 5, 21, 8 + (i % 10), 0),
      highlight: Array.from({ length: i % 4 }, (_, k) => `D0${String(1000 + k * 7 + i).padStart(4, '0')}`),
    });
  }
  return tour;
}

export const toursSuite: BenchSuite = {
  name: 'tours',
  description: 'Tour file and link sizes, validation, captions, player, highlight style',
  async run() {
    const rows: BenchRow[] = [];
    const r = (metric: string, value: number, unit: string, note?: string, goal?: string) => rows.push({ suite: 'tours', metric, value, unit, ...(note !== undefined ? { note } : {}), ...(goal !== undefined ? { goal } : {}) });
    for (const n of [3, 10, 30, 100]) {
      const tour = syntheticTour(n, 20261123 + n);
      const file = serializeTour(tour);
      const link = encodeTourLink(tour);
      const back = decodeTourLink(link);
      if (back.kind !== 'tour' || !back.result.ok) throw new Error(`link of ${n} stops does not decode`);
      r(`file, ${n} stops`, new TextEncoder().encode(file).length, 'B');
      r(`link, ${n} stops`, link.length, 'chars', `${(link.length / file.length).toFixed(2)} × the file; ${link.length <= MAX_LINK_CHARS ? 'fits' : 'too long for'} a link`, `≤ ${MAX_LINK_CHARS}`);
      const ms = meanMs(() => parseTourText(file, 'bench'));
      r(`validate file, ${n} stops`, ms * 1000, 'µs');
      r(`decode link, ${n} stops`, meanMs(() => decodeTourLink(link)) * 1000, 'µs');
    }
    const caption = `## Titre\n\n${'Un texte **gras** et *italique* avec [un lien](https://example.org). '.repeat(55)}\n- a\n- b`.slice(0, 4000);
    let nodes = 0;
    const count = (x: unknown): void => {
      nodes++;
      if (typeof x === 'object' && x !== null) for (const v of Object.values(x)) if (typeof v === 'object') count(v);
    };
    count(parseMarkdown(caption));
    r('caption parse, 4,000 chars', meanMs(() => parseMarkdown(caption)) * 1000, 'µs', `${nodes} tree objects`);
    const events: PlayerEvent[] = [{ kind: 'next' }, { kind: 'arrived', index: 0 }, { kind: 'prev' }, { kind: 'togglePause' }, { kind: 'goto', index: 2 }];
    let s = step(IDLE_STATE, { kind: 'start', count: 10, mode: 'kiosk', autoAdvance: true, loop: true, reducedMotion: false }).state;
    let steps = 0;
    const stepMs = meanMs(() => {
      for (const e of events) s = step(s, e).state;
      steps += events.length;
    });
    r('player steps', (events.length / stepMs) * 1000, 'steps/s', `${steps} steps run`);
    for (const n of [1, 10, 100]) {
      const ids = Array.from({ length: n }, (_, i) => `D${String(i + 1).padStart(5, '0')}`);
      r(`highlight style, ${n} ids`, idTest(ids, ['id']).length, 'chars', 'Cesium condition evaluated per feature');
    }
    return rows;
  },
};
