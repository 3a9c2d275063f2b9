import { readFileSync } from 'node:fs';

/** The demo pack's layer files by layer id, as paths the headless runtime reads. */
export function demoPackFiles(): Record<string, string> {
  const city = JSON.parse(readFileSync('packs/demo/city.json', 'utf8')) as { layers: { layer?: string; file: string }[] };
  const out: Record<string, string> = {};
  for (const l of city.layers) if (l.layer !== undefined) out[l.layer] = `packs/demo/${l.file}`;
  return out;
}

/** The demo pack's population squares meeting a bbox [w, s, e, n], as a GeoJSON FeatureCollection. */
export function demoPopulation(bbox: readonly number[]): { type: 'FeatureCollection'; features: unknown[] } {
  type F = { geometry: { coordinates: number[][][] } };
  const fc = JSON.parse(readFileSync('packs/demo/layers/population-grid.geojson', 'utf8')) as { features: F[] };
  const meets = (f: F) => {
    const r = f.geometry.coordinates[0]!;
    const lons = r.map((p) => p[0]!), lats = r.map((p) => p[1]!);
    return Math.min(...lons) <= bbox[2]! && Math.max(...lons) >= bbox[0]! && Math.min(...lats) <= bbox[3]! && Math.max(...lats) >= bbox[1]!;
  };
  return { type: 'FeatureCollection', features: fc.features.filter(meets) };
}
