import { readFileSync } from 'node:fs';

/** The demo pack's layer files by layer id, as paths the headless runtime reads. */
export function demoPackFiles(): Record<string, string> {
  const city = JSON.parse(readFileSync('packs/demo/city.json', 'utf8')) as { layers: { layer?: string; file: string }[] };
  const out: Record<string, string> = {};
  for (const l of city.layers) if (l.layer !== undefined) out[l.layer] = `packs/demo/${l.file}`;
  return out;
}
