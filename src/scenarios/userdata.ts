import { z } from 'zod';
import { base64Decode, base64Encode } from '../core/bytes.ts';
import type { UserFormat, UserParseOptions } from '../layers/userdata-types.ts';
import { sha256Hex } from './file.ts';

/**
 * "My data" saved with a scenario (issue 13): the scenario file's optional `userData` list. URL
 * items travel by reference (kind, URL, name, licence, publisher, style, placement); file items
 * with their bytes (base64, with their SHA-256), up to MAX_SCENARIO_USERDATA_BYTES in all; items
 * beyond the cap, and local tilesets (archives, folders), are listed by name with why they were
 * left out. Reading checks each item on its own: a bad item is named and skipped, the others and
 * the scenario are kept. Pure (no DOM, no IndexedDB): the features wire it through `UserDataHooks`.
 *
 * ```json
 * "userData": [
 *   { "name": "places.geojson", "format": "geojson", "licence": "ODbL", "publisher": "Ville",
 *     "styleField": null, "options": {}, "source": { "kind": "file", "sha256": "…", "data": "<base64>" } },
 *   { "name": "ortho (wxs.ign.fr)", "format": "wms", …, "source": { "kind": "url", "url": "https://…", "layers": "ORTHO" } },
 *   { "name": "big.glb", "format": "glb", "leftOut": "the scenario file holds at most 25 MB of My data files" } ]
 * ```
 */

/** Total of the file items' bytes a scenario file carries. */
export const MAX_SCENARIO_USERDATA_BYTES = 25 * 1024 * 1024;
/** Most items listed (USER_LIMITS.maxItems is 40 per city; a margin for hand-edited files). */
export const MAX_SCENARIO_USERDATA_ITEMS = 100;

const FORMATS = ['geojson', 'csv', 'gpx', 'kml', 'kmz', 'shapefile', 'glb', 'tileset', 'citygml', 'cityjson', 'wms', 'wmts', 'xyz'] as const satisfies readonly UserFormat[];

/** One My data item as it travels with a scenario. */
export interface ScenarioUserItem {
  name: string;
  format: UserFormat;
  licence: string;
  publisher: string;
  styleField: string | null;
  options: UserParseOptions;
  placement?: { lonDeg: number; latDeg: number; heightM: number; headingDeg: number; scale: number };
  source: { kind: 'url'; url: string; layers?: string } | { kind: 'file'; bytes: Uint8Array };
}

/** An item the file does not carry, and why. */
export interface LeftOutUserItem {
  name: string;
  format: UserFormat;
  reason: string;
}

const text = (max: number) => z.string().max(max);
const optionsSchema = z
  .object({
    csv: z.object({ xField: text(200).optional(), yField: text(200).nullable().optional(), crs: z.string().regex(/^EPSG:\d{1,6}$/).optional() }).strict().optional(),
    city: z.object({ crs: z.string().regex(/^EPSG:\d{1,6}$/).optional() }).strict().optional(),
  })
  .strict();
const placementSchema = z
  .object({
    lonDeg: z.number().min(-180).max(180),
    latDeg: z.number().min(-90).max(90),
    heightM: z.number().min(-1000).max(10_000),
    headingDeg: z.number().min(-360).max(360),
    scale: z.number().positive().max(10_000),
  })
  .strict();
const common = {
  name: z.string().max(300).refine((v) => v.trim() !== '', 'an item needs a name'),
  format: z.enum(FORMATS),
};
const itemSchema = z
  .object({
    ...common,
    licence: text(500),
    publisher: text(500),
    styleField: text(200).nullable(),
    options: optionsSchema,
    placement: placementSchema.optional(),
    source: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('url'), url: z.string().max(4000).regex(/^https?:\/\//i, 'an http or https address'), layers: text(500).optional() }).strict(),
      z.object({ kind: z.literal('file'), sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the bytes'), data: z.string().max(Math.ceil((MAX_SCENARIO_USERDATA_BYTES * 4) / 3) + 4) }).strict(),
    ]),
  })
  .strict();
const leftOutSchema = z.object({ ...common, leftOut: text(500) }).strict();

/** The `userData` list of a scenario file (items beyond the byte cap are listed as left out). */
export async function writeUserData(items: readonly (ScenarioUserItem | LeftOutUserItem)[], capBytes = MAX_SCENARIO_USERDATA_BYTES): Promise<{ entries: unknown[]; leftOut: LeftOutUserItem[] }> {
  const entries: unknown[] = [];
  const leftOut: LeftOutUserItem[] = [];
  let total = 0;
  for (const it of items.slice(0, MAX_SCENARIO_USERDATA_ITEMS)) {
    if (!('source' in it)) {
      leftOut.push(it);
      entries.push({ name: it.name, format: it.format, leftOut: it.reason });
      continue;
    }
    const base = { name: it.name, format: it.format, licence: it.licence, publisher: it.publisher, styleField: it.styleField, options: it.options, ...(it.placement !== undefined ? { placement: { ...it.placement } } : {}) };
    if (it.source.kind === 'url') {
      entries.push({ ...base, source: { kind: 'url', url: it.source.url, ...(it.source.layers !== undefined ? { layers: it.source.layers } : {}) } });
      continue;
    }
    const n = it.source.bytes.byteLength;
    if (total + n > capBytes) {
      const reason = `the scenario file holds at most ${Math.round(capBytes / 1048576)} MB of My data files (this one is ${(n / 1048576).toFixed(1)} MB)`;
      leftOut.push({ name: it.name, format: it.format, reason });
      entries.push({ name: it.name, format: it.format, leftOut: reason });
      continue;
    }
    total += n;
    entries.push({ ...base, source: { kind: 'file', sha256: await sha256Hex(it.source.bytes), data: base64Encode(it.source.bytes) } });
  }
  return { entries, leftOut };
}

/** The document with its `userData` list set (a copy; none when there are no items). */
export async function withUserData<T extends object>(doc: T, items: readonly (ScenarioUserItem | LeftOutUserItem)[], capBytes = MAX_SCENARIO_USERDATA_BYTES): Promise<{ doc: T & { userData?: unknown[] }; leftOut: LeftOutUserItem[] }> {
  if (items.length === 0) return { doc: { ...doc }, leftOut: [] };
  const { entries, leftOut } = await writeUserData(items, capBytes);
  return { doc: { ...doc, userData: entries }, leftOut };
}

function issueText(where: string, e: z.ZodError): string {
  const i = e.issues[0]!;
  const path = i.path.map(String).join('.');
  return `${where}${path === '' ? '' : `.${path}`}: ${i.message}`;
}

/**
 * The My data items a scenario document carries (none when it has no `userData`), each checked
 * on its own: `problems` names the bad ones (where and why), `leftOut` those the file lists without
 * their data. Never throws.
 */
export async function readUserData(doc: unknown): Promise<{ items: ScenarioUserItem[]; leftOut: LeftOutUserItem[]; problems: string[] }> {
  const items: ScenarioUserItem[] = [];
  const leftOut: LeftOutUserItem[] = [];
  const problems: string[] = [];
  const list = typeof doc === 'object' && doc !== null ? (doc as { userData?: unknown }).userData : undefined;
  if (list === undefined) return { items, leftOut, problems };
  if (!Array.isArray(list)) return { items, leftOut, problems: ['userData: not a list'] };
  if (list.length > MAX_SCENARIO_USERDATA_ITEMS) problems.push(`userData: ${list.length} items, only the first ${MAX_SCENARIO_USERDATA_ITEMS} are read`);
  for (const [i, raw] of list.slice(0, MAX_SCENARIO_USERDATA_ITEMS).entries()) {
    const where = `userData[${i}]`;
    if (typeof raw === 'object' && raw !== null && 'leftOut' in raw) {
      const l = leftOutSchema.safeParse(raw);
      if (l.success) leftOut.push({ name: l.data.name, format: l.data.format, reason: l.data.leftOut });
      else problems.push(issueText(where, l.error));
      continue;
    }
    const p = itemSchema.safeParse(raw);
    if (!p.success) {
      problems.push(issueText(where, p.error));
      continue;
    }
    const d = p.data;
    const named = `${where} "${d.name.slice(0, 80)}"`;
    let source: ScenarioUserItem['source'];
    if (d.source.kind === 'url') source = { kind: 'url', url: d.source.url, ...(d.source.layers !== undefined ? { layers: d.source.layers } : {}) };
    else {
      let bytes: Uint8Array;
      try {
        bytes = base64Decode(d.source.data);
      } catch (e) {
        problems.push(`${named}: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      const actual = await sha256Hex(bytes);
      if (actual !== d.source.sha256) {
        problems.push(`${named}: corrupted (its SHA-256 is ${actual.slice(0, 12)}…, the file says ${d.source.sha256.slice(0, 12)}…)`);
        continue;
      }
      source = { kind: 'file', bytes };
    }
    const options: UserParseOptions = {};
    if (d.options.csv !== undefined) options.csv = Object.fromEntries(Object.entries(d.options.csv).filter(([, v]) => v !== undefined));
    if (d.options.city !== undefined) options.city = d.options.city.crs !== undefined ? { crs: d.options.city.crs } : {};
    items.push({ name: d.name, format: d.format, licence: d.licence, publisher: d.publisher, styleField: d.styleField, options, ...(d.placement !== undefined ? { placement: d.placement } : {}), source });
  }
  return { items, leftOut, problems };
}

/** Whether two items are the same data (same URL, or same name and bytes): not added twice. */
export function sameUserItem(a: Pick<ScenarioUserItem, 'name' | 'source'>, b: { name: string; source: { kind: string; url?: string; bytes?: Uint8Array } }): boolean {
  if (a.source.kind === 'url') return b.source.kind === 'url' && b.source.url === a.source.url;
  if (b.source.kind !== 'file' || b.name !== a.name || b.source.bytes === undefined) return false;
  const x = a.source.bytes, y = b.source.bytes;
  if (x.byteLength !== y.byteLength) return false;
  for (let i = 0; i < x.byteLength; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * How the scenario feature reaches My data without importing it: the userdata feature provides
 * the list and the adoption; until it does, scenarios are written and read without their data.
 */
export interface UserDataProvider {
  /** The open city's items (left-out ones for local tilesets, which are not embedded). */
  items(): (ScenarioUserItem | LeftOutUserItem)[];
  /** Adds items to My data (checks and limits as by hand; same data not added twice). */
  adopt(items: readonly ScenarioUserItem[]): Promise<{ added: number; skipped: number; problems: string[] }>;
}

export interface UserDataHooks {
  provide(p: UserDataProvider): () => void;
  provider(): UserDataProvider | null;
}

export function createUserDataHooks(): UserDataHooks {
  let p: UserDataProvider | null = null;
  return {
    provide(x) {
      p = x;
      return () => {
        if (p === x) p = null;
      };
    },
    provider: () => p,
  };
}
