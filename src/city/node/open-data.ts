import { existsSync } from 'node:fs';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { cityPackSchema, type CityPackInput } from '../../core/schemas/city-pack.ts';
import { LAYERS } from '../../layers/catalog.ts';
import type { LayerDefinition, PackInput } from '../../layers/types.ts';
import { addLayer } from './add-layer.ts';
import { refreshPackIndex } from './pack.ts';

/**
 * The offline city's open data: the recorded files of ../shared/data that the layer definitions
 * name (`inputs[].samples`, with their attribution from SOURCES.md) are added to the demo pack
 * (central Rennes) and to a layers-only "paris" pack (wifi hotspots, arrondissements, Vélib').
 * Files are copied into the packs folder (build output, git-ignored), never into the repository.
 */

/** ../shared/data beside the project, or $JUMEAU_SHARED_DATA. */
export function sharedDataDir(): string {
  return resolve(process.env.JUMEAU_SHARED_DATA ?? join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'data'));
}

export interface SampleFile {
  def: LayerDefinition;
  input: PackInput;
  sample: NonNullable<PackInput['samples']>[number];
}

/** Every recorded sample of the catalog destined to a pack. */
export function samplesFor(pack: 'demo' | 'paris'): SampleFile[] {
  const out: SampleFile[] = [];
  for (const def of LAYERS) for (const input of def.inputs) for (const sample of input.samples ?? []) if (sample.pack === pack) out.push({ def, input, sample });
  return out;
}

/** Adds the samples for `pack` to the pack folder; throws naming the file when one is missing. */
export async function addOpenDataLayers(packDir: string, pack: 'demo' | 'paris', dataDir = sharedDataDir(), log: (l: string) => void = () => undefined): Promise<number> {
  const samples = samplesFor(pack);
  for (const { input, sample } of samples) {
    const file = join(dataDir, sample.path);
    if (!existsSync(file)) throw new Error(`${file}: missing (needed by the ${input.packLayer} layer; see ../shared/data/SOURCES.md)`);
    const added = await addLayer({ packDir, file, id: input.packLayer, title: sample.title, layer: input.packLayer, format: input.format, attribution: sample.attribution });
    // The shared files are read-only; the copies are build output that later builds overwrite.
    await chmod(join(packDir, added.file), 0o644);
  }
  log(`added ${samples.length} open-data layer files to ${packDir}`);
  return samples.length;
}

/** Paris: no buildings here (SOURCES.md), so a layers-only pack over the arrondissements. */
export const PARIS_BBOX = [2.2241, 48.8156, 2.4698, 48.9022] as const;

export async function buildParisPack(outDir: string, dataDir = sharedDataDir(), log: (l: string) => void = () => undefined): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  const wifi = samplesFor('paris').find((s) => s.def.id === 'wifi');
  if (wifi === undefined) throw new Error('the wifi layer has no Paris sample');
  const manifest: CityPackInput = {
    format: 'jumeau-city-pack',
    version: 1,
    id: 'paris',
    name: 'Paris (couches seules)',
    description: 'Open-data layers of Paris without buildings (none are stored offline): public wifi hotspots, arrondissements and Vélib’ stations, recorded snapshots.',
    synthetic: false,
    bbox: [...PARIS_BBOX],
    home: { lonDeg: (PARIS_BBOX[0] + PARIS_BBOX[2]) / 2, latDeg: (PARIS_BBOX[1] + PARIS_BBOX[3]) / 2 - 9000 / Math.tan((50 * Math.PI) / 180) / 111_320, heightM: 9000, headingDeg: 0, pitchDeg: -50, rollDeg: 0 },
    sourceCrs: 'EPSG:4326',
    tileset: null,
    sources: [wifi.sample.attribution],
    layers: [],
    report: { buildings: 0, rejected: [], warnings: ['layers-only pack: no buildings tileset'] },
  };
  await writeFile(join(outDir, 'city.json'), JSON.stringify(cityPackSchema.parse(manifest), null, 2) + '\n');
  await addOpenDataLayers(outDir, 'paris', dataDir, log);
  await refreshPackIndex(resolve(outDir, '..'));
}
