import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { attributionSchema, type Attribution } from '../../core/schemas/attribution.ts';
import { cityPackSchema, describeZodError, packLayerSchema } from '../../core/schemas/city-pack.ts';
import { refreshPackIndex } from './pack.ts';

/**
 * Adds a layer file (GeoJSON, CSV or GTFS zip) to a city pack: copies it into `<pack>/layers/`
 * and records it in `city.json` with its attribution. Re-adding a layer with the same id
 * replaces it. The file is checked for its format before anything is written.
 */

export interface AddLayerOptions {
  packDir: string;
  file: string;
  /** Layer id in the pack (default: from the file name). */
  id?: string;
  title?: string;
  format?: 'geojson' | 'csv' | 'gtfs';
  /** Catalog layer definition that reads it (e.g. "parking"). */
  layer?: string;
  attribution: Partial<Attribution>;
  /** Largest file accepted, bytes (default 200 MiB). */
  maxBytes?: number;
}

function guessFormat(file: string): 'geojson' | 'csv' | 'gtfs' | null {
  const ext = extname(file).toLowerCase();
  if (ext === '.geojson' || ext === '.json') return 'geojson';
  if (ext === '.csv') return 'csv';
  if (ext === '.zip') return 'gtfs';
  return null;
}

function slug(s: string): string {
  return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'layer';
}

/** Checks that the file is what its format says, with a reason naming the file. */
async function checkFormat(file: string, format: 'geojson' | 'csv' | 'gtfs'): Promise<void> {
  const bytes = await readFile(file);
  if (format === 'geojson') {
    let json: unknown;
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    }
    const type = (json as { type?: unknown })?.type;
    if (type !== 'FeatureCollection' && type !== 'Feature') throw new Error(`${file}: a GeoJSON layer must be a FeatureCollection or a Feature, not ${JSON.stringify(type)}`);
  } else if (format === 'csv') {
    const head = bytes.subarray(0, 4096).toString('utf8');
    const firstLine = head.split(/\r?\n/)[0] ?? '';
    if (!/[,;\t]/.test(firstLine)) throw new Error(`${file}: the first line has no comma, semicolon or tab: not a CSV header`);
  } else if (!(bytes[0] === 0x50 && bytes[1] === 0x4b)) {
    throw new Error(`${file}: not a zip archive (a GTFS feed is a zip)`);
  }
}

export async function addLayer(o: AddLayerOptions): Promise<{ id: string; file: string }> {
  const packDir = resolve(o.packDir);
  const manifestPath = join(packDir, 'city.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(manifestPath, 'utf8'));
  } catch (e) {
    throw new Error(`${manifestPath}: cannot read the pack manifest (${e instanceof Error ? e.message : String(e)})`);
  }
  const manifest = cityPackSchema.safeParse(raw);
  if (!manifest.success) throw new Error(`${manifestPath}: ${describeZodError(manifest.error)}`);
  const info = await stat(o.file).catch(() => null);
  if (info === null || !info.isFile()) throw new Error(`${o.file}: no such file`);
  const maxBytes = o.maxBytes ?? 200 * 1024 * 1024;
  if (info.size > maxBytes) throw new Error(`${o.file}: ${info.size} bytes, more than the limit of ${maxBytes}`);
  const format = o.format ?? guessFormat(o.file);
  if (format === null) throw new Error(`${o.file}: unknown format; give --format geojson, csv or gtfs`);
  await checkFormat(o.file, format);
  const id = o.id ?? slug(basename(o.file, extname(o.file)));
  const attribution = attributionSchema.safeParse({
    title: o.attribution.title ?? o.title ?? basename(o.file),
    publisher: o.attribution.publisher,
    licence: o.attribution.licence,
    date: o.attribution.date,
    status: o.attribution.status ?? 'recorded',
    ...(o.attribution.licenceUrl !== undefined ? { licenceUrl: o.attribution.licenceUrl } : {}),
    origin: o.attribution.origin ?? basename(o.file),
  });
  if (!attribution.success) throw new Error(`layer ${id}: attribution incomplete — ${describeZodError(attribution.error)} (give --publisher, --licence and --date)`);
  const target = `layers/${id}${format === 'gtfs' ? '.zip' : format === 'csv' ? '.csv' : '.geojson'}`;
  const entry = packLayerSchema.parse({
    id,
    title: o.title ?? attribution.data.title,
    file: target,
    format,
    ...(o.layer !== undefined ? { layer: o.layer } : {}),
    attribution: attribution.data,
  });
  await mkdir(join(packDir, 'layers'), { recursive: true });
  await copyFile(o.file, join(packDir, target));
  const pack = manifest.data;
  pack.layers = [...pack.layers.filter((l) => l.id !== id), entry];
  await writeFile(manifestPath, JSON.stringify(cityPackSchema.parse(pack), null, 2) + '\n');
  await refreshPackIndex(resolve(packDir, '..'));
  return { id, file: target };
}
