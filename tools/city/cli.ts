import { parseArgs } from 'node:util';
import { addLayer } from './add-layer.ts';
import { checkPack } from './checks.ts';

/**
 * `npm run city -- <command> …`: the city pipeline's command line.
 *
 *   add-layer <pack-dir> <file> [--layer <catalog-id>] [--id <id>] [--title <text>]
 *             [--format geojson|csv|gtfs] --publisher <p> --licence <l> --date <d>
 *             [--status recorded|live|synthetic] [--licence-url <url>] [--origin <text>]
 *   check <pack-dir>      structural checks and the glTF validator on every tile
 */

const USAGE = `usage: npm run city -- <command> …
  add-layer <pack-dir> <file> --publisher P --licence L --date D [--layer ID] [--id ID] [--title T] [--format geojson|csv|gtfs] [--status recorded|live|synthetic]
  check <pack-dir>`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'add-layer': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          layer: { type: 'string' }, id: { type: 'string' }, title: { type: 'string' }, format: { type: 'string' },
          publisher: { type: 'string' }, licence: { type: 'string' }, 'licence-url': { type: 'string' }, date: { type: 'string' },
          status: { type: 'string' }, origin: { type: 'string' },
        },
      });
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
    case 'check': {
      const [packDir] = rest;
      if (packDir === undefined) throw new Error(`check needs <pack-dir>\n${USAGE}`);
      const r = await checkPack(packDir);
      console.log(`${r.tiles} tiles, ${r.features} features, ${r.vertices} vertices; worst vertex outside its region: ${r.worstOutsideM.toFixed(4)} m`);
      for (const e of r.errors) console.error(`error: ${e}`);
      return r.errors.length === 0 ? 0 : 1;
    }
    default:
      console.error(command === undefined ? USAGE : `unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`npm run city: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
