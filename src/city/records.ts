import type { CityGmlBuilding } from './citygml-sax.ts';
import { lod2ToRecord, type CleanCounters, type RecordRules } from './clean.ts';
import { crsInfo, parseCrsName, toWgs84 } from './crs.ts';
import type { BuildingRecord } from './types.ts';

/**
 * The pure steps of the pipeline between a city model read (CityGML or CityJSON) and the build
 * report: the CRS to read it in, reprojection + cleaning into records with rejections, and the
 * report's summed warnings. Shared by the CLI (build.ts) and the browser's user-data worker.
 */

/** A building refused, with the reason. */
export interface Rejection {
  index: number;
  id: string | null;
  reason: string;
  file?: string;
}

/** What reading the inputs gathered. */
export interface Collected {
  records: BuildingRecord[];
  rejected: Rejection[];
  warnings: string[];
  counters: CleanCounters;
  crsUsed: Set<string>;
  missingIds: number;
}

/** `n one` / `n ones`, with thousands separators. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

const CLI_WORDS = { given: '--crs says', missing: 'declares no CRS (no srsName): pass --crs EPSG:n' };

/**
 * The CRS (`EPSG:n`) of a city model from what it declares and what the user gave. Throws when
 * the declaration is unreadable or unsupported, contradicts the given one, or when neither is
 * known (`MissingCrsError`, so that callers can ask for it).
 */
export function cityModelCrs(declaredName: string | null, given: string | undefined, where: string, words: { given: string; missing: string } = CLI_WORDS): string {
  const declared = declaredName !== null ? parseCrsName(declaredName) : null;
  if (declaredName !== null && declared === null) throw new Error(`${where}: cannot read its srsName "${declaredName}"`);
  const givenCode = given !== undefined ? crsInfo(given).code : null;
  const declaredCode = declared !== null ? crsInfo(declared).code : null;
  if (declaredCode !== null && givenCode !== null && declaredCode !== givenCode) throw new Error(`${where} declares ${declaredCode} but ${words.given} ${givenCode}`);
  const code = declaredCode ?? givenCode;
  if (code === null) throw new MissingCrsError(`${where} ${words.missing} (the Métropole de Lyon's CityGML is EPSG:3946, RGF93 / CC46)`);
  return code;
}

/** A city model whose CRS is neither declared nor given. */
export class MissingCrsError extends Error {
  override readonly name = 'MissingCrsError';
}

/**
 * Reprojects, cleans and validates the buildings of a city model into `c` (records, or
 * rejections with their reasons). `axisLatFirst`: coordinates of a geographic CRS come latitude
 * first (GML follows the EPSG axis order) and are swapped.
 */
export function collectCityModel(buildings: readonly CityGmlBuilding[], code: string, axisLatFirst: boolean, rules: RecordRules, c: Collected, label: (index: number) => string, file?: string): void {
  const crs = toWgs84(code);
  if (crs.crs.geographic && axisLatFirst) {
    for (const b of buildings) for (const s of b.source.surfaces) for (const ring of s.rings) for (let i = 0; i < ring.length; i += 3) [ring[i], ring[i + 1]] = [ring[i + 1]!, ring[i]!];
  }
  c.crsUsed.add(code);
  for (const b of buildings) {
    const r = lod2ToRecord(b.source, crs, rules, c.counters, label(b.index));
    if (r.ok) {
      c.records.push(r.record);
      if (!r.idFromSource) c.missingIds++;
    } else c.rejected.push({ index: b.index, id: r.id, reason: r.reason, ...(file !== undefined ? { file } : {}) });
  }
}

/** Makes ids unique (later duplicates get `~2`, `~3`…); returns a warning or null. */
export function uniqueIds(records: BuildingRecord[]): string | null {
  const seen = new Map<string, number>();
  const taken = new Set(records.map((r) => r.id));
  let renamed = 0;
  const examples: string[] = [];
  for (const r of records) {
    const n = (seen.get(r.id) ?? 0) + 1;
    seen.set(r.id, n);
    if (n === 1) continue;
    let k = n;
    while (taken.has(`${r.id}~${k}`)) k++;
    if (examples.length < 3 && !examples.includes(r.id)) examples.push(r.id);
    r.id = `${r.id}~${k}`;
    taken.add(r.id);
    renamed++;
  }
  if (renamed === 0) return null;
  return `${plural(renamed, 'building')} shared an id with an earlier one and got a suffix ~2, ~3… (e.g. ${examples.map((e) => JSON.stringify(e)).join(', ')})`;
}

/**
 * Makes ids unique as records stream by (later duplicates get `~2`, `~3`… skipping ids already
 * seen), and counts records by height source: what `uniqueIds` and `summaryWarnings` do on an
 * array, for records that are not kept. It keeps every id seen (the only per-building memory
 * of a streaming read besides the tiling index).
 */
export class UniqueIdTally {
  private readonly seen = new Set<string>();
  private readonly occurrences = new Map<string, number>();
  readonly bySource = new Map<string, number>();
  private renamed = 0;
  private readonly examples: string[] = [];
  /** What was added since `begin()`: [original id, id kept, height source]. */
  private log: [string, string, string][] | null = null;

  /** Starts remembering what is added, so that `rollback()` can forget it (a file read again). */
  begin(): void {
    this.log = [];
  }

  /** Forgets what was added since `begin()`. */
  rollback(): void {
    for (const [original, kept, source] of (this.log ?? []).reverse()) {
      this.seen.delete(kept);
      this.bySource.set(source, this.bySource.get(source)! - 1);
      if (original !== kept) {
        this.renamed--;
        this.occurrences.set(original, this.occurrences.get(original)! - 1);
      }
    }
    this.log = null;
  }

  /** Renames `r.id` if it was seen before; counts its height source. */
  add(r: BuildingRecord): void {
    this.bySource.set(r.heightSource, (this.bySource.get(r.heightSource) ?? 0) + 1);
    const original = r.id;
    this.addId(r);
    this.log?.push([original, r.id, r.heightSource]);
  }

  private addId(r: BuildingRecord): void {
    if (!this.seen.has(r.id)) {
      this.seen.add(r.id);
      return;
    }
    const n = (this.occurrences.get(r.id) ?? 1) + 1;
    this.occurrences.set(r.id, n);
    let k = n;
    while (this.seen.has(`${r.id}~${k}`)) k++;
    if (this.examples.length < 3 && !this.examples.includes(r.id)) this.examples.push(r.id);
    r.id = `${r.id}~${k}`;
    this.seen.add(r.id);
    this.renamed++;
  }

  /** The warning `uniqueIds` would give, or null. */
  get duplicates(): string | null {
    if (this.renamed === 0) return null;
    return `${plural(this.renamed, 'building')} shared an id with an earlier one and got a suffix ~2, ~3… (e.g. ${this.examples.map((e) => JSON.stringify(e)).join(', ')})`;
  }
}

/**
 * The report's warnings on what was flagged or changed, summed (ids are made unique here).
 * A streaming reader, whose records are no longer in `c.records`, gives the counts by height
 * source and the duplicate-id warning it kept as it went (`UniqueIdTally`).
 */
export function summaryWarnings(c: Collected, rules: RecordRules, streamed?: { bySource: ReadonlyMap<string, number>; duplicates: string | null }): string[] {
  const warnings: string[] = [];
  const bySource = new Map<string, number>(streamed?.bySource ?? []);
  if (streamed === undefined) for (const r of c.records) bySource.set(r.heightSource, (bySource.get(r.heightSource) ?? 0) + 1);
  const defaults = bySource.get('default') ?? 0;
  if (defaults > 0) warnings.push(`${plural(defaults, 'building')} had no height: default ${rules.defaultHeightM ?? 10} m, flagged heightSource "default"`);
  const levels = bySource.get('levels') ?? 0;
  if (levels > 0) warnings.push(`${plural(levels, 'building')} got their height from a number of storeys × ${rules.storeyHeightM ?? 3} m (heightSource "levels")`);
  if (c.missingIds > 0) warnings.push(`${plural(c.missingIds, 'building')} had no id: named #<index in the file>`);
  const dup = streamed !== undefined ? streamed.duplicates : uniqueIds(c.records);
  if (dup !== null) warnings.push(dup);
  const k = c.counters;
  if (k.removedVertices > 0) warnings.push(`${plural(k.removedVertices, 'duplicate or spike vertex', 'duplicate or spike vertices')} removed`);
  if (k.reorientedRings > 0) warnings.push(`${plural(k.reorientedRings, 'ring')} reoriented (outer rings counter-clockwise, holes clockwise)`);
  if (k.droppedHoles > 0) warnings.push(`${plural(k.droppedHoles, 'degenerate hole')} (fewer than 3 vertices or no area) dropped`);
  if (k.droppedSurfaces > 0) warnings.push(`${plural(k.droppedSurfaces, 'degenerate LOD2 surface')} dropped`);
  if (k.untexturedSurfaces > 0) warnings.push(`${plural(k.untexturedSurfaces, 'LOD2 surface')} kept without texture (texture coordinates missing or not matching the ring)`);
  return warnings;
}
