import type { Tour } from './model.ts';
import { validateTour } from './schema.ts';

/**
 * Tours saved with a scenario (issue 9). A scenario document (its file, its stored record) may
 * carry a `tours` list; these pure functions pick, add and read it without knowing the rest of
 * the scenario's shape. The scenario feature reaches them through the app's tour hooks
 * (src/app/tour-hooks.ts), never by importing this feature:
 *
 * - saving/exporting: `ctx.tours.ofScenario(scenario.id)` (`toursOfScenario` over the saved
 *   tours), written as the document's `tours` (copies, as `withTours` does);
 * - loading/importing: `ctx.tours.adoptFrom(scenarioDoc)` (`readTours`, then adds the valid
 *   tours to those of the city, replacing same ids) returns the problems to show.
 */

/** The tours whose stops show this scenario (a tour belongs to every scenario it shows). */
export function toursOfScenario(tours: readonly Tour[], scenarioId: string): Tour[] {
  return tours.filter((t) => t.sample !== true && t.stops.some((s) => s.scenarioId === scenarioId));
}

/** The document with its `tours` list set (a copy; the input is not changed). */
export function withTours<T extends object>(doc: T, tours: readonly Tour[]): T & { tours: Tour[] } {
  return { ...doc, tours: tours.map((t) => structuredClone(t)) };
}

/** The tours a document carries (none when it has no `tours`), each validated. */
export function readTours(doc: unknown): { tours: Tour[]; problems: string[] } {
  const list = typeof doc === 'object' && doc !== null ? (doc as { tours?: unknown }).tours : undefined;
  if (list === undefined) return { tours: [], problems: [] };
  if (!Array.isArray(list)) return { tours: [], problems: ['scenario: "tours" is not a list'] };
  const tours: Tour[] = [];
  const problems: string[] = [];
  list.forEach((t, i) => {
    const r = validateTour(t, `scenario tours[${i}]`);
    if (r.ok) tours.push(r.tour);
    else problems.push(r.error);
  });
  return { tours, problems };
}
