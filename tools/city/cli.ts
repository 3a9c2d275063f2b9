import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addLayer } from '../../src/city/node/add-layer.ts';
import { exitUsage, parseCli, parseCliOrExit, UsageError, type CliSpec } from '../../src/city/node/args.ts';
import { buildCity, type BuildOptions, type BuildResult } from '../../src/city/node/build.ts';
import { checkPack } from '../../src/city/node/checks.ts';
import { mergeParts } from '../../src/city/node/pack.ts';
import { fetchCity, parseBbox } from '../../src/city/node/fetch.ts';
import { terminalProgress } from '../../src/city/progress.ts';
import { SYNTH_SEED, writeSynthGeoJson } from '../../src/city/node/synth.ts';
import { startReplayServer } from '../../src/city/node/wfs-replay.ts';
import { WFS_PRESETS } from '../../src/city/node/wfs.ts';

/**
 * `npm run city -- <command> …`: the city pipeline's command line.
 *
 *   build <input…> --out <pack-dir> --publisher P --licence L --date D [--crs EPSG:n]
 *         [--height ATTR] [--id ATTR] [--name TEXT] [--base ellipsoid|source] [--partition k/n]
 *         [--from postgresql://… --table schema.table [--geometry COLUMN]] …
 *                         GeoJSON / CityGML buildings → a city pack (see README "City pipeline")
 *   add-layer <pack-dir> <file> [--layer <catalog-id>] [--id <id>] [--title <text>]
 *             [--format geojson|csv|gtfs] --publisher <p> --licence <l> --date <d>
 *             [--status recorded|live|synthetic] [--licence-url <url>] [--origin <text>]
 *   fetch --source ign-bdtopo|rennes-metropole|custom --bbox W,S,E,N --out <pack-dir> [--type-name T]
 *         [--url U] [--page-size N] [--max-features N] [--retries N] [--cache DIR] …
 *                         buildings from a WFS (paged, retried, resumable) → a city pack
 *   replay <folder> [--port N]   serves recorded WFS answers (src/city/node/wfs-replay.ts) for fetch
 *   synth --buildings N [--out <pack-dir>] [--geojson <file>] [--seed S] [--workers N]
 *                         a synthetic city of N buildings (GeoJSON in Lambert-93), built as a pack
 *   merge <part-dir…> --out <pack-dir>
 *                         assembles the parts of a build run with --partition k/n (same bytes as one run)
 *   check <pack-dir>      structural checks and the glTF validator on every tile
 *   validate <dir|file…>  city files (jumeau-city) and pack manifests, errors naming JSON paths
 */

const USAGE = `usage: npm run city -- <command> …
  build <input…> --out DIR --publisher P --licence L --date D [--crs EPSG:n [--force-crs]] [--height ATTR] [--id ATTR] [--name TEXT]
        [--title T] [--source-name S] [--licence-url U] [--base ellipsoid|source] [--geoid-undulation M]
        [--storey-height M] [--default-height M] [--max-height M] [--workers N] [--texture-size PX] [--theme T] [--no-compress]
        [--partition k/n] [--from postgresql://… --table schema.table [--geometry COLUMN]]
  add-layer <pack-dir> <file> --publisher P --licence L --date D [--layer ID] [--id ID] [--title T] [--format geojson|csv|gtfs] [--status recorded|live|synthetic]
  fetch --source ign-bdtopo|rennes-metropole|custom --bbox W,S,E,N --out DIR [--type-name T] [--url U] [--srs EPSG:n]
        [--page-size N] [--max-features N] [--sort-by A] [--retries N] [--cache DIR] [--date D] [build options]
  replay <folder> [--port N]
  synth --buildings N [--out DIR] [--geojson FILE] [--seed S] [--workers N]
  merge <part-dir…> --out DIR      (parts built with build … --partition k/n)
  check <pack-dir>
  validate <dir|file…>             city files and pack manifests: every error names its JSON path`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || !Object.hasOwn(COMMANDS, command)) {
    // No command, an unknown one, or --help: the shared parser answers (help, or usage and exit 2).
    const r = parseCli(CITY, argv);
    if (r.help) process.stdout.write(r.text);
    return 0;
  }
  switch (command) {
    case 'add-layer': {
      const { values, positionals } = parseCliOrExit(COMMANDS['add-layer'], rest);
      const [packDir, file] = positionals;
      if (packDir === undefined || file === undefined) throw new Error(`add-layer needs <pack-dir> and <file>\n${USAGE}`);
      if (values.format !== undefined && !['geojson', 'csv', 'gtfs'].includes(values.format)) throw new Error(`--format must be geojson, csv or gtfs, not "${values.format}"`);
      if (values.status !== undefined && !['recorded', 'live', 'synthetic'].includes(values.status)) throw new Error(`--status must be recorded, live or synthetic, not "${values.status}"`);
      const r = await addLayer({
        packDir,
        file,
        ...(values.id !== undefined ? { id: values.id } : {}),
        ...(values.title !== undefined ? { title: values.title } : {}),
        ...(values.layer !== undefined ? { layer: values.layer } : {}),
        ...(values.format !== undefined ? { format: values.format as 'geojson' | 'csv' | 'gtfs' } : {}),
        attribution: {
          ...(values.title !== undefined ? { title: values.title } : {}),
          ...(values.publisher !== undefined ? { publisher: values.publisher } : {}),
          ...(values.licence !== undefined ? { licence: values.licence } : {}),
          ...(values['licence-url'] !== undefined ? { licenceUrl: values['licence-url'] } : {}),
          ...(values.date !== undefined ? { date: values.date } : {}),
          ...(values.status !== undefined ? { status: values.status as 'recorded' | 'live' | 'synthetic' } : {}),
          ...(values.origin !== undefined ? { origin: values.origin } : {}),
        },
      });
      console.log(`added layer "${r.id}" as ${r.file} in ${packDir}`);
      return 0;
    }
    case 'build': {
      const { values, positionals } = parseCliOrExit(COMMANDS.build, rest);
      if (values.from !== undefined && !/^postgres(ql)?:\/\//.test(values.from)) throw new Error(`--from must be a postgresql://… URL, not "${values.from}"`);
      if ((values.from === undefined) !== (values.table === undefined)) throw new Error('--from and --table go together: --from postgresql://user@host/db --table schema.table');
      if (positionals.length === 0 && values.from === undefined) throw new Error(`build needs at least one input file (or --from postgresql://… --table schema.table)\n${USAGE}`);
      for (const k of ['publisher', 'licence', 'date'] as const) {
        if (values[k] === undefined) throw new Error(`build needs --${k}: every pack says where its data comes from (use --licence unknown when it is not known)`);
      }
      const r = await buildCity({
        ...buildOptions(values),
        inputs: positionals,
        ...(values.from !== undefined ? { postgis: { url: values.from, table: values.table!, ...(values.geometry !== undefined ? { geometry: values.geometry } : {}) } } : {}),
        attribution: {
          publisher: values.publisher!, licence: values.licence!, date: values.date!,
          ...(values.title !== undefined ? { title: values.title } : {}),
          ...(values['licence-url'] !== undefined ? { licenceUrl: values['licence-url'] } : {}),
          ...(values.origin !== undefined ? { origin: values.origin } : {}),
        },
      });
      printBuild(r);
      return 0;
    }
    case 'fetch': {
      const { values } = parseCliOrExit(COMMANDS.fetch, rest);
      if (values.source === undefined) throw new Error(`fetch needs --source ${Object.keys(WFS_PRESETS).join('|')}|custom\n${USAGE}`);
      if (values.bbox === undefined) throw new Error('fetch needs --bbox west,south,east,north (degrees)');
      const progress = values.quiet === true ? undefined : terminalProgress();
      const r = await fetchCity({
        ...buildOptions(values),
        source: values.source,
        bbox: parseBbox(values.bbox),
        ...(values.url !== undefined ? { url: values.url } : {}),
        ...(values['type-name'] !== undefined ? { typeName: values['type-name'] } : {}),
        ...(values.srs !== undefined ? { srsName: values.srs } : {}),
        ...(values['sort-by'] !== undefined ? { sortBy: values['sort-by'] } : {}),
        ...(values.cache !== undefined ? { cacheDir: values.cache } : {}),
        ...(values.title !== undefined ? { title: values.title } : {}),
        ...(values.publisher !== undefined ? { publisher: values.publisher } : {}),
        ...(values.licence !== undefined ? { licence: values.licence } : {}),
        ...(values['licence-url'] !== undefined ? { licenceUrl: values['licence-url'] } : {}),
        ...(values.date !== undefined ? { date: values.date } : {}),
        ...numberOption(values['page-size'], 'page-size', 'pageSize', 1, 100_000, true),
        ...numberOption(values['max-features'], 'max-features', 'maxFeatures', 1, 1e9, true),
        policy: { ...numberOption(values.retries, 'retries', 'retries', 0, 20, true), ...(progress !== undefined ? { progress } : {}), log: (l) => console.error(l) },
      });
      console.log(`fetched ${r.fetch.features.toLocaleString('en-US')} features in ${r.fetch.pages} pages (${r.fetch.pagesReused} from the cache, ${r.fetch.requests} requests): ${r.fetch.file}`);
      printBuild(r.build);
      return 0;
    }
    case 'synth': {
      const { values } = parseCliOrExit(COMMANDS.synth, rest);
      const n = numberOption(values.buildings, 'buildings', 'n', 1, 50_000_000, true).n;
      if (n === undefined) throw new Error(`synth needs --buildings N\n${USAGE}`);
      if (values.out === undefined && values.geojson === undefined) throw new Error('synth needs --out <pack-dir> and/or --geojson <file>');
      const seed = numberOption(values.seed, 'seed', 'seed', 0, 2 ** 32 - 1, true).seed ?? SYNTH_SEED;
      const tmp = values.geojson === undefined ? await mkdtemp(join(tmpdir(), 'jumeau-synth-')) : null;
      const file = values.geojson ?? join(tmp!, 'synth.geojson');
      try {
        const progress = values.quiet === true ? null : terminalProgress();
        progress?.start('synth', n, 'buildings');
        await writeSynthGeoJson(file, { buildings: n, seed }, (d) => progress?.update(d));
        progress?.end();
        if (values.geojson !== undefined) console.log(`wrote ${file}: ${n.toLocaleString('en-US')} synthetic buildings (EPSG:2154, seed ${seed})`);
        if (values.out === undefined) return 0;
        const r = await buildCity({
          inputs: [file],
          outDir: values.out,
          name: `Synthetic city (${n.toLocaleString('en-US')} buildings)`,
          description: `Generated by "npm run city -- synth --buildings ${n} --seed ${seed}". Not real buildings.`,
          synthetic: true,
          attribution: { title: 'Synthetic buildings', publisher: 'Jumeau synthetic city generator', licence: 'CC0 1.0', date: 'generated', status: 'synthetic', origin: `npm run city -- synth --buildings ${n} --seed ${seed}` },
          sourceName: 'synthetic',
          ...numberOption(values.workers, 'workers', 'workers', 0, 256, true),
          ...(progress !== null ? { progress } : {}),
        });
        console.log(`built ${r.packDir}: ${r.buildings.toLocaleString('en-US')} buildings, ${r.stats.tiles} tiles, ${(r.stats.glbBytes / 1048576).toFixed(1)} MiB glb, ${r.timings.totalS.toFixed(1)} s`);
        return 0;
      } finally {
        if (tmp !== null) await rm(tmp, { recursive: true, force: true });
      }
    }
    case 'replay': {
      const { values, positionals } = parseCliOrExit(COMMANDS.replay, rest);
      if (positionals[0] === undefined) throw new Error(`replay needs <folder>\n${USAGE}`);
      const srv = await startReplayServer(positionals[0], numberOption(values.port, 'port', 'port', 0, 65535, true).port ?? 0);
      console.log(`replaying ${positionals[0]} at ${srv.url} (Ctrl-C to stop)`);
      await new Promise(() => undefined);
      return 0;
    }
    case 'merge': {
      const { values, positionals } = parseCliOrExit(COMMANDS.merge, rest);
      if (values.out === undefined || positionals.length === 0) throw new Error(`merge needs the part folders and --out <pack-dir>\n${USAGE}`);
      const r = await mergeParts(positionals, values.out);
      console.log(`merged ${positionals.length} parts into ${values.out}: ${r.tiles} tiles, ${(r.glbBytes / 1024).toFixed(0)} KiB glb`);
      return 0;
    }
    case 'validate':
      return (await import('./validate.ts')).main(parseCliOrExit(COMMANDS.validate, rest).positionals);
    case 'check': {
      const [packDir] = parseCliOrExit(COMMANDS.check, rest).positionals;
      if (packDir === undefined) throw new Error(`check needs <pack-dir>\n${USAGE}`);
      const r = await checkPack(packDir);
      console.log(`${r.tiles} tiles, ${r.features} features, ${r.vertices} vertices; worst vertex outside its region: ${r.worstOutsideM.toFixed(4)} m`);
      for (const e of r.errors) console.error(`error: ${e}`);
      return r.errors.length === 0 ? 0 : 1;
    }
    default:
      return 2;
  }
}

const S = (description: string, value = 'VALUE') => ({ type: 'string', value, description }) as const;
const B = (description: string) => ({ type: 'boolean', description }) as const;

/** The options shared by build and fetch (synth takes some of them). */
const BUILD_FLAGS = {
  out: S('the pack folder to write (its name is the pack id, e.g. packs/lyon-1er)', 'DIR'), crs: S('CRS of inputs that declare none', 'EPSG:n'),
  'force-crs': B('accept a --crs that looks wrong for the coordinates'), height: S('height attribute', 'ATTR'), id: S('id attribute', 'ATTR'),
  name: S('the city\'s name', 'TEXT'), description: S('the pack\'s description', 'TEXT'), 'pack-id': S('pack id (default: the folder name)', 'ID'),
  'source-name': S('each building\'s source property', 'TEXT'), base: S('ellipsoid or source heights', 'ellipsoid|source'),
  'geoid-undulation': S('geoid undulation to add, metres', 'M'), 'storey-height': S('metres per storey (3)', 'M'),
  'default-height': S('height when none is known (10)', 'M'), 'max-height': S('heights above are refused (1000)', 'M'),
  workers: S('worker threads (0 = none; default by size and cores)', 'N'), 'texture-size': S('largest texture side kept (1024)', 'PX'),
  theme: S('CityGML appearance theme', 'NAME'), 'no-compress': B('plain glb (for comparisons)'), quiet: B('no progress bar'),
  partition: S('build part k of n (then merge)', 'k/n'),
} as const;
const ATTRIBUTION = {
  title: S('the source\'s title', 'TEXT'), publisher: S('who publishes the data', 'P'), licence: S('its licence (unknown when not known)', 'L'),
  'licence-url': S('the licence\'s address', 'URL'), date: S('the data\'s date', 'D'),
} as const;

/** Every command, its usage and options: `npm run city -- <command> --help` prints them (src/city/node/args.ts). */
const COMMANDS = {
  build: {
    command: 'npm run city -- build', summary: 'GeoJSON / CityJSON / CityGML buildings (files, folders or a PostGIS table) → a city pack', positionals: true,
    usage: ['<input…> --out DIR --publisher P --licence L --date D [options]', '--from postgresql://… --table schema.table [--geometry COLUMN] --out DIR …'],
    options: { ...BUILD_FLAGS, ...ATTRIBUTION, origin: S('where the data was taken from', 'TEXT'), from: S('a PostGIS database', 'postgresql://…'), table: S('its table', 'schema.table'), geometry: S('its geometry column', 'COLUMN') },
  },
  'add-layer': {
    command: 'npm run city -- add-layer', summary: 'adds a layer file (GeoJSON, CSV, GTFS) to a pack', positionals: true,
    usage: ['<pack-dir> <file> --publisher P --licence L --date D [options]'],
    options: {
      ...ATTRIBUTION, layer: S('the catalog display kind', 'ID'), id: S('the layer id', 'ID'), format: S('file format', 'geojson|csv|gtfs'),
      status: S('recorded, live or synthetic', 'STATUS'), origin: S('where the data was taken from', 'TEXT'),
    },
  },
  fetch: {
    command: 'npm run city -- fetch', summary: 'buildings from a WFS (paged, retried, resumable) → a city pack',
    usage: ['--source ign-bdtopo|rennes-metropole|custom --bbox W,S,E,N --out DIR [options]'],
    options: {
      ...BUILD_FLAGS, ...ATTRIBUTION, source: S('a preset or custom', 'NAME'), bbox: S('west,south,east,north in degrees', 'W,S,E,N'), url: S('the WFS address (custom)', 'URL'),
      'type-name': S('the feature type', 'T'), srs: S('the CRS to ask for', 'EPSG:n'), 'page-size': S('features per request', 'N'), 'max-features': S('stop after N features', 'N'),
      'sort-by': S('attribute to page by', 'A'), retries: S('retries per request (0 to 20)', 'N'), cache: S('folder of fetched pages (resumable)', 'DIR'),
    },
  },
  replay: { command: 'npm run city -- replay', summary: 'serves recorded WFS answers to try fetch offline', positionals: true, usage: ['<folder> [--port N]'], options: { port: S('port (default: any free one)', 'N') } },
  synth: {
    command: 'npm run city -- synth', summary: 'a synthetic city of N buildings (GeoJSON in Lambert-93), built as a pack', usage: ['--buildings N [--out DIR] [--geojson FILE] [--seed S] [--workers N]'],
    options: { buildings: S('how many buildings', 'N'), out: S('the pack folder to write', 'DIR'), geojson: S('also write the GeoJSON', 'FILE'), seed: S('random seed', 'S'), workers: S('worker threads', 'N'), quiet: B('no progress bar') },
  },
  merge: { command: 'npm run city -- merge', summary: 'assembles the parts of a build run with --partition k/n (same bytes as one run)', positionals: true, usage: ['<part-dir…> --out DIR'], options: { out: S('the pack folder to write', 'DIR') } },
  check: { command: 'npm run city -- check', summary: 'structural checks and the glTF validator on every tile', positionals: true, usage: ['<pack-dir>'] },
  validate: { command: 'npm run city -- validate', summary: 'city files and pack manifests: every error names its JSON path', positionals: true, usage: ['<dir|file…>'] },
} as const satisfies Record<string, CliSpec>;
const CITY: CliSpec = { command: 'npm run city --', summary: 'The city pipeline: builds, fetches, checks and extends city packs (README, "City pipeline").', commands: COMMANDS };

type BuildFlagValues = { [K in keyof typeof BUILD_FLAGS]?: (typeof BUILD_FLAGS)[K]['type'] extends 'boolean' ? boolean : string };

/** The options shared by build, fetch (and synth): output, CRS, height and id rules, workers… */
function buildOptions(values: BuildFlagValues): Omit<BuildOptions, 'inputs' | 'attribution'> {
  if (values.out === undefined) throw new Error('--out <pack-dir> is needed (its name is the pack id, e.g. packs/lyon-1er)');
  if (values.base !== undefined && values.base !== 'ellipsoid' && values.base !== 'source') throw new Error(`--base must be ellipsoid or source, not "${values.base}"`);
  return {
    outDir: values.out,
    ...(values['pack-id'] !== undefined ? { packId: values['pack-id'] } : {}),
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(values.description !== undefined ? { description: values.description } : {}),
    ...(values.crs !== undefined ? { crs: values.crs } : {}),
    ...(values['force-crs'] === true ? { forceCrs: true } : {}),
    ...(values.partition !== undefined ? { partition: parsePartition(values.partition) } : {}),
    ...(values.height !== undefined ? { heightAttribute: values.height } : {}),
    ...(values.id !== undefined ? { idAttribute: values.id } : {}),
    ...(values['source-name'] !== undefined ? { sourceName: values['source-name'] } : {}),
    ...(values.base !== undefined ? { base: values.base as 'ellipsoid' | 'source' } : {}),
    ...(values.theme !== undefined ? { theme: values.theme } : {}),
    ...numberOption(values['geoid-undulation'], 'geoid-undulation', 'geoidUndulationM', -200, 200),
    ...numberOption(values['storey-height'], 'storey-height', 'storeyHeightM', 1, 10),
    ...numberOption(values['default-height'], 'default-height', 'defaultHeightM', 0.5, 1000),
    ...numberOption(values['max-height'], 'max-height', 'maxHeightM', 1, 5000),
    ...numberOption(values.workers, 'workers', 'workers', 0, 256, true),
    ...numberOption(values['texture-size'], 'texture-size', 'textureSizePx', 16, 16384, true),
    compress: values['no-compress'] !== true,
    ...(values.quiet === true ? {} : { progress: terminalProgress() }),
  };
}

function printBuild(r: BuildResult): void {
  console.log(
    `built ${r.packDir}: ${r.buildings.toLocaleString('en-US')} buildings, ${r.rejected.length} rejected, ${r.stats.tiles} tiles (depth ${r.stats.depth}), ` +
      `${(r.stats.glbBytes / 1024).toFixed(0)} KiB glb, ${r.workers} workers, ${r.timings.totalS.toFixed(1)} s (${Math.round(r.buildings / r.timings.totalS).toLocaleString('en-US')} buildings/s)` +
      (r.stats.reusedTiles > 0 ? `; ${r.stats.reusedTiles} tiles unchanged since the last run, kept` : ''),
  );
  for (const w of r.warnings) console.log(`  warning: ${w}`);
  for (const x of r.rejected.slice(0, 20)) console.log(`  rejected ${x.file !== undefined ? `${x.file} ` : ''}#${x.index}${x.id !== null ? ` (${x.id})` : ''}: ${x.reason}`);
  if (r.rejected.length > 20) console.log(`  … and ${r.rejected.length - 20} more rejected (all listed in city.json)`);
}

/** Parses `--partition k/n`. */
function parsePartition(raw: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  const k = Number(m?.[1]), n = Number(m?.[2]);
  if (m === null || !(n >= 1 && n <= 100_000 && k >= 1 && k <= n)) throw new Error(`--partition must be k/n with 1 ≤ k ≤ n (e.g. 3/16), not "${raw}"`);
  return { index: k, count: n };
}

/** Parses a numeric option within bounds into `{ [key]: value }` (empty when absent). */
function numberOption<K extends string>(raw: string | undefined, flag: string, key: K, min: number, max: number, integer = false): Partial<Record<K, number>> {
  if (raw === undefined) return {};
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    throw new Error(`--${flag} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, not "${raw}"`);
  }
  return { [key]: n } as Partial<Record<K, number>>;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) exitUsage(e);
    console.error(`npm run city: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
